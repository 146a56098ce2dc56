/*
 * Standalone tests for src/settings.c: every precedence rule of port4me's
 * settings (SPEC sections 1-4 and 8), driven with plain strings through
 * p4m_configure(), no R.
 *
 *   make test_settings && ./test_settings      (see the Makefile: check-settings)
 *
 * Each rule has its own small function; every check compares exact values:
 * the fields of the config, err.source and err.detail.  Sets are compared as
 * compact range strings ("1-5,7").  A few checks tie the candidate set to the
 * reference values of SPEC section 9 through the generator (src/lcg.c).
 * The last line is "test_settings: N passed, N failed"; the exit status is 0
 * when every check passed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "settings.h"
#include "lcg.h"
#include "unsafe.h"

static int n_pass = 0, n_fail = 0;
static const char *current = "";

#define CHECK(cond, ...) do {                                           \
    if (cond) { n_pass++; }                                             \
    else { n_fail++; printf("FAIL %s:%d (%s): ", __FILE__, __LINE__,   \
                            current);                                   \
           printf(__VA_ARGS__); printf("\n"); fflush(stdout); }         \
  } while (0)

/* ---- fixture ------------------------------------------------------------ */

static p4m_input in;
static p4m_config cfg;
static p4m_error err;
static int rc;

/* the allocator handed to p4m_configure: records every block */
static void *blocks[8];
static size_t block_size[8];
static int n_blocks;

static void *test_alloc(void *ctx, size_t bytes)
{
  void *p = malloc(bytes);
  (void) ctx;
  if (p == NULL) { perror("malloc"); exit(2); }
  if (n_blocks < 8) { block_size[n_blocks] = bytes; blocks[n_blocks] = p; }
  n_blocks++;
  return p;
}

/* Start a test: nothing given, every variable unset. */
static void reset(const char *name)
{
  int i;
  current = name;
  for (i = 0; i < n_blocks && i < 8; i++) free(blocks[i]);
  n_blocks = 0;
  memset(&in, 0, sizeof in);
  in.skip = in.list = in.test = in.max_tries = in.reserve = -1;
  in.must_work = -1;
  for (i = 0; i < P4M_NVARS; i++) in.env[i] = NULL;
  in.alloc = test_alloc;
  in.alloc_ctx = NULL;
  memset(&cfg, 0xA5, sizeof cfg);   /* poison: every field must be set */
  memset(&err, 0, sizeof err);
  err.source = NULL;
  rc = 0;
}

#define ENV(v, value) (in.env[P4M_VAR_##v] = (value))

static int run(void)
{
  rc = p4m_configure(&in, &cfg, &err);
  return rc;
}

/* Run, expecting success. */
static int ok(void)
{
  run();
  CHECK(rc == 0, "expected success, got %s%s", err.source ? err.source : "?",
        err.detail);
  return rc == 0;
}

/* Run, expecting an error from `source` with exactly `detail`. */
static void fails(const char *source, const char *detail)
{
  run();
  CHECK(rc == -1, "expected an error from %s, got success", source);
  if (rc != -1) return;
  CHECK(err.source != NULL && strcmp(err.source, source) == 0,
        "source: expected %s, got %s", source,
        err.source ? err.source : "NULL");
  CHECK(strcmp(err.detail, detail) == 0, "detail: expected '%s', got '%s'",
        detail, err.detail);
}

/* ---- comparing values --------------------------------------------------- */

/* x as compact ranges "1,7,9-11" ("" when empty) */
static const char *set_text(const p4m_set *x)
{
  static char buf[65536 * 8];
  size_t k = 0;
  uint32_t p = 1;
  buf[0] = '\0';
  if (p4m_set_has(x, 0)) k += (size_t) sprintf(buf + k, "0,");
  while (p <= 65535u) {
    uint32_t q;
    if (!p4m_set_has(x, p)) { p++; continue; }
    for (q = p; q < 65535u && p4m_set_has(x, q + 1); q++) ;
    if (q == p) k += (size_t) sprintf(buf + k, "%u,", (unsigned) p);
    else k += (size_t) sprintf(buf + k, "%u-%u,", (unsigned) p, (unsigned) q);
    p = q + 1;
  }
  if (k > 0) buf[k - 1] = '\0';
  return buf;
}

#define SET_IS(x, want) do {                                            \
    const char *got_ = set_text(&(x));                                  \
    CHECK(strcmp(got_, want) == 0, "%s: expected '%s', got '%.200s'", #x,  \
          want, got_);                                                  \
  } while (0)

static const char *origin_text(const p4m_origin *o)
{
  static char buf[256];
  int i;
  buf[0] = '\0';
  if (o->n < 0 || o->n > P4M_MAX_ORIGINS) return "(bad count)";
  for (i = 0; i < o->n; i++) {
    if (i > 0) strcat(buf, ",");
    strcat(buf, o->names[i] ? o->names[i] : "NULL");
  }
  return buf;
}

#define FROM_IS(o, want) do {                                           \
    const char *got_ = origin_text(&(o));                               \
    CHECK(strcmp(got_, want) == 0, "%s: expected '%s', got '%s'", #o,     \
          want, got_);                                                  \
  } while (0)

#define STR_IS(got, want) do {                                          \
    const char *g_ = (got), *w_ = (want);                               \
    CHECK((g_ == NULL && w_ == NULL) ||                                 \
          (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0),            \
          "%s: expected '%s', got '%s'", #got, w_ ? w_ : "NULL",           \
          g_ ? g_ : "NULL");                                            \
  } while (0)

#define NUM_IS(got, want) do {                                          \
    double g_ = (got), w_ = (want);                                     \
    CHECK(g_ == w_, "%s: expected %.0f, got %.17g", #got, w_, g_);         \
  } while (0)

static const char *prepend_text(void)
{
  static char buf[65536 * 8];
  size_t i, k = 0;
  buf[0] = '\0';
  for (i = 0; i < cfg.n_prepend && i < 65536; i++)
    k += (size_t) sprintf(buf + k, "%s%u", i ? "," : "",
                          (unsigned) cfg.prepend[i]);
  return buf;
}

#define PREPEND_IS(want) do {                                           \
    const char *got_ = prepend_text();                                  \
    CHECK(strcmp(got_, want) == 0, "prepend: expected '%s', got '%.200s'", \
          want, got_);                                                  \
  } while (0)

/* Java-style hash of ASCII text, computed here independently */
static uint32_t ascii_hash(const char *s)
{
  uint32_t h = 0;
  for (; *s; s++) h = 31u * h + (unsigned char) *s;
  return h;
}

/* The first generated port (SPEC 2) in cfg.cand, skipping `skip` of them. */
static unsigned first_candidate(unsigned skip)
{
  p4m_lcg g;
  unsigned i;
  p4m_lcg_seed(&g, cfg.hash);
  for (i = 0; i < 70000u; i++) {
    uint32_t p = p4m_lcg_next(&g);
    if (p4m_set_has(&cfg.cand, p) && skip-- == 0) return p;
  }
  return 0;
}

