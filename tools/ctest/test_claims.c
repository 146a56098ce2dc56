/*
 * Standalone tests of the claims (src/claims.c and its platform layer,
 * SPEC section 8, claims.h): `make check-claims` (see the Makefile).
 *
 * Works in a fresh folder under $TMPDIR (default /tmp) and removes it.  The
 * time is a fake `now` wherever the rule under test is about time, and no
 * check depends on how fast the machine is.  Built with -DP4M_CLAIMS_TESTING
 * (the lock wait is set per test: 0.6 s where a writer must give up, a
 * minute elsewhere, so that a loaded machine never makes a racer give up;
 * claims.c notes its longest sleep between two polls) and, on Linux, with
 * the claims' system calls wrapped (the Makefile's CLAIMS_WRAP,
 * -DP4M_COUNT_LOCKS): fcntl() counts how often the lock is taken, and each
 * can be made to fail, or to answer as on other systems, on request.
 * POSIX: other processes (fork) hold the lock and race for a port; as root,
 * a child that has become nobody checks the boundary between two users.
 * Windows (mingw, under wine): the tests that need no fork, links or modes.
 * Exit status 0 when every check passed.
 */
#if !defined(_WIN32)
# define _POSIX_C_SOURCE 200809L
# define _DEFAULT_SOURCE 1   /* setgroups(), S_ISVTX */
#endif

#include "claims.h"
#include "claims-platform.h"   /* p4m_host_clean() */

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#ifdef __linux__
# include <sys/mount.h>
#endif
#include <sys/types.h>

#ifdef _WIN32
# include <direct.h>
# include <windows.h>
# define SEP "\\"
# define MKDIR(p) _mkdir(p)
# define GETPID() ((unsigned long) GetCurrentProcessId())
#else
# include <fcntl.h>
# include <grp.h>
# include <pwd.h>
# include <unistd.h>
# include <sys/resource.h>
# include <sys/time.h>
# include <sys/wait.h>
# define SEP "/"
# define MKDIR(p) mkdir(p, 0700)
# define GETPID() ((unsigned long) getpid())
#endif

#include "ctest.h"

#define PBUF (P4M_PATH_MAX + 128)

#ifdef P4M_COUNT_LOCKS
/* fcntl(), wrapped (-Wl,--wrap=fcntl): counts the write locks asked for.
   The code under test and this file call it with a struct flock only. */
static int n_locks = 0;
static volatile int fail_setlk = 0;   /* F_SETLK fails once with it */
static int fail_now(volatile int *fail);
int __real_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...)
{
  va_list ap;
  struct flock *fl;
  va_start(ap, cmd);
  fl = va_arg(ap, struct flock *);
  va_end(ap);
  if (cmd == F_SETLK && fl->l_type == F_WRLCK) n_locks++;
  if (cmd == F_SETLK && fail_now(&fail_setlk)) return -1;
  return __real_fcntl(fd, cmd, fl);
}

/* fchmodat(), write(), close() and unlinkat(), wrapped too (-Wl,--wrap=):
   each fails once with the errno in fail_<name> when that is set; close()
   closes first, and unlinkat() removes the entry first, as when a folder
   of that name was removed by another process between this call and the
   next.  Also once: write() writes at most write_short bytes (or returns 0
   when write_short is -1); unlinkat() refuses with unlinkat_refuses and
   removes nothing */
static volatile int fail_fchmodat = 0, fail_write = 0, fail_close = 0,
  fail_unlinkat = 0, write_short = 0, unlinkat_refuses = 0;
/* unlinkat() that removes a file: the next `comes_back` times, something
   outside the protocol makes the name again at once (a file "hello") */
static volatile int comes_back = 0;

/* A request for one call: its value, and it is cleared.  (volatile: gcc
   takes libc's calls for calls that cannot reach the wrappers, and may
   move a test's setting past them) */
static int once(volatile int *v)
{
  int x = *v;
  *v = 0;
  return x;
}

/* A failure asked for in *fail: errno set from it, and it is cleared */
static int fail_now(volatile int *fail)
{
  int e = once(fail);
  if (e == 0) return 0;
  errno = e;
  return 1;
}

int __real_fchmodat(int dirfd, const char *path, mode_t mode, int flags);
int __wrap_fchmodat(int dirfd, const char *path, mode_t mode, int flags);
int __wrap_fchmodat(int dirfd, const char *path, mode_t mode, int flags)
{
  return fail_now(&fail_fchmodat) ? -1 :
    __real_fchmodat(dirfd, path, mode, flags);
}
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
  if (write_short == -1) { write_short = 0; return 0; }
  if (write_short > 0 && n > (size_t) write_short) {
    n = (size_t) write_short;
    write_short = 0;
  }
  return fail_now(&fail_write) ? -1 : __real_write(fd, buf, n);
}
int __real_close(int fd);
int __wrap_close(int fd);
int __wrap_close(int fd)
{
  int rc = __real_close(fd);
  return fail_now(&fail_close) ? -1 : rc;
}
int __real_unlinkat(int dirfd, const char *path, int flags);
int __wrap_unlinkat(int dirfd, const char *path, int flags);
int __wrap_unlinkat(int dirfd, const char *path, int flags)
{
  int rc;
  if (fail_now(&unlinkat_refuses)) return -1;
  rc = __real_unlinkat(dirfd, path, flags);
  if (rc == 0 && comes_back > 0) {
    int fd = openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    comes_back--;
    if (fd < 0 || write(fd, "hello", 5) != 5) fprintf(stderr, "comes_back\n");
    if (fd >= 0) close(fd);
  }
  return fail_now(&fail_unlinkat) ? -1 : rc;
}

/* The walk to the claims folder, wrapped as well: open() (of "/") fails
   with EACCES at the open_fails_at-th call from when it is set; fstat()
   fails once with fail_fstat, or reports a file that is no folder once
   when fstat_no_folder is set; readlinkat() fails once with
   fail_readlinkat, or, when readlink_fills is set, fills the buffer once
   (a target as long as the buffer or longer, as a file system without
   Linux's limit of 4095 bytes can hold) */
/* In a wrapper of open() or openat(): mode, the argument after flags, or 0
   without O_CREAT */
#define OPEN_MODE(flags, mode) do {                                      \
    va_list ap_;                                                         \
    (mode) = 0;                                                          \
    if ((flags) & O_CREAT) {                                             \
      va_start(ap_, flags);                                              \
      (mode) = va_arg(ap_, int);                                         \
      va_end(ap_);                                                       \
    }                                                                    \
  } while (0)
static volatile int open_fails_at = 0, fail_fstat = 0, fstat_no_folder = 0,
  fail_readlinkat = 0, readlink_fills = 0;
int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
  int mode;
  OPEN_MODE(flags, mode);
  if (open_fails_at > 0 && --open_fails_at == 0) {
    errno = EACCES;
    return -1;
  }
  return __real_open(path, flags, mode);
}
int __real_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st)
{
  int rc;
  if (fail_now(&fail_fstat)) return -1;
  rc = __real_fstat(fd, st);
  if (rc == 0 && once(&fstat_no_folder))
    st->st_mode = (st->st_mode & 07777) | S_IFREG;
  return rc;
}
ssize_t __real_readlinkat(int dirfd, const char *path, char *buf, size_t n);
ssize_t __wrap_readlinkat(int dirfd, const char *path, char *buf, size_t n);
ssize_t __wrap_readlinkat(int dirfd, const char *path, char *buf, size_t n)
{
  if (fail_now(&fail_readlinkat)) return -1;
  if (once(&readlink_fills)) {
    memset(buf, 'a', n);
    return (ssize_t) n;
  }
  return __real_readlinkat(dirfd, path, buf, n);
}

/* openat() of the name in openat_fails_on fails once with fail_openat;
   mkdirat() fails once with fail_mkdirat, or, with mkdirat_raced, makes
   the folder and then fails with EEXIST once (as when another process
   made it first); read() returns at most read_short bytes once;
   futimens() fails once with fail_futimens */
static const char *openat_fails_on = NULL;
static volatile int fail_openat = 0, fail_mkdirat = 0, mkdirat_raced = 0,
  read_short = 0, read_fails = 0, fail_read_once = 0, fail_futimens = 0,
  host_fake = 0;
int __real_openat(int dirfd, const char *path, int flags, ...);
int __wrap_openat(int dirfd, const char *path, int flags, ...);
int __wrap_openat(int dirfd, const char *path, int flags, ...)
{
  int mode;
  OPEN_MODE(flags, mode);
  if (openat_fails_on != NULL && strcmp(path, openat_fails_on) == 0 &&
      fail_now(&fail_openat)) {
    openat_fails_on = NULL;
    return -1;
  }
  return __real_openat(dirfd, path, flags, mode);
}
int __real_mkdirat(int dirfd, const char *path, mode_t mode);
int __wrap_mkdirat(int dirfd, const char *path, mode_t mode);
int __wrap_mkdirat(int dirfd, const char *path, mode_t mode)
{
  if (fail_now(&fail_mkdirat)) return -1;
  if (once(&mkdirat_raced)) {
    if (__real_mkdirat(dirfd, path, mode) != 0) return -1;
    errno = EEXIST;
    return -1;
  }
  return __real_mkdirat(dirfd, path, mode);
}
ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n)
{
  if (read_fails) { errno = read_fails; return -1; }   /* every time */
  if (fail_now(&fail_read_once)) return -1;
  if (read_short > 0 && n > (size_t) read_short) {
    n = (size_t) read_short;
    read_short = 0;
  }
  return __real_read(fd, buf, n);
}
/* gethostname(), once as host_fake says: 1, a name that fills the buffer
   unterminated (as POSIX allows for a long name); 2, that and failing; 3,
   "a/b c" */
int __real_gethostname(char *name, size_t len);
int __wrap_gethostname(char *name, size_t len);
int __wrap_gethostname(char *name, size_t len)
{
  int fake = once(&host_fake);
  if (fake == 1 || fake == 2) {
    memset(name, 'h', len);
    if (fake == 2) { errno = ENAMETOOLONG; return -1; }
    return 0;
  }
  if (fake == 3) { snprintf(name, len, "a/b c"); return 0; }
  return __real_gethostname(name, len);
}
/* The lock's clock and sleeps: with fake_clock set, clock_gettime() says
   fake_now and then moves it on by fake_step seconds (0: a clock that
   stands still); with fake_sleeps set, nanosleep() does not sleep but
   notes each wait in slept[] (in ms) */
static volatile int fake_clock = 0, fake_sleeps = 0, n_slept = 0;
static double fake_now = 1000.0, fake_step = 0.0;
static int slept[64];
int __real_clock_gettime(clockid_t id, struct timespec *ts);
int __wrap_clock_gettime(clockid_t id, struct timespec *ts);
int __wrap_clock_gettime(clockid_t id, struct timespec *ts)
{
  if (!fake_clock) return __real_clock_gettime(id, ts);
  ts->tv_sec = (time_t) fake_now;
  ts->tv_nsec = (long) ((fake_now - (double) ts->tv_sec) * 1e9);
  fake_now += fake_step;
  return 0;
}
int __real_nanosleep(const struct timespec *req, struct timespec *rem);
int __wrap_nanosleep(const struct timespec *req, struct timespec *rem);
int __wrap_nanosleep(const struct timespec *req, struct timespec *rem)
{
  if (!fake_sleeps) return __real_nanosleep(req, rem);
  if (n_slept < 64)
    slept[n_slept++] = (int) (req->tv_sec * 1000 + req->tv_nsec / 1000000);
  return 0;
}
int __real_futimens(int fd, const struct timespec times[2]);
int __wrap_futimens(int fd, const struct timespec times[2]);
int __wrap_futimens(int fd, const struct timespec times[2])
{
  return fail_now(&fail_futimens) ? -1 : __real_futimens(fd, times);
}
#endif

static char base[1024];
static p4m_error err;

