/* show.c - how values are shown in messages (see show.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "show.h"

const char *p4m_show_n(const char *s, size_t len, char *buf, size_t n)
{
  size_t i, k = 0;
  if (n < 8) {
    if (n > 0) buf[0] = '\0';
    return buf;
  }
  buf[k++] = '"';
  for (i = 0; i < len && i < P4M_SHOW_CHARS && k + 6 < n; i++) {
    unsigned char c = (unsigned char) s[i];
    if (c == '"' || c == '\\') {
      buf[k++] = '\\';
      buf[k++] = (char) c;
    } else if (c >= 0x20 && c < 0x7F) {
      buf[k++] = (char) c;
    } else {
      k += (size_t) snprintf(buf + k, n - k, "\\x%02x", (unsigned) c);
    }
  }
  buf[k++] = '"';
  if (i < len && k + 3 < n) {   /* "...", then the NUL */
    memcpy(buf + k, "...", 3);
    k += 3;
  }
  buf[k] = '\0';
  return buf;
}

const char *p4m_show(const char *s, char *buf, size_t n)
{
  return p4m_show_n(s, strlen(s), buf, n);
}

const char *p4m_show_text(const char *s, int quote, char *buf, size_t n)
{
  size_t i, k = 0;
  if (n < 8) {
    if (n > 0) buf[0] = '\0';
    return buf;
  }
  if (quote) buf[k++] = '"';
  for (i = 0; s[i] != '\0' && k + 9 < n; i++) {
    unsigned char c = (unsigned char) s[i];
    if (c == '\\' || (quote && c == '"')) {
      buf[k++] = '\\';
      buf[k++] = (char) c;
    } else if (c < 0x20 || c == 0x7F) {
      k += (size_t) snprintf(buf + k, n - k, "\\x%02x", (unsigned) c);
    } else {
      buf[k++] = (char) c;
    }
  }
  if (quote) buf[k++] = '"';
  if (s[i] != '\0') {
    memcpy(buf + k, "...", 3);
    k += 3;
  }
  buf[k] = '\0';
  return buf;
}

const char *p4m_show_number(double v, char *buf, size_t n)
{
  if (isnan(v)) (void) snprintf(buf, n, "NaN");
  else if (isinf(v)) (void) snprintf(buf, n, "%sInf", v < 0 ? "-" : "");
  else (void) snprintf(buf, n, "%.15g", v);
  return buf;
}
