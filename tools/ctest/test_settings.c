/*
 * test_settings.c - the settings of the pure C core, without R: the table
 * (src/table.c), how values are shown (src/show.c), one parser per kind
 * (src/value.c) and the precedence rules (src/settings.c, SPEC sections 1-4
 * and 8), driven with plain strings through p4m_configure() exactly as R
 * and the command line hand them over.
 *
 * One test per rule.  Expected values come from SPEC.md and the wordings of
 * NOTES.md, written out here; sets are compared as compact ranges written
 * by this file, and SPEC section 9 is checked through the stream.
 *   make check-settings       last line: "test_settings: N passed, N failed"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "settings.h"
#include "spec.h"
#include "stream.h"
#include "unsafe.h"
#include "value.h"
#include "ctest.h"

/* SPEC section 3's lists as compact ranges ({firefox} is part of {chrome},
 * so both together are CHROME) */
#define CHROME                                                              \
  "1,7,9,11,13,15,17,19-23,25,37,42-43,53,69,77,79,87,95,101-104,109-111,"  \
  "113,115,117,119,123,135,137,139,143,161,179,389,427,465,512-515,526,"    \
  "530-532,540,548,554,556,563,587,601,636,989-990,993,995,1719-1720,1723," \
  "2049,3659,4045,5060-5061,6000,6566,6665-6669,6697,10080"
#define FIREFOX                                                             \
  "1,7,9,11,13,15,17,19-23,25,37,42-43,53,77,79,87,95,101-104,109-111,113," \
  "115,117,119,123,135,139,143,179,389,465,512-515,526,530-532,540,556,563,"\
  "587,601,636,993,995,2049,4045,6000"
#define INT_MAX_D 2147483647.0
#define UTF8_WHY "port4me hashes the code points of names"

/* ---- fixture ------------------------------------------------------------ */

static p4m_input in;
static p4m_config cfg;
static p4m_error err;
static double nums[P4M_NROWS];   /* the numbers of number arguments */
static void *block;              /* the one block p4m_configure asks for */
static size_t block_bytes;
static int n_alloc;

static void *grab(void *ctx, size_t bytes)
{
  (void) ctx;
  n_alloc++;
  free(block);
  block = malloc(bytes);
  block_bytes = bytes;
  if (block == NULL) { perror("malloc"); exit(2); }
  return block;
}

/* Who and where, counted: asked for only when a call needs claims. */
static int n_uid, n_host;
static long uid_1000(void)
{
  n_uid++;
  return 1000;
}
static void host_h(char *buf, size_t n)
{
  n_host++;
  snprintf(buf, n, "h");
}

/* Nothing given, every variable unset, uid 1000 on host "h". */
static void reset(void)
{
  int i;
  memset(&in, 0, sizeof in);
  for (i = 0; i < P4M_NROWS; i++) {
    in.given[i].from = P4M_FROM_NONE;
    in.given[i].text = NULL;
    in.given[i].ints = NULL;
    in.given[i].dbls = NULL;
    in.env[i] = NULL;
  }
  in.account = NULL;
  in.uid = uid_1000;
  in.host = host_h;
  n_uid = n_host = 0;
  in.alloc = grab;
  in.alloc_ctx = NULL;
  free(block);
  block = NULL;
  n_alloc = 0;
  memset(&cfg, 0xA5, sizeof cfg);   /* poison: what is read must be set */
  memset(&err, 0xA5, sizeof err);
}

/* Give row `row` as an argument or an option.  An argument of a number
 * kind is the number in text (R hands over a double), of a flag kind
 * "true" or anything else, of the other kinds the string itself. */
static void give(int row, int from, const char *text)
{
  p4m_given *g = &in.given[row];
  int k = p4m_table[row].kind;
  g->from = from;
  g->text = text;
  if (from == P4M_FROM_ARG &&
      (k == P4M_K_COUNT || k == P4M_K_PORT || k == P4M_K_SECONDS)) {
    nums[row] = strtod(text, NULL);
    g->text = NULL;
    g->dbls = &nums[row];
    g->n = 1;
  }
  if (from == P4M_FROM_ARG && k == P4M_K_FLAG) {
    g->text = NULL;
    g->flag = strcmp(text, "true") == 0;
  }
}
#define ARG(ID, t) give(P4M_##ID, P4M_FROM_ARG, t)
#define OPT(ID, t) give(P4M_##ID, P4M_FROM_OPTION, t)
#define ENV(ID, t) (in.env[P4M_##ID] = (t))

/* An integer vector argument of ports. */
static void give_ints(int row, const int *v, size_t n)
{
  in.given[row].from = P4M_FROM_ARG;
  in.given[row].text = NULL;
  in.given[row].ints = v;
  in.given[row].n = n;
}

static int configure(void)
{
  return p4m_configure(&in, &cfg, &err);
}

/* Configure, expecting success (`what` says which case failed). */
static int ok(const char *what)
{
  int rc = configure();
  CHECK(rc == 0, "%s: expected success, got: %s", what, err.message);
  return rc == 0;
}

/* Configure, expecting an invalid value from `source` with `message`. */
static void fails(const char *source, const char *message)
{
  check_invalid(configure(), &err, source, message);
}

/* ---- showing values ----------------------------------------------------- */

/* x as compact ranges "1,7,9-11" ("" when empty); three at a time */
static const char *set_text(const p4m_set *x)
{
  static char bufs[3][65536 * 7];
  static int turn = 0;
  char *buf = bufs[turn++ % 3];
  size_t k = 0;
  uint32_t p = 0, q;
  buf[0] = '\0';
  while (p <= 65535u) {
    if (!p4m_set_has(x, p)) { p++; continue; }
    for (q = p; q < 65535u && p4m_set_has(x, q + 1); q++) ;
    k += (size_t) sprintf(buf + k, q == p ? "%s%u" : "%s%u-%u", k ? "," : "",
                          (unsigned) p, (unsigned) q);
    p = q + 1;
  }
  return buf;
}

static const char *prepend_text(void)
{
  static char buf[65536 * 7];
  size_t i, k = 0;
  buf[0] = '\0';
  for (i = 0; i < cfg.n_prepend; i++)
    k += (size_t) sprintf(buf + k, "%s%u", i ? "," : "",
                          (unsigned) cfg.prepend[i]);
  return buf;
}

static const char *origin_text(const p4m_origin *o)
{
  static char buf[4][256];
  static int turn = 0;
  char *b = buf[turn++ % 4];
  int i;
  b[0] = '\0';
  if (o->n < 0 || o->n > P4M_MAX_ORIGINS) return "(bad count)";
  for (i = 0; i < o->n; i++)
    sprintf(b + strlen(b), "%s%s", i ? "," : "", o->names[i]);
  return b;
}

static const char *claims_text(void)
{
  static char buf[P4M_MAX_CLAIMS_DIRS * (P4M_PATH_MAX + 64)];
  int i;
  buf[0] = '\0';
  for (i = 0; i < cfg.n_claims; i++)
    sprintf(buf + strlen(buf), "%s%s [%lu, %s]", i ? "; " : "",
            cfg.claims[i].dir, (unsigned long) cfg.claims[i].base,
            cfg.claims[i].from);
  return buf;
}

#define STR_IS(got, want) do {                                            \
    const char *g_ = (got), *w_ = (want);                                 \
    CHECK((g_ == NULL && w_ == NULL) ||                                   \
          (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0),              \
          "%s:\n  expected '%.300s'\n  got      '%.300s'", #got,          \
          w_ ? w_ : "NULL", g_ ? g_ : "NULL");                            \
  } while (0)
#define NUM_IS(got, want) do {                                            \
    double g_ = (double) (got), w_ = (double) (want);                     \
    CHECK(g_ == w_, "%s: expected %.17g, got %.17g", #got, w_, g_);       \
  } while (0)

/* Everything a search or list config holds, as one text. */
static const char *summary(void)
{
  static char buf[65536 * 16];
  sprintf(buf, "mode %d any %d debug %d must_work %d skip %g list %g "
          "max_tries %g (%s) reserve %g user %s (%s) tool %s (%s) hash %lu "
          "include %s (%s, default %d) exclude %s (%s) prepend %s (%s) "
          "claims %s", cfg.mode, cfg.any, cfg.debug, cfg.must_work, cfg.skip,
          cfg.list, cfg.max_tries, cfg.max_tries_from, cfg.reserve, cfg.user,
          cfg.user_from, cfg.tool ? cfg.tool : "-",
          cfg.tool_from ? cfg.tool_from : "-", (unsigned long) cfg.hash,
          set_text(&cfg.include), origin_text(&cfg.include_from),
          cfg.include_default, set_text(&cfg.exclude),
          origin_text(&cfg.exclude_from), prepend_text(),
          origin_text(&cfg.prepend_from), claims_text());
  return buf;
}

