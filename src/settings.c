#ifndef _WIN32
#define _POSIX_C_SOURCE 200809L
#endif
#include <R.h>
#include <Rinternals.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#else
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>
#endif
#include "settings.h"

const char p4m_unsafe_chrome[] =
  "1,7,9,11,13,15,17,19,20,21,22,23,25,37,42,43,53,69,77,79,87,95,101,102,"
  "103,104,109,110,111,113,115,117,119,123,135,137,139,143,161,179,389,427,"
  "465,512,513,514,515,526,530,531,532,540,548,554,556,563,587,601,636,989,"
  "990,993,995,1719,1720,1723,2049,3659,4045,5060,5061,6000,6566,6665,6666,"
  "6667,6668,6669,6697,10080";

const char p4m_unsafe_firefox[] =
  "1,7,9,11,13,15,17,19,20,21,22,23,25,37,42,43,53,77,79,87,95,101,102,103,"
  "104,109,110,111,113,115,117,119,123,135,139,143,179,389,465,512,513,514,"
  "515,526,530,531,532,540,556,563,587,601,636,993,995,2049,4045,6000";

const char *p4m_env(const char *name)
{
  const char *v = getenv(name);
  return (v == NULL || v[0] == '\0') ? NULL : v;
}

const char *p4m_env_or(const char *name, const char *unset)
{
  const char *v = getenv(name);
  return v == NULL ? unset : v;
}

/* A copy of a value for an error message: at most 40 characters. */
static const char *shown(const char *v, char *buf, size_t size)
{
  size_t i, k = 0;
  for (i = 0; v[i] != '\0' && k + 4 < size && i < 40; i++) {
    unsigned char c = (unsigned char) v[i];
    buf[k++] = (c >= 0x20 && c < 0x7F && c != '"') ? (char) c : '?';
  }
  if (v[i] != '\0' && k + 4 < size) {
    buf[k++] = '.'; buf[k++] = '.'; buf[k++] = '.';
  }
  buf[k] = '\0';
  return buf;
}

static int is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

double p4m_env_count(const char *name, double min, double max)
{
  const char *v = p4m_env(name), *p;
  double x = 0;
  int digits = 0;
  char buf[48];

  if (v == NULL) return -1;
  for (p = v; is_space(*p); p++) ;
  for (; *p >= '0' && *p <= '9'; p++, digits++)
    if (x <= max) x = x * 10 + (*p - '0');
  for (; is_space(*p); p++) ;
  if (digits == 0 || *p != '\0' || x < min || x > max)
    Rf_errorcall(R_NilValue, "%s must be a whole number in %.0f..%.0f, not \"%s\"",
                 name, min, max, shown(v, buf, sizeof buf));
  return x;
}

int p4m_env_check_any(void)
{
  const char *name = "_PORT4ME_CHECK_AVAILABLE_PORTS_";
  const char *v = p4m_env(name);
  char buf[48];
  if (v == NULL) return 0;
  if (strcmp(v, "any") == 0) return 1;
  Rf_errorcall(R_NilValue, "%s must be unset, empty or \"any\", not \"%s\"",
               name, shown(v, buf, sizeof buf));
  return 0;
}

int p4m_env_debug(void)
{
  static const char *yes[] = {"true", "TRUE", "True", "1", "yes", NULL};
  static const char *no[] = {"false", "FALSE", "False", "0", "no", NULL};
  const char *v = p4m_env("PORT4ME_DEBUG");
  char buf[48];
  int i;
  if (v == NULL) return 0;
  for (i = 0; yes[i]; i++) if (strcmp(v, yes[i]) == 0) return 1;
  for (i = 0; no[i]; i++) if (strcmp(v, no[i]) == 0) return 0;
  Rf_errorcall(R_NilValue, "PORT4ME_DEBUG must be true or false, not \"%s\"",
               shown(v, buf, sizeof buf));
  return 0;
}

const char *p4m_account_name(void)
{
#ifdef _WIN32
  return p4m_env("USERNAME");
#else
  struct passwd *pw = getpwuid(geteuid());
  return (pw && pw->pw_name && pw->pw_name[0]) ? pw->pw_name : NULL;
#endif
}
