/* error.c - filling a p4m_error (see error.h).  Plain C. */
#include "platform.h"
#include <stdarg.h>
#include "error.h"

int p4m_fail(p4m_error *e, int kind, const char *source, int err,
             const char *step, const char *fmt, ...)
{
  va_list ap;
  e->kind = kind;
  e->source = source;
  e->err = err;
  e->step = step;
  va_start(ap, fmt);
  (void) vsnprintf(e->message, sizeof e->message, fmt, ap);
  va_end(ap);
  return -1;
}

void p4m_error_clear(p4m_error *e)
{
  e->kind = P4M_E_NONE;
  e->source = NULL;
  e->err = 0;
  e->step = NULL;
  e->message[0] = '\0';
}

const char *p4m_strerror(int err, char *buf, size_t n)
{
  if (buf == NULL || n == 0) return "";
#ifdef _WIN32
  /* Winsock codes (WSAE*, 10000 and up) and Win32 codes alike */
  if (FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
                     NULL, (DWORD) err, 0, buf, (DWORD) n, NULL) == 0) {
    (void) snprintf(buf, n, "error %d", err);
  } else {
    size_t k = strlen(buf);   /* drop the trailing ".\r\n" */
    while (k > 0 && (buf[k - 1] == '\n' || buf[k - 1] == '\r' ||
                     buf[k - 1] == '.' || buf[k - 1] == ' '))
      buf[--k] = '\0';
  }
  if (err >= 10000) {
    size_t k = strlen(buf);
    (void) snprintf(buf + k, n - k, ", WSA error %d", err);
  }
#else
  {
    const char *s = strerror(err);  /* (not thread-safe; R is one thread) */
    (void) snprintf(buf, n, "%s", s != NULL ? s : "unknown error");
  }
#endif
  return buf;
}