/* base/rel ('/' separates on Windows too), in one of four buffers in turn
   (so that one call may use several) */
static const char *at(const char *rel)
{
  static char bufs[4][PBUF];
  static int i = 0;
  i = (i + 1) % 4;
  snprintf(bufs[i], PBUF, "%s" SEP "%s", base, rel);
  return bufs[i];
}

static int write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "wb");
  if (f == NULL) return -1;
  fputs(text, f);
  return fclose(f);
}

/* The file's first bytes; "" when missing */
static const char *read_file(const char *path)
{
  static char buf[128];
  FILE *f = fopen(path, "rb");
  buf[0] = '\0';
  if (f == NULL) return buf;
  buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
  fclose(f);
  return buf;
}

static int exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

/* p4m_claims_open_write/read of base/rel into c (initialised first) */
static int open_rel(p4m_claims *c, const char *rel, int write)
{
  p4m_claims_init(c);
  return write ? p4m_claims_open_write(c, at(rel), &err) :
    p4m_claims_open_read(c, at(rel), &err);
}

/* Was the last error the caller's bug `want`, whole? */
static int is_bug(const char *want)
{
  return err.kind == P4M_E_BUG && err.err == 0 && err.step == NULL &&
    strcmp(err.message, want) == 0;
}

#ifndef _WIN32

/* Did the last call fail with the system's error `want` at `step`? */
static int failed_at(int want, const char *step)
{
  return err.err == want && err.step != NULL && strcmp(err.step, step) == 0;
}
#endif

/* count_fds() is want (or cannot be known: Windows) */
static int fds_are(int want)
{
  int n = count_fds();
  return n < 0 || n == want;
}

/* ------------------------------------------------------------------ */
/* The format, the expiry rule, who and when                            */

static void test_format(void)
{
  static const struct {
    const char *text; int ok; unsigned long long ms; unsigned long pid;
    int has_pid;
  } cases[] = {
    { "1795000012.345 4711\n", 1, 1795000012345ull, 4711, 1 },   /* canonical */
    { "1795000000",            1, 1795000000000ull, 0, 0 },      /* by hand */
    { "12.5",                  1, 12500ull, 0, 0 },
    { "12.123456789",          1, 12123ull, 0, 0 },   /* dropped, not rounded */
    { "999999999999.999",      1, 999999999999999ull, 0, 0 },
    { "1 4294967295\n",        1, 1000ull, 4294967295ul, 1 },
    { "000000000012 0000000001", 1, 12000ull, 1, 1 },   /* 12 and 10 digits */
    { "",                      0, 0, 0, 0 },
    { "0000000000012",         0, 0, 0, 0 },          /* 13 digits */
    { "12.",                   0, 0, 0, 0 },
    { ".5",                    0, 0, 0, 0 },
    { "12.1234567890",         0, 0, 0, 0 },          /* 10 fraction digits */
    { "12 ",                   0, 0, 0, 0 },
    { "12 4294967296",         0, 0, 0, 0 },
    { "12 00000000001",        0, 0, 0, 0 },          /* 11 pid digits */
    { "12 7\n\n",              0, 0, 0, 0 },
    { "12\r\n",                0, 0, 0, 0 },
    { "12/",                   0, 0, 0, 0 },          /* '0' - 1 and '9' + 1 */
    { "12:",                   0, 0, 0, 0 },
  };
  static const struct { unsigned long long expiry_ms; double now; int live; }
  times[] = {
    { 1010000, 1000, 1 },
    { 1010000, 1009.999, 1 },
    { 1010000, 1010, 0 },                    /* expired at its expiry */
    { 1000000 + 86400000ull, 1000, 1 },      /* exactly the longest */
    { 1000000 + 86400001ull, 1000, 0 },      /* further ahead: not honoured */
    { 33658000000000ull, 1795000000, 0 },    /* a file of the year 33658 */
    { 1010000, -1, 0 },
    { 1010000, 1.1e11, 0 },
    { 1, 0, 1 },                             /* the first and the last */
    { 100000000000001ull, 1e11, 1 },         /* valid now */
  };
  p4m_claim_record r, back;
  char buf[64], one = 'x';
  size_t i;

  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    /* in a buffer of exactly the text's length (no NUL after it), so that
       a read past the end is caught (AddressSanitizer, valgrind) */
    size_t len = strlen(cases[i].text);
    char *exact = malloc(len > 0 ? len : 1);
    int rc;
    if (exact == NULL) { n_fail++; return; }
    memcpy(exact, cases[i].text, len);
    memset(&r, 0xA5, sizeof r);
    rc = p4m_claims_parse(exact, len, &r);
    free(exact);
    CHECK(rc == (cases[i].ok ? 0 : -1) &&
          (!cases[i].ok || (r.expiry_ms == cases[i].ms &&
                            r.pid == cases[i].pid &&
                            r.has_pid == cases[i].has_pid)),
          "parse(\"%s\"): %d, %llu %lu %d", cases[i].text, rc, r.expiry_ms,
          r.pid, r.has_pid);
  }
  memset(buf, '1', sizeof buf);
  CHECK(p4m_claims_parse(buf, P4M_CLAIMS_FILE_MAX + 1, &r) == -1 &&
        p4m_claims_parse("1234 56789", 6, &r) == 0 && r.pid == 5,
        "a file longer than P4M_CLAIMS_FILE_MAX is not a claim; n is kept");

  r.expiry_ms = 1795000012045ull;
  r.pid = 4711;
  r.has_pid = 1;
  CHECK(p4m_claims_format(buf, sizeof buf, &r) == 20 &&
        strcmp(buf, "1795000012.045 4711\n") == 0 &&
        p4m_claims_parse(buf, 20, &back) == 0 &&
        back.expiry_ms == r.expiry_ms && back.pid == 4711 && back.has_pid,
        "format and parse back: '%s'", buf);
  r.has_pid = 0;
  r.expiry_ms = 5;
  CHECK(p4m_claims_format(buf, 7, &r) == 6 && strcmp(buf, "0.005\n") == 0,
        "without a pid, into an exact buffer: '%s'", buf);
  CHECK(p4m_claims_format(buf, 6, &r) == 0 && buf[0] == '\0' &&
        p4m_claims_format(&one, 0, &r) == 0 && one == 'x',
        "one byte short: \"\"; 0 bytes: nothing written");
  r.expiry_ms = 1000000000000000ull;   /* 13-digit seconds would not parse */
  CHECK(p4m_claims_format(buf, sizeof buf, &r) == 0, "out of range");
#if ULONG_MAX > 4294967295ul
  r.expiry_ms = 5;
  r.has_pid = 1;
  r.pid = 4294967296ul;
  CHECK(p4m_claims_format(buf, sizeof buf, &r) == 0, "too large a pid");
#endif
  /* no record or no buffer: nothing to format or parse */
  strcpy(buf, "x");
  CHECK(p4m_claims_format(buf, sizeof buf, NULL) == 0 && buf[0] == '\0' &&
        p4m_claims_format(NULL, 8, &r) == 0, "format without a record");
  CHECK(p4m_claims_parse(NULL, 6, &back) == -1 &&
        p4m_claims_parse("0.005\n", 6, NULL) == -1, "parse without one");
  {  /* longer than a claim file may be: refused before it is read */
    char big[P4M_CLAIMS_FILE_MAX + 2];
    memset(big, ' ', sizeof big);
    memcpy(big, "0.005 1\n", 8);
    CHECK(p4m_claims_parse(big, sizeof big, &back) == -1 &&
          p4m_claims_parse(big, 8, &back) == 0, "a file too long");
  }

  for (i = 0; i < sizeof times / sizeof times[0]; i++)
    CHECK(p4m_claims_live(times[i].expiry_ms, times[i].now) == times[i].live,
          "live(%llu, %.3f) is not %d", times[i].expiry_ms, times[i].now,
          times[i].live);

  /* the host name is a safe folder name; uid and now are this process's */
  {
    char h[64], b1[16] = "a/b\\c d", b2[16] = "..", b3[16] = " x/",
      b4[16] = "`az{@AZ[/09:", b5[16] = ".";
    double t = p4m_claims_now();
    p4m_claims_host(h, sizeof h);
    p4m_host_clean(b1, sizeof b1);
    p4m_host_clean(b2, sizeof b2);
    p4m_host_clean(b3, sizeof b3);
    p4m_host_clean(b4, sizeof b4);   /* each range's ends, and past them */
    p4m_host_clean(b5, sizeof b5);
    CHECK(h[0] != '\0' && strpbrk(h, "/\\ ") == NULL &&
          strcmp(b1, "a_b_c_d") == 0 && strcmp(b2, "localhost") == 0 &&
          strcmp(b3, "_x_") == 0 && strcmp(b4, "_az__AZ__09_") == 0 &&
          strcmp(b5, "localhost") == 0,
          "host '%s'; cleaned: '%s' '%s' '%s' '%s' '%s'", h, b1, b2, b3, b4,
          b5);
    CHECK(t > (double) time(NULL) - 2 && t < (double) time(NULL) + 2,
          "now %.6f", t);
#ifndef _WIN32
    CHECK(p4m_claims_uid() == (long) geteuid(), "uid");
#endif
#ifdef P4M_COUNT_LOCKS
    /* a name cut short is ended within the buffer, a failure is
       "localhost", the name is cleaned, and no room is no change */
    {
      char want[8] = "hhhhhhh";
      host_fake = 1;
      p4m_claims_host(h, 8);
      CHECK(strcmp(h, want) == 0, "a name that fills the buffer: '%s'", h);
      host_fake = 2;
      p4m_claims_host(h, 8);
      CHECK(strcmp(h, "localho") == 0, "gethostname() fails: '%s'", h);
      host_fake = 3;
      p4m_claims_host(h, sizeof h);
      CHECK(strcmp(h, "a_b_c") == 0, "a name to clean: '%s'", h);
      h[0] = 'x';
      p4m_claims_host(h, 0);
      p4m_claims_host(NULL, 8);
      CHECK(h[0] == 'x', "no room: '%c'", h[0]);
    }
#endif
  }
}

/* ------------------------------------------------------------------ */
/* Opening                                                              */

/* An object that is not open: no folder, no handles, neither usable nor
   writable */
static int is_closed(const p4m_claims *c)
{
  return c->dir[0] == '\0' && !c->usable &&
    !c->writable && c->h_dir == -1 && c->h_lock == -1;
}