/* The next n ports of the stream of cfg after its skip (SPEC 4), "a b c". */
static const char *stream_text(size_t n)
{
  static char buf[256];
  p4m_stream st;
  size_t i, k = 0;
  buf[0] = '\0';
  if (p4m_stream_init(&st, cfg.hash, cfg.prepend, cfg.n_prepend,
                      &cfg.cand) != 0)
    return "(no candidates)";
  p4m_stream_skip(&st, (uint64_t) cfg.skip);
  for (i = 0; i < n && k < sizeof buf - 8; i++)
    k += (size_t) sprintf(buf + k, "%s%u", i ? " " : "",
                          (unsigned) p4m_stream_next(&st));
  return buf;
}

/* The Java-style hash of ASCII text, computed here. */
static unsigned long ascii_hash(const char *s)
{
  uint32_t h = 0;
  for (; *s; s++) h = 31u * h + (unsigned char) *s;
  return h;
}

/* ---- the table (table.c) ------------------------------------------------ */

static int is_word(const char *s, const char *chars)
{
  return s[0] != '\0' && strspn(s, chars) == strlen(s);
}

static int add_range(void *ctx, uint32_t lo, uint32_t hi)
{
  p4m_set_add_range((p4m_set *) ctx, lo, hi);
  return 0;
}

/* Every row is sane and its default parses with its own parser. */
static void t_table_rows(void)
{
  static const char *const lower = "abcdefghijklmnopqrstuvwxyz_";
  static const char *const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
  int i, j;
  for (i = 0; i < P4M_NROWS; i++) {
    const p4m_row *r = &p4m_table[i];
    const char *name = r->opt ? r->opt : r->var ? r->var : "(no name)";
    int number = r->kind == P4M_K_COUNT || r->kind == P4M_K_PORT ||
      r->kind == P4M_K_SECONDS;
    CHECK(r->kind >= P4M_K_NAME && r->kind <= P4M_K_ACTION, "%s: kind", name);
    CHECK(r->group >= P4M_G_USER && r->group <= P4M_G_CLI, "%s: group", name);
    CHECK(r->arg || r->var || r->opt, "row %d has no name", i);
    CHECK(r->help != NULL && r->help[0] != '\0', "%s: no help", name);
    CHECK(r->arg == NULL || is_word(r->arg, lower), "%s: argument", name);
    CHECK(r->var == NULL || is_word(r->var, upper), "%s: variable", name);
    CHECK(r->opt == NULL ||
          (strncmp(r->opt, "--", 2) == 0 &&
           is_word(r->opt + 2, "abcdefghijklmnopqrstuvwxyz-")),
          "%s: option", name);
    /* placeholders: "" for switches, "<...>" for options with a value,
     * none without an option */
    CHECK((r->opt == NULL) == (r->placeholder == NULL), "%s: placeholder",
          name);
    if (r->placeholder != NULL && r->placeholder[0] != '\0')
      CHECK(r->placeholder[0] == '<' &&
            r->placeholder[strlen(r->placeholder) - 1] == '>',
            "%s: placeholder %s", name, r->placeholder);
    CHECK((r->placeholder != NULL && r->placeholder[0] == '\0') ==
          (r->kind == P4M_K_ACTION || (r->kind == P4M_K_FLAG && !r->arg)),
          "%s: a switch is an action or a flag without an argument", name);
    if (r->opt != NULL)
      CHECK(p4m_find_option(r->opt, strlen(r->opt)) == i, "%s: find", name);
    if (number || r->kind == P4M_K_PORTS)
      CHECK(r->min >= 0 && r->min <= r->max && r->max <= INT_MAX_D &&
            r->min == (double) (long) r->min &&
            r->max == (double) (long) r->max, "%s: limits", name);
    if (r->kind == P4M_K_PORT || r->kind == P4M_K_PORTS)
      CHECK(r->min == 1 && r->max == 65535, "%s: ports", name);
    for (j = 0; j < i; j++) {
      const p4m_row *o = &p4m_table[j];
      CHECK(!(r->arg && o->arg && strcmp(r->arg, o->arg) == 0) &&
            !(r->var && o->var && strcmp(r->var, o->var) == 0) &&
            !(r->opt && o->opt && strcmp(r->opt, o->opt) == 0),
            "%s: a name used twice", name);
    }
    if (r->dflt == NULL) continue;
    reset();
    if (number) {
      double v;
      CHECK(p4m_parse_number(i, name, r->dflt, &v, &err) == 0,
            "%s: default %s", name, r->dflt);
    } else if (r->kind == P4M_K_FLAG) {
      int v;
      CHECK(p4m_parse_flag(i, name, r->dflt, &v, &err) == 0,
            "%s: default %s", name, r->dflt);
    } else {
      p4m_tokens tok;
      p4m_spec_error se;
      p4m_set s;
      CHECK(r->kind == P4M_K_PORTS, "%s: a default of kind %d", name,
            r->kind);
      tok.chrome = p4m_unsafe_chrome;
      tok.chrome_len = strlen(p4m_unsafe_chrome);
      tok.firefox = p4m_unsafe_firefox;
      tok.firefox_len = strlen(p4m_unsafe_firefox);
      p4m_set_clear(&s);
      /* (the browser lists themselves without tokens: no nesting) */
      CHECK(p4m_spec_parse(r->dflt, strlen(r->dflt),
                           i == P4M_UNSAFE_CHROME || i == P4M_UNSAFE_FIREFOX
                           ? NULL : &tok, add_range, &s, &se) == 0,
            "%s: default: %s", name, se.msg);
      STR_IS(set_text(&s), i == P4M_INCLUDE ? "1024-65535"
             : i == P4M_UNSAFE_FIREFOX ? FIREFOX : CHROME);
    }
  }
  {
    /* a token whose list is NULL stands for no ports */
    p4m_tokens none = {NULL, 0, NULL, 0};
    p4m_spec_error se;
    p4m_set s;
    p4m_set_clear(&s);
    CHECK(p4m_spec_parse("{chrome},5,{firefox}", 20, &none, add_range, &s,
                         &se) == 0, "tokens without their lists: %s", se.msg);
    STR_IS(set_text(&s), "5");
  }
  /* the IDs name the rows they say */
  STR_IS(p4m_table[P4M_SKIP].var, "PORT4ME_SKIP");
  STR_IS(p4m_table[P4M_MAX_TRIES].opt, "--max-tries");
  STR_IS(p4m_table[P4M_OS_USER].var, "USER");
  STR_IS(p4m_table[P4M_CHECK_ANY].var, "_PORT4ME_CHECK_AVAILABLE_PORTS_");
  STR_IS(p4m_table[P4M_RELEASE].arg, "release");
  CHECK(p4m_table[P4M_RELEASE].var == NULL, "release has no variable");
  STR_IS(p4m_table[P4M_HELP].opt, "--help");
}

static void t_table_find_option(void)
{
  const char *s = "--skip=5";
  NUM_IS(p4m_find_option(s, 6), P4M_SKIP);     /* the name before '=' */
  NUM_IS(p4m_find_option(s, 5), -1);           /* a prefix is not a name */
  NUM_IS(p4m_find_option("--skipx", 7), -1);
  NUM_IS(p4m_find_option("--SKIP", 6), -1);
  NUM_IS(p4m_find_option("skip", 4), -1);
  NUM_IS(p4m_find_option("--", 2), -1);
  NUM_IS(p4m_find_option("", 0), -1);
  NUM_IS(p4m_find_option("--max-tries", 11), P4M_MAX_TRIES);
  NUM_IS(p4m_find_option("--version", 9), P4M_VERSION);
}