/* Longest accepted claims directory: P4M_CLAIMS_DIR_MAX - 1 characters. */
static char long_value[P4M_CLAIMS_DIR_MAX + 64];
static const char *path_of_length(size_t n)
{
  memset(long_value, 'd', n);
  long_value[0] = '/';
  long_value[n] = '\0';
  return long_value;
}

#define CHROME_TEXT \
  "1,7,9,11,13,15,17,19-23,25,37,42-43,53,69,77,79,87,95,101-104,109-111," \
  "113,115,117,119,123,135,137,139,143,161,179,389,427,465,512-515,526,"   \
  "530-532,540,548,554,556,563,587,601,636,989-990,993,995,1719-1720,1723," \
  "2049,3659,4045,5060-5061,6000,6566,6665-6669,6697,10080"
#define FIREFOX_TEXT \
  "1,7,9,11,13,15,17,19-23,25,37,42-43,53,77,79,87,95,101-104,109-111,113," \
  "115,117,119,123,135,139,143,179,389,465,512-515,526,530-532,540,556,563," \
  "587,601,636,993,995,2049,4045,6000"

/* ---- the seed: user and tool --------------------------------------------- */

static void t_user_argument_wins(void)
{
  reset("user argument wins over PORT4ME_USER, USER, account");
  in.user = "alice"; in.account = "acct";
  ENV(USER, "carol"); ENV(OS_USER, "dave");
  if (!ok()) return;
  STR_IS(cfg.user, "alice");
  STR_IS(cfg.user_from, "user");
  STR_IS(cfg.tool, NULL);
  STR_IS(cfg.tool_from, NULL);
  NUM_IS(cfg.hash, ascii_hash("alice"));
}

static void t_user_variable(void)
{
  reset("PORT4ME_USER wins over USER and the account");
  in.account = "acct";
  ENV(USER, "carol"); ENV(OS_USER, "dave");
  if (!ok()) return;
  STR_IS(cfg.user, "carol");
  STR_IS(cfg.user_from, "PORT4ME_USER");
  NUM_IS(cfg.hash, ascii_hash("carol"));
}

static void t_user_os_variable(void)
{
  reset("USER when PORT4ME_USER is unset");
  in.account = "acct";
  ENV(OS_USER, "dave");
  if (ok()) { STR_IS(cfg.user, "dave"); STR_IS(cfg.user_from, "USER"); }

  reset("USER when PORT4ME_USER is empty");
  in.account = "acct";
  ENV(USER, ""); ENV(OS_USER, "dave");
  if (ok()) { STR_IS(cfg.user, "dave"); STR_IS(cfg.user_from, "USER"); }
}

static void t_user_account(void)
{
  reset("the account name when PORT4ME_USER and USER are unset or empty");
  in.account = "acct";
  ENV(USER, ""); ENV(OS_USER, "");
  if (!ok()) return;
  STR_IS(cfg.user, "acct");
  STR_IS(cfg.user_from, "the account name");
  NUM_IS(cfg.hash, ascii_hash("acct"));
}

static void t_user_none(void)
{
  static const char *detail = " is not given, PORT4ME_USER and USER are "
    "unset and the operating system does not say who you are";
  reset("no user anywhere is an error naming user");
  fails("user", detail);
  reset("an empty account name is no user");
  in.account = ""; ENV(USER, ""); ENV(OS_USER, "");
  fails("user", detail);
}

static void t_user_empty_argument(void)
{
  reset("user = \"\" is an error even when PORT4ME_USER is set");
  in.user = ""; ENV(USER, "carol");
  fails("user", " must not be empty");
}

static void t_tool(void)
{
  reset("tool argument: seed \"alice,rstudio\" (SPEC 1)");
  in.user = "alice"; in.tool = "rstudio"; ENV(TOOL, "jupyter");
  if (ok()) {
    STR_IS(cfg.tool, "rstudio");
    STR_IS(cfg.tool_from, "tool");
    NUM_IS(cfg.hash, 3688618396.0);
    NUM_IS(first_candidate(0), 22486);    /* SPEC 9 */
  }

  reset("PORT4ME_TOOL when the argument is NULL");
  in.user = "alice"; ENV(TOOL, "rstudio");
  if (ok()) {
    STR_IS(cfg.tool, "rstudio");
    STR_IS(cfg.tool_from, "PORT4ME_TOOL");
    NUM_IS(cfg.hash, 3688618396.0);
  }

  reset("tool = \"\" means no tool, whatever PORT4ME_TOOL says");
  in.user = "alice"; in.tool = ""; ENV(TOOL, "rstudio");
  if (ok()) {
    STR_IS(cfg.tool, NULL);
    STR_IS(cfg.tool_from, NULL);
    NUM_IS(cfg.hash, ascii_hash("alice"));
  }

  reset("PORT4ME_TOOL empty means no tool");
  in.user = "alice"; ENV(TOOL, "");
  if (ok()) { STR_IS(cfg.tool, NULL); NUM_IS(cfg.hash, ascii_hash("alice")); }
}

static void t_hash_code_points(void)
{
  reset("a name hashes by code points, not bytes");
  in.user = "\xC3\xA9";                           /* U+00E9 */
  if (ok()) NUM_IS(cfg.hash, 0xE9);
  reset("a four-byte character is one code point");
  in.user = "a"; in.tool = "\xF0\x9F\x98\x80";   /* U+1F600 */
  if (ok()) NUM_IS(cfg.hash, (31.0 * 97 + 44) * 31 + 0x1F600);
  reset("a user on the generator's fixed point (SPEC 2)");
  in.user = "hrms";
  if (ok()) {
    NUM_IS(cfg.hash % 65537u, 65536);
    NUM_IS(first_candidate(0), 5624);
    NUM_IS(first_candidate(4), 12409);
  }
}

