/* libFuzzer harness for the command line's parser (src/cli.c, SPEC
 * section 7), with the settings it hands its values to (src/settings.c).
 *
 * Input: the arguments, separated by NUL bytes (each lives in a heap block
 * of its own size, so AddressSanitizer sees an overread).
 *
 * Invariants (abort() on violation):
 *  - p4m_cli_parse() never crashes and agrees with a reference parser
 *    written below from cli.h and NOTES.md: the same result, action and
 *    values, and for an error the same source and message (values shown as
 *    model-show.h says; printable ASCII);
 *  - every accepted value belongs to an option of the table (or is the bare
 *    tool), and is exactly the bytes after '=' of its argument, or the
 *    whole next argument, or "true" for a switch;
 *  - handed to p4m_configure() as options (no variable set), the values
 *    give a config or an error that names an option of the command line. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "settings.h"

#include "check.h"
#include "model-show.h"

#define MAX_ARGS 256

static char *args[MAX_ARGS];
static size_t n_args;

static struct {
  int rc, action;
  const char *value[P4M_NROWS];
  const char *source;
  char message[800];
} want;

static int ref_fail(const char *source, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;
static int ref_fail(const char *source, const char *fmt, ...)
{
  va_list ap;
  want.rc = -1;
  want.source = source;
  va_start(ap, fmt);
  vsnprintf(want.message, sizeof want.message, fmt, ap);
  va_end(ap);
  return -1;
}

/* The reference: options "--name=value" or "--name value", switches,
 * --help or -h before "--" first, a first bare word (or "-", or any word
 * after "--") for the tool. */
static int ref_parse(void)
{
  char s1[MODEL_SHOW_MAX], s2[MODEL_SHOW_MAX];
  const char *bare = NULL;
  size_t i;
  int only_bare = 0, r;
  want.rc = 0;
  want.action = P4M_CLI_RUN;
  for (r = 0; r < P4M_NROWS; r++) want.value[r] = NULL;
  for (i = 0; i < n_args && strcmp(args[i], "--") != 0; i++)
    if (strcmp(args[i], "--help") == 0 || strcmp(args[i], "-h") == 0) {
      want.action = P4M_CLI_HELP;
      return 0;
    }
  for (i = 0; i < n_args; i++) {
    const char *a = args[i], *eq = strchr(a, '=');
    size_t len = eq != NULL ? (size_t) (eq - a) : strlen(a);
    const p4m_row *o = NULL;
    if (only_bare || a[0] != '-' || strcmp(a, "-") == 0) {
      if (bare != NULL)
        return ref_fail(a, "Only one tool may be given, not %s and %s",
                        model_show(bare, s1), model_show(a, s2));
      bare = a;
      continue;
    }
    if (strcmp(a, "--") == 0) { only_bare = 1; continue; }
    for (r = 0; r < P4M_NROWS && strncmp(a, "--", 2) == 0; r++)
      if (p4m_table[r].opt != NULL && strlen(p4m_table[r].opt) == len &&
          strncmp(p4m_table[r].opt, a, len) == 0) {
        o = &p4m_table[r];
        break;
      }
    if (o == NULL)
      return ref_fail(a, "Unknown option %s; see --help", model_show(a, s1));
    if (o->placeholder[0] == '\0') {
      if (eq != NULL)
        return ref_fail(o->opt, "%s takes no value, not %s", o->opt,
                        model_show(eq + 1, s1));
      if (r == P4M_VERSION) want.action = P4M_CLI_VERSION;
      want.value[r] = "true";
      continue;
    }
    if (eq != NULL) {
      want.value[r] = eq + 1;
    } else if (i + 1 < n_args && strncmp(args[i + 1], "--", 2) != 0) {
      want.value[r] = args[++i];
    } else {
      return ref_fail(o->opt, "%s needs a value: %s=%s", o->opt, o->opt,
                      o->placeholder);
    }
  }
  if (bare != NULL) {
    if (want.value[P4M_TOOL] != NULL)
      return ref_fail("--tool", "The tool is given twice: as %s and as "
                      "--tool=%s", model_show(bare, s1),
                      model_show(want.value[P4M_TOOL], s2));
    want.value[P4M_TOOL] = bare;
  }
  return 0;
}