/* The rule text of every kind (the middle of every value error). */
static void t_table_rules(void)
{
  char b[96];
  STR_IS(p4m_rule(P4M_USER, b, sizeof b), "a non-empty string of text");
  STR_IS(p4m_rule(P4M_TOOL, b, sizeof b), "a string of text");
  STR_IS(p4m_rule(P4M_INCLUDE, b, sizeof b), "ports in 1..65535");
  STR_IS(p4m_rule(P4M_SKIP, b, sizeof b), "a whole number in 0..2147483647");
  STR_IS(p4m_rule(P4M_TEST, b, sizeof b), "a port in 1..65535");
  STR_IS(p4m_rule(P4M_RESERVE, b, sizeof b),
         "a whole number of seconds in 0..86400");
  STR_IS(p4m_rule(P4M_DEBUG, b, sizeof b), "true or false");
  STR_IS(p4m_rule(P4M_CHECK_ANY, b, sizeof b), "unset, empty or \"any\"");
  STR_IS(p4m_rule(P4M_HOME, b, sizeof b), "an absolute path");
  STR_IS(p4m_rule(P4M_HELP, b, sizeof b), "");
  STR_IS(p4m_rule(P4M_SKIP, b, 10), "a whole n");   /* cut to fit */
  b[0] = 'x';
  STR_IS(p4m_rule(P4M_HELP, b, 1), "");             /* room for the NUL */
  b[0] = 'x';
  (void) p4m_rule(P4M_HELP, b, 0);                  /* no room at all */
  NUM_IS(b[0], 'x');
}

/* ---- how values are shown (show.c) and parsed (value.c) ----------------- */

static void t_show(void)
{
  char b[200], want[200];
  STR_IS(p4m_show("abc", b, sizeof b), "\"abc\"");
  {
    /* a buffer too small for any shown text is left empty, down to 1 byte */
    size_t n;
    for (n = 1; n < 8; n++) {
      memset(b, 'x', sizeof b);
      CHECK(p4m_show_text("abc", 1, b, n)[0] == '\0',
            "p4m_show_text() into %lu bytes", (unsigned long) n);
    }
  }
  STR_IS(p4m_show("", b, sizeof b), "\"\"");
  STR_IS(p4m_show("a\"b\\c", b, sizeof b), "\"a\\\"b\\\\c\"");
  STR_IS(p4m_show("\t\x01\x7f\xc3\xa9~ ", b, sizeof b),
         "\"\\x09\\x01\\x7f\\xc3\\xa9~ \"");
  /* at most 40 characters of the value, then "..." */
  STR_IS(p4m_show("0123456789012345678901234567890123456789", b, sizeof b),
         "\"0123456789012345678901234567890123456789\"");
  STR_IS(p4m_show("01234567890123456789012345678901234567890", b, sizeof b),
         "\"0123456789012345678901234567890123456789\"...");
  memset(want, 0, sizeof want);
  {
    char s[42];
    int i;
    memset(s, 0xff, 41);
    s[41] = '\0';
    strcpy(want, "\"");
    for (i = 0; i < 40; i++) strcat(want, "\\xff");
    strcat(want, "\"...");
    STR_IS(p4m_show(s, b, P4M_SHOW_MAX), want);   /* room for the longest */
  }
  /* a value of a given length (a token): its bytes, a NUL among them */
  STR_IS(p4m_show_n("ab\0cdef", 5, b, sizeof b), "\"ab\\x00cd\"");
  /* a small buffer: cut, always terminated */
  STR_IS(p4m_show("abcdefgh", b, 8), "\"a\"...");
  STR_IS(p4m_show("abc", b, 7), "");
  b[0] = 'x';
  STR_IS(p4m_show("abc", b, 1), "");                /* room for the NUL */
  b[0] = 'x';
  (void) p4m_show("abc", b, 0);                     /* no room at all */
  NUM_IS(b[0], 'x');
  /* "..." only where it and the NUL fit: two escapes fill 12 and 13
     bytes up to the closing quote */
  STR_IS(p4m_show("\x01\x01\x01", b, 12), "\"\\x01\\x01\"");
  STR_IS(p4m_show("\x01\x01\x01", b, 13), "\"\\x01\\x01\"");
  /* p4m_show_text() (folders, names in debug lines): control characters
     and '\\' escaped, '"' too when quoted, the rest as it is */
  STR_IS(p4m_show_text("a\\b\"c\td\x1f\x7f~ \xc3\xa9", 1, b, sizeof b),
         "\"a\\\\b\\\"c\\x09d\\x1f\\x7f~ \xc3\xa9\"");
  STR_IS(p4m_show_text("a\\b\"c", 0, b, sizeof b), "a\\\\b\"c");
  /* cut to the buffer */
  memset(b, 'x', sizeof b);
  STR_IS(p4m_show_text("abcdefghijkl", 0, b, 12), "abc...");
  STR_IS(p4m_show_text("abcdefghijkl", 1, b, 12), "\"ab\"...");
  STR_IS(p4m_show_text("abcdefghijkl", 0, b, 8), "...");
  b[0] = 'x';
  STR_IS(p4m_show_text("abc", 0, b, 7), "");
  b[0] = 'x';
  (void) p4m_show_text("abc", 0, b, 0);              /* no room at all */
  NUM_IS(b[0], 'x');
}

static void t_show_number(void)
{
  char b[48];
  STR_IS(p4m_show_number(2, b, sizeof b), "2");
  STR_IS(p4m_show_number(-1, b, sizeof b), "-1");
  STR_IS(p4m_show_number(1.5, b, sizeof b), "1.5");
  STR_IS(p4m_show_number(2147483648.0, b, sizeof b), "2147483648");
  STR_IS(p4m_show_number(1e6, b, sizeof b), "1000000");
  STR_IS(p4m_show_number(1.0 / 0.0, b, sizeof b), "Inf");
  STR_IS(p4m_show_number(-1.0 / 0.0, b, sizeof b), "-Inf");
  STR_IS(p4m_show_number(0.0 / 0.0, b, sizeof b), "NaN");
}

/* parse_number trims white space and never overflows. */
static void t_parse_number(void)
{
  static const char *const good[] = {
    "7", " 7", "7 ", "\t\n\v\f\r7\r\n", "0007", "000000000000000000000000007"
  };
  static const char *const bad[][2] = {       /* value, shown */
    {"", "\"\""}, {" ", "\" \""}, {"7 7", "\"7 7\""}, {"+7", "\"+7\""},
    {"-7", "\"-7\""}, {"0x7", "\"0x7\""}, {"7.0", "\"7.0\""},
    {"1e1", "\"1e1\""}, {"\xc3\xa9", "\"\\xc3\\xa9\""},
    {"99999999999999999999999999999999999999",
     "\"99999999999999999999999999999999999999\""},
    {"2147483648", "\"2147483648\""},
    /* 42 bytes, every one escaped: 40 of them, then "..." */
    {"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
     "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
     "\"\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3"
     "\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9"
     "\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3\\xa9\\xc3"
     "\\xa9\"..."}
  };
  size_t i;
  double v;
  for (i = 0; i < sizeof good / sizeof good[0]; i++) {
    v = -1;
    CHECK(p4m_parse_number(P4M_SKIP, "s", good[i], &v, &err) == 0 && v == 7,
          "parse_number(\"%s\"): %g", good[i], v);
  }
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char want[300];
    v = -1;
    CHECK(p4m_parse_number(P4M_SKIP, "s", bad[i][0], &v, &err) == -1 &&
          v == -1, "parse_number(\"%s\") accepted", bad[i][0]);
    sprintf(want, "s must be a whole number in 0..2147483647, not %s",
            bad[i][1]);
    STR_IS(err.message, want);
    STR_IS(err.source, "s");
    NUM_IS(err.kind, P4M_E_INVALID);
  }
  CHECK(p4m_parse_number(P4M_SKIP, "s", "2147483647", &v, &err) == 0 &&
        v == INT_MAX_D, "the largest count");
}

static void t_check_number(void)
{
  double v[] = {-1, 1.5, 0.0 / 0.0, 1.0 / 0.0, 2147483648.0};
  const char *shown[] = {"-1", "1.5", "NaN", "Inf", "2147483648"};
  size_t i;
  char want[120];
  for (i = 0; i < sizeof v / sizeof v[0]; i++) {
    CHECK(p4m_check_number(P4M_SKIP, "skip", v[i], &err) == -1, "%s",
          shown[i]);
    sprintf(want, "skip must be a whole number in 0..2147483647, not %s",
            shown[i]);
    STR_IS(err.message, want);
  }
  CHECK(p4m_check_number(P4M_SKIP, "skip", 0, &err) == 0, "0");
  CHECK(p4m_check_number(P4M_SKIP, "skip", INT_MAX_D, &err) == 0, "max");
}