static void t_invalid_utf8(void)
{
  static const char *tail = "; port4me hashes Unicode code points, so the "
    "name must be text";
  char want[256];

  reset("invalid UTF-8 in the user argument");
  in.user = "ab\xC3";
  snprintf(want, sizeof want, " is not valid UTF-8 (invalid byte 0xC3 at "
           "byte 3)%s", tail);
  fails("user", want);

  reset("invalid UTF-8 in PORT4ME_USER");
  ENV(USER, "\xFFx");
  snprintf(want, sizeof want, " is not valid UTF-8 (invalid byte 0xFF at "
           "byte 1)%s", tail);
  fails("PORT4ME_USER", want);

  reset("invalid UTF-8 in USER");
  ENV(OS_USER, "bo\xED\xA0\x80");   /* a surrogate */
  snprintf(want, sizeof want, " is not valid UTF-8 (invalid byte 0xED at "
           "byte 3)%s", tail);
  fails("USER", want);

  reset("invalid UTF-8 in the account name");
  in.account = "\xC0\xAF";   /* overlong */
  snprintf(want, sizeof want, " is not valid UTF-8 (invalid byte 0xC0 at "
           "byte 1)%s", tail);
  fails("the account name", want);

  reset("invalid UTF-8 in the tool argument: position within the tool");
  in.user = "alice"; in.tool = "r\xC3(";
  snprintf(want, sizeof want, " is not valid UTF-8 (invalid byte 0xC3 at "
           "byte 2)%s", tail);
  fails("tool", want);

  reset("invalid UTF-8 in PORT4ME_TOOL");
  in.user = "alice"; ENV(TOOL, "abcd\xF5");
  snprintf(want, sizeof want, " is not valid UTF-8 (invalid byte 0xF5 at "
           "byte 5)%s", tail);
  fails("PORT4ME_TOOL", want);

  reset("an invalid PORT4ME_TOOL is not read when tool is given");
  in.user = "alice"; in.tool = "x"; ENV(TOOL, "\xFF");
  ok();
}

/* ---- numbers ------------------------------------------------------------- */

/* One count variable (`v`) and its argument (`*arg`; NULL: none) over its
 * range min..max with the given default; `field` reads the result. */
typedef double (*field_fn)(void);
static double f_skip(void) { return cfg.skip; }
static double f_list(void) { return cfg.list; }
static double f_test(void) { return cfg.test; }
static double f_max_tries(void) { return cfg.max_tries; }
static double f_reserve(void) { return cfg.reserve; }

static void count_case(int v, field_fn field, const char *value, double want)
{
  char name[128];
  snprintf(name, sizeof name, "%s=\"%s\"", p4m_var_names[v], value);
  reset(name);
  in.user = "alice";
  in.env[v] = value;
  if (ok()) NUM_IS(field(), want);
}

static void count_bad(int v, const char *value, double min, double max)
{
  char name[128], want[200];
  snprintf(name, sizeof name, "%s=\"%s\" is an error", p4m_var_names[v],
           value);
  reset(name);
  in.user = "alice";
  in.env[v] = value;
  snprintf(want, sizeof want, " must be a whole number in %.0f..%.0f, not "
           "\"%s\"", min, max, value);
  fails(p4m_var_names[v], want);
}

static void count_variable(int v, double *arg, field_fn field, double min,
                           double max, double dflt)
{
  char buf[64], name[128];
  static const char *const bad[] = {
    "+5", "0x10", "99999999999", "5x", "x", "1.5", "1e3", "5 5", "-0", " ",
    "\v5", "\xC3\xA9"
  };
  size_t i;

  count_case(v, field, "", dflt);   /* empty is unset */
  snprintf(name, sizeof name, "%s unset: the default", p4m_var_names[v]);
  reset(name);
  in.user = "alice";
  if (ok()) NUM_IS(field(), dflt);

  snprintf(buf, sizeof buf, "%.0f", min);
  count_case(v, field, buf, min);
  snprintf(buf, sizeof buf, "%.0f", max);
  count_case(v, field, buf, max);
  count_case(v, field, " 7 ", 7);
  count_case(v, field, "\t7\r\n", 7);
  count_case(v, field, "007", 7);
  if (min - 1 >= 0) {
    snprintf(buf, sizeof buf, "%.0f", min - 1);
    count_bad(v, buf, min, max);
  } else {
    count_bad(v, "-1", min, max);
  }
  snprintf(buf, sizeof buf, "%.0f", max + 1);
  count_bad(v, buf, min, max);
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    /* the message shows non-ASCII and control bytes as '?' */
    if (strcmp(bad[i], "\v5") == 0 || strcmp(bad[i], "\xC3\xA9") == 0) {
      char want[200];
      snprintf(name, sizeof name, "%s with a control or non-ASCII byte",
               p4m_var_names[v]);
      reset(name);
      in.user = "alice";
      in.env[v] = bad[i];
      snprintf(want, sizeof want, " must be a whole number in %.0f..%.0f, "
               "not \"%s\"", min, max, bad[i][0] == '\v' ? "?5" : "??");
      fails(p4m_var_names[v], want);
      continue;
    }
    count_bad(v, bad[i], min, max);
  }

  if (arg != NULL) {
    snprintf(name, sizeof name, "the argument wins over %s (not even read)",
             p4m_var_names[v]);
    reset(name);
    in.user = "alice";
    in.env[v] = "x";
    *arg = min + 1;
    if (ok()) NUM_IS(field(), min + 1);
  }
}

static void t_skip(void)
{
  count_variable(P4M_VAR_SKIP, &in.skip, f_skip, 0, 2147483647.0, 0);
}
static void t_list(void)
{
  count_variable(P4M_VAR_LIST, &in.list, f_list, 1, 2147483647.0, -1);
  reset("PORT4ME_LIST: list mode");
  in.user = "alice"; ENV(LIST, "3");
  if (ok()) NUM_IS(cfg.mode, P4M_MODE_LIST);
  reset("list argument: list mode");
  in.user = "alice"; in.list = 1;
  if (ok()) NUM_IS(cfg.mode, P4M_MODE_LIST);
  reset("no list: search mode");
  in.user = "alice";
  if (ok()) NUM_IS(cfg.mode, P4M_MODE_SEARCH);
}
static void t_max_tries(void)
{
  count_variable(P4M_VAR_MAX_TRIES, &in.max_tries, f_max_tries, 1,
                 2147483647.0, 65535);
}
static void t_reserve(void)
{
  count_variable(P4M_VAR_RESERVE, &in.reserve, f_reserve, 0, 2147483647.0,
                 0);
}
static void t_test(void)
{
  count_variable(P4M_VAR_TEST, &in.test, f_test, 1, 65535, -1);
  reset("PORT4ME_TEST: test mode");
  in.user = "alice"; ENV(TEST, "80");
  if (ok()) { NUM_IS(cfg.mode, P4M_MODE_TEST); NUM_IS(cfg.test, 80); }
}

/* ---- flags --------------------------------------------------------------- */