static void test_open(void)
{
  p4m_claims c;
  char longdir[P4M_PATH_MAX + 2];
  double until;
  int fds, rc;
#ifndef _WIN32
  struct stat s1, s2;
  mode_t old;
#endif

  /* init and close leave an object that is not open, whatever it held */
  memset(&c, 'x', sizeof c);
  p4m_claims_init(&c);
  CHECK(is_closed(&c) && c.poll == NULL && c.poll_ctx == NULL, "init");
  CHECK(open_rel(&c, "state", 1) == 0 && c.usable && c.writable,
        "open: %s", err.message);
  p4m_claims_close(&c);
  CHECK(is_closed(&c), "close");
  p4m_claims_init(&c);
  CHECK(p4m_claims_open_read(&c, "claims", &err) == -1 && !c.usable &&
        err.kind == P4M_E_SYSTEM && err.err == 0 &&
        strcmp(err.step, "open claims folder") == 0 &&
        strcmp(err.message, "claims folder 'claims' is not an absolute "
               "path") == 0,
        "a relative folder: %s", err.message);
  memset(longdir, 'x', sizeof longdir);
  longdir[0] = SEP[0];
  longdir[P4M_PATH_MAX] = '\0';
  CHECK(p4m_claims_open_write(&c, longdir, &err) == -1 && !c.usable &&
        err.kind == P4M_E_SYSTEM && err.err == 0 &&
        strcmp(err.step, "open claims folder") == 0 &&
        strcmp(err.message, "the name of the claims folder is too long "
               "(4096 bytes, at most 4095)") == 0,
        "too long a name: %s", err.message);
  /* the longest name, 4095 bytes, is taken (no folder has it: a component
     that long is too long for any system) */
  longdir[P4M_PATH_MAX - 1] = '\0';
  rc = p4m_claims_open_read(&c, longdir, &err);
  CHECK(rc == -1 && !c.usable && err.kind == P4M_E_SYSTEM &&
        strcmp(err.step, "open claims folder") == 0,
        "the longest name: %d %s", rc, err.message);
#ifndef _WIN32
  CHECK(err.err == ENAMETOOLONG, "the longest name: errno %d", err.err);
#endif
#ifndef _WIN32
  /* the root, however written, is "/" (and never the user's 0700 folder) */
  CHECK(p4m_claims_open_read(&c, "///", &err) == -1 && !c.usable &&
        strcmp(err.message, geteuid() == 0 ?
               "claims folder '/' is not used: it is open to group or "
               "others (its mode must be 0700)" :
               "claims folder '/' is not used: it is not owned by you") == 0,
        "the root as the folder: %s", err.message);
#endif

  /* a reader of a missing folder: nothing to read, nothing made */
  CHECK(open_rel(&c, "missing/claims", 0) == 0 && !c.usable &&
        p4m_claims_check(&c, 30845, 1000, &until) == 0 &&
        !exists(at("missing")), "a missing folder is no claims");

  /* a writer makes every missing component, mode 0700 whatever the umask */
#ifndef _WIN32
  old = umask(0277);
#endif
  rc = open_rel(&c, "a/b/claims//", 1);
  CHECK(rc == 0 && c.usable && c.writable &&
        strcmp(c.dir, at("a/b/claims")) == 0,
        "the writer made '%s': %s", c.dir, err.message);
#ifndef _WIN32
  umask(old);
  CHECK(stat(at("a"), &s1) == 0 && stat(c.dir, &s2) == 0 &&
        (s1.st_mode & 07777) == 0700 && (s2.st_mode & 07777) == 0700,
        "made with mode 0700 under umask 0277");
#endif
  CHECK(p4m_claims_take(&c, 1024, 1000, 10, &until, &err) == 0, "a claim");

  /* opening again closes first; close twice is harmless */
  fds = count_fds();
  CHECK(p4m_claims_open_read(&c, c.dir, &err) == 0 && c.usable &&
        !c.writable && fds_are(fds - 1) &&
        p4m_claims_check(&c, 1024, 1000, &until) == 1,
        "reopened for reading (%d descriptors, %d before)", count_fds(), fds);
  CHECK(p4m_claims_take(&c, 1025, 1000, 10, &until, &err) == -1 &&
        err.kind == P4M_E_BUG, "a reader cannot take: %s", err.message);
  p4m_claims_close(&c);
  p4m_claims_close(&c);
  CHECK(is_closed(&c) && fds_are(fds - 2),
        "closed");
}

/* ------------------------------------------------------------------ */
/* Take, check, release, drop                                           */

static void test_take(void)
{
  static const char *dead[] = { "1000.000 1\n", "hello", "", "87401.000 1\n" };
  const char *p = at("take/30845");
  p4m_claims c, r;
  char want[64];
  double until = 0;
  size_t k;

  if (open_rel(&c, "take", 1) != 0 || open_rel(&r, "take", 0) != 0) {
    n_fail++;
    return;
  }
  snprintf(want, sizeof want, "1010.000 %lu\n", GETPID());
  CHECK(p4m_claims_take(&c, 30845, 1000, 10, &until, &err) == 0 &&
        until == 1010 && strcmp(read_file(p), want) == 0,
        "take: until %.3f, '%s'", until, read_file(p));
#ifndef _WIN32
  {
    struct stat st;
    CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0600, "mode 0600");
  }
#endif
  /* a reader sees it until its expiry */
  until = 0;
  CHECK(p4m_claims_check(&r, 30845, 1009.5, &until) == 1 && until == 1010 &&
        p4m_claims_check(&r, 30845, 1010, &until) == 0 &&
        p4m_claims_check(&r, 30846, 1000, &until) == 0,
        "claimed until 1010, by 30845 only");
  until = 0;
  CHECK(p4m_claims_take(&c, 30845, 1005, 60, &until, &err) == 1 &&
        until == 1010 && strcmp(read_file(p), want) == 0,
        "a live claim holds against take, also one's own");

  /* release: one's own claim of that expiry; drop: anyone's */
  CHECK(p4m_claims_release(&c, 30845, 1010.001, &err) == 1 && exists(p),
        "release of another expiry leaves it");
  CHECK(p4m_claims_release(&c, 30845, 1010, &err) == 0 && !exists(p) &&
        p4m_claims_release(&c, 30845, 1010, &err) == 1, "released");
  CHECK(write_file(p, "2000.000 1\n") == 0 &&
        p4m_claims_release(&c, 30845, 2000, &err) == 1 && exists(p),
        "another process's claim is not released");
  CHECK(p4m_claims_drop(&c, 30845, &err) == 0 && !exists(p) &&
        p4m_claims_drop(&c, 30845, &err) == 1, "but dropped");

  /* dead claim files are replaced: expired, broken, empty, too far ahead */
  for (k = 0; k < 4; k++) {
    CHECK(write_file(p, dead[k]) == 0 &&
          p4m_claims_check(&r, 30845, 1000, &until) == 0 &&
          p4m_claims_take(&c, 30845, 1000, 5, &until, &err) == 0 &&
          until == 1005, "'%s' is replaced", dead[k]);
    p4m_claims_drop(&c, 30845, &err);
  }
  CHECK(write_file(p, "2000000000\n") == 0 &&
        p4m_claims_check(&r, 30845, 1999990000, &until) == 1 &&
        until == 2e9 &&
        p4m_claims_take(&c, 30845, 1999990000, 5, &until, &err) == 1,
        "a claim written by hand holds");

  /* expiry in whole milliseconds, rounded up; the limits of seconds */
  CHECK(p4m_claims_take(&c, 1, 1000.0001, 1, &until, &err) == 0 &&
        until == 1001.001, "ceil: %.4f", until);
  CHECK(p4m_claims_take(&c, 65535, 1000, 86400, &until, &err) == 0 &&
        p4m_claims_check(&r, 65535, 1000, &until) == 1, "a whole day");
  /* rounded up to now + the longest reserve exactly, not past it (half a
     millisecond short of a day: its ceiling is the whole day) */
  CHECK(p4m_claims_take(&c, 65534, 1800000000.0, 86399.9995, &until, &err)
        == 0 && until == 1800086400.0, "ceil up to a whole day: %.4f",
        until);
  /* a port out of range, or no folder, has no claim (a file named "0" or
     "65536" is none) */
  CHECK(write_file(at("take/0"), "2000000000\n") == 0 &&
        write_file(at("take/65536"), "2000000000\n") == 0 &&
        p4m_claims_check(&r, 0, 1999990000, &until) == 0 &&
        p4m_claims_check(&r, 65536, 1999990000, &until) == 0 &&
        p4m_claims_check(NULL, 30845, 1999990000, &until) == 0,
        "claims of what is not a port");
  CHECK(p4m_claims_take(&c, 2, 1000, 86400.5, &until, &err) == -1 &&
        err.kind == P4M_E_BUG &&
        p4m_claims_take(&c, 2, 1000, 0.5, &until, &err) == -1 &&
        p4m_claims_take(&c, 0, 1000, 5, &until, &err) == -1 &&
        p4m_claims_take(&c, 2, strtod("nan", NULL), 5, &until, &err) == -1,
        "bad arguments are a bug of the caller");
  {
    p4m_claims n;
    p4m_claims_init(&n);
    CHECK(p4m_claims_open_read(&n, NULL, &err) == -1 &&
          is_bug("p4m_claims_open: no claims or no folder") && !n.usable,
          "no folder is a bug of the caller: %s", err.message);
    /* the caller's bugs, named whole */
    CHECK(p4m_claims_take(&n, 5, 1000, 5, &until, &err) == -1 &&
          is_bug("p4m_claims_take: the claims folder is not open for "
                 "writing, or port 5 is not a port") &&
          p4m_claims_release(&n, 6, 1000, &err) == -1 &&
          is_bug("p4m_claims_release: the claims folder is not open for "
                 "writing, or port 6 is not a port") &&
          p4m_claims_drop(&n, 7, &err) == -1 &&
          is_bug("p4m_claims_drop: the claims folder is not open for "
                 "writing, or port 7 is not a port"),
          "not open for writing: %s", err.message);
    CHECK(p4m_claims_take(&c, 2, -1, 5, &until, &err) == -1 &&
          is_bug("p4m_claims_take: now -1 or seconds 5 out of range"),
          "now out of range: %s", err.message);
  }
  /* a release is of this process's claim with the expiry it was given:
     within half a millisecond (until = 0.0625 s is 62.5 ms, exactly) */
  {
    char text[64];
    snprintf(text, sizeof text, "0.062 %lu\n", GETPID());
    CHECK(write_file(at("take/7800"), text) == 0 &&
          p4m_claims_release(&c, 7800, 0.0625, &err) == 1 &&
          exists(at("take/7800")), "62 ms is not 62.5 ms less 0.5");
    snprintf(text, sizeof text, "0.063 %lu\n", GETPID());
    CHECK(write_file(at("take/7801"), text) == 0 &&
          p4m_claims_release(&c, 7801, 0.0625, &err) == 1 &&
          exists(at("take/7801")), "63 ms is not 62.5 ms plus 0.5");
    CHECK(p4m_claims_release(&c, 7801, 0.063, &err) == 0 &&
          !exists(at("take/7801")), "63 ms is 63 ms");
  }
  p4m_claims_close(&r);
  p4m_claims_close(&c);
}

