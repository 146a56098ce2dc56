/* table.h - the one table of port4me's settings.
 *
 * Every input of port4me is one row: its argument of port4me() in R, its
 * environment variable, its command-line option, its kind (which parser
 * reads it, and so which rule its values follow), its limits, its default
 * and a one-line help.  Everything else is derived from this table: the
 * variables that R reads (by name), the arguments it checks, the options
 * of the command line and its --help, the bash completion's option list
 * and the help topics (both checked against the table by tests), the
 * wording of every error about a value, and the debug report.
 *
 * Rows that are not port4me's own settings (USER, HOME, ...) are inputs
 * too: the variables that name the user or the folders for claims.
 * Plain C99, no R types. */
#ifndef P4M_TABLE_H
#define P4M_TABLE_H

#include <stddef.h>

/* Kinds: one parser, and one rule, each. */
enum {
  P4M_K_NAME,     /* a user or tool name: text, hashed by code points */
  P4M_K_PORTS,    /* a port set: "4321,8000-8099", {chrome}, {firefox} */
  P4M_K_COUNT,    /* a whole number in min..max */
  P4M_K_PORT,     /* one port, 1..65535 */
  P4M_K_SECONDS,  /* a whole number of seconds in min..max */
  P4M_K_FLAG,     /* true or false */
  P4M_K_HOOK,     /* _PORT4ME_CHECK_AVAILABLE_PORTS_: unset, "" or "any" */
  P4M_K_PATH,     /* a folder (passed over unless absolute) */
  P4M_K_ACTION    /* a command-line action without a value (--help) */
};

/* Groups, for the documentation. */
enum {
  P4M_G_USER,     /* user-level settings: argument, variable, option */
  P4M_G_SITE,     /* site-level variables, applied whatever is passed */
  P4M_G_TESTING,  /* testing and debugging */
  P4M_G_SYSTEM,   /* the system's variables port4me reads (USER, HOME) */
  P4M_G_CLI       /* command-line actions */
};

#define P4M_INT_MAX 2147483647.0

/* X(ID, argument, variable, option, kind, min, max, default, group,
 *   placeholder, help).  NULL: the row has no such form.  min/max: the
 * limits of numbers (for NAME, min 1 means "must not be empty").
 * placeholder: the option's value in --help ("" = takes no value). */