static void flag_variable(int v, int *arg, int *field, int dflt)
{
  static const char *const yes[] = {"true", "TRUE", "True", "1", "yes"};
  static const char *const no[] = {"false", "FALSE", "False", "0", "no"};
  static const char *const bad[] = {
    "tRUE", "y", "on", "2", " true", "true ", "T", "F", "YES", "x\"y"
  };
  char name[128], want[200];
  size_t i;

  for (i = 0; i < 5; i++) {
    snprintf(name, sizeof name, "%s=%s", p4m_var_names[v], yes[i]);
    reset(name); in.user = "alice"; in.env[v] = yes[i];
    if (ok()) NUM_IS(*field, 1);
    snprintf(name, sizeof name, "%s=%s", p4m_var_names[v], no[i]);
    reset(name); in.user = "alice"; in.env[v] = no[i];
    if (ok()) NUM_IS(*field, 0);
  }
  snprintf(name, sizeof name, "%s unset", p4m_var_names[v]);
  reset(name); in.user = "alice";
  if (ok()) NUM_IS(*field, dflt);
  snprintf(name, sizeof name, "%s empty", p4m_var_names[v]);
  reset(name); in.user = "alice"; in.env[v] = "";
  if (ok()) NUM_IS(*field, dflt);
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    snprintf(name, sizeof name, "%s=\"%s\" is an error", p4m_var_names[v],
             bad[i]);
    reset(name); in.user = "alice"; in.env[v] = bad[i];
    /* a double quote is shown as '?' */
    snprintf(want, sizeof want, " must be true or false, not \"%s\"",
             strcmp(bad[i], "x\"y") == 0 ? "x?y" : bad[i]);
    fails(p4m_var_names[v], want);
  }
  if (arg != NULL) {
    snprintf(name, sizeof name, "the argument wins over %s",
             p4m_var_names[v]);
    reset(name); in.user = "alice"; in.env[v] = "true"; *arg = 0;
    if (ok()) NUM_IS(*field, 0);
    reset(name); in.user = "alice"; in.env[v] = "bad"; *arg = 1;
    if (ok()) NUM_IS(*field, 1);
  }
}

static void t_must_work(void)
{
  flag_variable(P4M_VAR_MUST_WORK, &in.must_work, &cfg.must_work, 1);
}
static void t_debug(void)
{
  flag_variable(P4M_VAR_DEBUG, NULL, &cfg.debug, 0);
  reset("PORT4ME_DEBUG is read in test mode too");
  in.test = 80; ENV(DEBUG, "maybe");
  fails("PORT4ME_DEBUG", " must be true or false, not \"maybe\"");
}

static void t_check_any(void)
{
  reset("_PORT4ME_CHECK_AVAILABLE_PORTS_ unset");
  in.user = "alice";
  if (ok()) NUM_IS(cfg.any, 0);
  reset("_PORT4ME_CHECK_AVAILABLE_PORTS_ empty");
  in.user = "alice"; ENV(CHECK_ANY, "");
  if (ok()) NUM_IS(cfg.any, 0);
  reset("_PORT4ME_CHECK_AVAILABLE_PORTS_=any");
  in.user = "alice"; ENV(CHECK_ANY, "any");
  if (ok()) NUM_IS(cfg.any, 1);
  reset("_PORT4ME_CHECK_AVAILABLE_PORTS_=ANY is an error");
  in.user = "alice"; ENV(CHECK_ANY, "ANY");
  fails("_PORT4ME_CHECK_AVAILABLE_PORTS_",
        " must be unset, empty or \"any\", not \"ANY\"");
  reset("_PORT4ME_CHECK_AVAILABLE_PORTS_=true is an error, in test mode too");
  in.test = 1; ENV(CHECK_ANY, "true");
  fails("_PORT4ME_CHECK_AVAILABLE_PORTS_",
        " must be unset, empty or \"any\", not \"true\"");
  reset("_PORT4ME_CHECK_AVAILABLE_PORTS_: a long value is cut to 40");
  in.user = "alice";
  ENV(CHECK_ANY, "any-any-any-any-any-any-any-any-any-any-any-any");
  fails("_PORT4ME_CHECK_AVAILABLE_PORTS_", " must be unset, empty or "
        "\"any\", not \"any-any-any-any-any-any-any-any-any-any-...\"");
}

/* ---- test mode computes nothing else -------------------------------------- */

static void t_test_mode_computes_nothing_else(void)
{
  reset("test mode: bad user, sets and counts are not read");
  in.test = 8080;
  in.user = "";                                /* would be an error */
  ENV(SKIP, "x"); ENV(LIST, "x"); ENV(MAX_TRIES, "x"); ENV(MUST_WORK, "x");
  ENV(INCLUDE, "x"); ENV(EXCLUDE, "x"); ENV(PREPEND, "x");
  ENV(INCLUDE_SITE, "x"); ENV(EXCLUDE_SITE, "x"); ENV(PREPEND_SITE, "x");
  ENV(UNSAFE, "{x}"); ENV(UNSAFE_CHROME, "x"); ENV(TOOL, "\xFF");
  if (!ok()) return;
  NUM_IS(cfg.mode, P4M_MODE_TEST);
  NUM_IS(cfg.test, 8080);
  STR_IS(cfg.user, NULL);
  STR_IS(cfg.tool, NULL);
  NUM_IS(cfg.n_prepend, 0);
  CHECK(cfg.prepend == NULL, "prepend must be NULL");
  NUM_IS(n_blocks, 0);

  reset("test mode: an empty candidate set is no error");
  in.test = 1; in.include.given = 1; in.include.text = "1";
  ok();

  reset("test mode: the test argument wins over PORT4ME_TEST and list");
  in.test = 22; in.list = 5; ENV(TEST, "x");
  if (ok()) { NUM_IS(cfg.mode, P4M_MODE_TEST); NUM_IS(cfg.test, 22); }

  reset("test mode: PORT4ME_RESERVE is still read (claims are checked)");
  in.test = 22; ENV(RESERVE, "-1");
  fails("PORT4ME_RESERVE", " must be a whole number in 0..2147483647, "
        "not \"-1\"");
}

/* ---- port sets ------------------------------------------------------------- */

static void t_include_default(void)
{
  reset("include: the default 1024-65535");
  in.user = "alice";
  if (!ok()) return;
  SET_IS(cfg.include, "1024-65535");
  NUM_IS(cfg.include_default, 1);
  FROM_IS(cfg.include_from, "");
  NUM_IS(first_candidate(0), 30845);           /* SPEC 9 */
  NUM_IS(first_candidate(2), 32310);

  reset("include: PORT4ME_INCLUDE empty is unset");
  in.user = "alice"; ENV(INCLUDE, "");
  if (ok()) { SET_IS(cfg.include, "1024-65535"); NUM_IS(cfg.include_default, 1); }

  reset("include: \"0\" names no port: the default");
  in.user = "alice"; in.include.given = 1; in.include.text = "0";
  if (ok()) {
    SET_IS(cfg.include, "1024-65535");
    NUM_IS(cfg.include_default, 1);
    FROM_IS(cfg.include_from, "");
  }

  reset("include: an empty integer vector is no port: the default");
  in.user = "alice"; in.include.given = 1; in.include.n = 0;
  if (ok()) { SET_IS(cfg.include, "1024-65535"); FROM_IS(cfg.include_from, ""); }
}