/* Things in the folder that are not claims are never fatal */
static void test_not_claims(void)
{
  p4m_claims c, r;
  double until;
  int fds;

  if (open_rel(&c, "other", 1) != 0 || open_rel(&r, "other", 0) != 0) {
    n_fail++;
    return;
  }
  /* a folder that is not empty: not a claim, cannot be replaced */
  CHECK(MKDIR(at("other/40000")) == 0 &&
        write_file(at("other/40000/9999999999"), "x") == 0 &&
        p4m_claims_check(&r, 40000, 1000, &until) == 0 &&
        p4m_claims_take(&c, 40000, 1000, 5, &until, &err) == 2 &&
        p4m_claims_drop(&c, 40000, &err) == 1 &&
        p4m_claims_release(&c, 40000, 1005, &err) == 1 &&
        exists(at("other/40000/9999999999")),
        "a folder that is not empty: check 0, take 2, left alone");
#ifdef __linux__
  /* a folder that is a mount point (rmdir says EBUSY): left alone too */
  if (geteuid() == 0 && MKDIR(at("other/40002")) == 0 &&
      mount("none", at("other/40002"), "tmpfs", 0, NULL) == 0) {
    CHECK(p4m_claims_take(&c, 40002, 1000, 5, &until, &err) == 2 &&
          p4m_claims_drop(&c, 40002, &err) == 1,
          "a mount point: take 2, left alone: %s", err.message);
    CHECK(umount(at("other/40002")) == 0, "unmounting the mount point");
  }
#endif
  CHECK(MKDIR(at("other/40001")) == 0 &&
        p4m_claims_take(&c, 40001, 1000, 5, &until, &err) == 0,
        "an empty folder is replaced: %s", err.message);
  CHECK(write_file(at("other/hello"), "9999999999\n") == 0 &&
        write_file(at("other/040002"), "9999999999\n") == 0 &&
        p4m_claims_take(&c, 40002, 1000, 5, &until, &err) == 0 &&
        strcmp(read_file(at("other/040002")), "9999999999\n") == 0 &&
        exists(at("other/hello")), "other names are no claims and stay");
#ifndef _WIN32
  /* a FIFO (no hang) and a symbolic link (never followed) are replaced */
  CHECK(mkfifo(at("other/40003"), 0600) == 0 &&
        write_file(at("target"), "9999999999\n") == 0 &&
        symlink(at("target"), at("other/40004")) == 0 &&
        p4m_claims_check(&r, 40003, 1000, &until) == 0 &&
        p4m_claims_check(&r, 40004, 1000, &until) == 0,
        "a fifo and a link to a claim are no claims");
  CHECK(p4m_claims_take(&c, 40003, 1000, 5, &until, &err) == 0 &&
        p4m_claims_take(&c, 40004, 1000, 5, &until, &err) == 0 &&
        strcmp(read_file(at("target")), "9999999999\n") == 0,
        "both replaced, the link's target unchanged");
#endif
  p4m_claims_close(&c);
  p4m_claims_close(&r);

  /* .lock that is not a file: readers do not care, writers fail cleanly */
  fds = count_fds();
  CHECK(MKDIR(at("badlock")) == 0 && MKDIR(at("badlock/.lock")) == 0 &&
        open_rel(&r, "badlock", 0) == 0 && r.usable, "read");
  p4m_claims_close(&r);
  CHECK(open_rel(&c, "badlock", 1) == -1 && !c.usable &&
        strcmp(err.step, "lock claims folder") == 0 && fds_are(fds),
        "write: %s", err.message);
#ifndef _WIN32
  /* a FIFO opens (O_RDWR | O_NONBLOCK) where a folder does not: it is
     refused after the open, named, and its descriptor closed */
  {
    char want[2 * PBUF + 64];
    snprintf(want, sizeof want, "cannot lock claims folder '%s': '%s' is "
             "not a file", at("fifolock"), at("fifolock/.lock"));
    CHECK(MKDIR(at("fifolock")) == 0 &&
          mkfifo(at("fifolock/.lock"), 0600) == 0 &&
          open_rel(&c, "fifolock", 1) == -1 && !c.usable &&
          strcmp(err.step, "lock claims folder") == 0 &&
          strcmp(err.message, want) == 0 && err.err == 0 && fds_are(fds),
          "a FIFO as the lock: %s", err.message);
  }
  /* a symbolic link as .lock is not followed; a new .lock is the user's
     alone (0600), and neither descriptor is passed to programs that the
     process starts (they would hold the lock after it ends) */
  {
    struct stat st;
    CHECK(MKDIR(at("linklock")) == 0 && write_file(at("lock-target"), "") == 0
          && symlink(at("lock-target"), at("linklock/.lock")) == 0 &&
          open_rel(&c, "linklock", 1) == -1 &&
          failed_at(ELOOP, "lock claims folder") && fds_are(fds),
          "a link as the lock: %s", err.message);
    CHECK(open_rel(&c, "newlock", 1) == 0 &&
          stat(at("newlock/.lock"), &st) == 0 && (st.st_mode & 0777) == 0600 &&
          (fcntl((int) c.h_lock, F_GETFD) & FD_CLOEXEC) != 0 &&
          (fcntl((int) c.h_dir, F_GETFD) & FD_CLOEXEC) != 0,
          "a new lock: mode 0%o, close on exec", (unsigned) st.st_mode & 0777);
    p4m_claims_close(&c);
  }
#endif
}

/* ------------------------------------------------------------------ */
/* The lock: taken once, waited for, given up, interrupted              */

extern long p4m_claims_lock_wait_ms;      /* (claims.c, test build) */
extern int p4m_claims_longest_sleep_ms;

static volatile sig_atomic_t stop_now = 0;   /* set by a signal or a poll */
static int n_polls = 0, stop_at_poll = 0;
#ifndef _WIN32
static pid_t release_at_poll = 0;   /* a lock holder to end at a poll */
#endif

static int poll_fn(void *ctx)
{
  (void) ctx;
  n_polls++;
  if (stop_at_poll > 0 && n_polls >= stop_at_poll) stop_now = 1;
#ifndef _WIN32
  if (release_at_poll > 0) {
    kill(release_at_poll, SIGKILL);
    waitpid(release_at_poll, NULL, 0);
    release_at_poll = 0;
  }
#endif
  return stop_now;
}

#ifndef _WIN32
/* Another process takes the lock of base/rel and holds it for ms
   milliseconds (0: until killed). */
static pid_t hold_lock(const char *rel, int ms)
{
  char ch = 0;
  int ready[2];
  pid_t pid;
  if (pipe(ready) != 0) return -1;
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    p4m_claims c;
    struct timespec ts;
    if (open_rel(&c, rel, 1) != 0 || write(ready[1], "x", 1) != 1) _exit(1);
    ts.tv_sec = ms > 0 ? ms / 1000 : 1000;
    ts.tv_nsec = (long) (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
    _exit(0);
  }
  close(ready[1]);
  if (pid < 0 || read(ready[0], &ch, 1) != 1) pid = -1;
  close(ready[0]);
  return pid;
}

static void on_alarm(int sig) { (void) sig; stop_now = 1; }
#endif

#if defined(P4M_COUNT_LOCKS)
/* A writer's wait for a held lock with the clock and the sleeps faked:
   sleeps of 1, 2, 4, ... ms up to 50 ms until their sum or the clock
   reaches the wait (each checked with >=); the sleeps, from open_rel of
   base/lock2 with the wait set to wait_ms and the clock moving step s a
   call, as "1,2,4"; "" when the open did not fail as it should */
static const char *lock_waits(long wait_ms, double step)
{
  static char out[256];
  size_t n = 0;
  int i, rc;
  p4m_claims w;
  p4m_claims_lock_wait_ms = wait_ms;
  fake_now = 1000.0;
  fake_step = step;
  n_slept = 0;
  fake_clock = fake_sleeps = 1;
  rc = open_rel(&w, "lock2", 1);
  fake_clock = fake_sleeps = 0;
  p4m_claims_lock_wait_ms = 60000;
  out[0] = '\0';
  if (rc != -1 || err.kind != P4M_E_SYSTEM || !failed_at(ETIMEDOUT,
      "lock claims folder"))
    return out;
  for (i = 0; i < n_slept && n + 12 < sizeof out; i++)
    n += (size_t) snprintf(out + n, sizeof out - n, "%s%d", i ? "," : "",
                           slept[i]);
  return out;
}

static void test_lock_wait(void)
{
  p4m_claims w;
  char want[PBUF + 80];
  pid_t holder;
  const char *s;
  if (open_rel(&w, "lock2", 1) != 0) { n_fail++; return; }
  p4m_claims_close(&w);
  holder = hold_lock("lock2", 0);
  CHECK(holder > 0, "hold the lock");
  s = lock_waits(63, 0.0);
  CHECK(strcmp(s, "1,2,4,8,16,32") == 0, "a wait of 63 ms: %s", s);
  s = lock_waits(64, 0.0);
  CHECK(strcmp(s, "1,2,4,8,16,32,50") == 0, "a wait of 64 ms: %s", s);
  s = lock_waits(100000, 10.0);
  CHECK(strcmp(s, "1,2,4,8,16,32,50,50,50") == 0,
        "a wait of 100 s, the clock moving 10 s a try: %s", s);
  /* a poll that stops it: interrupted, without errno */
  p4m_claims_init(&w);
  w.poll = poll_fn;
  stop_at_poll = 1;
  n_polls = 0;
  snprintf(want, sizeof want, "interrupted while waiting for the lock of "
           "claims folder '%s'", at("lock2"));
  CHECK(p4m_claims_open_write(&w, at("lock2"), &err) == -1 &&
        err.kind == P4M_E_INTERRUPT && err.err == 0 &&
        strcmp(err.step, "lock claims folder") == 0 &&
        strcmp(err.message, want) == 0, "interrupted: %s", err.message);
  stop_at_poll = 0;
  stop_now = 0;
  kill(holder, SIGKILL);
  waitpid(holder, NULL, 0);
}
#endif

static void test_lock(void)
{
  p4m_claims c, w;
  double t0, until;
  int fds, k, taken = 0;
#ifdef _WIN32
  p4m_claims holder;
#else
  pid_t holder;
  struct timespec old[2] = { { 1000, 0 }, { 1000, 0 } };
  struct stat st;
  struct sigaction sa;
  struct itimerval it;
#endif

  if (open_rel(&c, "lock", 1) != 0) { n_fail++; return; }
  p4m_claims_close(&c);
#ifndef _WIN32
  /* .lock's time is refreshed by each writer */
  CHECK(utimensat(AT_FDCWD, at("lock/.lock"), old, 0) == 0 &&
        open_rel(&c, "lock", 1) == 0 && stat(at("lock/.lock"), &st) == 0 &&
        st.st_mtime > time(NULL) - 60,
        ".lock's time is now: %ld", (long) st.st_mtime);
  p4m_claims_close(&c);
#endif
  /* one lock for a writer that claims 50 ports */
#ifdef P4M_COUNT_LOCKS
  n_locks = 0;
#endif
  if (open_rel(&c, "lock", 1) != 0) n_fail++;
  for (k = 0; k < 50; k++)
    taken += p4m_claims_take(&c, 20000 + k, 1000, 30, &until, &err) == 0;
  p4m_claims_close(&c);
  CHECK(taken == 50, "%d claims", taken);
#ifdef P4M_COUNT_LOCKS
  CHECK(n_locks == 1, "the lock was taken %d times", n_locks);
#endif

  /* readers never wait for the lock */
#ifdef _WIN32
  if (open_rel(&holder, "lock", 1) != 0) n_fail++;
#else
  holder = hold_lock("lock", 0);
  CHECK(holder > 0, "hold the lock");
#endif
#ifdef P4M_COUNT_LOCKS
  n_locks = 0;
#endif
  CHECK(open_rel(&c, "lock", 0) == 0 &&
        p4m_claims_check(&c, 20000, 1000, &until) == 1,
        "a reader reads while the lock is held");
#ifdef P4M_COUNT_LOCKS
  CHECK(n_locks == 0, "a reader asked for the lock %d times", n_locks);
#endif
  p4m_claims_close(&c);

  /* a writer gives up after the wait (set to 0.6 s here): not sooner */
  fds = count_fds();
  p4m_claims_lock_wait_ms = 600;
  t0 = p4m_claims_now();
  CHECK(open_rel(&w, "lock", 1) == -1 && err.kind == P4M_E_SYSTEM &&
        strcmp(err.step, "lock claims folder") == 0 && is_closed(&w) &&
        fds_are(fds),
        "a writer gives up: %s", err.message);
  t0 = p4m_claims_now() - t0;
  CHECK(t0 >= 0.55, "after %.2f s", t0);
  p4m_claims_lock_wait_ms = 60000;

  /* a poll that says stop ends the wait at once (the wait would last a
     minute); it is polled after every sleep, and no sleep is longer than
     50 ms, so Ctrl-C in R is answered within 50 ms of sleep */
  p4m_claims_init(&w);
  w.poll = poll_fn;
  p4m_claims_longest_sleep_ms = 0;
  n_polls = 0;
#ifdef _WIN32
  stop_at_poll = 20;
#else
  /* as Ctrl-C in R: a signal handler sets a flag that the poll reads (the
     signal also cuts a sleep short) */
  memset(&sa, 0, sizeof sa);
  memset(&it, 0, sizeof it);
  sa.sa_handler = on_alarm;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGALRM, &sa, NULL);
  it.it_value.tv_usec = 200000;
  setitimer(ITIMER_REAL, &it, NULL);
#endif
  CHECK(p4m_claims_open_write(&w, at("lock"), &err) == -1 &&
        err.kind == P4M_E_INTERRUPT && !w.usable && fds_are(fds),
        "interrupted: %s", err.message);
  CHECK(n_polls > 1 && p4m_claims_longest_sleep_ms <= 50,
        "%d polls, longest sleep between two %d ms", n_polls,
        p4m_claims_longest_sleep_ms);
  stop_now = 0;
  stop_at_poll = 0;

  /* the lock is usable afterwards, and a writer waits for it: the holder
     lets go only once the writer has polled, i.e. found the lock held */
