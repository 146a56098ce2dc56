/* settings.h - who owns which rule.  R reads the environment once and
 * checks the types of the arguments it was given; the command line hands
 * over its options as strings, exactly as the environment does.  This
 * module turns those plain values into one configuration, applying every
 * rule of SPEC sections 1-5 and 8 in one place:
 *   - an argument or option wins over its variable; an unset and an empty
 *     variable mean the same, except PORT4ME_EXCLUDE_UNSAFE (unset: its
 *     default "{chrome},{firefox}"; empty: nothing) and
 *     PORT4ME_EXCLUDE_UNSAFE_CHROME and _FIREFOX (unset: the built-in list;
 *     empty: an empty list);
 *   - the _SITE variables are always added; the browser-unsafe ports are
 *     always excluded; the include set is its default (1024-65535) only
 *     when neither the include set nor PORT4ME_INCLUDE_SITE names a port;
 *   - the user is the argument, else PORT4ME_USER, else USER, else the
 *     account name; the tool is the argument ("" = none), else
 *     PORT4ME_TOOL;
 *   - every value is parsed by its kind's parser (value.h), with limits and
 *     defaults from the table (table.h);
 *   - the folders for claims are chosen here.
 * Plain C: no R types, no reading of the environment, no global state, so
 * that unit tests and fuzzers can drive every rule with plain strings. */
#ifndef P4M_SETTINGS_H
#define P4M_SETTINGS_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "portset.h"
#include "claims.h"   /* P4M_PATH_MAX */
#include "table.h"

/* How a setting was given, other than by its variable. */
enum { P4M_FROM_NONE = 0, P4M_FROM_ARG, P4M_FROM_OPTION };

typedef struct {
  int from;             /* P4M_FROM_* */
  const char *text;     /* a string argument (UTF-8), or an option's value */
  const int *ints;      /* or the numbers of an argument: an integer ... */
  const double *dbls;   /* ... or a double vector (one of the two) */
  size_t n;             /* how many numbers */
  int flag;             /* a TRUE/FALSE argument */
} p4m_given;

typedef struct {
  p4m_given given[P4M_NROWS];  /* by row of the table */
  const char *env[P4M_NROWS];  /* the rows' variables, NULL when unset
                                  (names in UTF-8) */
  const char *account;         /* the account name (UTF-8), or NULL */
  /* who and where, for the names of the claims folders (asked for only
   * when the call needs claims): the user id (-1: none) and the host name */
  long (*uid)(void);
  void (*host)(char *buf, size_t n);
  /* room for the prepended ports (at most 65535 uint16_t), asked for only
   * when there are any; must not return NULL */
  void *(*alloc)(void *ctx, size_t bytes);
  void *alloc_ctx;
} p4m_input;

enum { P4M_MODE_SEARCH = 0, P4M_MODE_LIST, P4M_MODE_TEST, P4M_MODE_RELEASE };

/* Where a set's ports came from: argument, option and variable names. */
#define P4M_MAX_ORIGINS 3
typedef struct {
  const char *names[P4M_MAX_ORIGINS];
  int n;
} p4m_origin;

/* The folders that may hold claims, in order: $XDG_RUNTIME_DIR/port4me,
 * /run/user/<uid>/port4me (where XDG_RUNTIME_DIR normally points; so that
 * a batch job without the variable uses the same folder as a login shell),
 * the folder `claims/<host>` of tools::R_user_dir("port4me", "cache")
 * (per host: a home folder may be shared by many hosts), and
 * port4me-<uid> in the temporary folder.  A runtime folder is used only
 * when its base (`base`) exists already. */
#define P4M_MAX_CLAIMS_DIRS 4
typedef struct {
  char dir[P4M_PATH_MAX];
  size_t base;        /* dir[0..base) must exist; 0: may be created */
  const char *from;   /* the variable it came from (for debug) */
} p4m_claims_dir;

typedef struct {
  int mode;        /* P4M_MODE_* */
  int any;         /* _PORT4ME_CHECK_AVAILABLE_PORTS_=any */
  int debug;
  int must_work;
  int port;        /* MODE_TEST, MODE_RELEASE: the port */
  double skip, list, max_tries, reserve;
  const char *max_tries_from;   /* source of max_tries, for errors */
  /* the seed */
  const char *user, *user_from;   /* user_from: a source, or "the account" */
  const char *tool, *tool_from;   /* tool NULL: no tool */
  uint32_t hash;
  /* the port sets (MODE_SEARCH and MODE_LIST only) */
  p4m_set include, exclude, cand;
  p4m_origin include_from, exclude_from, prepend_from;
  int include_default;            /* include is the default 1024..65535 */
  uint16_t *prepend;              /* order kept, duplicates dropped */
  size_t n_prepend;
  /* the claims folders (MODE_SEARCH, MODE_TEST, MODE_RELEASE) */
  p4m_claims_dir claims[P4M_MAX_CLAIMS_DIRS];
  int n_claims;
} p4m_config;

/* The name of a row's source as given: its argument, option or variable. */
const char *p4m_source(const p4m_input *in, int row);

/* Fill cfg from in.  Returns 0, or -1 with e filled. */
int p4m_configure(const p4m_input *in, p4m_config *cfg, p4m_error *e);

#endif