static void t_include_argument(void)
{
  static const int ports[] = {4321, 2000, 4321};
  reset("include argument (string) wins over PORT4ME_INCLUDE");
  in.user = "alice"; in.include.given = 1;
  in.include.text = "2000-2123,4321,10000-10999"; ENV(INCLUDE, "x");
  if (ok()) {
    SET_IS(cfg.include, "2000-2123,4321,10000-10999");
    NUM_IS(cfg.include_default, 0);
    FROM_IS(cfg.include_from, "include");
    NUM_IS(first_candidate(0), 10451);         /* SPEC 9 */
  }

  reset("include argument (integer vector)");
  in.user = "alice"; in.include.given = 1;
  in.include.ports = ports; in.include.n = 3; ENV(INCLUDE, "5000");
  if (ok()) {
    SET_IS(cfg.include, "2000,4321");
    FROM_IS(cfg.include_from, "include");
  }

  reset("include = \"\" (given) still keeps PORT4ME_INCLUDE out");
  in.user = "alice"; in.include.given = 1; in.include.text = "";
  ENV(INCLUDE, "5000");
  if (ok()) SET_IS(cfg.include, "1024-65535");
}

static void t_include_variable(void)
{
  reset("PORT4ME_INCLUDE when the argument is NULL");
  in.user = "alice"; ENV(INCLUDE, "1-1023");
  if (!ok()) return;
  SET_IS(cfg.include, "1-1023");
  FROM_IS(cfg.include_from, "PORT4ME_INCLUDE");
  NUM_IS(first_candidate(0), 470);             /* SPEC 9 */
}

static void t_include_site(void)
{
  reset("PORT4ME_INCLUDE_SITE is added to the argument");
  in.user = "alice"; in.include.given = 1; in.include.text = "2000";
  ENV(INCLUDE_SITE, "3000-3001"); ENV(INCLUDE, "4000");
  if (ok()) {
    SET_IS(cfg.include, "2000,3000-3001");
    FROM_IS(cfg.include_from, "include,PORT4ME_INCLUDE_SITE");
  }

  reset("PORT4ME_INCLUDE_SITE is added to PORT4ME_INCLUDE");
  in.user = "alice"; ENV(INCLUDE_SITE, "3000"); ENV(INCLUDE, "4000");
  if (ok()) {
    SET_IS(cfg.include, "3000,4000");
    FROM_IS(cfg.include_from, "PORT4ME_INCLUDE,PORT4ME_INCLUDE_SITE");
  }

  reset("PORT4ME_INCLUDE_SITE alone replaces the default (narrows)");
  in.user = "alice"; ENV(INCLUDE_SITE, "3000-3009");
  if (ok()) {
    SET_IS(cfg.include, "3000-3009");
    NUM_IS(cfg.include_default, 0);
    FROM_IS(cfg.include_from, "PORT4ME_INCLUDE_SITE");
  }

  reset("include = \"0\" with PORT4ME_INCLUDE_SITE: only the site ports");
  in.user = "alice"; in.include.given = 1; in.include.text = "0";
  ENV(INCLUDE_SITE, "5000");
  if (ok()) {
    SET_IS(cfg.include, "5000");
    FROM_IS(cfg.include_from, "PORT4ME_INCLUDE_SITE");
  }

  reset("PORT4ME_INCLUDE_SITE=\"0\" is no port");
  in.user = "alice"; ENV(INCLUDE_SITE, "0");
  if (ok()) {
    SET_IS(cfg.include, "1024-65535");
    FROM_IS(cfg.include_from, "");
  }
}

static void t_exclude(void)
{
  static const int ports[] = {30845, 32310};
  reset("exclude argument wins over PORT4ME_EXCLUDE; unsafe list added");
  in.user = "alice"; in.exclude.given = 1; in.exclude.ports = ports;
  in.exclude.n = 2; ENV(EXCLUDE, "x");
  if (ok()) {
    SET_IS(cfg.exclude, CHROME_TEXT ",30845,32310");
    FROM_IS(cfg.exclude_from, "exclude,PORT4ME_EXCLUDE_UNSAFE");
    NUM_IS(first_candidate(0), 19654);         /* SPEC 9 */
  }

  reset("PORT4ME_EXCLUDE when the argument is NULL");
  in.user = "alice"; ENV(EXCLUDE, "2000-2001"); ENV(UNSAFE, "");
  if (ok()) {
    SET_IS(cfg.exclude, "2000-2001");
    FROM_IS(cfg.exclude_from, "PORT4ME_EXCLUDE");
  }

  reset("PORT4ME_EXCLUDE_SITE is always added");
  in.user = "alice"; in.exclude.given = 1; in.exclude.text = "2000";
  ENV(EXCLUDE, "2001"); ENV(EXCLUDE_SITE, "2002"); ENV(UNSAFE, "0");
  if (ok()) {
    SET_IS(cfg.exclude, "2000,2002");
    FROM_IS(cfg.exclude_from, "exclude,PORT4ME_EXCLUDE_SITE");
  }

  reset("three sources of exclusions, in order");
  in.user = "alice"; in.exclude.given = 1; in.exclude.text = "20000";
  ENV(EXCLUDE_SITE, "20001");
  if (ok()) {
    SET_IS(cfg.exclude, CHROME_TEXT ",20000-20001");
    FROM_IS(cfg.exclude_from,
            "exclude,PORT4ME_EXCLUDE_SITE,PORT4ME_EXCLUDE_UNSAFE");
  }

  reset("include 1-1023, exclude \"470,403\" (SPEC 9)");
  in.user = "alice"; in.include.given = 1; in.include.text = "1-1023";
  in.exclude.given = 1; in.exclude.text = "470,403";
  if (ok()) NUM_IS(first_candidate(0), 859);
}