#ifdef _WIN32
  p4m_claims_close(&holder);
  CHECK(open_rel(&c, "lock", 1) == 0, "the lock is free again");
#else
  kill(holder, SIGKILL);
  waitpid(holder, NULL, 0);
  holder = hold_lock("lock", 0);
  p4m_claims_init(&c);
  c.poll = poll_fn;
  n_polls = 0;
  release_at_poll = holder;
  CHECK(holder > 0 && p4m_claims_open_write(&c, at("lock"), &err) == 0 &&
        n_polls >= 1, "a writer waits for the lock (%d polls): %s", n_polls,
        err.message);
#endif
  p4m_claims_close(&c);
#if defined(P4M_COUNT_LOCKS)
  test_lock_wait();
#endif
}

#ifndef _WIN32
/* ------------------------------------------------------------------ */
/* POSIX: a reader writes nothing                                       */

/* The folder's entries, times, sizes and contents, as one string */
static void snapshot(const char *dir, char *out, size_t n)
{
  DIR *d = opendir(dir);
  struct dirent *de;
  struct stat st;
  char p[PBUF];
  size_t k;
  out[0] = '\0';
  if (d == NULL || stat(dir, &st) != 0) return;
  k = (size_t) snprintf(out, n, "%ld.%ld;", (long) st.st_mtim.tv_sec,
                        st.st_mtim.tv_nsec);
  while ((de = readdir(d)) != NULL && k < n) {
    snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
    if (lstat(p, &st) == 0)
      k += (size_t) snprintf(out + k, n - k, "%s %o %ld %ld.%ld %s;",
                             de->d_name, (unsigned) st.st_mode,
                             (long) st.st_size, (long) st.st_mtim.tv_sec,
                             st.st_mtim.tv_nsec,
                             S_ISREG(st.st_mode) ? read_file(p) : "");
  }
  closedir(d);
}

/* A reader of base/reader: 0 when it sees exactly the live claim 40003 */
static int read_all(void)
{
  p4m_claims c;
  double until;
  int bad = 0, port;
  if (open_rel(&c, "reader", 0) != 0 || !c.usable) return 1;
  for (port = 40000; port <= 40005; port++)
    if (p4m_claims_check(&c, port, 1000, &until) != (port == 40003)) bad = 2;
  p4m_claims_close(&c);
  return bad;
}

/* The exit status of the child pid, once it has ended; -1 when it did not
   exit (a signal) or cannot be waited for */
