/* cli.c - the command line's options (see cli.h). */
#include <string.h>
#include "value.h"
#include "cli.h"

static int starts(const char *s, const char *prefix)
{
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

int p4m_cli_parse(size_t argc, const char *const *argv, p4m_cli *out,
                  p4m_error *e)
{
  const char *bare = NULL;
  char shown[200], shown2[200];
  size_t i;
  int only_bare = 0;

  p4m_error_clear(e);
  out->action = P4M_CLI_RUN;
  for (i = 0; i < P4M_NROWS; i++) out->value[i] = NULL;
  for (i = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      out->action = P4M_CLI_HELP;
      return 0;
    }

  for (i = 0; i < argc; i++) {
    const char *a = argv[i], *eq, *value;
    int row;
    if (only_bare || a[0] != '-' || strcmp(a, "-") == 0) {
      if (bare != NULL)
        return p4m_fail(e, P4M_E_INVALID, a, 0, NULL, "Only one tool may be "
                        "given, not %s and %s", p4m_show(bare, shown,
                        sizeof shown), p4m_show(a, shown2, sizeof shown2));
      bare = a;
      continue;
    }
    if (strcmp(a, "--") == 0) {
      only_bare = 1;
      continue;
    }
    eq = strchr(a, '=');
    row = starts(a, "--") ? p4m_find_option(a, eq ? (size_t) (eq - a)
                                            : strlen(a)) : -1;
    if (row < 0)
      return p4m_fail(e, P4M_E_INVALID, a, 0, NULL, "Unknown option %s; see "
                      "--help", p4m_show(a, shown, sizeof shown));
    if (p4m_table[row].placeholder[0] == '\0') {   /* a switch */
      if (eq != NULL)
        return p4m_fail(e, P4M_E_INVALID, p4m_table[row].opt, 0, NULL,
                        "%s takes no value, not %s", p4m_table[row].opt,
                        p4m_show(eq + 1, shown, sizeof shown));
      if (row == P4M_VERSION) out->action = P4M_CLI_VERSION;
      out->value[row] = "true";
      continue;
    }
    if (eq != NULL) {
      value = eq + 1;
    } else {
      if (i + 1 == argc || starts(argv[i + 1], "--"))
        return p4m_fail(e, P4M_E_INVALID, p4m_table[row].opt, 0, NULL,
                        "%s needs a value: %s=%s", p4m_table[row].opt,
                        p4m_table[row].opt, p4m_table[row].placeholder);
      value = argv[++i];
    }
    out->value[row] = value;
  }
  if (bare != NULL) {
    if (out->value[P4M_TOOL] != NULL)
      return p4m_fail(e, P4M_E_INVALID, p4m_table[P4M_TOOL].opt, 0, NULL,
                      "The tool is given twice: as %s and as --tool=%s",
                      p4m_show(bare, shown, sizeof shown),
                      p4m_show(out->value[P4M_TOOL], shown2, sizeof shown2));
    out->value[P4M_TOOL] = bare;
  }
  return 0;
}