static void t_unsafe(void)
{
  reset("PORT4ME_EXCLUDE_UNSAFE unset: {chrome},{firefox}");
  in.user = "alice";
  if (ok()) {
    SET_IS(cfg.exclude, CHROME_TEXT);
    FROM_IS(cfg.exclude_from, "PORT4ME_EXCLUDE_UNSAFE");
  }

  reset("PORT4ME_EXCLUDE_UNSAFE empty: nothing");
  in.user = "alice"; ENV(UNSAFE, "");
  if (ok()) { SET_IS(cfg.exclude, ""); FROM_IS(cfg.exclude_from, ""); }

  reset("PORT4ME_EXCLUDE_UNSAFE=0: nothing");
  in.user = "alice"; ENV(UNSAFE, "0");
  if (ok()) { SET_IS(cfg.exclude, ""); FROM_IS(cfg.exclude_from, ""); }

  reset("PORT4ME_EXCLUDE_UNSAFE={firefox}");
  in.user = "alice"; ENV(UNSAFE, "{firefox}");
  if (ok()) SET_IS(cfg.exclude, FIREFOX_TEXT);

  reset("PORT4ME_EXCLUDE_UNSAFE with plain ports");
  in.user = "alice"; ENV(UNSAFE, "{chrome} 11000-11001");
  if (ok()) SET_IS(cfg.exclude, CHROME_TEXT ",11000-11001");

  reset("PORT4ME_EXCLUDE_UNSAFE_CHROME empty: an empty list");
  in.user = "alice"; ENV(UNSAFE_CHROME, "");
  if (ok()) {
    SET_IS(cfg.exclude, FIREFOX_TEXT);
    FROM_IS(cfg.exclude_from, "PORT4ME_EXCLUDE_UNSAFE");
  }

  reset("both browser lists empty: the default gives no port");
  in.user = "alice"; ENV(UNSAFE_CHROME, ""); ENV(UNSAFE_FIREFOX, "");
  if (ok()) { SET_IS(cfg.exclude, ""); FROM_IS(cfg.exclude_from, ""); }

  reset("PORT4ME_EXCLUDE_UNSAFE_CHROME replaces the built-in list");
  in.user = "alice"; ENV(UNSAFE_CHROME, "7000"); ENV(UNSAFE_FIREFOX, "8000");
  if (ok()) SET_IS(cfg.exclude, "7000,8000");

  reset("PORT4ME_EXCLUDE_UNSAFE_FIREFOX=0 is an empty list too");
  in.user = "alice"; ENV(UNSAFE, "{firefox}"); ENV(UNSAFE_FIREFOX, "0");
  if (ok()) SET_IS(cfg.exclude, "");

  reset("{chrome} in include uses the variable too");
  in.user = "alice"; in.include.given = 1; in.include.text = "{chrome}";
  ENV(UNSAFE_CHROME, "7000,7002"); ENV(UNSAFE, "");
  if (ok()) SET_IS(cfg.include, "7000,7002");

  reset("the built-in lists are the SPEC's (src/unsafe.c)");
  CHECK(strlen(p4m_unsafe_chrome) > 0 && strlen(p4m_unsafe_firefox) > 0,
        "empty built-in lists");
}

static void t_unsafe_errors(void)
{
  reset("a bad PORT4ME_EXCLUDE_UNSAFE_CHROME names that variable");
  in.user = "alice"; ENV(UNSAFE_CHROME, "1,x");
  fails("PORT4ME_EXCLUDE_UNSAFE_CHROME",
        ": invalid token 'x': not a port number or range");

  reset("a token inside a browser list names the list");
  in.user = "alice"; ENV(UNSAFE_CHROME, "{firefox}");
  fails("PORT4ME_EXCLUDE_UNSAFE_CHROME", ": invalid token '{firefox}': "
        "tokens cannot be nested in a token's list");

  reset("a bad FIREFOX list reached from include names FIREFOX");
  in.user = "alice"; in.include.given = 1; in.include.text = "{firefox}";
  ENV(UNSAFE_FIREFOX, "5-2"); ENV(UNSAFE, "");
  fails("PORT4ME_EXCLUDE_UNSAFE_FIREFOX", ": invalid token '5-2': an empty "
        "range (start above end)");

  reset("a bad FIREFOX list that nothing expands is not read");
  in.user = "alice"; ENV(UNSAFE_FIREFOX, "x"); ENV(UNSAFE, "{chrome}");
  ok();

  reset("an unknown token in PORT4ME_EXCLUDE_UNSAFE");
  in.user = "alice"; ENV(UNSAFE, "{edge}");
  fails("PORT4ME_EXCLUDE_UNSAFE", ": invalid token '{edge}': unknown token "
        "(known: {chrome}, {firefox})");
}

/* Every source of ports names itself in a parse error. */
static void t_spec_errors_name_their_source(void)
{
  struct { const char *name; p4m_ports_arg *arg; int v; } s[] = {
    {"include", &in.include, -1}, {"exclude", &in.exclude, -1},
    {"prepend", &in.prepend, -1},
    {"PORT4ME_INCLUDE", NULL, P4M_VAR_INCLUDE},
    {"PORT4ME_INCLUDE_SITE", NULL, P4M_VAR_INCLUDE_SITE},
    {"PORT4ME_EXCLUDE", NULL, P4M_VAR_EXCLUDE},
    {"PORT4ME_EXCLUDE_SITE", NULL, P4M_VAR_EXCLUDE_SITE},
    {"PORT4ME_EXCLUDE_UNSAFE", NULL, P4M_VAR_UNSAFE},
    {"PORT4ME_PREPEND", NULL, P4M_VAR_PREPEND},
    {"PORT4ME_PREPEND_SITE", NULL, P4M_VAR_PREPEND_SITE},
  };
  static const int not_ports[][1] = {{0}, {65536}, {-1}};
  size_t i, k;
  char name[128];
  for (i = 0; i < sizeof s / sizeof s[0]; i++) {
    snprintf(name, sizeof name, "a half range in %s names it", s[i].name);
    reset(name);
    in.user = "alice";
    if (s[i].arg) { s[i].arg->given = 1; s[i].arg->text = "10,1-"; }
    else in.env[s[i].v] = "10,1-";
    fails(s[i].name, ": invalid token '1-': a range needs an end");
    if (s[i].arg == NULL) continue;
    for (k = 0; k < 3; k++) {
      snprintf(name, sizeof name, "%s = %d (integer) is an internal error",
               s[i].name, not_ports[k][0]);
      reset(name);
      in.user = "alice";
      s[i].arg->given = 1; s[i].arg->ports = not_ports[k]; s[i].arg->n = 1;
      fails(s[i].name, " holds a value that is not a port (an internal "
            "error: port4me() checks this)");
    }
  }
}

static void t_candidates(void)
{
  reset("cand = include minus exclude");
  in.user = "alice"; in.include.given = 1; in.include.text = "1-30";
  in.exclude.given = 1; in.exclude.text = "2-5"; ENV(EXCLUDE_SITE, "29");
  if (ok()) {
    SET_IS(cfg.cand, "6,8,10,12,14,16,18,24,26-28,30");
    NUM_IS(p4m_set_count(&cfg.cand), 12);
  }
}