static void t_check_name_and_hook(void)
{
  int on = -1;
  CHECK(p4m_check_name(P4M_TOOL, "tool", "", &err) == 0, "an empty tool");
  CHECK(p4m_check_name(P4M_USER, "user", "", &err) == -1, "an empty user");
  STR_IS(err.message, "user must be a non-empty string of text, not \"\"");
  CHECK(p4m_check_name(P4M_USER, "user", "\xf0\x9f\x98\x80", &err) == 0,
        "a four-byte character");
  CHECK(p4m_check_name(P4M_USER, "user", "\xed\xa0\x80", &err) == -1,
        "a surrogate");
  STR_IS(err.message, "user must be a non-empty string of text, not "
         "\"\\xed\\xa0\\x80\": not valid UTF-8 (byte 0xED at position 1); "
         UTF8_WHY);
  CHECK(p4m_parse_hook(P4M_CHECK_ANY, "h", NULL, &on, &err) == 0 && on == 0,
        "hook NULL");
  CHECK(p4m_parse_hook(P4M_CHECK_ANY, "h", "any", &on, &err) == 0 && on == 1,
        "hook any");
}

/* ---- every form of a setting -------------------------------------------- */

/* The value a search, list, test or release config holds for a row, as
 * text. */
static const char *row_value(int row)
{
  static char b[64];
  switch (row) {
  case P4M_TOOL: return cfg.tool ? cfg.tool : "(none)";
  case P4M_USER: case P4M_OS_USER: return cfg.user;
  case P4M_PREPEND: case P4M_PREPEND_SITE: return prepend_text();
  case P4M_INCLUDE: case P4M_INCLUDE_SITE: return set_text(&cfg.include);
  case P4M_EXCLUDE: case P4M_EXCLUDE_SITE: case P4M_EXCLUDE_UNSAFE:
    return set_text(&cfg.exclude);
  case P4M_SKIP: sprintf(b, "%.0f", cfg.skip); return b;
  case P4M_LIST: sprintf(b, "%.0f", cfg.list); return b;
  case P4M_MAX_TRIES: sprintf(b, "%.0f", cfg.max_tries); return b;
  case P4M_RESERVE: sprintf(b, "%.0f", cfg.reserve); return b;
  case P4M_TEST: case P4M_RELEASE: sprintf(b, "%d", cfg.port); return b;
  case P4M_MUST_WORK: sprintf(b, "%d", cfg.must_work); return b;
  case P4M_DEBUG: sprintf(b, "%d", cfg.debug); return b;
  default: return "(no value)";
  }
}

/* An argument or option wins over its variable, which is then not even
 * read; a bad value names the form it came in. */
static void t_each_form_over_its_variable(void)
{
  int row, f;
  for (row = 0; row < P4M_NROWS; row++) {
    const p4m_row *r = &p4m_table[row];
    int k = r->kind;
    const char *bad = k == P4M_K_NAME ? "\xff" : "x", *good = "2", *want;
    int user = row == P4M_USER || row == P4M_OS_USER;
    if (k == P4M_K_HOOK || k == P4M_K_PATH || k == P4M_K_ACTION) continue;
    if (k == P4M_K_FLAG) good = "false";
    else if (k == P4M_K_PORTS) good = "2000";
    else if (k == P4M_K_NAME) good = "n";
    want = k == P4M_K_FLAG ? "0" : good;
    for (f = P4M_FROM_ARG; f <= P4M_FROM_OPTION; f++) {
      const char *form = f == P4M_FROM_ARG ? r->arg : r->opt;
      if (form == NULL) continue;
      /* the form wins over a bad variable */
      reset();
      ARG(USER, "alice");
      ENV(EXCLUDE_UNSAFE, "");
      in.env[row] = r->var ? bad : NULL;
      give(row, f, good);
      if (ok(form)) STR_IS(row_value(row), want);
      /* a bad value in the form names the form */
      if (f == P4M_FROM_ARG && k == P4M_K_FLAG) continue;   /* (R's check) */
      reset();
      ARG(USER, "alice");
      give(row, f, f == P4M_FROM_ARG && k != P4M_K_NAME && k != P4M_K_PORTS
           ? "-1" : bad);
      if (configure() == 0) { CHECK(0, "%s: a bad value accepted", form); }
      else STR_IS(err.source, form);
    }
    if (r->var == NULL) continue;
    /* the variable itself ({chrome} and {firefox}: t_unsafe_unset_or_empty) */
    reset();
    if (!user) ARG(USER, "alice");
    ENV(EXCLUDE_UNSAFE, "");
    in.env[row] = good;
    if (row != P4M_UNSAFE_CHROME && row != P4M_UNSAFE_FIREFOX && ok(r->var))
      STR_IS(row_value(row), want);
    reset();
    if (!user) ARG(USER, "alice");
    in.env[row] = bad;
    if (configure() == 0) CHECK(0, "%s: a bad value accepted", r->var);
    else STR_IS(err.source, r->var);
  }
}

/* An empty variable is an unset one, except the unsafe lists. */
static void t_empty_is_unset(void)
{
  int row;
  static char unset[65536];
  for (row = 0; row < P4M_NROWS; row++) {
    if (p4m_table[row].var == NULL || row == P4M_EXCLUDE_UNSAFE ||
        row == P4M_UNSAFE_CHROME || row == P4M_UNSAFE_FIREFOX)
      continue;
    reset();
    in.account = "acct";
    if (!ok("unset")) return;
    snprintf(unset, sizeof unset, "%s", summary());
    reset();
    in.account = "acct";
    in.env[row] = "";
    if (ok(p4m_table[row].var)) STR_IS(summary(), unset);
  }
}

static void t_unsafe_unset_or_empty(void)
{
  reset(); ARG(USER, "alice");
  if (ok("unset")) {
    STR_IS(set_text(&cfg.exclude), CHROME);
    STR_IS(origin_text(&cfg.exclude_from), "PORT4ME_EXCLUDE_UNSAFE");
  }
  reset(); ARG(USER, "alice"); ENV(EXCLUDE_UNSAFE, "");
  if (ok("empty")) {
    STR_IS(set_text(&cfg.exclude), "");
    STR_IS(origin_text(&cfg.exclude_from), "");
  }
  reset(); ARG(USER, "alice"); ENV(EXCLUDE_UNSAFE, "0");
  if (ok("0")) STR_IS(set_text(&cfg.exclude), "");
  reset(); ARG(USER, "alice"); ENV(EXCLUDE_UNSAFE, "{firefox} 11000");
  if (ok("firefox")) STR_IS(set_text(&cfg.exclude), FIREFOX ",11000");
  reset(); ARG(USER, "alice"); ENV(UNSAFE_CHROME, "");   /* an empty list */
  if (ok("chrome empty")) STR_IS(set_text(&cfg.exclude), FIREFOX);
  reset(); ARG(USER, "alice"); ENV(UNSAFE_CHROME, ""); ENV(UNSAFE_FIREFOX, "");
  if (ok("both empty")) {
    STR_IS(set_text(&cfg.exclude), "");
    STR_IS(origin_text(&cfg.exclude_from), "");
  }
  reset(); ARG(USER, "alice"); ENV(UNSAFE_CHROME, "7000");
  ENV(UNSAFE_FIREFOX, "8000");
  if (ok("replaced")) STR_IS(set_text(&cfg.exclude), "7000,8000");
  reset(); ARG(USER, "alice"); ARG(INCLUDE, "{chrome}");
  ENV(UNSAFE_CHROME, "7000,7002"); ENV(EXCLUDE_UNSAFE, "");
  if (ok("chrome in include")) STR_IS(set_text(&cfg.include), "7000,7002");
  reset(); ARG(USER, "alice");   /* a list nothing expands is not read */
  ENV(UNSAFE_FIREFOX, "x"); ENV(EXCLUDE_UNSAFE, "{chrome}");
  if (ok("firefox unread")) STR_IS(set_text(&cfg.exclude), CHROME);
}

/* ---- port sets ---------------------------------------------------------- */

static void t_include_default(void)
{
  reset(); ARG(USER, "alice");
  if (ok("no include")) {
    STR_IS(set_text(&cfg.include), "1024-65535");
    NUM_IS(cfg.include_default, 1);
    STR_IS(origin_text(&cfg.include_from), "");
  }
  reset(); ARG(USER, "alice"); ARG(INCLUDE, "0"); ENV(INCLUDE, "2000");
  if (ok("include \"0\" names no port")) {
    STR_IS(set_text(&cfg.include), "1024-65535");
    NUM_IS(cfg.include_default, 1);
  }
}

