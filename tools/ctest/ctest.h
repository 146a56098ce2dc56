/* ctest.h - the harness of the standalone C tests in tools/ctest: CHECK()
 * counts and reports, count_fds() counts this process's open descriptors
 * (a test that leaks one shows), ctest_done() prints the tally.
 * Include it after the system headers; one test program is one file. */
#ifndef P4M_CTEST_H
#define P4M_CTEST_H

#include <stdio.h>
#include <string.h>
#include "error.h"
#ifndef _WIN32
# include <dirent.h>
#endif

static int n_pass = 0, n_fail = 0;

/* CHECK(condition, printf-format, ...): a failure prints the place and the
   message and the run goes on */
#define CHECK(cond, ...) do {                                     \
    if (cond) { n_pass++; }                                       \
    else { n_fail++; printf("FAIL %s:%d: ", __FILE__, __LINE__);  \
           printf(__VA_ARGS__); printf("\n"); fflush(stdout); }   \
  } while (0)

/* The number of open descriptors (Linux: /proc/self/fd); -1 where that
   cannot be known. */
static inline int count_fds(void)
{
#ifdef _WIN32
  return -1;
#else
  int n = 0;
  struct dirent *d;
  DIR *dir = opendir("/proc/self/fd");
  if (dir == NULL) return -1;
  while ((d = readdir(dir)) != NULL) if (d->d_name[0] != '.') n++;
  closedir(dir);
  return n;
#endif
}

/* A call that returned rc must have failed with an invalid value from
   `source`, with exactly `message` and no errno or step (src/error.h) */
static inline void check_invalid(int rc, const p4m_error *e,
                                 const char *source, const char *message)
{
  CHECK(rc == -1 && e->kind == P4M_E_INVALID && e->err == 0 &&
        e->step == NULL, "expected an error from %s, got rc %d kind %d "
        "errno %d", source, rc, e->kind, e->err);
  if (rc != -1) return;
  CHECK(e->source != NULL && strcmp(e->source, source) == 0,
        "source: expected %s, got %s", source,
        e->source ? e->source : "NULL");
  CHECK(strcmp(e->message, message) == 0,
        "message:\n  expected '%s'\n  got      '%s'", message, e->message);
}

/* "<name>: N passed, M failed"; the exit status of the program */
static inline int ctest_done(const char *name)
{
  printf("%s: %d passed, %d failed\n", name, n_pass, n_fail);
  return n_fail == 0 ? 0 : 1;
}

#endif