static void t_empty_candidates(void)
{
  static const char *inc = ": no candidate ports: every included port is "
    "excluded (by the exclude set, PORT4ME_EXCLUDE_SITE or "
    "PORT4ME_EXCLUDE_UNSAFE)";
  static const char *dflt = ": no candidate ports: the exclusions cover all "
    "of the default 1024-65535";

  reset("empty candidates: include argument");
  in.user = "alice"; in.include.given = 1; in.include.text = "8080";
  in.exclude.given = 1; in.exclude.text = "8080";
  fails("include", inc);

  reset("empty candidates: include excluded by the unsafe list");
  in.user = "alice"; in.include.given = 1; in.include.text = "1,6000";
  fails("include", inc);

  reset("empty candidates: PORT4ME_INCLUDE");
  in.user = "alice"; ENV(INCLUDE, "22");
  fails("PORT4ME_INCLUDE", inc);

  reset("empty candidates: PORT4ME_INCLUDE_SITE alone");
  in.user = "alice"; ENV(INCLUDE_SITE, "8080"); ENV(EXCLUDE_SITE, "8080");
  fails("PORT4ME_INCLUDE_SITE", inc);

  reset("empty candidates: default include, exclude argument");
  in.user = "alice"; in.exclude.given = 1; in.exclude.text = "1024-65535";
  fails("exclude", dflt);

  reset("empty candidates: default include, PORT4ME_EXCLUDE");
  in.user = "alice"; ENV(EXCLUDE, "1-65535");
  fails("PORT4ME_EXCLUDE", dflt);

  reset("empty candidates: default include, PORT4ME_EXCLUDE_SITE");
  in.user = "alice"; ENV(EXCLUDE_SITE, "1000-65535");
  fails("PORT4ME_EXCLUDE_SITE", dflt);

  reset("empty candidates: default include, PORT4ME_EXCLUDE_UNSAFE");
  in.user = "alice"; ENV(UNSAFE, "1024-65535");
  fails("PORT4ME_EXCLUDE_UNSAFE", dflt);

  reset("empty candidates: a browser list");
  in.user = "alice"; ENV(UNSAFE_CHROME, "1024-65535");
  fails("PORT4ME_EXCLUDE_UNSAFE", dflt);

  reset("empty candidates: prepended ports do not help");
  in.user = "alice"; in.prepend.given = 1; in.prepend.text = "8080";
  in.include.given = 1; in.include.text = "1";
  fails("include", inc);

  reset("empty candidates, list mode too");
  in.user = "alice"; in.list = 3; ENV(INCLUDE, "1");
  fails("PORT4ME_INCLUDE", inc);

  reset("one candidate left is enough");
  in.user = "alice"; in.exclude.given = 1; in.exclude.text = "1024-65534";
  if (ok()) SET_IS(cfg.cand, "65535");
}

static void t_prepend(void)
{
  static const int ports[] = {7, 7, 8, 7};
  reset("no prepend: nothing allocated");
  in.user = "alice";
  if (ok()) {
    NUM_IS(cfg.n_prepend, 0);
    CHECK(cfg.prepend == NULL, "prepend must be NULL");
    NUM_IS(n_blocks, 0);
    FROM_IS(cfg.prepend_from, "");
  }

  reset("prepend = \"0\": nothing allocated");
  in.user = "alice"; in.prepend.given = 1; in.prepend.text = "0";
  if (ok()) { NUM_IS(cfg.n_prepend, 0); NUM_IS(n_blocks, 0); }

  reset("prepend argument: order kept, duplicates dropped, not filtered");
  in.user = "alice"; in.prepend.given = 1;
  in.prepend.text = "4321 11001,5-7,6,1,4321"; ENV(PREPEND, "9");
  if (ok()) {
    PREPEND_IS("4321,11001,5,6,7,1");
    FROM_IS(cfg.prepend_from, "prepend");
    NUM_IS(n_blocks, 1);
    NUM_IS(block_size[0], 65535 * sizeof(uint16_t));
  }

  reset("prepend argument (integer vector)");
  in.user = "alice"; in.prepend.given = 1; in.prepend.ports = ports;
  in.prepend.n = 4;
  if (ok()) PREPEND_IS("7,8");

  reset("PORT4ME_PREPEND when the argument is NULL, then the site list");
  in.user = "alice"; ENV(PREPEND, "10-12"); ENV(PREPEND_SITE, "12,9,10,13");
  if (ok()) {
    PREPEND_IS("10,11,12,9,13");
    FROM_IS(cfg.prepend_from, "PORT4ME_PREPEND,PORT4ME_PREPEND_SITE");
  }

  reset("PORT4ME_PREPEND_SITE is added to the argument");
  in.user = "alice"; in.prepend.given = 1; in.prepend.text = "2000-2009";
  ENV(PREPEND_SITE, "2000,3000"); ENV(PREPEND, "9");
  in.include.given = 1; in.include.text = "1-1023";
  if (ok()) {
    PREPEND_IS("2000,2001,2002,2003,2004,2005,2006,2007,2008,2009,3000");
    FROM_IS(cfg.prepend_from, "prepend,PORT4ME_PREPEND_SITE");
  }

  reset("PORT4ME_PREPEND_SITE alone");
  in.user = "alice"; ENV(PREPEND_SITE, "{firefox}"); ENV(PREPEND, "");
  if (ok()) {
    NUM_IS(cfg.n_prepend, 58);
    NUM_IS(cfg.prepend[57], 6000);
    FROM_IS(cfg.prepend_from, "PORT4ME_PREPEND_SITE");
  }

  reset("every port prepended, twice: 65535 entries, no more");
  in.user = "alice"; in.prepend.given = 1; in.prepend.text = "65535,1-65535";
  ENV(PREPEND_SITE, "1-65535");
  if (ok()) {
    NUM_IS(cfg.n_prepend, 65535);
    NUM_IS(cfg.prepend[0], 65535);
    NUM_IS(cfg.prepend[1], 1);
    NUM_IS(cfg.prepend[65534], 65534);
    NUM_IS(n_blocks, 1);
  }
}

/* ---- the claims directory ------------------------------------------------ */

static void t_claims_dir(void)
{
  reset("claims: XDG_RUNTIME_DIR (absolute) wins");
  in.user = "alice"; ENV(XDG_RUNTIME_DIR, "/run/user/1000");
  ENV(R_USER_CACHE_DIR, "/r"); ENV(XDG_CACHE_HOME, "/x"); ENV(HOME, "/h");
  if (ok()) STR_IS(cfg.claims_dir, "/run/user/1000/port4me");

  reset("claims: a relative XDG_RUNTIME_DIR is ignored");
  in.user = "alice"; ENV(XDG_RUNTIME_DIR, "run/user/1000");
  ENV(R_USER_CACHE_DIR, "/r"); ENV(XDG_CACHE_HOME, "/x"); ENV(HOME, "/h");
  if (ok()) STR_IS(cfg.claims_dir, "/r/R/port4me/claims");

  reset("claims: an empty XDG_RUNTIME_DIR is unset");
  in.user = "alice"; ENV(XDG_RUNTIME_DIR, "");
  ENV(XDG_CACHE_HOME, "/x"); ENV(HOME, "/h");
  if (ok()) STR_IS(cfg.claims_dir, "/x/R/port4me/claims");

  reset("claims: R_USER_CACHE_DIR as tools::R_user_dir uses it");
  in.user = "alice"; ENV(R_USER_CACHE_DIR, "/r");
  ENV(XDG_CACHE_HOME, "/x"); ENV(HOME, "/h");
  if (ok()) STR_IS(cfg.claims_dir, "/r/R/port4me/claims");

  reset("claims: XDG_CACHE_HOME");
  in.user = "alice"; ENV(R_USER_CACHE_DIR, ""); ENV(XDG_CACHE_HOME, "/x");
  ENV(HOME, "/h");
  if (ok()) STR_IS(cfg.claims_dir, "/x/R/port4me/claims");

  reset("claims: HOME");
  in.user = "alice"; ENV(XDG_CACHE_HOME, ""); ENV(HOME, "/home/al");
  ENV(LOCALAPPDATA, "/l");
#if defined(_WIN32)
  if (ok()) STR_IS(cfg.claims_dir, "/l/R/cache/R/port4me/claims");
#elif defined(__APPLE__)
  if (ok()) STR_IS(cfg.claims_dir,
                   "/home/al/Library/Caches/org.R-project.R/R/port4me/claims");
#else
  if (ok()) STR_IS(cfg.claims_dir, "/home/al/.cache/R/port4me/claims");
#endif

  reset("claims: nothing set: no directory");
  in.user = "alice";
  if (ok()) STR_IS(cfg.claims_dir, "");

  reset("claims: set in test mode");
  in.test = 80; ENV(XDG_RUNTIME_DIR, "/run/user/0");
  if (ok()) STR_IS(cfg.claims_dir, "/run/user/0/port4me");
}