static void t_site_unions(void)
{
  static const int dup[] = {7, 7, 8, 7};
  reset(); ARG(USER, "alice"); ARG(INCLUDE, "2000-2001");
  ENV(INCLUDE, "9"); ENV(INCLUDE_SITE, "3000");
  if (ok("include site")) {
    STR_IS(set_text(&cfg.include), "2000-2001,3000");
    STR_IS(origin_text(&cfg.include_from), "include,PORT4ME_INCLUDE_SITE");
    NUM_IS(cfg.include_default, 0);
  }
  reset(); ARG(USER, "alice"); ENV(INCLUDE_SITE, "3000");
  if (ok("include site alone narrows the default")) {
    STR_IS(set_text(&cfg.include), "3000");
    STR_IS(origin_text(&cfg.include_from), "PORT4ME_INCLUDE_SITE");
  }
  reset(); ARG(USER, "alice"); OPT(EXCLUDE, "2000"); ENV(EXCLUDE, "9");
  ENV(EXCLUDE_SITE, "2001"); ENV(UNSAFE_CHROME, "5"); ENV(UNSAFE_FIREFOX, "6");
  if (ok("exclude site")) {
    STR_IS(set_text(&cfg.exclude), "5-6,2000-2001");
    STR_IS(origin_text(&cfg.exclude_from),
           "--exclude,PORT4ME_EXCLUDE_SITE,PORT4ME_EXCLUDE_UNSAFE");
  }
  /* prepend: order kept, duplicates dropped, not filtered, site after */
  reset(); ARG(USER, "alice"); ARG(PREPEND, "4321 11001,5-7,6,1,4321");
  ENV(PREPEND, "9"); ENV(PREPEND_SITE, "7,9,4321");
  if (ok("prepend site")) {
    STR_IS(prepend_text(), "4321,11001,5,6,7,1,9");
    STR_IS(origin_text(&cfg.prepend_from), "prepend,PORT4ME_PREPEND_SITE");
    NUM_IS(n_alloc, 1);
    NUM_IS(block_bytes, 65535 * sizeof(uint16_t));
  }
  reset(); ARG(USER, "alice"); ENV(PREPEND, "10-12");
  ENV(PREPEND_SITE, "12,9");
  if (ok("PORT4ME_PREPEND")) {
    STR_IS(prepend_text(), "10,11,12,9");
    STR_IS(origin_text(&cfg.prepend_from),
           "PORT4ME_PREPEND,PORT4ME_PREPEND_SITE");
  }
  reset(); ARG(USER, "alice"); give_ints(P4M_PREPEND, dup, 4);
  if (ok("integer prepend")) STR_IS(prepend_text(), "7,8");
  reset(); ARG(USER, "alice"); ARG(PREPEND, "0");
  if (ok("no prepend")) {
    NUM_IS(cfg.n_prepend, 0);
    CHECK(cfg.prepend == NULL && n_alloc == 0, "room asked for no ports");
    STR_IS(origin_text(&cfg.prepend_from), "");
  }
  reset(); ARG(USER, "alice"); ARG(PREPEND, "65535,1-65535");
  ENV(PREPEND_SITE, "1-65535");
  if (ok("every port twice")) {
    NUM_IS(cfg.n_prepend, 65535);
    NUM_IS(cfg.prepend[0], 65535);
    NUM_IS(cfg.prepend[1], 1);
    NUM_IS(cfg.prepend[65534], 65534);
    NUM_IS(n_alloc, 1);
  }
}

static void t_empty_candidates(void)
{
  static const char *inc = " leaves no candidate ports: every included "
    "port is excluded (by the exclude set, PORT4ME_EXCLUDE_SITE or "
    "PORT4ME_EXCLUDE_UNSAFE)";
  static const char *dflt = " leaves no candidate ports: the exclusions "
    "cover all of the default 1024-65535";
  static const struct {
    const char *include, *include_var, *include_opt, *include_site;
    const char *exclude, *exclude_site, *unsafe, *chrome, *prepend;
    const char *source;
  } c[] = {
    {"8080", 0, 0, 0, "8080", 0, 0, 0, 0, "include"},
    {"1,6000", 0, 0, 0, 0, 0, 0, 0, 0, "include"},   /* by the unsafe list */
    {0, "22", 0, 0, 0, 0, 0, 0, 0, "PORT4ME_INCLUDE"},
    {0, 0, "22", 0, 0, 0, 0, 0, 0, "--include"},
    {0, 0, 0, "8080", 0, "8080", 0, 0, 0, "PORT4ME_INCLUDE_SITE"},
    {"1", 0, 0, 0, 0, 0, 0, 0, "8080", "include"},   /* prepend no help */
    {0, 0, 0, 0, "1024-65535", 0, 0, 0, 0, "exclude"},
    {0, 0, 0, 0, 0, "1000-65535", 0, 0, 0, "PORT4ME_EXCLUDE_SITE"},
    {0, 0, 0, 0, 0, 0, "1024-65535", 0, 0, "PORT4ME_EXCLUDE_UNSAFE"},
    {0, 0, 0, 0, 0, 0, 0, "1024-65535", 0, "PORT4ME_EXCLUDE_UNSAFE"},
    /* the one source that covers it all, else the first that excludes */
    {0, 0, 0, 0, "2000", "1024-65535", 0, 0, 0, "PORT4ME_EXCLUDE_SITE"},
    /* no one source covers it all: the first that excludes */
    {0, 0, 0, 0, "1024-40000", "40001-65535", 0, 0, 0, "exclude"},
  };
  size_t i;
  char want[300];
  for (i = 0; i < sizeof c / sizeof c[0]; i++) {
    reset(); ARG(USER, "alice");
    if (c[i].include) ARG(INCLUDE, c[i].include);
    if (c[i].include_opt) OPT(INCLUDE, c[i].include_opt);
    if (c[i].exclude) ARG(EXCLUDE, c[i].exclude);
    if (c[i].prepend) ARG(PREPEND, c[i].prepend);
    ENV(INCLUDE, c[i].include_var);
    ENV(INCLUDE_SITE, c[i].include_site);
    ENV(EXCLUDE_SITE, c[i].exclude_site);
    ENV(EXCLUDE_UNSAFE, c[i].unsafe);
    ENV(UNSAFE_CHROME, c[i].chrome);
    sprintf(want, "%s%s", c[i].source, c[i].include || c[i].include_var ||
            c[i].include_opt || c[i].include_site ? inc : dflt);
    fails(c[i].source, want);
  }
  reset(); ARG(USER, "alice"); ARG(LIST, "3"); ENV(INCLUDE, "1");
  sprintf(want, "PORT4ME_INCLUDE%s", inc);
  fails("PORT4ME_INCLUDE", want);                   /* in list mode too */
  reset(); ARG(USER, "alice"); ARG(EXCLUDE, "1024-65534");
  if (ok("one candidate")) STR_IS(set_text(&cfg.cand), "65535");
}

/* A set error shows the value and the parser's why; in an integer vector,
 * the element. */
static void t_port_set_errors(void)
{
  static const int ints[] = {4321, 70000};
  static const double dbls[] = {1.5};
  reset(); ARG(USER, "alice"); ARG(INCLUDE, "2000-abc");
  fails("include", "include must be ports in 1..65535, not \"2000-abc\": "
        "in \"2000-abc\": a range needs an end");
  reset(); ARG(USER, "alice"); ENV(PREPEND_SITE, "10,1-");
  fails("PORT4ME_PREPEND_SITE", "PORT4ME_PREPEND_SITE must be ports in "
        "1..65535, not \"10,1-\": in \"1-\": a range needs an end");
  reset(); ARG(USER, "alice"); give_ints(P4M_INCLUDE, ints, 2);
  fails("include", "include must be ports in 1..65535, not 70000 "
        "(element 2)");
  reset(); ARG(USER, "alice");
  in.given[P4M_EXCLUDE].from = P4M_FROM_ARG;
  in.given[P4M_EXCLUDE].dbls = dbls;
  in.given[P4M_EXCLUDE].n = 1;
  fails("exclude", "exclude must be ports in 1..65535, not 1.5 (element 1)");
  reset(); ARG(USER, "alice"); ENV(UNSAFE_CHROME, "1,x");
  fails("PORT4ME_EXCLUDE_UNSAFE_CHROME", "PORT4ME_EXCLUDE_UNSAFE_CHROME must "
        "be ports in 1..65535, not \"1,x\": in \"x\": not a port number or "
        "range");
  reset(); ARG(USER, "alice"); ENV(UNSAFE_CHROME, "{firefox}");
  fails("PORT4ME_EXCLUDE_UNSAFE_CHROME", "PORT4ME_EXCLUDE_UNSAFE_CHROME must "
        "be ports in 1..65535, not \"{firefox}\": in \"{firefox}\": tokens "
        "cannot be nested in a token's list");
  reset(); ARG(USER, "alice"); OPT(INCLUDE, "{firefox}");
  ENV(UNSAFE_FIREFOX, "5-2"); ENV(EXCLUDE_UNSAFE, "");
  fails("PORT4ME_EXCLUDE_UNSAFE_FIREFOX", "PORT4ME_EXCLUDE_UNSAFE_FIREFOX "
        "must be ports in 1..65535, not \"5-2\": in \"5-2\": an empty range "
        "(start above end)");
  reset(); ARG(USER, "alice"); ENV(EXCLUDE_UNSAFE, "{edge}");
  fails("PORT4ME_EXCLUDE_UNSAFE", "PORT4ME_EXCLUDE_UNSAFE must be ports in "
        "1..65535, not \"{edge}\": in \"{edge}\": unknown token (known: "
        "{chrome}, {firefox})");
}

