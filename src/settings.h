/* settings.c: who owns which rule.  The R wrapper reads the environment once
 * and checks the arguments it was given; this module turns those plain
 * values into one configuration, applying every precedence rule of SPEC
 * sections 1-5 in one place:
 *   - an argument wins over its variable; an unset and an empty variable
 *     mean the same, except PORT4ME_EXCLUDE_UNSAFE (unset: the default
 *     "{chrome},{firefox}"; empty: nothing) and PORT4ME_EXCLUDE_UNSAFE_CHROME
 *     and _FIREFOX (unset: the built-in list; empty: an empty list);
 *   - the _SITE variables are always added; the browser-unsafe ports are
 *     always excluded; the include set defaults to 1024..65535 only when
 *     neither the include set nor PORT4ME_INCLUDE_SITE names a port;
 *   - the user is the argument, else PORT4ME_USER, else USER, else the
 *     account name; the tool is the argument ("" = none), else PORT4ME_TOOL;
 *   - numbers and flags in variables are parsed and range-checked here;
 *   - the claims directory is chosen here (see claims_dir below).
 * Plain C: no R types, no reading of the environment, no global state, so
 * that unit tests and fuzzers can drive every rule with plain strings. */
#ifndef P4M_SETTINGS_H
#define P4M_SETTINGS_H

#include <stddef.h>
#include <stdint.h>
#include "portset.h"
#include "claims.h"   /* P4M_CLAIMS_DIR_MAX */

#define P4M_DEFAULT_MIN 1024u          /* default include set: 1024..65535 */
#define P4M_COUNT_MAX 2147483647.0     /* INT_MAX: largest skip, list, ... */
#define P4M_MAX_TRIES_DEFAULT 65535.0

/* The variables, in the order in which the R layer hands their values over
 * (p4m_var_names gives their names). */
enum {
  P4M_VAR_USER, P4M_VAR_OS_USER, P4M_VAR_TOOL,
  P4M_VAR_PREPEND, P4M_VAR_PREPEND_SITE,
  P4M_VAR_INCLUDE, P4M_VAR_INCLUDE_SITE,
  P4M_VAR_EXCLUDE, P4M_VAR_EXCLUDE_SITE,
  P4M_VAR_UNSAFE, P4M_VAR_UNSAFE_CHROME, P4M_VAR_UNSAFE_FIREFOX,
  P4M_VAR_SKIP, P4M_VAR_LIST, P4M_VAR_TEST, P4M_VAR_MAX_TRIES,
  P4M_VAR_MUST_WORK, P4M_VAR_RESERVE, P4M_VAR_DEBUG, P4M_VAR_CHECK_ANY,
  /* where claims live (SPEC section 8): not port4me's own variables */
  P4M_VAR_XDG_RUNTIME_DIR, P4M_VAR_R_USER_CACHE_DIR, P4M_VAR_XDG_CACHE_HOME,
  P4M_VAR_LOCALAPPDATA, P4M_VAR_HOME,
  P4M_NVARS
};
extern const char *const p4m_var_names[P4M_NVARS];

/* A port-set argument: not given, a specification string, or ports. */
typedef struct {
  int given;
  const char *text;   /* specification string, or NULL */
  const int *ports;   /* when text is NULL: n ports */
  size_t n;
} p4m_ports_arg;

typedef struct {
  const char *user, *tool;   /* arguments as UTF-8, NULL when not given */
  const char *account;       /* the account name (UTF-8), or NULL */
  p4m_ports_arg prepend, include, exclude;
  /* whole-number arguments; negative when not given */
  double skip, list, test, max_tries, reserve;
  int must_work;             /* 0, 1; negative when not given */
  const char *env[P4M_NVARS];  /* variable values (UTF-8); NULL when unset */
  /* room for the prepended ports (at most 65535 uint16_t), asked for only
   * when there are any; must not return NULL */
  void *(*alloc)(void *ctx, size_t bytes);
  void *alloc_ctx;
} p4m_input;

enum { P4M_MODE_SEARCH = 0, P4M_MODE_LIST = 1, P4M_MODE_TEST = 2 };

/* Where a set's ports came from: argument and variable names. */
#define P4M_MAX_ORIGINS 3
typedef struct {
  const char *names[P4M_MAX_ORIGINS];
  int n;
} p4m_origin;

typedef struct {
  int mode;
  int any;        /* _PORT4ME_CHECK_AVAILABLE_PORTS_=any */
  int debug;
  int must_work;
  double test;    /* MODE_TEST: the port */
  double skip, list, max_tries, reserve;
  /* the seed */
  const char *user, *user_from;   /* user_from: argument or variable name */
  const char *tool, *tool_from;   /* tool NULL: no tool */
  uint32_t hash;
  /* the port sets (not set up in MODE_TEST) */
  p4m_set include, exclude, cand;
  p4m_origin include_from, exclude_from, prepend_from;
  int include_default;            /* include is the default 1024..65535 */
  uint16_t *prepend;              /* order kept, duplicates dropped */
  size_t n_prepend;
  /* the claims directory: $XDG_RUNTIME_DIR/port4me when XDG_RUNTIME_DIR is
   * an absolute path (claims_xdg points to it), else claims_alt: the folder
   * that R's tools::R_user_dir("port4me", "cache") names, plus "/claims";
   * "" when it cannot be told.  Whether XDG_RUNTIME_DIR is the user's own
   * (else claims_alt is used) is for the caller to check on the disk. */
  char claims_dir[P4M_CLAIMS_DIR_MAX];
  char claims_alt[P4M_CLAIMS_DIR_MAX];
  const char *claims_xdg;
} p4m_config;

typedef struct {
  const char *source;   /* the argument or variable at fault */
  char detail[256];     /* the message, to follow the source's name */
} p4m_error;

/* Fill cfg from in.  Returns 0, or -1 with err filled. */
int p4m_configure(const p4m_input *in, p4m_config *cfg, p4m_error *err);


#endif
