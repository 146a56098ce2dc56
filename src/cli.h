/* cli.h - the command line's options (SPEC section 7), parsed against the
 * settings table: `--name=value` or `--name value` for the table's options,
 * switches without a value (--debug, --help, --version; -h is --help), a
 * first bare word for the tool, `--` before bare words only.  The values
 * are handed over as strings, exactly as the environment hands over the
 * variables, and parsed later by the same parsers (value.h).  Arguments are
 * bytes: nothing here needs them to be valid text.  Plain C99. */
#ifndef P4M_CLI_H
#define P4M_CLI_H

#include <stddef.h>
#include "error.h"
#include "table.h"

enum { P4M_CLI_RUN = 0, P4M_CLI_HELP, P4M_CLI_VERSION };

typedef struct {
  int action;                    /* P4M_CLI_* */
  const char *value[P4M_NROWS];  /* by row: the option's value (the last
                                    one given), NULL when not given; a
                                    switch's value is "true" */
} p4m_cli;

/* Parse argv[0..argc).  Returns 0, or -1 with e filled (P4M_E_INVALID,
 * source the option at fault).  --help anywhere before `--` wins over
 * everything, errors too. */
int p4m_cli_parse(size_t argc, const char *const *argv, p4m_cli *out,
                  p4m_error *e);

#endif