/* ---- numbers and flags -------------------------------------------------- */

static void t_numbers(void)
{
  static const struct { int row; const char *rule; double min, max; } n[] = {
    {P4M_SKIP, "a whole number in 0..2147483647", 0, INT_MAX_D},
    {P4M_LIST, "a whole number in 1..2147483647", 1, INT_MAX_D},
    {P4M_TEST, "a port in 1..65535", 1, 65535},
    {P4M_MAX_TRIES, "a whole number in 1..2147483647", 1, INT_MAX_D},
    {P4M_RESERVE, "a whole number of seconds in 0..86400", 0, 86400},
    {P4M_RELEASE, "a port in 1..65535", 1, 65535},
  };
  /* ("1/" and "1:": the characters next to the digits) */
  static const char *const bad[] = {"+5", "0x10", "99999999999", "1.5", "5 5",
                                    "1/", "1:"};
  size_t i, j;
  int f;
  char text[64], want[300];
  for (i = 0; i < sizeof n / sizeof n[0]; i++) {
    const p4m_row *r = &p4m_table[n[i].row];
    for (f = P4M_FROM_NONE; f <= P4M_FROM_OPTION; f++) {
      const char *source = f == P4M_FROM_ARG ? r->arg
        : f == P4M_FROM_OPTION ? r->opt : r->var;
      int text_form = f != P4M_FROM_ARG;
      double edge[4];
      if (source == NULL) continue;
      edge[0] = n[i].min - 1; edge[1] = n[i].min;
      edge[2] = n[i].max; edge[3] = n[i].max + 1;
      for (j = 0; j < 4; j++) {
        reset(); ARG(USER, "alice");
        /* white space around the text forms */
        sprintf(text, j == 1 ? " %.0f" : j == 2 ? "%.0f\t\n" : "%.0f",
                edge[j]);
        if (f == P4M_FROM_NONE) in.env[n[i].row] = text;
        else give(n[i].row, f, text);
        if (j == 1 || j == 2) {
          if (ok(source)) {
            char v[32];
            sprintf(v, "%.0f", edge[j]);
            STR_IS(row_value(n[i].row), v);
          }
          continue;
        }
        sprintf(want, text_form ? "%s must be %s, not \"%s\""
                : "%s must be %s, not %s", source, n[i].rule, text);
        fails(source, want);
      }
      for (j = 0; text_form && j < sizeof bad / sizeof bad[0] + 2; j++) {
        /* after the bad texts: the largest value with a 0 after it, and
         * nothing */
        char maxzero[32];
        const char *t = j < sizeof bad / sizeof bad[0] ? bad[j]
          : j == sizeof bad / sizeof bad[0] ? maxzero : "";
        sprintf(maxzero, "%.0f0", n[i].max);
        reset(); ARG(USER, "alice");
        if (f == P4M_FROM_NONE) in.env[n[i].row] = t;
        else give(n[i].row, f, t);
        if (t[0] == '\0' && f == P4M_FROM_NONE) continue;  /* = unset */
        sprintf(want, "%s must be %s, not \"%s\"", source, n[i].rule, t);
        fails(source, want);
      }
    }
  }
  /* an argument that is no whole number */
  reset(); ARG(USER, "alice"); ARG(SKIP, "1.5");
  fails("skip", "skip must be a whole number in 0..2147483647, not 1.5");
  /* the defaults, and where max_tries came from */
  reset(); ARG(USER, "alice");
  if (ok("defaults")) {
    NUM_IS(cfg.mode, P4M_MODE_SEARCH);
    NUM_IS(cfg.skip, 0); NUM_IS(cfg.list, -1); NUM_IS(cfg.max_tries, 65535);
    NUM_IS(cfg.reserve, 0); NUM_IS(cfg.must_work, 1); NUM_IS(cfg.debug, 0);
    STR_IS(cfg.max_tries_from, "PORT4ME_MAX_TRIES");
  }
  reset(); ARG(USER, "alice"); OPT(MAX_TRIES, "5"); OPT(LIST, "2");
  if (ok("option")) {
    STR_IS(cfg.max_tries_from, "--max-tries");
    NUM_IS(cfg.mode, P4M_MODE_LIST);
  }
  reset(); ARG(USER, "alice"); ARG(MAX_TRIES, "5");
  if (ok("argument")) STR_IS(cfg.max_tries_from, "max_tries");
}

static void t_flags(void)
{
  static const char *const yes[] = {"true", "TRUE", "True", "1", " yes\t"};
  static const char *const no[] = {"false", "FALSE", "False", "0", "no"};
  static const char *const bad[] = {"tRUE", "on", "y", "2", "YES", "maybe",
                                    ""};
  static const int rows[] = {P4M_MUST_WORK, P4M_DEBUG};
  size_t i, j;
  int f;
  char want[200];
  for (i = 0; i < 2; i++) {
    const p4m_row *r = &p4m_table[rows[i]];
    for (f = P4M_FROM_NONE; f <= P4M_FROM_OPTION; f += 2) {
      const char *source = f == P4M_FROM_OPTION ? r->opt : r->var;
      for (j = 0; j < 5; j++) {
        reset(); ARG(USER, "alice");
        if (f == P4M_FROM_NONE) in.env[rows[i]] = yes[j];
        else give(rows[i], f, yes[j]);
        if (ok(yes[j])) STR_IS(row_value(rows[i]), "1");
        reset(); ARG(USER, "alice");
        if (f == P4M_FROM_NONE) in.env[rows[i]] = no[j];
        else give(rows[i], f, no[j]);
        if (ok(no[j])) STR_IS(row_value(rows[i]), "0");
      }
      for (j = 0; j < sizeof bad / sizeof bad[0]; j++) {
        if (bad[j][0] == '\0' && f == P4M_FROM_NONE) continue;  /* unset */
        reset(); ARG(USER, "alice");
        if (f == P4M_FROM_NONE) in.env[rows[i]] = bad[j];
        else give(rows[i], f, bad[j]);
        sprintf(want, "%s must be true or false, not \"%s\"", source, bad[j]);
        fails(source, want);
      }
    }
  }
  reset(); ARG(USER, "alice"); ARG(MUST_WORK, "false"); ENV(MUST_WORK, "x");
  if (ok("must_work = FALSE")) NUM_IS(cfg.must_work, 0);
}

static void t_check_available_ports(void)
{
  static const char *const bad[] = {"ANY", "yes", " any", "true"};
  size_t i;
  char want[200];
  reset(); ARG(USER, "alice");
  if (ok("unset")) NUM_IS(cfg.any, 0);
  reset(); ARG(USER, "alice"); ENV(CHECK_ANY, "");
  if (ok("empty")) NUM_IS(cfg.any, 0);
  reset(); ARG(USER, "alice"); ENV(CHECK_ANY, "any");
  if (ok("any")) NUM_IS(cfg.any, 1);
  for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    reset(); ARG(TEST, "80"); ENV(CHECK_ANY, bad[i]);   /* test mode too */
    sprintf(want, "_PORT4ME_CHECK_AVAILABLE_PORTS_ must be unset, empty or "
            "\"any\", not \"%s\"", bad[i]);
    fails("_PORT4ME_CHECK_AVAILABLE_PORTS_", want);
  }
  reset(); ENV(CHECK_ANY, "any-any-any-any-any-any-any-any-any-any-any");
  fails("_PORT4ME_CHECK_AVAILABLE_PORTS_", "_PORT4ME_CHECK_AVAILABLE_PORTS_ "
        "must be unset, empty or \"any\", not "
        "\"any-any-any-any-any-any-any-any-any-any-\"...");
}

/* ---- the seed ----------------------------------------------------------- */