static int exit_status(pid_t pid)
{
  int status;
  if (pid <= 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

/* fn() run in a child process (stdout flushed first): its exit status */
static int in_child(int (*fn)(void))
{
  pid_t pid;
  fflush(stdout);
  pid = fork();
  if (pid == 0) _exit(fn());
  return exit_status(pid);
}

/* Lower this process's soft limit of `resource` to v (in a child) */
static int lower_limit(int resource, rlim_t v)
{
  struct rlimit rl;
  if (getrlimit(resource, &rl) != 0) return -1;
  rl.rlim_cur = v;
  return setrlimit(resource, &rl);
}

static int become_nobody(void)
{
  struct passwd *pw = getpwnam("nobody");
  return pw == NULL || setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 ||
    setuid(pw->pw_uid) != 0 ? -1 : 0;
}

static void test_reader_writes_nothing(void)
{
  static const char *files[] = {
    "reader/40000", "5.000 1\n",            /* expired */
    "reader/40001", "hello",                /* broken */
    "reader/40002", "99999999.000 1\n",     /* too far ahead */
    "reader/40003", "1500.000 1\n",         /* live */
    "reader/40004/x", "x",                  /* in a folder */
  };
  char before[8192], after[8192];
  struct timespec pause = { 0, 20000000L };
  size_t k;
  int status = -1;
  pid_t pid;

  CHECK(mkdir(at("reader"), 0700) == 0 && mkdir(at("reader/40004"), 0700) == 0,
        "mkdir");
  for (k = 0; k < 10; k += 2) write_file(at(files[k]), files[k + 1]);
  snapshot(at("reader"), before, sizeof before);
  nanosleep(&pause, NULL);   /* (a change of a time would show) */
  CHECK(read_all() == 0, "the reader sees the one live claim");
  snapshot(at("reader"), after, sizeof after);
  CHECK(strcmp(before, after) == 0 && strstr(after, ".lock") == NULL,
        "the reader changed nothing:\n%s\n%s", before, after);

  /* a read-only folder (as root: nobody's, read as nobody) */
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    struct passwd *pw = getpwnam("nobody");
    if (geteuid() == 0) {
      if (pw == NULL || chmod(base, 0755) != 0 ||
          chown(at("reader"), pw->pw_uid, pw->pw_gid) != 0 ||
          chown(at("reader/40004"), pw->pw_uid, pw->pw_gid) != 0)
        _exit(10);
      for (k = 0; k < 10; k += 2)
        if (chown(at(files[k]), pw->pw_uid, pw->pw_gid) != 0) _exit(10);
      if (become_nobody() != 0) _exit(10);
    }
    _exit(chmod(at("reader"), 0500) != 0 ? 11 : read_all());
  }
  status = exit_status(pid);
  CHECK(status == 0, "a read-only folder is read (status %d)", status);
  chmod(at("reader"), 0700);   /* (to be removed at the end) */
}

/* ------------------------------------------------------------------ */
/* POSIX: the trusted path                                              */

static int is_refusal(const p4m_error *e, const char *why)
{
  return e->kind == P4M_E_SYSTEM && e->err == 0 &&
    strcmp(e->step, "check claims folder") == 0 &&
    strncmp(e->message, "claims folder '", 15) == 0 &&
    strstr(e->message, why) != NULL;
}

/* In a chroot into base/open-root (as root): the lowest free descriptor
   is the same before and after the refusal (/proc is not there to count
   them) */
static int child_open_root(void)
{
  p4m_claims c;
  int before, after;
  if (chroot(at("open-root")) != 0 || chdir("/") != 0) return 10;
  before = dup(1);
  close(before);
  p4m_claims_init(&c);
  if (p4m_claims_open_read(&c, "/claims", &err) != -1 ||
      !is_refusal(&err, "'/' on its path is writable"))
    return 11;
  after = dup(1);
  close(after);
  return after == before ? 0 : 12;
}

static void test_trusted_path(void)
{
  p4m_claims c;
  double until;
  struct passwd *pw = getpwnam("nobody");
  int root = geteuid() == 0 && pw != NULL;

  /* the claims folder itself: not a link, the user's, mode 0700 */
  if (open_rel(&c, "real", 1) != 0) { n_fail++; return; }
  p4m_claims_close(&c);
  CHECK(symlink(at("real"), at("link")) == 0 && open_rel(&c, "link", 0) == -1
        && is_refusal(&err, "is a symbolic link") &&
        open_rel(&c, "link", 1) == -1, "a link as the folder: %s",
        err.message);
  CHECK(chmod(at("real"), 0750) == 0 && open_rel(&c, "real", 0) == -1 &&
        is_refusal(&err, "' is not used: it is open to group or others "
                   "(its mode must be 0700)"),
        "a folder open to group: %s", err.message);
  chmod(at("real"), 0700);
  if (root)
    CHECK(chown(at("real"), pw->pw_uid, pw->pw_gid) == 0 &&
          open_rel(&c, "real", 1) == -1 &&
          is_refusal(&err, "' is not used: it is owned by another user"),
          "nobody's folder: %s", err.message);

  /* the path to it: the user's or root's, closed to others unless root's
     and sticky; a link of the user's is followed */
  CHECK(mkdir(at("open"), 0700) == 0 && chmod(at("open"), 0777) == 0 &&
        open_rel(&c, "open/claims", 1) == -1 &&
        is_refusal(&err, "writable by group or others") &&
        !exists(at("open/claims")),
        "a component open to others, nothing made: %s", err.message);
  CHECK(mkdir(at("parent"), 0700) == 0 &&
        symlink("parent", at("parent-link")) == 0 &&
        open_rel(&c, "parent-link/claims", 1) == 0 &&
        exists(at("parent/claims")),
        "a link of the user's on the path is followed: %s", err.message);
  p4m_claims_close(&c);
  {
    char real[PBUF], want[PBUF + 16];
    CHECK(write_file(at("file"), "x") == 0 && realpath(at("file"), real) &&
          open_rel(&c, "file/claims", 0) == -1 && err.err == ENOTDIR &&
          snprintf(want, sizeof want, "(at '%s')", real) > 0 &&
          strstr(err.message, want) != NULL,
          "a file on the path, named: %s", err.message);
  }
  if (root) {
    CHECK(mkdir(at("sticky"), 0700) == 0 && chmod(at("sticky"), 01777) == 0 &&
          open_rel(&c, "sticky/claims", 1) == 0,
          "root's sticky folder is fine: %s", err.message);
    p4m_claims_close(&c);
    char want[PBUF + 64];
    CHECK(realpath(at("sticky"), want) != NULL, "the real sticky folder");
    strcat(want, "/link' on its path is a symbolic link of another user");
    CHECK(symlink("claims", at("sticky/link")) == 0 &&
          lchown(at("sticky/link"), pw->pw_uid, pw->pw_gid) == 0 &&
          open_rel(&c, "sticky/link/sub", 1) == -1 && is_refusal(&err, want),
          "nobody's link in a sticky folder, named: %s", err.message);
    CHECK(mkdir(at("nobodys"), 0755) == 0 &&
          chown(at("nobodys"), pw->pw_uid, pw->pw_gid) == 0 &&
          open_rel(&c, "nobodys/claims", 1) == -1 &&
          is_refusal(&err, "owned by another user"),
          "a component of nobody's: %s", err.message);
  }

  /* ".." on the path: a refusal names the folder that was reached, the
     parent of the one before it (and the root's parent is the root) */
  {
    char real[PBUF], want[PBUF + 64], path[PBUF + 8];
    CHECK(mkdir(at("dots"), 0700) == 0 && mkdir(at("dots/a"), 0700) == 0 &&
          mkdir(at("dots/a/b"), 0700) == 0 && mkdir(at("dots/open"), 0700) == 0 &&
          chmod(at("dots/open"), 0777) == 0 && realpath(at("dots"), real) != NULL,
          "the folders of the '..' cases");
    snprintf(want, sizeof want, "'%s/open' on its path is writable", real);
    CHECK(open_rel(&c, "dots/a/../open/claims", 1) == -1 &&
          is_refusal(&err, want), "one '..': %s", err.message);
    CHECK(open_rel(&c, "dots/a/b/../../open/claims", 0) == -1 &&
          is_refusal(&err, want), "two '..' in a row: %s", err.message);
    snprintf(path, sizeof path, "/../..%s", at("dots/open/claims"));
    p4m_claims_init(&c);
    CHECK(p4m_claims_open_read(&c, path, &err) == -1 && is_refusal(&err, want),
          "'..' of the root: %s", err.message);
  }

  /* links whose targets, put in front of what is left of the path, do
     not fit in the walk's buffer (twice the longest path): the first
     (3999 bytes) fits, the second (408 bytes) then does not, since 7960
     bytes are left after it: ENAMETOOLONG, not a path cut short or
     written past the buffer */
  {
    static char path[P4M_PATH_MAX], t1[P4M_PATH_MAX], t2[P4M_PATH_MAX];
    size_t n = 0, k;
    n = (size_t) snprintf(path, sizeof path, "%s/long-1", base);
    while (n + 9 < 4000) { memcpy(path + n, "/.", 2); n += 2; }
    memcpy(path + n, "/claims", 8);
    n = (size_t) snprintf(t1, sizeof t1, "long-2");
    while (n + 2 < 4000) { memcpy(t1 + n, "/.", 2); n += 2; }
    t1[n] = '\0';
    for (k = 0; k < 400; k += 2) memcpy(t2 + k, "./", 2);
    memcpy(t2 + k, "long-dir", 9);
    CHECK(mkdir(at("long-dir"), 0700) == 0 && symlink(t1, at("long-1")) == 0
          && symlink(t2, at("long-2")) == 0, "the links of the long path");
    p4m_claims_init(&c);
    CHECK(p4m_claims_open_write(&c, path, &err) == -1 &&
          failed_at(ENAMETOOLONG, "open claims folder") &&
          !exists(at("long-dir/claims")),
          "links too long for the walk: %s", err.message);
  }

  /* a root folder open to others (made so by chroot, as root): refused,
     and the descriptor of "/" is closed again */
  if (root) {
    int status;
    CHECK(mkdir(at("open-root"), 0700) == 0 &&
          chmod(at("open-root"), 0777) == 0, "the folder of the chroot");
    status = in_child(child_open_root);
    CHECK(status == 0, "a root open to others is refused and "
          "its descriptor closed (status %d)", status);
  }

  /* swapped for a link after opening: the folder that was opened is used */
  CHECK(open_rel(&c, "xdg/port4me", 1) == 0 &&
        rename(at("xdg"), at("xdg-old")) == 0 &&
        mkdir(at("elsewhere"), 0700) == 0 &&
        symlink(at("elsewhere"), at("xdg")) == 0 &&
        p4m_claims_take(&c, 5000, 1000, 5, &until, &err) == 0 &&
        strncmp(read_file(at("xdg-old/port4me/5000")), "1005.000 ", 9) == 0 &&
        !exists(at("elsewhere/port4me")),
        "the claim is in the folder that was opened");
  p4m_claims_close(&c);
  CHECK(open_rel(&c, "xdg/port4me", 1) == 0 &&
        exists(at("elsewhere/port4me")),
        "the next call follows the user's own link: %s", err.message);
  p4m_claims_close(&c);
}

/* ------------------------------------------------------------------ */
/* POSIX: the walk to the claims folder at its limits: the buffer that
   holds what is left of the path, the root opened again after an
   absolute link, and the system calls of the walk failing */

/* Opens for writing the claims folder base/<id>1/claims through three
   links that expand what is left to walk to exactly `spare` bytes less
   than the walk's buffer (twice the longest path) holds: <id>1 ->
   "<id>2/./././…" and <id>2 -> "<id>3/./././…" (3999 bytes each), then
   <id>3 -> "././…/<id>dir", sized so that it, a '/' and what is left after
   <id>3 take that many bytes.  rbase is the real path of base.  0 when it
   opened, -1 when not (err says why), -2 when the links cannot be made. */
static int open_expanded(const char *rbase, char id, size_t spare)
{
  static char path[PBUF], t[P4M_PATH_MAX];
  const size_t size = 2 * P4M_PATH_MAX;
  size_t n, k, tail = strlen("claims"), len;
  p4m_claims c;
  char name[16];
  int i, rc;
  for (i = 1; i <= 2; i++) {   /* each leaves its length less "<id>N/" */
    n = (size_t) snprintf(t, sizeof t, "%c%d", id, i + 1);
    while (n + 2 < 4000) { memcpy(t + n, "/.", 2); n += 2; }
    t[n] = '\0';
    tail += n - 2;
    snprintf(name, sizeof name, "%c%d", id, i);
    if (symlink(t, at(name)) != 0) return -2;
  }
  if (tail + spare + 1 + 4 > size || size - spare - 1 - tail >= sizeof t)
    return -2;
  len = size - spare - 1 - tail;            /* of the third target */
  for (k = 0; k + 1 < len - 4; k += 2) memcpy(t + k, "./", 2);
  snprintf(t + k, sizeof t - k, "%cdir%s", id, k + 4 < len ? "/" : "");
  snprintf(name, sizeof name, "%c3", id);
  if (strlen(t) != len || symlink(t, at(name)) != 0) return -2;
  snprintf(name, sizeof name, "%cdir", id);
  if (mkdir(at(name), 0700) != 0) return -2;
  snprintf(path, sizeof path, "%s/%c1/claims", rbase, id);
  p4m_claims_init(&c);
  rc = p4m_claims_open_write(&c, path, &err);
  if (rc == 0) p4m_claims_close(&c);
  return rc;
}

/* In another process: the first byte of base/wholelock/.lock is locked
   (F_GETLK finds a write lock on it) */
static int child_first_byte_held(void)
{
  struct flock fl;
  int fd = open(at("wholelock/.lock"), O_RDWR);
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_len = 1;
  return fd >= 0 && fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_WRLCK ?
    0 : 1;
}

/* With descriptor 0 free, the root opened again after an absolute link is
   descriptor 0, a descriptor like any other */
static int child_root_as_fd0(void)
{
  p4m_claims c;
  close(0);
  if (open_rel(&c, "abs-link/claims", 1) != 0) return 10;
  p4m_claims_close(&c);
  return exists(at("abs-dir/claims")) ? 0 : 11;
}

/* In a chroot into base/chroot (as root): the path's components are
   named with their '/' also right under the root (a one-letter folder) */
static int child_short_names(void)
{
  p4m_claims c;
  if (chroot(at("chroot")) != 0 || chdir("/") != 0) return 10;
  p4m_claims_init(&c);
  if (p4m_claims_open_read(&c, "/a/o/claims", &err) != -1) return 11;
  return is_refusal(&err, "'/a/o' on its path is writable") ? 0 : 12;
}

/* A chain of n links base/<id>0 -> <id>1 -> ... -> <id>dir, and the claims
   folder base/<id>0/claims opened for writing through it */
static int open_chain(char id, int n)
{
  char name[16], target[16];
  p4m_claims c;
  int i, rc;
  for (i = 0; i < n; i++) {
    snprintf(name, sizeof name, "%c%d", id, i);
    if (i + 1 < n) snprintf(target, sizeof target, "%c%d", id, i + 1);
    else snprintf(target, sizeof target, "%cdir", id);
    if (symlink(target, at(name)) != 0) return -2;
  }
  if (mkdir(at(target), 0700) != 0) return -2;
  snprintf(name, sizeof name, "%c0/claims", id);
  rc = open_rel(&c, name, 1);
  if (rc == 0) p4m_claims_close(&c);
  return rc;
}

#define LINKS_MAX 40   /* claims-posix.c's P4M_LINKS_MAX (as Linux's) */

static p4m_claims c_walk;

static void test_walk_limits(void)
{
  char rbase[PBUF], want[PBUF + 64];
  int status;
  if (realpath(base, rbase) == NULL) { n_fail++; return; }
  /* "." is passed over: the folder named in a refusal has no "/." */
  snprintf(want, sizeof want, "'%s/dots/open' on its path is writable",
           rbase);
  CHECK(open_rel(&c_walk, "dots/./open/claims", 0) == -1 &&
        is_refusal(&err, want), "'.' on the path: %s", err.message);
  /* at most 40 links on one path */
  CHECK(open_chain('k', LINKS_MAX) == 0 && exists(at("kdir/claims")),
        "40 links followed: %s", err.message);
  CHECK(open_chain('m', LINKS_MAX + 1) == -1 &&
        failed_at(ELOOP, "open claims folder") && !exists(at("mdir/claims")),
        "41 links: %s", err.message);
  /* a folder whose real path is longer than the longest path, reached
     through a relative link: where it is reached is cut short in a
     message, never written past */
  {
    static char t[P4M_PATH_MAX];
    char part[256];   /* 16 of them make the longest link target */
    int fd = open(base, O_RDONLY | O_DIRECTORY), next, i;
    size_t n = 0;
    memset(part, 'd', 255);
    part[255] = '\0';
    for (i = 0; i < 16 && fd >= 0; i++) {
      next = mkdirat(fd, part, 0700) == 0 ?
        openat(fd, part, O_RDONLY | O_DIRECTORY) : -1;
      close(fd);
      fd = next;
      n += (size_t) snprintf(t + n, sizeof t - n, "%s%s", i ? "/" : "", part);
    }
    if (fd >= 0) close(fd);
    CHECK(fd >= 0 && symlink(t, at("deep")) == 0 &&
          open_rel(&c_walk, "deep/claims", 1) == 0,
          "a folder deeper than the longest path: %s", err.message);
    p4m_claims_close(&c_walk);
  }
  if (geteuid() == 0) {
    CHECK(mkdir(at("chroot"), 0755) == 0 && mkdir(at("chroot/a"), 0755) == 0
          && mkdir(at("chroot/a/o"), 0700) == 0 &&
          chmod(at("chroot/a/o"), 0777) == 0, "the folders of the chroot");
    status = in_child(child_short_names);
    CHECK(status == 0, "a one-letter folder under the root, named "
          "(status %d)", status);
  }
  CHECK(open_expanded(rbase, 'a', 1) == 0 && exists(at("adir/claims")),
        "links that fill the walk's buffer but for one byte: %s",
        err.message);
  snprintf(want, sizeof want, "(at '%s/b3')", rbase);
  CHECK(open_expanded(rbase, 'b', 0) == -1 &&
        failed_at(ENAMETOOLONG, "open claims folder") &&
        strstr(err.message, want) != NULL && !exists(at("bdir/claims")),
        "links one byte too long for the walk's buffer: %s", err.message);

  CHECK(mkdir(at("abs-dir"), 0700) == 0 &&
        realpath(at("abs-dir"), want) != NULL &&
        symlink(want, at("abs-link")) == 0, "an absolute link");
  status = in_child(child_root_as_fd0);
  CHECK(status == 0, "the root opened again as descriptor 0 (status %d)",
        status);
  /* the lock covers the whole file: another process that asks about its
     first byte (as a lock of one byte would) finds it held */
  CHECK(open_rel(&c_walk, "wholelock", 1) == 0, "open: %s", err.message);
  status = in_child(child_first_byte_held);
  CHECK(status == 0, "the lock's first byte is held (status %d)", status);
  p4m_claims_close(&c_walk);
#ifdef P4M_COUNT_LOCKS
  {
    p4m_claims c;
    struct stat st;
    /* the root cannot be opened again after the absolute link; the root
       cannot be looked at, or is no folder (as where open() does not
       check for one) */
    open_fails_at = 2;
    CHECK(open_rel(&c, "abs-link/claims-2", 1) == -1 &&
          open_fails_at == 0 && failed_at(EACCES, "open claims folder") &&
          strstr(err.message, "(at '/')") != NULL,
          "the root refused after an absolute link: %s", err.message);
    open_fails_at = 0;
    fail_fstat = EIO;
    if (fstat(1, &st) == 0) {   /* (fstat() not wrapped: glibc < 2.33) */
      fail_fstat = 0;
      printf("skip: fstat() cannot be wrapped here\n");
    } else {
      fail_fstat = EIO;
      CHECK(open_rel(&c, "fstat/claims", 1) == -1 &&
            failed_at(EIO, "check claims folder") &&
            strstr(err.message, "(at '/')") != NULL,
            "fstat() of the root fails: %s", err.message);
      fstat_no_folder = 1;
      CHECK(open_rel(&c, "fstat/claims", 1) == -1 &&
            is_refusal(&err, "'/' on its path is not a folder"),
            "the root is no folder: %s", err.message);
    }
    /* a link of the user's that cannot be read, or whose target fills
       the buffer: the link is named */
    snprintf(want, sizeof want, "(at '%s/rl-link')", rbase);
    CHECK(mkdir(at("rl-dir"), 0700) == 0 &&
          symlink("rl-dir", at("rl-link")) == 0, "the link to read");
    fail_readlinkat = EIO;
    {
      char whole[2 * PBUF + 64];
      snprintf(whole, sizeof whole, "cannot open claims folder '%s' %s: ",
               at("rl-link/claims"), want);
      CHECK(open_rel(&c, "rl-link/claims", 1) == -1 &&
            failed_at(EIO, "open claims folder") &&
            strncmp(err.message, whole, strlen(whole)) == 0,
            "readlinkat() fails: %s", err.message);
    }
    readlink_fills = 1;
    CHECK(open_rel(&c, "rl-link/claims", 1) == -1 &&
          failed_at(ENAMETOOLONG, "open claims folder") &&
          strstr(err.message, want) != NULL,
          "a link target that fills the buffer: %s", err.message);
    CHECK(!exists(at("rl-dir/claims")), "nothing made through the link");
    /* a folder that cannot be made: the system's reason, the folder
       named, no descriptor left open; one made by another process just
       before (EEXIST) is used */
    {
      int fds = count_fds();
      snprintf(want, sizeof want, "%s/mk'", rbase);
      fail_mkdirat = EACCES;
      CHECK(open_rel(&c, "mk/claims", 1) == -1 &&
            failed_at(EACCES, "create claims folder") &&
            strstr(err.message, want) != NULL && fds_are(fds),
            "mkdirat() refused: %s", err.message);
      fail_mkdirat = 0;
      mkdirat_raced = 1;
      CHECK(open_rel(&c, "raced/claims", 1) == 0 && mkdirat_raced == 0 &&
            exists(at("raced/claims")),
            "a folder made by another process first: %s", err.message);
      p4m_claims_close(&c);
    }
  }
#endif
}

/* ------------------------------------------------------------------ */
/* POSIX: what the system refuses while a folder or a claim is written
   or read */

/* A claim that cannot be written (a file size limit of 0: EFBIG): the
   system's errno, and the empty file removed again */
static int child_file_too_big(void)
{
  p4m_claims c;
  double until;
  signal(SIGXFSZ, SIG_IGN);
  if (open_rel(&c, "fsize", 1) != 0) return 10;
  if (lower_limit(RLIMIT_FSIZE, 0) != 0) return 11;
  if (p4m_claims_take(&c, 7100, 1000, 100, &until, &err) != -1 ||
      !failed_at(EFBIG, "write claim"))
    return 12;
  return exists(at("fsize/7100")) ? 13 : 0;
}

/* A claim that cannot be read for want of descriptors (EMFILE) is an
   error, not "no claim of yours": the release says so, and leaves it */
static int child_no_descriptor(void)
{
  p4m_claims c;
  double until;
  int lowest;
  if (open_rel(&c, "emfile", 1) != 0 ||
      p4m_claims_take(&c, 7200, 1000, 100, &until, &err) != 0)
    return 10;
  lowest = dup(1);
  close(lowest);
  if (lower_limit(RLIMIT_NOFILE, (rlim_t) lowest) != 0) return 11;
  if (p4m_claims_release(&c, 7200, until, &err) != -1 ||
      !failed_at(EMFILE, "read claim"))
    return 12;
  return exists(at("emfile/7200")) ? 0 : 13;
}

static void test_system_errors(void)
{
  int status;
#ifdef P4M_COUNT_LOCKS
  p4m_claims c;
  struct stat st;
  double until;
  /* the lock: EINTR (from fcntl() or from opening .lock) is tried again,
     EACCES from fcntl() is a lock held by another process (as some
     systems say it), and any other errno is an error at that step, as is
     a lock that cannot be touched */
  {
    static const int held[] = { EINTR, EACCES };
    int i;
    for (i = 0; i < 2; i++) {
      fail_setlk = held[i];
      CHECK(open_rel(&c, "lockerr", 1) == 0 && fail_setlk == 0,
            "errno %d from fcntl(F_SETLK): %s", held[i], err.message);
      p4m_claims_close(&c);
    }
    fail_setlk = EIO;
    CHECK(open_rel(&c, "lockerr", 1) == -1 && failed_at(EIO, "lock claims folder"),
          "EIO from fcntl(F_SETLK): %s", err.message);
    fail_setlk = 0;
    openat_fails_on = ".lock";
    fail_openat = EINTR;
    CHECK(open_rel(&c, "lockerr", 1) == 0 && fail_openat == 0,
          "EINTR opening .lock: %s", err.message);
    p4m_claims_close(&c);
    fail_futimens = EIO;
    CHECK(open_rel(&c, "lockerr", 1) == -1 && failed_at(EIO, "lock claims folder"),
          "EIO from futimens(): %s", err.message);
    fail_futimens = 0;
  }
  /* a claim that cannot be opened for want of resources (or EIO) is an
     error, for it may be there; EINTR is tried again; a claim read in
     pieces is read whole, and a file longer than a claim is read no
     further than the buffer */
  {
    static const int scarce[] = { ENFILE, ENOMEM, EIO };
    int i;
    CHECK(open_rel(&c, "readerr", 1) == 0 &&
          p4m_claims_take(&c, 7400, 1000, 100, &until, &err) == 0,
          "a claim to read: %s", err.message);
    for (i = 0; i < 3; i++) {
      openat_fails_on = "7400";
      fail_openat = scarce[i];
      CHECK(p4m_claims_release(&c, 7400, until, &err) == -1 &&
            failed_at(scarce[i], "read claim") && exists(at("readerr/7400")),
            "errno %d opening a claim: %s", scarce[i], err.message);
    }
    openat_fails_on = "7400";
    fail_openat = EINTR;
    read_short = 3;
    CHECK(p4m_claims_release(&c, 7400, until, &err) == 0 &&
          fail_openat == 0 && read_short == 0 && !exists(at("readerr/7400")),
          "EINTR and a short read: %s", err.message);
    {
      char big[4 * P4M_CLAIMS_FILE_MAX];
      memset(big, '9', sizeof big - 1);
      big[sizeof big - 1] = '\0';
      read_short = 3;
      CHECK(write_file(at("readerr/7401"), big) == 0 &&
            p4m_claims_release(&c, 7401, until, &err) >= 0 &&
            exists(at("readerr/7401")),
            "a long file read in pieces: %s", err.message);
      read_short = 0;
    }
    /* a read that fails is an error at that step (every time: it is not
       tried for ever); EINTR is tried again */
    CHECK(p4m_claims_take(&c, 7402, 1000, 100, &until, &err) == 0,
          "a claim to read: %s", err.message);
    read_fails = EIO;
    CHECK(p4m_claims_release(&c, 7402, until, &err) == -1 &&
          failed_at(EIO, "read claim") && exists(at("readerr/7402")),
          "EIO from read(): %s", err.message);
    read_fails = 0;
    fail_read_once = EINTR;
    CHECK(p4m_claims_release(&c, 7402, until, &err) == 0 &&
          fail_read_once == 0 && !exists(at("readerr/7402")),
          "EINTR from read(): %s", err.message);
    /* take: a name already there that cannot be read is an error, not a
       claim taken */
    CHECK(write_file(at("readerr/7403"), "1000.000 1\n") == 0,
          "a claim to find");
    read_fails = EIO;
    CHECK(p4m_claims_take(&c, 7403, 2000, 100, &until, &err) == -1 &&
          failed_at(EIO, "read claim"), "EIO from read() in take: %s",
          err.message);
    read_fails = 0;
    /* a dead entry that something outside the protocol makes again after
       its removal: taken at the third attempt; made again twice, given up
       (2: cannot be claimed), and the name stays free */
    comes_back = 1;
    CHECK(p4m_claims_take(&c, 7403, 2000, 100, &until, &err) == 0 &&
          comes_back == 0 && until == 2100, "back once: taken at the third "
          "attempt: %s", err.message);
    CHECK(write_file(at("readerr/7404"), "hello") == 0, "an entry to find");
    comes_back = 2;
    CHECK(p4m_claims_take(&c, 7404, 2000, 100, &until, &err) == 2 &&
          comes_back == 0 && !exists(at("readerr/7404")),
          "back twice: not taken after three attempts: %s", err.message);
    p4m_claims_close(&c);
  }
  /* a claim written in pieces (short writes) is written whole; a write
     of nothing is EIO; EINTR from close() is no failure (the file is
     closed) */
  {
    static const int pieces[] = { 1, 3 };
    int i;
    CHECK(open_rel(&c, "writes", 1) == 0, "open: %s", err.message);
    char whole[64];
    snprintf(whole, sizeof whole, "1005.000 %lu\n", GETPID());
    for (i = 0; i < 2; i++) {
      char name[32];
      snprintf(name, sizeof name, "writes/%d", 7500 + i);
      write_short = pieces[i];
      CHECK(p4m_claims_take(&c, 7500 + i, 1000, 5, &until, &err) == 0 &&
            write_short == 0 && strcmp(read_file(at(name)), whole) == 0 &&
            stat(at(name), &st) == 0 && (size_t) st.st_size == strlen(whole),
            "a claim written %d bytes at a time: '%s'", pieces[i],
            read_file(at(name)));
    }
    write_short = -1;
    CHECK(p4m_claims_take(&c, 7502, 1000, 5, &until, &err) == -1 &&
          write_short == 0 && failed_at(EIO, "write claim") &&
          !exists(at("writes/7502")),
          "write() of nothing: %s", err.message);
    fail_close = EINTR;
    CHECK(p4m_claims_take(&c, 7503, 1000, 5, &until, &err) == 0 &&
          fail_close == 0 && exists(at("writes/7503")),
          "EINTR from close(): %s", err.message);
    p4m_claims_close(&c);
  }
  /* a dead entry that cannot be removed: EPERM, EBUSY, ENOTEMPTY or
     EEXIST say that something outside the protocol holds the name (2),
     anything else is an error; EPERM for a folder (as macOS says) means
     remove it as a folder */
  {
    static const int held[] = { EPERM, EBUSY, ENOTEMPTY, EEXIST };
    int i;
    CHECK(open_rel(&c, "removes", 1) == 0, "open: %s", err.message);
    for (i = 0; i < 4; i++) {
      CHECK(write_file(at("removes/7600"), "900.000 1\n") == 0, "dead");
      unlinkat_refuses = held[i];
      CHECK(p4m_claims_take(&c, 7600, 1000, 5, &until, &err) == 2 &&
            unlinkat_refuses == 0,
            "errno %d removing a dead claim: %s", held[i], err.message);
    }
    unlinkat_refuses = EIO;
    CHECK(p4m_claims_take(&c, 7600, 1000, 5, &until, &err) == -1 &&
          failed_at(EIO, "remove claim"), "EIO removing a dead claim: %s",
          err.message);
    CHECK(unlink(at("removes/7600")) == 0 && MKDIR(at("removes/7601")) == 0,
          "a dead folder");
    unlinkat_refuses = EPERM;
    CHECK(p4m_claims_take(&c, 7601, 1000, 5, &until, &err) == 0 &&
          strncmp(read_file(at("removes/7601")), "1005.000 ", 9) == 0,
          "EPERM for a folder: %s", err.message);
    CHECK(p4m_claims_take(&c, 7602, 1000, 5, &until, &err) == 0, "take");
    unlinkat_refuses = EBUSY;
    CHECK(p4m_claims_release(&c, 7602, until, &err) == -1 &&
          failed_at(EBUSY, "remove claim") && exists(at("removes/7602")),
          "a claim that cannot be released: %s", err.message);
    unlinkat_refuses = EBUSY;
    CHECK(p4m_claims_drop(&c, 7602, &err) == -1 &&
          failed_at(EBUSY, "remove claim") && exists(at("removes/7602")),
          "a claim that cannot be dropped: %s", err.message);
    openat_fails_on = "7602";
    fail_openat = ENFILE;
    CHECK(p4m_claims_drop(&c, 7602, &err) == -1 &&
          failed_at(ENFILE, "read claim") && exists(at("removes/7602")),
          "a claim that cannot be read to drop: %s", err.message);
    p4m_claims_close(&c);
  }
  /* a new folder whose mode cannot be set: the system's reason, named, and
     the folder left closed to others */
  char want[PBUF + 16];
  if (realpath(base, want) == NULL) { n_fail++; return; }
  strcat(want, "/nochmod'");
  fail_fchmodat = EPERM;
  CHECK(open_rel(&c, "nochmod/claims", 1) == -1 &&
        failed_at(EPERM, "create claims folder") &&
        strstr(err.message, want) != NULL &&
        stat(at("nochmod"), &st) == 0 && (st.st_mode & 0777) == 0700,
        "the mode of a new folder cannot be set: %s", err.message);
  fail_fchmodat = 0;
  /* a write interrupted by a signal is tried again; a claim whose close()
     fails (as on NFS) is an error with its errno, and removed */
  CHECK(open_rel(&c, "interrupted", 1) == 0, "open: %s", err.message);
  fail_write = EINTR;
  CHECK(p4m_claims_take(&c, 7300, 1000, 5, &until, &err) == 0 &&
        fail_write == 0 &&
        strncmp(read_file(at("interrupted/7300")), "1005.000 ", 9) == 0,
        "EINTR from write(): %s", err.message);
  fail_close = EIO;
  CHECK(p4m_claims_take(&c, 7301, 1000, 5, &until, &err) == -1 &&
        fail_close == 0 && failed_at(EIO, "write claim") &&
        !exists(at("interrupted/7301")),
        "EIO from close(): %s", err.message);
  /* a dead claim that was a folder when it was to be removed and is gone
     at the second try (removed by another process): it is replaced */
  CHECK(write_file(at("interrupted/7302"), "900.000 1\n") == 0, "dead");
  fail_unlinkat = EISDIR;
  CHECK(p4m_claims_take(&c, 7302, 1000, 5, &until, &err) == 0 &&
        fail_unlinkat == 0 &&
        strncmp(read_file(at("interrupted/7302")), "1005.000 ", 9) == 0,
        "a dead entry gone between two removals: %s", err.message);
  fail_write = fail_close = fail_unlinkat = 0;
  p4m_claims_close(&c);
#endif
  status = in_child(child_file_too_big);
  CHECK(status == 0, "a claim too big for the file size "
        "limit: EFBIG, nothing left (status %d)", status);
  status = in_child(child_no_descriptor);
  CHECK(status == 0, "a claim that cannot be read (EMFILE) "
        "is not released (status %d)", status);
}

/* ------------------------------------------------------------------ */
/* POSIX: races, other users, descriptors                               */

enum { RACERS = 16 };

/* RACERS children wait at a barrier, then each exits with fn(); counts[s]
   = how many ended with status s (3: anything else) */
static void race(int (*fn)(void), int counts[4])
{
  int fds[2], i;
  pid_t pids[RACERS];
  memset(counts, 0, 4 * sizeof counts[0]);
  if (pipe(fds) != 0) { n_fail++; return; }
  fflush(stdout);
  for (i = 0; i < RACERS; i++) {
    pids[i] = fork();
    if (pids[i] == 0) {
      char ch;
      close(fds[1]);
      while (read(fds[0], &ch, 1) < 0 && errno == EINTR) { /* the barrier */ }
      _exit(fn());
    }
  }
  close(fds[0]);
  close(fds[1]);   /* every read() returns 0 now: go */
  for (i = 0; i < RACERS; i++) {
    int status = 0;
    if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i] &&
        WIFEXITED(status) && WEXITSTATUS(status) < 3)
      counts[WEXITSTATUS(status)]++;
    else
      counts[3]++;
  }
}

