/*
 * test_cli.c - the command line's parser (src/cli.c, SPEC section 7),
 * without R: p4m_cli_parse() on argv vectors written here.  The values it
 * hands over are parsed later by the settings (test_settings checks the
 * options there); here: which option gets which bytes, the switches,
 * --help, the bare tool, and the exact message of every error (NOTES.md).
 *   make check-cli           last line: "test_cli: N passed, N failed"
 */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "ctest.h"

static p4m_cli cli;
static p4m_error err;

#define N(a) (sizeof (a) / sizeof (a)[0])

/* Parse, expecting success; every row not named in `set` must be NULL. */
static int parses(size_t argc, const char *const *argv, const char *what)
{
  int rc;
  memset(&cli, 0xA5, sizeof cli);   /* poison: every row must be set */
  rc = p4m_cli_parse(argc, argv, &cli, &err);
  CHECK(rc == 0, "%s: expected success, got: %s", what, err.message);
  return rc == 0;
}

/* Parse, expecting an invalid option from `source` with `message`. */
static void refused(size_t argc, const char *const *argv, const char *source,
                    const char *message)
{
  memset(&cli, 0xA5, sizeof cli);
  check_invalid(p4m_cli_parse(argc, argv, &cli, &err), &err, source, message);
}

/* Exactly the rows listed have a value (in that order: row, value). */
static void values_are(const char *what, int n, const int *rows,
                       const char *const *want)
{
  int row, i;
  for (row = 0; row < P4M_NROWS; row++) {
    const char *w = NULL;
    for (i = 0; i < n; i++) if (rows[i] == row) w = want[i];
    CHECK((w == NULL && cli.value[row] == NULL) ||
          (w != NULL && cli.value[row] != NULL &&
           strcmp(w, cli.value[row]) == 0),
          "%s: row %d: expected '%s', got '%s'", what, row, w ? w : "NULL",
          cli.value[row] ? cli.value[row] : "NULL");
  }
}

static void t_nothing(void)
{
  const char *argv[] = {NULL};
  if (parses(0, argv, "no arguments")) {
    CHECK(cli.action == P4M_CLI_RUN, "action %d", cli.action);
    values_are("no arguments", 0, NULL, NULL);
  }
}

/* --name=value and --name value: the value is exactly the bytes after
 * '=' (or the next argument), '=' and white space included. */
static void t_values(void)
{
  const char *a1[] = {"--skip=2", "--user", "alice", "--include= 1,2 ",
                      "--tool=a=b", "--prepend=", "--test", "-1"};
  const int rows[] = {P4M_SKIP, P4M_USER, P4M_INCLUDE, P4M_TOOL, P4M_PREPEND,
                      P4M_TEST};
  const char *want[] = {"2", "alice", " 1,2 ", "a=b", "", "-1"};
  if (parses(N(a1), a1, "values")) {
    values_are("values", 6, rows, want);
    CHECK(cli.value[P4M_SKIP] == a1[0] + 7, "--skip=: not argv's bytes");
    CHECK(cli.value[P4M_USER] == a1[2], "--user: not argv's string");
    CHECK(cli.action == P4M_CLI_RUN, "action");
  }
}

/* Every option of the table takes its value in both forms. */
static void t_every_option(void)
{
  int row;
  for (row = 0; row < P4M_NROWS; row++) {
    const p4m_row *r = &p4m_table[row];
    char eq[64];
    const char *a1[1], *a2[2], *v[] = {"v"};
    if (r->opt == NULL || r->placeholder[0] == '\0') continue;
    sprintf(eq, "%s=v", r->opt);
    a1[0] = eq;
    a2[0] = r->opt; a2[1] = "w";
    if (parses(1, a1, eq)) values_are(eq, 1, &row, v);
    if (parses(2, a2, r->opt)) values_are(r->opt, 1, &row, a2 + 1);
  }
}

static void t_last_one_wins(void)
{
  const char *argv[] = {"--skip=1", "--skip", "2", "--debug", "--debug"};
  const int rows[] = {P4M_SKIP, P4M_DEBUG};
  const char *want[] = {"2", "true"};
  if (parses(N(argv), argv, "last wins")) values_are("last", 2, rows, want);
}

static void t_switches(void)
{
  const char *debug[] = {"--debug"}, *version[] = {"--version"};
  const char *bad[] = {"--debug=1"}, *badv[] = {"--version="};
  const int row = P4M_DEBUG, vrow = P4M_VERSION;
  const char *t[] = {"true"};
  if (parses(1, debug, "--debug")) {
    values_are("--debug", 1, &row, t);
    CHECK(cli.action == P4M_CLI_RUN, "--debug: action");
  }
  if (parses(1, version, "--version")) {
    values_are("--version", 1, &vrow, t);
    CHECK(cli.action == P4M_CLI_VERSION, "--version: action");
  }
  refused(1, bad, "--debug", "--debug takes no value, not \"1\"");
  refused(1, badv, "--version", "--version takes no value, not \"\"");
}