static void t_user_fallbacks(void)
{
  static const char *none = "No user name: the user is not given, "
    "PORT4ME_USER and USER are unset and the system does not say who you are";
  reset(); ARG(USER, "alice"); in.account = "acct";
  ENV(USER, "carol"); ENV(OS_USER, "dave");
  if (ok("argument")) {
    STR_IS(cfg.user, "alice"); STR_IS(cfg.user_from, "user");
    NUM_IS(cfg.hash, ascii_hash("alice"));
  }
  reset(); OPT(USER, "alice"); ENV(USER, "carol");
  if (ok("option")) STR_IS(cfg.user_from, "--user");
  reset(); in.account = "acct"; ENV(USER, "carol"); ENV(OS_USER, "dave");
  if (ok("PORT4ME_USER")) {
    STR_IS(cfg.user, "carol"); STR_IS(cfg.user_from, "PORT4ME_USER");
  }
  reset(); in.account = "acct"; ENV(OS_USER, "dave");
  if (ok("USER")) { STR_IS(cfg.user, "dave"); STR_IS(cfg.user_from, "USER"); }
  reset(); in.account = "acct";
  if (ok("account")) {
    STR_IS(cfg.user, "acct"); STR_IS(cfg.user_from, "the account name");
    NUM_IS(cfg.hash, ascii_hash("acct"));
  }
  reset();
  fails("user", none);
  reset(); in.account = "";
  fails("user", none);
  reset(); ARG(USER, ""); ENV(USER, "carol");
  fails("user", "user must be a non-empty string of text, not \"\"");
  reset(); OPT(USER, "");
  fails("--user", "--user must be a non-empty string of text, not \"\"");
}

static void t_tool(void)
{
  reset(); ARG(USER, "alice"); ARG(TOOL, "rstudio"); ENV(TOOL, "jupyter");
  if (ok("tool")) {
    STR_IS(cfg.tool, "rstudio"); STR_IS(cfg.tool_from, "tool");
    NUM_IS(cfg.hash, 3688618396.0);                    /* SPEC 1 */
  }
  reset(); ARG(USER, "alice"); ENV(TOOL, "rstudio");
  if (ok("PORT4ME_TOOL")) {
    STR_IS(cfg.tool_from, "PORT4ME_TOOL"); NUM_IS(cfg.hash, 3688618396.0);
  }
  reset(); ARG(USER, "alice"); ARG(TOOL, ""); ENV(TOOL, "rstudio");
  if (ok("tool = \"\" is no tool")) {
    CHECK(cfg.tool == NULL && cfg.tool_from == NULL, "a tool");
    NUM_IS(cfg.hash, ascii_hash("alice"));
  }
  reset(); ARG(USER, "alice"); OPT(TOOL, ""); ENV(TOOL, "rstudio");
  if (ok("--tool= is no tool")) CHECK(cfg.tool == NULL, "a tool");
}

static void t_hash_code_points(void)
{
  reset(); ARG(USER, "\xc3\xa9");                         /* U+00E9 */
  if (ok("e acute")) NUM_IS(cfg.hash, 0xE9);
  reset(); ARG(USER, "a"); ARG(TOOL, "\xf0\x9f\x98\x80"); /* U+1F600 */
  if (ok("emoji")) NUM_IS(cfg.hash, (31ul * 97 + 44) * 31 + 0x1F600);
  reset(); ARG(USER, "hrms");                   /* SPEC 2: the fixed point */
  if (ok("hrms")) NUM_IS(cfg.hash % 65537u, 65536);
}

static void t_invalid_utf8(void)
{
  static const struct {
    int row, from;
    const char *value, *source, *rule, *shown, *byte;
    int pos;
  } c[] = {
    {P4M_USER, P4M_FROM_ARG, "ab\xc3", "user", "a non-empty string of text",
     "\"ab\\xc3\"", "C3", 3},
    {P4M_USER, P4M_FROM_NONE, "\xffx", "PORT4ME_USER",
     "a non-empty string of text", "\"\\xffx\"", "FF", 1},
    {P4M_OS_USER, P4M_FROM_NONE, "bo\xed\xa0\x80", "USER",
     "a non-empty string of text", "\"bo\\xed\\xa0\\x80\"", "ED", 3},
    {P4M_TOOL, P4M_FROM_ARG, "r\xc3(", "tool", "a string of text",
     "\"r\\xc3(\"", "C3", 2},
    {P4M_TOOL, P4M_FROM_OPTION, "\xc0\xaf", "--tool", "a string of text",
     "\"\\xc0\\xaf\"", "C0", 1},
    {P4M_TOOL, P4M_FROM_NONE, "abcd\xf5", "PORT4ME_TOOL", "a string of text",
     "\"abcd\\xf5\"", "F5", 5},
  };
  size_t i;
  char want[400];
  for (i = 0; i < sizeof c / sizeof c[0]; i++) {
    reset();
    if (c[i].row != P4M_USER) ARG(USER, "alice");
    if (c[i].row == P4M_OS_USER) in.given[P4M_USER].from = P4M_FROM_NONE;
    if (c[i].from == P4M_FROM_NONE) in.env[c[i].row] = c[i].value;
    else give(c[i].row, c[i].from, c[i].value);
    sprintf(want, "%s must be %s, not %s: not valid UTF-8 (byte 0x%s at "
            "position %d); " UTF8_WHY, c[i].source, c[i].rule, c[i].shown,
            c[i].byte, c[i].pos);
    fails(c[i].source, want);
  }
  reset(); in.account = "\xc0\xaf";
  fails("the account name", "the account name must be a non-empty string of "
        "text, not \"\\xc0\\xaf\": not valid UTF-8 (byte 0xC0 at position 1); "
        UTF8_WHY);
}

/* ---- modes ------------------------------------------------------------- */

/* test and release read nothing but the hook, debug and their port. */
static void t_test_and_release_read_nothing_else(void)
{
  int release;
  for (release = 0; release <= 1; release++) {
    reset();
    if (release) ARG(RELEASE, "8080"); else ENV(TEST, "8080");
    ARG(USER, ""); ENV(TOOL, "\xff");
    ENV(SKIP, "x"); ENV(LIST, "x"); ENV(MAX_TRIES, "x"); ENV(MUST_WORK, "x");
    ENV(RESERVE, "x"); ENV(INCLUDE, "x"); ENV(EXCLUDE, "x");
    ENV(PREPEND, "x"); ENV(INCLUDE_SITE, "x"); ENV(EXCLUDE_SITE, "x");
    ENV(PREPEND_SITE, "x"); ENV(EXCLUDE_UNSAFE, "{x}");
    ENV(UNSAFE_CHROME, "x");
    if (!ok(release ? "release" : "test")) continue;
    NUM_IS(cfg.mode, release ? P4M_MODE_RELEASE : P4M_MODE_TEST);
    NUM_IS(cfg.port, 8080);
    CHECK(cfg.user == NULL && cfg.tool == NULL && cfg.prepend == NULL &&
          cfg.n_prepend == 0 && n_alloc == 0, "a seed or sets");
    NUM_IS(cfg.reserve, 0);
    NUM_IS(cfg.n_claims, 2);
  }
  reset(); ARG(TEST, "80"); ENV(DEBUG, "maybe");
  fails("PORT4ME_DEBUG", "PORT4ME_DEBUG must be true or false, not \"maybe\"");
  reset(); ARG(TEST, "22"); ARG(RELEASE, "23"); ARG(LIST, "5");
  if (ok("test wins")) {
    NUM_IS(cfg.mode, P4M_MODE_TEST);
    NUM_IS(cfg.port, 22);
  }
}

/* ---- the claims folders ------------------------------------------------- */

static char long_path[P4M_PATH_MAX + 16];
static const char *path_of_length(size_t n)
{
  memset(long_path, 'd', n);
  long_path[0] = '/';
  long_path[n] = '\0';
  return long_path;
}