/* Is v the bytes after "<opt>=" of an argument, a whole argument, or
 * "true" (a switch)? */
static int from_argv(int row, const char *v)
{
  const p4m_row *o = &p4m_table[row];
  size_t i;
  if (o->placeholder != NULL && o->placeholder[0] == '\0')
    return strcmp(v, "true") == 0;
  for (i = 0; i < n_args; i++) {
    if (v == args[i]) return 1;
    if (o->opt != NULL && strncmp(args[i], o->opt, strlen(o->opt)) == 0 &&
        args[i][strlen(o->opt)] == '=' && v == args[i] + strlen(o->opt) + 1)
      return 1;
  }
  return 0;
}

static void *grab(void *ctx, size_t bytes)
{
  void **block = (void **) ctx;
  free(*block);
  *block = malloc(bytes);
  CHECK(*block != NULL);
  return *block;
}
static long uid(void) { return 1000; }
static void host(char *buf, size_t n) { snprintf(buf, n, "h"); }

/* The values as options of a call with no variable set. */
static void configure(const p4m_cli *cli)
{
  static p4m_input in;
  static p4m_config cfg;
  p4m_error e;
  void *block = NULL;
  int r;
  memset(&in, 0, sizeof in);
  for (r = 0; r < P4M_NROWS; r++) {
    in.given[r].from = cli->value[r] != NULL && p4m_table[r].opt != NULL
      ? P4M_FROM_OPTION : P4M_FROM_NONE;
    in.given[r].text = cli->value[r];
    in.env[r] = NULL;
  }
  in.account = "acct";
  in.uid = uid;
  in.host = host;
  in.alloc = grab;
  in.alloc_ctx = &block;
  if (p4m_configure(&in, &cfg, &e) != 0) {
    CHECK(e.kind == P4M_E_INVALID && e.source != NULL);
    for (r = 0; r < P4M_NROWS; r++)
      if (cli->value[r] != NULL && p4m_table[r].opt != NULL &&
          strcmp(e.source, p4m_table[r].opt) == 0)
        break;
    CHECK(r < P4M_NROWS);
    CHECK(model_printable(e.message));
  }
  free(block);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static p4m_cli cli;
  p4m_error e;
  size_t i = 0, k;
  int rc, r;

  n_args = 0;
  while (i < size && n_args < MAX_ARGS) {
    size_t end = i;
    while (end < size && data[end] != 0) end++;
    args[n_args] = (char *) malloc(end - i + 1);
    CHECK(args[n_args] != NULL);
    memcpy(args[n_args], data + i, end - i);
    args[n_args][end - i] = '\0';
    n_args++;
    i = end + 1;
  }

  memset(&cli, 0x5A, sizeof cli);
  memset(&e, 0x5A, sizeof e);
  rc = p4m_cli_parse(n_args, (const char *const *) args, &cli, &e);
  ref_parse();
  CHECK(rc == want.rc);
  if (rc == 0) {
    CHECK(cli.action == want.action);
    for (r = 0; r < P4M_NROWS && cli.action != P4M_CLI_HELP; r++) {
      if (cli.value[r] == NULL) { CHECK(want.value[r] == NULL); continue; }
      CHECK(p4m_table[r].opt != NULL);
      CHECK(from_argv(r, cli.value[r]));
      if (p4m_table[r].placeholder[0] == '\0')
        CHECK(want.value[r] != NULL && strcmp(want.value[r], "true") == 0);
      else
        CHECK(cli.value[r] == want.value[r]);
    }
    if (cli.action == P4M_CLI_RUN) configure(&cli);
  } else {
    CHECK(rc == -1 && e.kind == P4M_E_INVALID);
    CHECK(e.source != NULL && strcmp(e.source, want.source) == 0);
    CHECK(memchr(e.message, '\0', sizeof e.message) != NULL);
    CHECK(strcmp(e.message, want.message) == 0);
    CHECK(model_printable(e.message));
  }
  for (k = 0; k < n_args; k++) free(args[k]);
  return 0;
}