#define P4M_TABLE(X)                                                         \
  X(TOOL, "tool", "PORT4ME_TOOL", "--tool", P4M_K_NAME, 0, 0, NULL,          \
    P4M_G_USER, "<name>",                                                    \
    "The tool, e.g. rstudio: each tool of a user has its own ports")         \
  X(USER, "user", "PORT4ME_USER", "--user", P4M_K_NAME, 1, 0, NULL,          \
    P4M_G_USER, "<name>",                                                    \
    "Whose ports (default: USER, else the account name)")                    \
  X(PREPEND, "prepend", "PORT4ME_PREPEND", "--prepend", P4M_K_PORTS, 1,      \
    65535, NULL, P4M_G_USER, "<ports>",                                      \
    "Ports to try first, in this order")                                     \
  X(INCLUDE, "include", "PORT4ME_INCLUDE", "--include", P4M_K_PORTS, 1,      \
    65535, "1024-65535", P4M_G_USER, "<ports>",                              \
    "The only ports the sequence may use")                                   \
  X(EXCLUDE, "exclude", "PORT4ME_EXCLUDE", "--exclude", P4M_K_PORTS, 1,      \
    65535, NULL, P4M_G_USER, "<ports>",                                      \
    "Ports the sequence must not use")                                       \
  X(SKIP, "skip", "PORT4ME_SKIP", "--skip", P4M_K_COUNT, 0, P4M_INT_MAX,     \
    "0", P4M_G_USER, "<n>", "Pass over the first <n> ports of the stream")   \
  X(LIST, "list", "PORT4ME_LIST", "--list", P4M_K_COUNT, 1, P4M_INT_MAX,     \
    NULL, P4M_G_USER, "<n>",                                                 \
    "Give the next <n> ports of the stream, free or not")                    \
  X(TEST, "test", "PORT4ME_TEST", "--test", P4M_K_PORT, 1, 65535, NULL,      \
    P4M_G_USER, "<port>", "Only say whether <port> is free now")             \
  X(MAX_TRIES, "max_tries", "PORT4ME_MAX_TRIES", "--max-tries",              \
    P4M_K_COUNT, 1, P4M_INT_MAX, "65535", P4M_G_USER, "<n>",                 \
    "Give up after checking <n> ports")                                      \
  X(MUST_WORK, "must_work", "PORT4ME_MUST_WORK", "--must-work",              \
    P4M_K_FLAG, 0, 1, "true", P4M_G_USER, "<true|false>",                    \
    "When no port is free: an error (true) or -1 (false)")                   \
  X(RESERVE, "reserve", "PORT4ME_RESERVE", "--reserve", P4M_K_SECONDS, 0,    \
    86400, "0", P4M_G_USER, "<seconds>",                                     \
    "Claim the port for <seconds>, so your other calls pass it over")        \
  X(RELEASE, "release", NULL, "--release", P4M_K_PORT, 1, 65535, NULL,       \
    P4M_G_USER, "<port>", "Drop your claim on <port> now")                   \
  X(DEBUG, NULL, "PORT4ME_DEBUG", "--debug", P4M_K_FLAG, 0, 1, "false",      \
    P4M_G_TESTING, "",                                                       \
    "Say what port4me was given and why it passed over ports")               \
  X(PREPEND_SITE, NULL, "PORT4ME_PREPEND_SITE", NULL, P4M_K_PORTS, 1,        \
    65535, NULL, P4M_G_SITE, NULL,                                           \
    "Ports to try after the prepended ones, before the sequence")            \
  X(INCLUDE_SITE, NULL, "PORT4ME_INCLUDE_SITE", NULL, P4M_K_PORTS, 1,        \
    65535, NULL, P4M_G_SITE, NULL,                                           \
    "Ports united with the include set (alone, they narrow the default)")    \
  X(EXCLUDE_SITE, NULL, "PORT4ME_EXCLUDE_SITE", NULL, P4M_K_PORTS, 1,        \
    65535, NULL, P4M_G_SITE, NULL, "Ports never used, whatever is passed")   \
  X(EXCLUDE_UNSAFE, NULL, "PORT4ME_EXCLUDE_UNSAFE", NULL, P4M_K_PORTS, 1,    \
    65535, "{chrome},{firefox}", P4M_G_SITE, NULL,                           \
    "Ports that web browsers refuse to open, never used either")             \
  X(UNSAFE_CHROME, NULL, "PORT4ME_EXCLUDE_UNSAFE_CHROME", NULL,              \
    P4M_K_PORTS, 1, 65535, p4m_unsafe_chrome, P4M_G_SITE, NULL,              \
    "What {chrome} stands for")                                              \
  X(UNSAFE_FIREFOX, NULL, "PORT4ME_EXCLUDE_UNSAFE_FIREFOX", NULL,            \
    P4M_K_PORTS, 1, 65535, p4m_unsafe_firefox, P4M_G_SITE, NULL,             \
    "What {firefox} stands for")                                             \
  X(CHECK_ANY, NULL, "_PORT4ME_CHECK_AVAILABLE_PORTS_", NULL, P4M_K_HOOK,    \
    0, 0, NULL, P4M_G_TESTING, NULL,                                         \
    "\"any\": every port counts as free (a testing hook)")                   \
  X(OS_USER, NULL, "USER", NULL, P4M_K_NAME, 1, 0, NULL, P4M_G_SYSTEM,       \
    NULL, "The user, when PORT4ME_USER is unset or empty")                   \
  X(XDG_RUNTIME_DIR, NULL, "XDG_RUNTIME_DIR", NULL, P4M_K_PATH, 0, 0, NULL,  \
    P4M_G_SYSTEM, NULL, "The user's runtime folder: claims live there")      \
  X(R_USER_CACHE_DIR, NULL, "R_USER_CACHE_DIR", NULL, P4M_K_PATH, 0, 0,      \
    NULL, P4M_G_SYSTEM, NULL, "R's cache folder (tools::R_user_dir())")      \
  X(XDG_CACHE_HOME, NULL, "XDG_CACHE_HOME", NULL, P4M_K_PATH, 0, 0, NULL,    \
    P4M_G_SYSTEM, NULL, "The user's cache folder (tools::R_user_dir())")     \
  X(LOCALAPPDATA, NULL, "LOCALAPPDATA", NULL, P4M_K_PATH, 0, 0, NULL,        \
    P4M_G_SYSTEM, NULL, "Windows: the user's local folder")                  \
  X(HOME, NULL, "HOME", NULL, P4M_K_PATH, 0, 0, NULL, P4M_G_SYSTEM, NULL,    \
    "The user's home folder")                                                \
  X(TMPDIR, NULL, "TMPDIR", NULL, P4M_K_PATH, 0, 0, NULL, P4M_G_SYSTEM,      \
    NULL, "The temporary folder: claims live there without a usable home")  \
  X(HELP, NULL, NULL, "--help", P4M_K_ACTION, 0, 0, NULL, P4M_G_CLI, "",     \
    "Show this help")                                                        \
  X(VERSION, NULL, NULL, "--version", P4M_K_ACTION, 0, 0, NULL, P4M_G_CLI,   \
    "", "Show the version of the package")

#define P4M_ROW_ID(ID, ...) P4M_##ID,
enum { P4M_TABLE(P4M_ROW_ID) P4M_NROWS };
#undef P4M_ROW_ID

typedef struct {
  const char *arg, *var, *opt;
  int kind;
  double min, max;
  const char *dflt;
  int group;
  const char *placeholder, *help;
} p4m_row;

extern const p4m_row p4m_table[P4M_NROWS];

/* The rule that a row's values follow, e.g. "a whole number in 0..2147483647"
 * (in buf, n bytes); "" for rows without values. */
const char *p4m_rule(int row, char *buf, size_t n);

/* The row of a command-line option ("--max-tries", given as name and
 * length, without "=value"), or -1. */
int p4m_find_option(const char *name, size_t len);

#endif