static void t_claims_dir_too_long(void)
{
  size_t max = P4M_CLAIMS_DIR_MAX - 1;   /* characters */
  size_t home_suffix = strlen("/.cache/R/port4me/claims");
  size_t xdg_suffix = strlen("/port4me");
  size_t cache_suffix = strlen("/R/port4me/claims");
  const char *detail = " is too long to hold the claims directory";

#if !defined(_WIN32) && !defined(__APPLE__)
  reset("claims: HOME at the longest");
  in.user = "alice"; ENV(HOME, path_of_length(max - home_suffix));
  if (ok()) NUM_IS(strlen(cfg.claims_dir), max);
  reset("claims: HOME one too long");
  in.user = "alice"; ENV(HOME, path_of_length(max - home_suffix + 1));
  fails("HOME", detail);
#endif

  reset("claims: XDG_RUNTIME_DIR at the longest");
  in.user = "alice"; ENV(XDG_RUNTIME_DIR, path_of_length(max - xdg_suffix));
  if (ok()) NUM_IS(strlen(cfg.claims_dir), max);
  reset("claims: XDG_RUNTIME_DIR one too long");
  in.user = "alice";
  ENV(XDG_RUNTIME_DIR, path_of_length(max - xdg_suffix + 1));
  fails("XDG_RUNTIME_DIR", detail);
  CHECK(cfg.claims_dir[0] == '\0', "claims_dir left non-empty");

  reset("claims: R_USER_CACHE_DIR one too long");
  in.user = "alice";
  ENV(R_USER_CACHE_DIR, path_of_length(max - cache_suffix + 1));
  fails("R_USER_CACHE_DIR", detail);

  reset("claims: XDG_CACHE_HOME at the longest");
  in.user = "alice"; ENV(XDG_CACHE_HOME, path_of_length(max - cache_suffix));
  if (ok()) NUM_IS(strlen(cfg.claims_dir), max);
  reset("claims: XDG_CACHE_HOME far too long");
  in.user = "alice"; ENV(XDG_CACHE_HOME, path_of_length(max + 10));
  fails("XDG_CACHE_HOME", detail);
  reset("claims: a list needs none, so a folder too long is no error");
  in.user = "alice"; in.list = 2; ENV(XDG_CACHE_HOME, path_of_length(max + 10));
  if (ok()) STR_IS(cfg.claims_dir, "");
}

/* ---- everything at once ---------------------------------------------------- */

static void t_everything(void)
{
  reset("every setting from variables");
  in.account = "acct";
  ENV(USER, "bob"); ENV(TOOL, "t"); ENV(SKIP, "1"); ENV(LIST, "2");
  ENV(MAX_TRIES, "3"); ENV(MUST_WORK, "false"); ENV(RESERVE, "4");
  ENV(DEBUG, "true"); ENV(CHECK_ANY, "any"); ENV(INCLUDE, "54242");
  ENV(INCLUDE_SITE, "14723"); ENV(EXCLUDE, "100"); ENV(EXCLUDE_SITE, "101");
  ENV(UNSAFE, "0"); ENV(PREPEND, "3"); ENV(PREPEND_SITE, "4");
  ENV(XDG_RUNTIME_DIR, "/run");
  if (!ok()) return;
  NUM_IS(cfg.mode, P4M_MODE_LIST);
  NUM_IS(cfg.any, 1); NUM_IS(cfg.debug, 1); NUM_IS(cfg.must_work, 0);
  NUM_IS(cfg.skip, 1); NUM_IS(cfg.list, 2); NUM_IS(cfg.max_tries, 3);
  NUM_IS(cfg.reserve, 4); NUM_IS(cfg.test, -1);
  STR_IS(cfg.user, "bob"); STR_IS(cfg.tool, "t");
  STR_IS(cfg.tool_from, "PORT4ME_TOOL");
  NUM_IS(cfg.hash, ascii_hash("bob,t"));
  SET_IS(cfg.include, "14723,54242");
  SET_IS(cfg.exclude, "100-101");
  SET_IS(cfg.cand, "14723,54242");
  PREPEND_IS("3,4");
  STR_IS(cfg.claims_dir, "");  /* a list checks no port: no claims */
  ENV(LIST, NULL);
  if (ok()) STR_IS(cfg.claims_dir, "/run/port4me");

  reset("bob, list = 2, skip = 1, exclude = c(54242, 14723) (SPEC 9)");
  in.user = "bob"; in.list = 2; in.skip = 1; in.exclude.given = 1;
  in.exclude.text = "54242 14723";
  if (ok()) {
    NUM_IS(first_candidate((unsigned) cfg.skip), 42139);
    NUM_IS(first_candidate((unsigned) cfg.skip + 1), 55707);
  }
}

int main(void)
{
  t_user_argument_wins();
  t_user_variable();
  t_user_os_variable();
  t_user_account();
  t_user_none();
  t_user_empty_argument();
  t_tool();
  t_hash_code_points();
  t_invalid_utf8();
  t_skip();
  t_list();
  t_max_tries();
  t_reserve();
  t_test();
  t_must_work();
  t_debug();
  t_check_any();
  t_test_mode_computes_nothing_else();
  t_include_default();
  t_include_argument();
  t_include_variable();
  t_include_site();
  t_exclude();
  t_unsafe();
  t_unsafe_errors();
  t_spec_errors_name_their_source();
  t_candidates();
  t_empty_candidates();
  t_prepend();
  t_claims_dir();
  t_claims_dir_too_long();
  t_everything();
  reset("done");
  printf("test_settings: %d passed, %d failed\n", n_pass, n_fail);
  return n_fail == 0 ? 0 : 1;
}