static void t_claims_folders(void)
{
  static const struct { const char *xdg, *r, *xc, *home, *tmp, *want; } c[] = {
    {0, 0, 0, 0, 0, "/run/user/1000/port4me [14, the user id]; "
     "/tmp/port4me-1000 [4, the temporary folder]"},
    {"/x", "/r", "/c", "/h", "/t/", "/x/port4me [2, XDG_RUNTIME_DIR]; "
     "/run/user/1000/port4me [14, the user id]; "
     "/r/R/port4me/claims/h [0, R_USER_CACHE_DIR]; "
     "/t/port4me-1000 [2, the temporary folder]"},
    {"/run/user/1000/", 0, 0, 0, 0, "/run/user/1000/port4me "
     "[14, XDG_RUNTIME_DIR]; /tmp/port4me-1000 [4, the temporary folder]"},
    {"run", "r", "/c/", "/h", "t", "/run/user/1000/port4me [14, the user "
     "id]; /c/R/port4me/claims/h [0, XDG_CACHE_HOME]; "
     "/tmp/port4me-1000 [4, the temporary folder]"},
    {0, 0, "c", "/home/al", 0, "/run/user/1000/port4me [14, the user id]; "
     "/home/al/.cache/R/port4me/claims/h [0, HOME]; "
     "/tmp/port4me-1000 [4, the temporary folder]"},
    {0, 0, 0, "/", "/", "/run/user/1000/port4me [14, the user id]; "
     "/.cache/R/port4me/claims/h [0, HOME]; "
     "/port4me-1000 [1, the temporary folder]"},
  };
  size_t i, max = P4M_PATH_MAX - 1, xdg_tail = strlen("/port4me"),
    home_tail = strlen("/.cache/R/port4me/claims/h");
  for (i = 0; i < sizeof c / sizeof c[0]; i++) {
    reset(); ARG(USER, "alice");
    ENV(XDG_RUNTIME_DIR, c[i].xdg); ENV(R_USER_CACHE_DIR, c[i].r);
    ENV(XDG_CACHE_HOME, c[i].xc); ENV(HOME, c[i].home); ENV(TMPDIR, c[i].tmp);
    if (ok("claims")) STR_IS(claims_text(), c[i].want);
  }
  /* the user id and the host are asked for only when they are needed */
  reset(); ARG(USER, "alice"); ENV(HOME, "/h");
  if (ok("asked")) CHECK(n_uid == 1 && n_host == 1, "uid %d, host %d times",
                         n_uid, n_host);
  reset(); ARG(USER, "alice"); ENV(HOME, "h");
  if (ok("no cache folder")) CHECK(n_host == 0, "host asked for");
  /* too long: passed over */
  reset(); ARG(USER, "alice");
  ENV(XDG_RUNTIME_DIR, path_of_length(max - xdg_tail));
  if (ok("longest") && cfg.n_claims == 3)
    NUM_IS(strlen(cfg.claims[0].dir), max);
  reset(); ARG(USER, "alice");
  ENV(XDG_RUNTIME_DIR, path_of_length(max - xdg_tail + 1));
  if (ok("too long")) STR_IS(cfg.claims[0].dir, "/run/user/1000/port4me");
  reset(); ARG(USER, "alice"); ENV(HOME, path_of_length(max - home_tail));
  if (ok("longest home")) NUM_IS(cfg.n_claims, 3);
  reset(); ARG(USER, "alice"); ENV(HOME, path_of_length(max - home_tail + 1));
  if (ok("home too long")) NUM_IS(cfg.n_claims, 2);
  /* a list checks no port: no folders */
  reset(); ARG(USER, "alice"); ARG(LIST, "2"); ENV(HOME, "/h");
  if (ok("list")) {
    NUM_IS(cfg.n_claims, 0);
    CHECK(n_uid == 0 && n_host == 0, "a list asked who and where");
  }
}

/* ---- SPEC section 9 ----------------------------------------------------- */

static void t_spec_reference_ports(void)
{
  static const int exc[] = {30845, 32310}, pre[] = {4321, 11001},
    bob[] = {54242, 14723};
  static const struct {
    const char *tool, *user, *include, *exclude, *prepend, *skip;
    const int *ints; int ints_row; size_t n; const char *want;
  } c[] = {
    {0, "alice", 0, 0, 0, 0, 0, 0, 1, "30845"},
    {0, "alice", 0, 0, 0, 0, 0, 0, 10,
     "30845 19654 32310 63992 15273 31420 62779 55372 24143 41300"},
    {0, "bob", 0, 0, 0, 0, 0, 0, 5, "54242 4930 42139 14723 55707"},
    {0, "carol", 0, 0, 0, 0, 0, 0, 1, "34307"},
    {"rstudio", "alice", 0, 0, 0, 0, 0, 0, 1, "22486"},
    {"jupyter-notebook", "alice", 0, 0, 0, 0, 0, 0, 1, "29525"},
    {"myapp", "alice", 0, 0, 0, 0, 0, 0, 1, "55578"},
    {"demo", "alice", 0, 0, 0, 0, 0, 0, 1, "32273"},
    {0, "alice", 0, 0, 0, 0, exc, P4M_EXCLUDE, 1, "19654"},
    {0, "alice", "2000-2123,4321,10000-10999", 0, 0, 0, 0, 0, 1, "10451"},
    {0, "alice", "1-1023", 0, 0, 0, 0, 0, 1, "470"},
    {0, "alice", "1-1023", "470,403", 0, 0, 0, 0, 1, "859"},
    {0, "alice", 0, 0, 0, 0, pre, P4M_PREPEND, 5,
     "4321 11001 30845 19654 32310"},
    {0, "alice", "1-1023", 0, "2000-2009", 0, 0, 0, 1, "2000"},
    {0, "alice", 0, 0, 0, "2", 0, 0, 1, "32310"},
    {0, "alice", 0, 0, 0, "2", 0, 0, 3, "32310 63992 15273"},
    {0, "bob", 0, 0, 0, "1", bob, P4M_EXCLUDE, 2, "42139 55707"},
    {0, "hrms", 0, 0, 0, 0, 0, 0, 5, "5624 28652 51790 17641 12409"},
  };
  size_t i;
  char list[16];
  for (i = 0; i < sizeof c / sizeof c[0]; i++) {
    reset();
    ENV(CHECK_ANY, "any");
    ARG(USER, c[i].user);
    if (c[i].tool) ARG(TOOL, c[i].tool);
    if (c[i].include) ARG(INCLUDE, c[i].include);
    if (c[i].exclude) ARG(EXCLUDE, c[i].exclude);
    if (c[i].prepend) ARG(PREPEND, c[i].prepend);
    if (c[i].skip) ARG(SKIP, c[i].skip);
    if (c[i].ints) give_ints(c[i].ints_row, c[i].ints, 2);
    sprintf(list, "%lu", (unsigned long) c[i].n);
    if (c[i].n > 1) ARG(LIST, list);
    if (!ok(c[i].want)) continue;
    NUM_IS(cfg.mode, c[i].n > 1 ? P4M_MODE_LIST : P4M_MODE_SEARCH);
    STR_IS(stream_text(c[i].n), c[i].want);
  }
}

/* p4m_set_count(): a block of 512 ports (8 words, counted at once when all
 * full) with one port missing from any one of its words, and whole blocks */
static void t_set_count(void)
{
  p4m_set s, hole;
  unsigned w;
  for (w = 0; w < 8u; w++) {
    p4m_set_clear(&s);
    p4m_set_clear(&hole);
    p4m_set_add_range(&s, 1024u, 1535u);          /* the block of words 16..23 */
    p4m_set_add(&hole, 1024u + 64u * w + 7u);
    p4m_set_minus(&s, &hole);
    CHECK(p4m_set_count(&s) == 511u, "a hole in word %u of a block: %lu", w,
          (unsigned long) p4m_set_count(&s));
  }
  p4m_set_clear(&s);
  p4m_set_add_range(&s, 512u, 2047u);
  CHECK(p4m_set_count(&s) == 1536u, "three whole blocks: %lu",
        (unsigned long) p4m_set_count(&s));
}

/* p4m_error_clear() (error.h): no kind, source, errno or step, an empty
 * message, whatever the error held before; p4m_strerror() without room
 * gives "" */
static void t_error_clear(void)
{
  p4m_error e;
  char b[4];
  CHECK(strcmp(p4m_strerror(5, NULL, sizeof b), "") == 0 &&
        strcmp(p4m_strerror(5, b, 0), "") == 0, "p4m_strerror() without room");
  (void) p4m_fail(&e, P4M_E_SYSTEM, "src", 5, "step", "was %s", "set");
  p4m_error_clear(&e);
  CHECK(e.kind == P4M_E_NONE && e.source == NULL && e.err == 0 &&
        e.step == NULL && e.message[0] == '\0',
        "cleared: kind %d, err %d, message '%s'", e.kind, e.err, e.message);
}

int main(void)
{
  t_error_clear();
  t_table_rows();
  t_table_find_option();
  t_table_rules();
  t_show();
  t_show_number();
  t_parse_number();
  t_check_number();
  t_check_name_and_hook();
  t_each_form_over_its_variable();
  t_empty_is_unset();
  t_unsafe_unset_or_empty();
  t_include_default();
  t_site_unions();
  t_empty_candidates();
  t_port_set_errors();
  t_numbers();
  t_flags();
  t_check_available_ports();
  t_user_fallbacks();
  t_tool();
  t_hash_code_points();
  t_invalid_utf8();
  t_test_and_release_read_nothing_else();
  t_claims_folders();
  t_spec_reference_ports();
  t_set_count();
  reset();
  return ctest_done("test_settings");
}