static int race_port;

/* 0 took race_port, 1 held, 2 error; with race_port 0, as port4me: the
   first of one list of ports that is not held */
static int take_one(void)
{
  p4m_claims c;
  double until;
  int k, rc = 1;
  if (open_rel(&c, "race", 1) != 0) return 2;
  if (race_port > 0)
    rc = p4m_claims_take(&c, race_port, 5000, 30, &until, &err);
  for (k = 0; k < RACERS && race_port == 0 && rc == 1; k++)
    rc = p4m_claims_take(&c, 20000 + k, 6000, 30, &until, &err);
  p4m_claims_close(&c);
  return rc < 0 ? 2 : rc;
}

static void test_races(void)
{
  int counts[4], round, k, held = 0;
  p4m_claims c;
  double until;
  char name[32];

  mkdir(at("race"), 0700);
  for (round = 0; round < 6; round++) {
    race_port = 10000 + round;
    snprintf(name, sizeof name, "race/%d", race_port);
    if (round % 3 == 1) write_file(at(name), "4000.000 1\n");   /* expired */
    if (round % 3 == 2) write_file(at(name), "garbage");
    race(take_one, counts);
    CHECK(counts[0] == 1 && counts[1] == RACERS - 1,
          "round %d: %d took the port, %d held, %d errors, %d crashed", round,
          counts[0], counts[1], counts[2], counts[3]);
  }
  race_port = 0;
  race(take_one, counts);
  if (open_rel(&c, "race", 0) != 0) n_fail++;
  for (k = 0; k < RACERS; k++)
    held += p4m_claims_check(&c, 20000 + k, 6000, &until);
  p4m_claims_close(&c);
  CHECK(counts[0] == RACERS && held == RACERS,
        "walking one list, each of %d processes got its own port (%d, %d)",
        RACERS, counts[0], held);
}