/* --help (or -h) anywhere before "--" wins over everything, errors too. */
static void t_help(void)
{
  const char *a[][4] = {
    {"--help", 0, 0, 0}, {"-h", 0, 0, 0},
    {"--foo", "--skip", "a", "--help"}, {"x", "y", "-h", 0},
    {"--version", "--help", 0, 0}, {"--skip", "-h", 0, 0},
  };
  const size_t n[] = {1, 1, 4, 3, 2, 2};
  const char *after[] = {"--", "--help"}, *eq[] = {"--help=1"};
  const int tool = P4M_TOOL;
  size_t i;
  for (i = 0; i < N(n); i++)
    if (parses(n[i], a[i], a[i][0]))
      CHECK(cli.action == P4M_CLI_HELP, "%s: action %d", a[i][0], cli.action);
  if (parses(2, after, "-- --help")) {          /* a bare word after -- */
    CHECK(cli.action == P4M_CLI_RUN, "-- --help: action");
    values_are("-- --help", 1, &tool, after + 1);
  }
  refused(1, eq, "--help", "--help takes no value, not \"1\"");
}

/* A first bare word is the tool; "-" is a bare word; after "--" every
 * word is bare. */
static void t_bare_tool(void)
{
  const char *a1[] = {"--skip=1", "rstudio"}, *a2[] = {"-"};
  const char *a3[] = {"--", "-x"}, *a4[] = {"--", "--"};
  const int rows[] = {P4M_SKIP, P4M_TOOL}, tool = P4M_TOOL;
  const char *want[] = {"1", "rstudio"};
  if (parses(2, a1, "bare")) values_are("bare", 2, rows, want);
  if (parses(1, a2, "-")) values_are("-", 1, &tool, a2);
  if (parses(2, a3, "-- -x")) values_are("-- -x", 1, &tool, a3 + 1);
  if (parses(2, a4, "-- --")) values_are("-- --", 1, &tool, a4 + 1);
}

static void t_errors(void)
{
  const char *two[] = {"a", "--skip=1", "b"}, *twice1[] = {"y", "--tool=x"};
  const char *twice2[] = {"--tool", "x", "y"}, *after[] = {"a", "--", "b"};
  const char *unknown[] = {"--foo"}, *unknown_eq[] = {"--foo=1"};
  const char *single[] = {"-x"}, *prefix[] = {"--ski=1"};
  const char *upper[] = {"--SKIP=1"}, *last[] = {"--skip"};
  const char *next[] = {"--skip", "--debug"}, *next2[] = {"--user", "--"};
  refused(3, two, "b", "Only one tool may be given, not \"a\" and \"b\"");
  refused(3, after, "b", "Only one tool may be given, not \"a\" and \"b\"");
  refused(2, twice1, "--tool",
          "The tool is given twice: as \"y\" and as --tool=\"x\"");
  refused(3, twice2, "--tool",
          "The tool is given twice: as \"y\" and as --tool=\"x\"");
  refused(1, unknown, "--foo", "Unknown option \"--foo\"; see --help");
  refused(1, unknown_eq, "--foo=1", "Unknown option \"--foo=1\"; see --help");
  refused(1, single, "-x", "Unknown option \"-x\"; see --help");
  refused(1, prefix, "--ski=1", "Unknown option \"--ski=1\"; see --help");
  refused(1, upper, "--SKIP=1", "Unknown option \"--SKIP=1\"; see --help");
  refused(1, last, "--skip", "--skip needs a value: --skip=<n>");
  refused(2, next, "--skip", "--skip needs a value: --skip=<n>");
  refused(2, next2, "--user", "--user needs a value: --user=<name>");
}

/* Arguments are bytes: what is not UTF-8 passes through as it is, and is
 * shown escaped in a message. */
static void t_bytes(void)
{
  const char *a[] = {"--user=\xff\xfe", "\xc3("};
  const char *bad[] = {"--\xe9t\xe9"}, *two[] = {"\x01", "\"q\\"};
  const int rows[] = {P4M_USER, P4M_TOOL};
  const char *want[] = {"\xff\xfe", "\xc3("};
  if (parses(2, a, "bytes")) values_are("bytes", 2, rows, want);
  refused(1, bad, bad[0], "Unknown option \"--\\xe9t\\xe9\"; see --help");
  refused(2, two, two[1],
          "Only one tool may be given, not \"\\x01\" and \"\\\"q\\\\\"");
}

int main(void)
{
  t_nothing();
  t_values();
  t_every_option();
  t_last_one_wins();
  t_switches();
  t_help();
  t_bare_tool();
  t_errors();
  t_bytes();
  return ctest_done("test_cli");
}
