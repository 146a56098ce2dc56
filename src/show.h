/* show.h - how a value is shown in messages, one way for every source (an
 * argument, a variable, an option, a token inside a port specification):
 * in double quotes, printable ASCII as is, '"' and '\' escaped, every other
 * byte as \xHH; at most P4M_SHOW_CHARS bytes of it, then "...".  Numbers as
 * R prints them ("2", "-1", "1.5", "Inf").  Plain C99. */
#ifndef P4M_SHOW_H
#define P4M_SHOW_H

#include <stddef.h>

#define P4M_SHOW_CHARS 40
/* Room for any shown value, with its quotes, "..." and the NUL */
#define P4M_SHOW_MAX (P4M_SHOW_CHARS * 4 + 6)

/* s[0..len) shown into buf (n bytes); returns buf. */
const char *p4m_show_n(const char *s, size_t len, char *buf, size_t n);
/* A NUL-terminated s shown into buf. */
const char *p4m_show(const char *s, char *buf, size_t n);
/* Text in full, for debug lines (names, folders): control characters,
 * '\' and, with `quote`, '"' escaped (\xHH, \\, \"), other bytes as they
 * are (names are valid UTF-8 by then); in double quotes with `quote`; cut
 * with "..." only where buf (n bytes) is too small. */
const char *p4m_show_text(const char *s, int quote, char *buf, size_t n);
/* A number shown into buf. */
const char *p4m_show_number(double v, char *buf, size_t n);

#endif