/* As root: nobody can neither use root's folder nor the other way round */
static void test_other_user(void)
{
  p4m_claims c;
  struct passwd *pw = getpwnam("nobody");
  double until;
  int status = -1;
  pid_t pid;

  if (geteuid() != 0 || pw == NULL) {
    printf("skip: the tests with a second user need root and nobody\n");
    return;
  }
  CHECK(chmod(base, 0755) == 0 && open_rel(&c, "roots", 1) == 0 &&
        p4m_claims_take(&c, 7000, 1000, 100, &until, &err) == 0 &&
        mkdir(at("home"), 0755) == 0 &&
        chown(at("home"), pw->pw_uid, pw->pw_gid) == 0, "set up");
  p4m_claims_close(&c);
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    int bad = become_nobody() != 0;
    bad |= (open_rel(&c, "roots", 0) != -1) << 1;
    bad |= (open_rel(&c, "roots", 1) != -1) << 2;
    bad |= (open_rel(&c, "home/claims", 1) != 0 ||
            p4m_claims_take(&c, 7001, 1000, 100, &until, &err) != 0) << 3;
    p4m_claims_close(&c);
    _exit(bad);
  }
  status = exit_status(pid);
  CHECK(status == 0, "nobody is refused root's folder and uses its own "
        "(status %d)", status);
  CHECK(!exists(at("roots/7001")) && open_rel(&c, "roots", 0) == 0 &&
        p4m_claims_check(&c, 7000, 1000, &until) == 1,
        "root's folder is as it was");
  p4m_claims_close(&c);
  CHECK(open_rel(&c, "home/claims", 0) == -1 && is_refusal(&err, "owned by"),
        "root refuses nobody's: %s", err.message);
}

/* In a child: descriptor 0 closed (a daemon), and then out of descriptors */
static void test_descriptors(void)
{
  int status = -1;
  pid_t pid;
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    p4m_claims c, r;
    struct stat st;
    double until;
    int bad = 0, lowest, k;
    close(0);
    if (open_rel(&c, "fds", 1) != 0 ||
        p4m_claims_take(&c, 7000, 1000, 100, &until, &err) != 0)
      bad |= 1;
    p4m_claims_close(&c);
    if (fstat(0, &st) == 0) bad |= 2;   /* closed again */
    /* a stale EINTR in errno (left by an earlier interrupted call) does
       not make the lock be opened twice when it gets descriptor 0: the
       depth of the folder decides which of the two lowest free
       descriptors the lock gets, so both parities are tried (the folders
       exist first: a mkdir would set errno) */
    if (open_rel(&c, "fds/a/b", 1) != 0) bad |= 1;
    p4m_claims_close(&c);
    for (k = 0; k < 2; k++) {
      errno = EINTR;
      if (open_rel(&c, k == 0 ? "fds/a" : "fds/a/b", 1) != 0) bad |= 1;
      p4m_claims_close(&c);
      if (fstat(0, &st) == 0) bad |= 2;
    }
    /* nor a claim read as descriptor 0 (the folder and the lock hold
       others) opened twice */
    if (dup(1) != 0 || open_rel(&c, "fds", 1) != 0 ||
        p4m_claims_take(&c, 7002, 1000, 100, &until, &err) != 0)
      bad |= 1;
    close(0);
    errno = EINTR;
    if (p4m_claims_release(&c, 7002, until, &err) != 0) bad |= 1;
    if (fstat(0, &st) == 0) bad |= 2;
    /* nor a claim written as descriptor 0 */
    errno = EINTR;
    if (p4m_claims_take(&c, 7003, 1000, 100, &until, &err) != 0) bad |= 1;
    if (fstat(0, &st) == 0) bad |= 2;
    p4m_claims_close(&c);
    /* no descriptor left: an error with errno and step */
    if (open_rel(&c, "fds", 1) != 0) bad |= 4;
    lowest = dup(1);
    close(lowest);
    if (lower_limit(RLIMIT_NOFILE, (rlim_t) lowest) != 0) bad |= 8;
    if (p4m_claims_take(&c, 7001, 1000, 100, &until, &err) != -1 ||
        !failed_at(EMFILE, "write claim"))
      bad |= 16;
    if (open_rel(&r, "fds", 0) != -1 ||
        !failed_at(EMFILE, "open claims folder"))
      bad |= 32;
    if (p4m_claims_take(&c, 7000, 1000, 100, &until, &err) != -1) bad |= 64;
    p4m_claims_close(&c);   /* (frees two: the live claim is still there) */
    if (open_rel(&r, "fds", 0) != 0 ||
        p4m_claims_check(&r, 7000, 1000, &until) != 1)
      bad |= 128;
    _exit(bad);
  }
  status = exit_status(pid);
  CHECK(status == 0, "descriptor 0 closed again; EMFILE is an error "
        "(status %d)", status);
}
#endif /* !_WIN32 */

int main(void)
{
  const char *tmp = getenv("TMPDIR");
  char cmd[1200];
  p4m_claims c;
  int fds;
#ifdef _WIN32
  char tbuf[MAX_PATH];
  if (tmp == NULL || tmp[0] == '\0')
    tmp = GetTempPathA(sizeof tbuf, tbuf) ? tbuf : "C:\\";
  snprintf(base, sizeof base, "%s%sp4m-claims-%lu", tmp,
           tmp[strlen(tmp) - 1] == '\\' ? "" : "\\", GETPID());
  if (MKDIR(base) != 0) { printf("cannot create %s\n", base); return 2; }
  snprintf(cmd, sizeof cmd, "rmdir /s /q \"%s\"", base);
#else
  if (tmp == NULL || tmp[0] == '\0') tmp = "/tmp";
  snprintf(base, sizeof base, "%s/p4m-claims.XXXXXX", tmp);
  if (mkdtemp(base) == NULL) { perror("mkdtemp"); return 2; }
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
#endif
  fds = count_fds();
  p4m_claims_lock_wait_ms = 60000;   /* (a loaded machine must not matter) */
  /* the folder of the tests must itself be on a trusted path */
  if (open_rel(&c, "probe", 1) != 0) {
    printf("cannot use %s for the tests: %s\n", base, err.message);
    return 2;
  }
  p4m_claims_close(&c);
  test_format();
  test_open();
  test_take();
  test_not_claims();
  test_lock();
#ifndef _WIN32
  test_reader_writes_nothing();
  test_trusted_path();
  test_walk_limits();
  test_system_errors();
  test_races();
  test_other_user();
  test_descriptors();
#endif
  if (system(cmd) != 0) printf("cannot remove %s\n", base);
  CHECK(fds_are(fds), "no descriptor leaked (%d before, %d after)", fds,
        count_fds());
  return ctest_done("test_claims");
}
