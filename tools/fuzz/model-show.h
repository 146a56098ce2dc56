/* The fuzz harnesses' own reading of how a value is shown in a message
 * (NOTES.md, "Wording"; src/show.c): in double quotes, printable
 * ASCII as is, '"' and '\' escaped with '\', other bytes as \xHH (lower
 * case), at most 40 bytes of the value, then "..." after the quote.
 * Written here again so that the harnesses check the wording against it. */
#ifndef P4M_FUZZ_MODEL_SHOW_H
#define P4M_FUZZ_MODEL_SHOW_H

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MODEL_SHOW_MAX 200   /* room for the longest form, and more */

/* s[0..len) shown into buf */
static inline const char *model_show_n(const char *s, size_t len, char *buf)
{
  size_t i, k = 0;
  buf[k++] = '"';
  for (i = 0; i < len && i < 40; i++) {
    unsigned char c = (unsigned char) s[i];
    if (c == '"' || c == '\\') {
      buf[k++] = '\\';
      buf[k++] = (char) c;
    } else if (c >= 0x20 && c < 0x7F) {
      buf[k++] = (char) c;
    } else {
      k += (size_t) sprintf(buf + k, "\\x%02x", (unsigned) c);
    }
  }
  buf[k++] = '"';
  if (i < len) {
    memcpy(buf + k, "...", 3);
    k += 3;
  }
  buf[k] = '\0';
  return buf;
}

static inline const char *model_show(const char *s, char *buf)
{
  return model_show_n(s, strlen(s), buf);
}

/* A number given as a number (an R argument): as R would print it. */
static inline const char *model_show_number(double v, char *buf)
{
  if (isnan(v)) return strcpy(buf, "NaN");
  if (isinf(v)) return strcpy(buf, v < 0 ? "-Inf" : "Inf");
  sprintf(buf, "%.15g", v);
  return buf;
}

/* Every byte printable ASCII? */
static inline int model_printable(const char *s)
{
  for (; *s; s++)
    if ((unsigned char) *s < 0x20 || (unsigned char) *s >= 0x7F) return 0;
  return 1;
}

#endif
