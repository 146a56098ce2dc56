/*
 * Standalone tests for src/claims.c (port claims, SPEC section 8).
 *
 *   make test_claims && ./test_claims          (see the Makefile: check-claims)
 *
 * Works in a fresh directory under $TMPDIR (default /tmp) and removes it.
 * As root it also runs the tests that need a second user: a directory owned
 * by nobody is refused, and a child process that has become nobody can
 * neither use nor change root's claims.  Any user runs the rest, including
 * the races: N processes started at one moment (a pipe as the barrier) take
 * the same port, and exactly one gets it.
 *
 * Built with mingw (x86_64-w64-mingw32-gcc) the sequential tests run under
 * Windows (or wine); the races, symbolic links, modes and owners are POSIX.
 * Exit status 0 when every check passed.
 */
#if !defined(_WIN32)
# define _POSIX_C_SOURCE 200809L
# define _DEFAULT_SOURCE 1   /* setgroups() */
#endif

#include "claims.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#ifdef _WIN32
# include <direct.h>
# include <io.h>
# include <process.h>
# include <windows.h>
# define SEP "\\"
# define MKDIR(p) _mkdir(p)
# define GETPID() ((unsigned long) GetCurrentProcessId())
#else
# include <dirent.h>
# include <fcntl.h>
# include <grp.h>
# include <pwd.h>
# include <signal.h>
# include <time.h>
# include <unistd.h>
# include <sys/wait.h>
# define SEP "/"
# define MKDIR(p) mkdir(p, 0700)
# define GETPID() ((unsigned long) getpid())
#endif

#define PBUF (P4M_CLAIMS_DIR_MAX + 128)

/* ---- optional fault injection (POSIX; built with -DP4M_WRAP_IO and
   -Wl,--wrap=open,--wrap=fstat,--wrap=mkdir, see the Makefile) ----------
   Simulates what cannot be arranged from outside: a directory replaced, or
   turned into a symbolic link, between lstat() and open() (another process
   racing us), fstat() failing, and mkdir() refusing a directory that exists
   (EACCES, as some systems say for an existing parent). */
#if defined(P4M_WRAP_IO) && !defined(_WIN32)
# include <fcntl.h>
# include <stdarg.h>
# include <time.h>
# include <unistd.h>
enum { W_NONE, W_SWAP_DIR, W_SWAP_LINK, W_FSTAT_EIO, W_MKDIR_EACCES,
       W_MKDIR_EROFS, W_MKDIR_LOST };
static int wrap_what = W_NONE;
static char wrap_path[PBUF];
int __real_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...);
int __wrap_open(const char *path, int flags, ...)
{
  int mode = 0;
  if (flags & O_CREAT) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, int);
    va_end(ap);
  }
  if ((wrap_what == W_SWAP_DIR || wrap_what == W_SWAP_LINK) &&
      strcmp(path, wrap_path) == 0) {
    char old[PBUF + 8];
    int to_link = wrap_what == W_SWAP_LINK;
    snprintf(old, sizeof old, "%s.old", path);
    wrap_what = W_NONE;
    if (rename(path, old) == 0) {
      if (!to_link) {
        (void) mkdir(path, 0700);
      } else if (symlink(old, path) == 0) {
        /* what macOS and the BSDs say for O_NOFOLLOW on a symbolic link
           (Linux says ENOTDIR when O_DIRECTORY is given as well) */
        errno = ELOOP;
        return -1;
      }
    }
  }
  return __real_open(path, flags, mode);
}
static int fstat_fail_in = 0;   /* > 0: the fstat_fail_in-th call fails */
int __real_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st);
int __wrap_fstat(int fd, struct stat *st)
{
  if (wrap_what == W_FSTAT_EIO && --fstat_fail_in == 0) {
    wrap_what = W_NONE;
    errno = EIO;
    return -1;
  }
  return __real_fstat(fd, st);
}
/* openat(): the entry named openat_name fails with openat_errno, the next
   openat_times times; with openat_then set, after those the next one
   fails with openat_then */
static char openat_name[16];
static int openat_errno = 0, openat_times = 0, openat_then = 0;
static int openat_create_only = 0;   /* fault only calls with O_CREAT */
int __real_openat(int dirfd, const char *path, int flags, ...);
int __wrap_openat(int dirfd, const char *path, int flags, ...);
int __wrap_openat(int dirfd, const char *path, int flags, ...)
{
  int mode = 0;
  if (flags & O_CREAT) {
    va_list ap;
    va_start(ap, flags);
    mode = va_arg(ap, int);
    va_end(ap);
  }
  if (openat_times > 0 && strcmp(path, openat_name) == 0 &&
      (!openat_create_only || (flags & O_CREAT))) {
    errno = openat_errno;
    openat_times--;
    return -1;
  }
  if (openat_then != 0 && strcmp(path, openat_name) == 0) {
    errno = openat_then;
    openat_then = 0;
    return -1;
  }
  return __real_openat(dirfd, path, flags, mode);
}
/* unlinkat() without AT_REMOVEDIR: fails once with unlink_errno (EROFS: a
   read-only file system; EPERM: what POSIX lets a system say for a
   directory, macOS does) */
static int unlink_errno = 0;
int __real_unlinkat(int dirfd, const char *path, int flags);
int __wrap_unlinkat(int dirfd, const char *path, int flags);
int __wrap_unlinkat(int dirfd, const char *path, int flags)
{
  if (unlink_errno != 0 && flags == 0) {
    errno = unlink_errno;
    unlink_errno = 0;
    return -1;
  }
  return __real_unlinkat(dirfd, path, flags);
}
/* write(): write_mode 1 writes at most 3 bytes a call, 2 fails once with
   EINTR, 3 fails once with ENOSPC, 4 writes nothing once (returns 0).
   close(): close_errno makes the next close() say that error (after
   closing; EIO: a file system that reports write errors at close, NFS). */
static int write_mode = 0, close_errno = 0, write_cap = 3;
ssize_t __real_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n);
ssize_t __wrap_write(int fd, const void *buf, size_t n)
{
  int m = write_mode;
  if (m == 1 && n > (size_t) write_cap) n = (size_t) write_cap;
  if (m >= 2) write_mode = 0;
  if (m == 2 || m == 3) {
    errno = m == 2 ? EINTR : ENOSPC;
    return -1;
  }
  if (m == 4) {
    errno = EINTR;   /* stale: a write of 0 bytes is no interruption */
    return 0;
  }
  return __real_write(fd, buf, n);
}
int __real_close(int fd);
int __wrap_close(int fd);
int __wrap_close(int fd)
{
  int e = close_errno, rc = __real_close(fd);
  if (e != 0 && rc == 0) {
    close_errno = 0;
    errno = e;
    return -1;
  }
  return rc;
}
/* fchmod(): fails once with fchmod_errno */
static int fchmod_errno = 0;
int __real_fchmod(int fd, mode_t mode);
int __wrap_fchmod(int fd, mode_t mode);
int __wrap_fchmod(int fd, mode_t mode)
{
  if (fchmod_errno != 0) {
    errno = fchmod_errno;
    fchmod_errno = 0;
    return -1;
  }
  return __real_fchmod(fd, mode);
}
/* read(): read_mode 1 gives at most 7 bytes a call (a slow file system),
   2 fails once with EINTR first, 3 fails once with EIO */
static int read_mode = 0;
ssize_t __real_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n);
ssize_t __wrap_read(int fd, void *buf, size_t n)
{
  if (read_mode == 1 && n > 7) n = 7;
  if (read_mode == 2 || read_mode == 3) {
    errno = read_mode == 2 ? EINTR : EIO;
    read_mode = 0;
    return -1;
  }
  return __real_read(fd, buf, n);
}
/* nanosleep(): with fast_sleep, returns at once (the lock wait counts its
   own time, so a 10 s wait for the lock then takes no time); a wait that
   never ends is stopped after a million calls */
static int fast_sleep = 0;
static long n_sleeps = 0;
int __real_nanosleep(const struct timespec *req, struct timespec *rem);
int __wrap_nanosleep(const struct timespec *req, struct timespec *rem);
int __wrap_nanosleep(const struct timespec *req, struct timespec *rem)
{
  if (!fast_sleep) return __real_nanosleep(req, rem);
  if (++n_sleeps > 1000000L) {
    printf("FAIL: the lock wait does not end\n");
    fflush(stdout);
    _exit(3);
  }
  return 0;
}
/* fcntl(): with fail_lock, F_SETLK fails with ENOLCK */
static int fail_lock = 0;
int __real_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...);
int __wrap_fcntl(int fd, int cmd, ...)
{
  va_list ap;
  if (cmd == F_SETLK || cmd == F_SETLKW || cmd == F_GETLK) {
    struct flock *fl;
    va_start(ap, cmd);
    fl = va_arg(ap, struct flock *);
    va_end(ap);
    if (fail_lock && cmd == F_SETLK) {
      errno = ENOLCK;
      return -1;
    }
    return __real_fcntl(fd, cmd, fl);
  }
  if (cmd == F_GETFD || cmd == F_GETFL) return __real_fcntl(fd, cmd);
  {
    int arg;
    va_start(ap, cmd);
    arg = va_arg(ap, int);
    va_end(ap);
    return __real_fcntl(fd, cmd, arg);
  }
}
int __real_mkdir(const char *path, mode_t mode);
int __wrap_mkdir(const char *path, mode_t mode);
int __wrap_mkdir(const char *path, mode_t mode)
{
  struct stat st;
  if (wrap_what == W_MKDIR_EACCES && strcmp(path, wrap_path) == 0 &&
      stat(path, &st) == 0) {
    errno = EACCES;
    return -1;
  }
  if (wrap_what == W_MKDIR_EROFS && strcmp(path, wrap_path) == 0) {
    errno = EROFS;
    return -1;
  }
  if (wrap_what == W_MKDIR_LOST && strcmp(path, wrap_path) == 0) {
    return 0;   /* "created", but gone at once (removed by someone else) */
  }
  return __real_mkdir(path, mode);
}
#endif

static int n_pass = 0, n_fail = 0;

#define CHECK(cond, ...) do {                                    \
    if (cond) { n_pass++; }                                      \
    else { n_fail++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
           printf(__VA_ARGS__); printf("\n"); fflush(stdout); }  \
  } while (0)

static char base[1024];

/* out = a + b (out may be a), truncated to n bytes */
static void join(char *out, size_t n, const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  if (la >= n) la = n - 1;
  memmove(out, a, la);
  if (lb > n - 1 - la) lb = n - 1 - la;
  memcpy(out + la, b, lb);
  out[la + lb] = '\0';
}

static void path_of(char *out, size_t n, const char *rel)
{
  snprintf(out, n, "%s" SEP "%s", base, rel);
}

static int write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "wb");
  if (f == NULL) return -1;
  fputs(text, f);
  return fclose(f);
}

/* "" when missing */
static const char *read_file(const char *path, char *buf, size_t n)
{
  FILE *f = fopen(path, "rb");
  size_t k;
  buf[0] = '\0';
  if (f == NULL) return buf;
  k = fread(buf, 1, n - 1, f);
  buf[k] = '\0';
  fclose(f);
  return buf;
}

static int exists(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0;
}

static const char *etext(const p4m_claims_error *e)
{
  static char buf[8192];
  return p4m_claims_error_text(e, buf, sizeof buf);
}

/* Opens base/<rel> with create = 1 */
static int open_new(p4m_claims *c, const char *rel)
{
  char p[PBUF];
  p4m_claims_error e;
  path_of(p, sizeof p, rel);
  if (p4m_claims_open(c, p, 1, &e) != 0 || !c->usable) {
    printf("cannot open %s: %s\n", p, etext(&e));
    return -1;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* The file format                                                      */

static void test_parse(void)
{
  static const struct {
    const char *text;
    int ok;
    unsigned long long ms;
    unsigned long pid;
    int has_pid;
  } cases[] = {
    { "1795000012.345 4711\n", 1, 1795000012345ull, 4711, 1 },
    { "1795000012.345 4711",   1, 1795000012345ull, 4711, 1 },
    { "1795000000\n",          1, 1795000000000ull, 0, 0 },
    { "1795000000",            1, 1795000000000ull, 0, 0 },
    { "0",                     1, 0ull, 0, 0 },
    { "12.5",                  1, 12500ull, 0, 0 },
    { "12.05 7",               1, 12050ull, 7, 1 },
    { "12.123456789",          1, 12123ull, 0, 0 },     /* dropped, not rounded */
    { "12.999999999",          1, 12999ull, 0, 0 },
    { "999999999999.999",      1, 999999999999999ull, 0, 0 },
    { "1 4294967295\n",        1, 1000ull, 4294967295ul, 1 },
    { "007 0",                 1, 7000ull, 0, 1 },
    { "",                      0, 0, 0, 0 },
    { "\n",                    0, 0, 0, 0 },
    { "hello",                 0, 0, 0, 0 },
    { "1000000000000",         0, 0, 0, 0 },            /* 13 digits */
    { "12.",                   0, 0, 0, 0 },
    { ".5",                    0, 0, 0, 0 },
    { "12.1234567890",         0, 0, 0, 0 },            /* 10 fraction digits */
    { "12 ",                   0, 0, 0, 0 },
    { "12  7",                 0, 0, 0, 0 },
    { "12 4294967296",         0, 0, 0, 0 },
    { "12 12345678901",        0, 0, 0, 0 },
    { "12 00000000001",        0, 0, 0, 0 },            /* 11 pid digits */
    { "12 0000000001",         1, 12000ull, 1, 1 },     /* 10 pid digits */
    { "000000000012",          1, 12000ull, 0, 0 },     /* 12 digits */
    { "0000000000012",         0, 0, 0, 0 },            /* 13 digits */
    { "12 7\n\n",              0, 0, 0, 0 },
    { "12\r\n",                0, 0, 0, 0 },
    { " 12",                   0, 0, 0, 0 },
    { "+12",                   0, 0, 0, 0 },
    { "-12",                   0, 0, 0, 0 },
    { "1e9",                   0, 0, 0, 0 },
    { "12,5",                  0, 0, 0, 0 },
    { "12 7 8",                0, 0, 0, 0 },
    { "12 -7",                 0, 0, 0, 0 },
    /* the characters either side of '0'..'9' are not digits */
    { "12/",                   0, 0, 0, 0 },
    { "12:",                   0, 0, 0, 0 },
    { "/",                     0, 0, 0, 0 },
    { ":",                     0, 0, 0, 0 },
    { "12./",                  0, 0, 0, 0 },
    { "12.5:",                 0, 0, 0, 0 },
    { "12 /",                  0, 0, 0, 0 },
    { "12 7:",                 0, 0, 0, 0 },
  };
  size_t i;
  for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    p4m_claim_record r;
    int rc;
    /* in a buffer of exactly the text's length, without a NUL after it,
       so that a read past the end is caught (AddressSanitizer, valgrind) */
    size_t len = strlen(cases[i].text);
    char *exact = malloc(len > 0 ? len : 1);
    if (exact == NULL) { n_fail++; return; }
    memcpy(exact, cases[i].text, len);
    memset(&r, 0xA5, sizeof r);
    rc = p4m_claims_parse(exact, len, &r);
    free(exact);
    CHECK(rc == (cases[i].ok ? 0 : -1), "parse(\"%s\") returned %d",
          cases[i].text, rc);
    if (rc == 0 && cases[i].ok) {
      CHECK(r.expiry_ms == cases[i].ms && r.pid == cases[i].pid &&
            r.has_pid == cases[i].has_pid,
            "parse(\"%s\") gave %llu %lu %d", cases[i].text, r.expiry_ms,
            r.pid, r.has_pid);
    }
  }
  {
    /* the length is honoured: no NUL needed, nothing read beyond n */
    p4m_claim_record r;
    const char text[] = "1234 56789";
    CHECK(p4m_claims_parse(text, 4, &r) == 0 && r.expiry_ms == 1234000ull &&
          !r.has_pid, "parse of a prefix");
    CHECK(p4m_claims_parse(text, 6, &r) == 0 && r.pid == 5,
          "parse of a prefix with pid");
    CHECK(p4m_claims_parse("1\0" "2", 3, &r) == -1, "an embedded NUL");
    CHECK(p4m_claims_parse(NULL, 0, &r) == -1, "NULL buffer");
    CHECK(p4m_claims_parse(NULL, 4, &r) == -1, "NULL buffer with a length");
    CHECK(p4m_claims_parse(text, 4, NULL) == -1, "NULL record");
  }
  {
    char big[P4M_CLAIMS_FILE_MAX + 2];
    p4m_claim_record r;
    memset(big, '1', 5);
    memset(big + 5, '\n', sizeof big - 5);  /* invalid anyway, but too long first */
    CHECK(p4m_claims_parse(big, P4M_CLAIMS_FILE_MAX + 1, &r) == -1,
          "a file longer than P4M_CLAIMS_FILE_MAX");
  }
  {
    char buf[64];
    p4m_claim_record r, back;
    r.expiry_ms = 1795000012045ull;
    r.pid = 4711;
    r.has_pid = 1;
    CHECK(p4m_claims_format(buf, sizeof buf, &r) == 20 &&
          strcmp(buf, "1795000012.045 4711\n") == 0, "format gave '%s'", buf);
    CHECK(p4m_claims_parse(buf, strlen(buf), &back) == 0 &&
          back.expiry_ms == r.expiry_ms && back.pid == r.pid && back.has_pid,
          "format then parse");
    r.has_pid = 0;
    r.expiry_ms = 5;
    CHECK(p4m_claims_format(buf, sizeof buf, &r) == 6 &&
          strcmp(buf, "0.005\n") == 0, "format gave '%s'", buf);
    CHECK(p4m_claims_format(buf, 6, &r) == 0 && buf[0] == '\0',
          "format into a buffer one byte short");
    CHECK(p4m_claims_format(buf, 7, &r) == 6, "format into an exact buffer");
    r.expiry_ms = 1000000000000000ull;   /* 13-digit seconds: unparsable */
    CHECK(p4m_claims_format(buf, sizeof buf, &r) == 0, "format out of range");
    r.has_pid = 1;
    r.expiry_ms = 1000;
    r.pid = 4294967295ul;                /* the largest pid that parses */
    CHECK(p4m_claims_format(buf, sizeof buf, &r) == 17 &&
          strcmp(buf, "1.000 4294967295\n") == 0, "format of the largest pid: '%s'",
          buf);
#if ULONG_MAX > 4294967295ul
    r.pid = 4294967296ul;
    CHECK(p4m_claims_format(buf, sizeof buf, &r) == 0, "format of too large a pid");
#endif
    r.has_pid = 0;
    r.expiry_ms = 999999999999999ull;    /* the largest that parses again */
    CHECK(p4m_claims_format(buf, sizeof buf, &r) == 17 &&
          strcmp(buf, "999999999999.999\n") == 0, "format of the largest: '%s'",
          buf);
  }
  {
    /* the edges of the buffer: n = 0 writes nothing, n = 1 writes "";
       a NULL buffer or record is refused */
    char one = 'x';
    p4m_claim_record r;
    r.expiry_ms = 5;
    r.pid = 1;
    r.has_pid = 1;
    CHECK(p4m_claims_format(&one, 0, &r) == 0 && one == 'x',
          "format into 0 bytes writes nothing");
    CHECK(p4m_claims_format(&one, 1, &r) == 0 && one == '\0',
          "format into 1 byte leaves \"\"");
    CHECK(p4m_claims_format(NULL, 64, &r) == 0, "format into NULL");
    one = 'x';
    CHECK(p4m_claims_format(&one, 1, NULL) == 0 && one == '\0',
          "format of NULL");
  }
}

/* ------------------------------------------------------------------ */
/* Sequential behaviour (POSIX and Windows)                             */

static void test_missing_dir(void)
{
  p4m_claims c;
  p4m_claims_error e;
  char p[PBUF];
  double until = -1;
  path_of(p, sizeof p, "missing" SEP "claims");
  CHECK(p4m_claims_open(&c, p, 0, &e) == 0 && c.usable == 0,
        "a missing dir with create = 0 is 'no claims'");
  CHECK(p4m_claims_check(&c, 30845, 1000, &until, &e) == 0 && until == -1,
        "nothing is claimed without a dir");
  CHECK(p4m_claims_take(&c, 30845, 1000, 10, &until, &e) == -1 &&
        strcmp(etext(&e), "no claims directory is open") == 0,
        "take without a dir: %s", etext(&e));
  CHECK(p4m_claims_release(&c, 30845, 1010, &e) == 1, "release without a dir");
  path_of(p, sizeof p, "missing");
  CHECK(!exists(p), "create = 0 created nothing");
}

static void test_basic(void)
{
  p4m_claims c, c2;
  p4m_claims_error e;
  char p[PBUF], want[64], got[128];
  double until = 0;
  unsigned long pid = GETPID();

  if (open_new(&c, "a" SEP "b" SEP "claims") != 0) { n_fail++; return; }
  path_of(p, sizeof p, "a" SEP "b" SEP "claims");
  CHECK(strcmp(c.dir, p) == 0, "dir is '%s'", c.dir);
  CHECK(p4m_claims_open(&c2, p, 0, &e) == 0 && c2.usable == 1,
        "re-open with create = 0: %s", etext(&e));
#ifndef _WIN32
  {
    struct stat st;
    char q[PBUF];
    join(q, sizeof q, p, "///");
    CHECK(p4m_claims_open(&c2, q, 0, &e) == 0 && c2.usable &&
          strcmp(c2.dir, p) == 0, "trailing slashes dropped: '%s'", c2.dir);
    CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0700,
          "created with mode %o", (unsigned) (st.st_mode & 07777));
  }
#endif

  CHECK(p4m_claims_check(&c, 30845, 1000, &until, &e) == 0, "not claimed yet");
  CHECK(p4m_claims_take(&c, 30845, 1000, 10, &until, &e) == 0 && until == 1010,
        "take: %s, until %.3f", etext(&e), until);
  join(p, sizeof p, c.dir, SEP "30845");
  snprintf(want, sizeof want, "1010.000 %lu\n", pid);
  CHECK(strcmp(read_file(p, got, sizeof got), want) == 0,
        "claim file holds '%s'", got);
#ifndef _WIN32
  {
    struct stat st;
    CHECK(stat(p, &st) == 0 && (st.st_mode & 07777) == 0600,
          "claim file mode %o", (unsigned) (st.st_mode & 07777));
  }
#endif
  until = 0;
  CHECK(p4m_claims_check(&c, 30845, 1000, &until, &e) == 1 && until == 1010,
        "claimed until %.3f", until);
  CHECK(p4m_claims_check(&c, 30845, 1009.999, &until, &e) == 1,
        "still claimed 1 ms before expiry");
  CHECK(p4m_claims_check(&c, 30846, 1000, &until, &e) == 0,
        "another port is not claimed");
  until = 0;
  CHECK(p4m_claims_take(&c, 30845, 1005, 60, &until, &e) == 1 && until == 1010,
        "second take: held until %.3f", until);
  CHECK(strcmp(read_file(p, got, sizeof got), want) == 0,
        "a held take changes nothing");

  /* release: only our own claim with the same expiry */
  CHECK(p4m_claims_release(&c, 30845, 1010.001, &e) == 1 && exists(p),
        "release with another expiry leaves the claim");
  CHECK(p4m_claims_release(&c, 30845, 1010, &e) == 0 && !exists(p),
        "release removes the claim");
  CHECK(p4m_claims_release(&c, 30845, 1010, &e) == 1, "nothing to release");
  CHECK(p4m_claims_check(&c, 30845, 1000, &until, &e) == 0,
        "released: not claimed");
  CHECK(write_file(p, "2000.000 1\n") == 0 &&
        p4m_claims_release(&c, 30845, 2000, &e) == 1 && exists(p),
        "another process's claim is not released");

  /* expiry */
  CHECK(p4m_claims_take(&c, 30845, 1000, 10, &until, &e) == 1 && until == 2000,
        "held by pid 1 until 2000");
  CHECK(p4m_claims_check(&c, 30845, 2000, &until, &e) == 0 && !exists(p),
        "expired at its expiry time and removed");
  CHECK(p4m_claims_take(&c, 30845, 3000, 10, &until, &e) == 0 && until == 3010,
        "taken again");
  CHECK(p4m_claims_take(&c, 30845, 3010.5, 5, &until, &e) == 0 &&
        until == 3015.5, "expired claim replaced: until %.3f", until);
  snprintf(want, sizeof want, "3015.500 %lu\n", pid);
  CHECK(strcmp(read_file(p, got, sizeof got), want) == 0,
        "replaced claim holds '%s'", got);
  CHECK(p4m_claims_release(&c, 30845, 3015.5, &e) == 0, "release it");

  /* expiry is rounded up to whole milliseconds */
  CHECK(p4m_claims_take(&c, 1024, 1000.0001, 1, &until, &e) == 0 &&
        until == 1001.001, "ceil: until %.4f", until);
  CHECK(p4m_claims_check(&c, 1024, 1001.0005, &until, &e) == 1,
        "claimed before the rounded expiry");
  CHECK(p4m_claims_check(&c, 1024, 1001.001, &until, &e) == 0,
        "expired at the rounded expiry");
  CHECK(p4m_claims_take(&c, 65535, 1e11, 1e9, &until, &e) == 0 &&
        until == 1e11 + 1e9, "the largest times");
  join(p, sizeof p, c.dir, SEP "65535");
  snprintf(want, sizeof want, "101000000000.000 %lu\n", pid);
  CHECK(strcmp(read_file(p, got, sizeof got), want) == 0, "holds '%s'", got);
  CHECK(p4m_claims_check(&c, 65535, 1e11, &until, &e) == 1 &&
        until == 1e11 + 1e9, "port 65535 is claimed");
  CHECK(p4m_claims_release(&c, 65535, 1e11 + 1e9, &e) == 0 && !exists(p),
        "and released");
  CHECK(p4m_claims_take(&c, 1, 0, 0.001, &until, &e) == 0 && until == 0.001,
        "the smallest times and port 1");
  CHECK(p4m_claims_check(&c, 1, 0, &until, &e) == 1 && until == 0.001,
        "port 1 is claimed");
  CHECK(p4m_claims_release(&c, 1, 0, &e) == 1,
        "until 0 (no claim ends then): nothing to release");
  join(p, sizeof p, c.dir, SEP "1");
  CHECK(p4m_claims_release(&c, 1, 0.001, &e) == 0 && !exists(p),
        "port 1 released");

  /* hand-written and broken claim files */
  join(p, sizeof p, c.dir, SEP "2000");
  CHECK(write_file(p, "2000000000\n") == 0 &&
        p4m_claims_check(&c, 2000, 1e9, &until, &e) == 1 && until == 2e9,
        "a hand-written claim is honoured");
  CHECK(p4m_claims_take(&c, 2000, 1e9, 5, &until, &e) == 1 && until == 2e9,
        "and holds against take");
  CHECK(write_file(p, "hello\n") == 0 &&
        p4m_claims_check(&c, 2000, 1e9, &until, &e) == 0 && !exists(p),
        "a broken claim file is no claim and is removed");
  CHECK(write_file(p, "") == 0 &&
        p4m_claims_take(&c, 2000, 1e9, 5, &until, &e) == 0 && until == 1e9 + 5,
        "an empty claim file is replaced by take");
}

/* A directory without a lock file (nobody ever took a claim there): check
   removes nothing and creates nothing. */
static void test_check_writes_nothing(void)
{
  p4m_claims c;
  p4m_claims_error e;
  char p[PBUF], q[PBUF], got[64];
  double until;
  if (open_new(&c, "readonly") != 0) { n_fail++; return; }
  join(p, sizeof p, c.dir, SEP "3000");
  CHECK(write_file(p, "5.000 1\n") == 0 &&
        p4m_claims_check(&c, 3000, 1000, &until, &e) == 0,
        "an expired claim is not live");
  CHECK(strcmp(read_file(p, got, sizeof got), "5.000 1\n") == 0,
        "without a lock file check leaves it");
  join(q, sizeof q, c.dir, SEP ".lock");
  CHECK(!exists(q), "check created no lock file");
  CHECK(p4m_claims_release(&c, 3000, 5, &e) == 1 && exists(p),
        "release without a lock file changes nothing");
  CHECK(p4m_claims_take(&c, 3000, 1000, 1, &until, &e) == 0 && exists(q),
        "take creates the lock file and replaces the claim");
}

static void test_bad_arguments(void)
{
  p4m_claims c;
  p4m_claims_error e;
  char longdir[P4M_CLAIMS_DIR_MAX + 10];
  double until;
  const double nan = strtod("nan", NULL), inf = strtod("inf", NULL);
  if (open_new(&c, "args") != 0) { n_fail++; return; }

  CHECK(p4m_claims_check(&c, 0, 1000, &until, &e) == -1 && e.err == EINVAL,
        "port 0");
  CHECK(p4m_claims_check(&c, 65536, 1000, &until, &e) == -1, "port 65536");
  CHECK(p4m_claims_check(&c, 80, nan, &until, &e) == -1, "now NaN");
  CHECK(p4m_claims_check(&c, 80, -1, &until, &e) == -1, "now < 0");
  CHECK(p4m_claims_check(&c, 80, inf, &until, &e) == -1, "now Inf");
  CHECK(p4m_claims_check(&c, 80, 1.1e11, &until, &e) == -1, "now too large");
  CHECK(p4m_claims_take(&c, 80, 1000, 0, &until, &e) == -1 && e.err == EINVAL,
        "seconds 0");
  CHECK(p4m_claims_take(&c, 80, 1000, -1, &until, &e) == -1, "seconds < 0");
  CHECK(p4m_claims_take(&c, 80, 1000, nan, &until, &e) == -1, "seconds NaN");
  CHECK(p4m_claims_take(&c, 80, 1000, 1.1e9, &until, &e) == -1,
        "seconds too large");
  CHECK(p4m_claims_take(&c, -5, 1000, 1, &until, &e) == -1, "port -5");
  memset(&e, 0, sizeof e);
  snprintf(e.path, sizeof e.path, "%s", "/stale/path/of/an/earlier/error");
  CHECK(p4m_claims_take(&c, 0, 1000, 1, &until, &e) == -1 && e.err == EINVAL &&
        strcmp(etext(&e), "cannot take a claim: Invalid argument") == 0,
        "take port 0: %s", etext(&e));
  CHECK(p4m_claims_take(&c, 65536, 1000, 1, &until, &e) == -1 && e.err == EINVAL,
        "take port 65536");
  CHECK(p4m_claims_take(&c, 80, nan, 1, &until, &e) == -1 && e.err == EINVAL,
        "take at now NaN");
  CHECK(p4m_claims_take(&c, 80, -1, 1, &until, &e) == -1 && e.err == EINVAL,
        "take at now < 0");
  CHECK(p4m_claims_take(&c, 80, 1.1e11, 1, &until, &e) == -1 &&
        e.err == EINVAL, "take at now too large");
  CHECK(p4m_claims_release(&c, 0, 1, &e) == -1 && e.err == EINVAL,
        "release port 0");
  CHECK(p4m_claims_release(&c, 80, -1, &e) == -1 && e.err == EINVAL,
        "release until < 0");
  CHECK(p4m_claims_release(&c, 80, 1.02e11, &e) == -1 && e.err == EINVAL,
        "release until too large");
  /* the largest expiry (now and seconds at their limits) is accepted */
  CHECK(p4m_claims_release(&c, 80, 1.01e11, &e) != -1, "release until 1.01e11");
  CHECK(p4m_claims_release(&c, 80, 1.0e11, &e) != -1, "release until 1e11");
#ifndef _WIN32
  {
    /* p4m_claims_now() is the time now, with its fraction of a second */
    int k, far = 0;
    for (k = 0; k < 10; k++) {
      struct timespec ts, pause = { 0, 100000000L };
      double now = p4m_claims_now(), real;
      clock_gettime(CLOCK_REALTIME, &ts);
      real = (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
      if (real - now > 0.2 || now > real) far++;
      nanosleep(&pause, NULL);
    }
    CHECK(far == 0, "p4m_claims_now() is the time now (%d of 10 off)", far);
  }
#endif
  CHECK(p4m_claims_release(&c, 70000, 1, &e) == -1, "release port 70000");
  CHECK(p4m_claims_release(&c, 80, nan, &e) == -1, "release until NaN");
  CHECK(strcmp(etext(&e), "cannot release a claim: Invalid argument") == 0,
        "text: %s", etext(&e));

  CHECK(p4m_claims_open(&c, "claims", 1, &e) == -1 && c.usable == 0 &&
        strcmp(etext(&e), "'claims' is not an absolute path") == 0,
        "relative dir: %s", etext(&e));
  CHECK(p4m_claims_open(&c, "", 0, &e) == -1, "empty dir");
  CHECK(p4m_claims_open(&c, NULL, 0, &e) == -1 && e.err == EINVAL &&
        strcmp(etext(&e), "cannot open the claims directory: Invalid argument")
        == 0, "NULL dir: %s", etext(&e));
  CHECK(p4m_claims_open(NULL, "/tmp", 0, &e) == -1 && e.err == EINVAL,
        "NULL claims");
#ifndef _WIN32
  {
    /* the root folder: its separator is kept (not an empty name), also
       when repeated; it is never private to a user */
    const char *roots[] = { "/", "//", "///" };
    size_t k;
    for (k = 0; k < 3; k++) {
      CHECK(p4m_claims_open(&c, roots[k], 0, &e) == -1 && !c.usable &&
            e.err == 0 && strcmp(e.path, "/") == 0,
            "'%s' is refused as '/': %s", roots[k], etext(&e));
    }
  }
#endif
  {
    /* err may be NULL: the result alone is then wanted */
    char p[PBUF];
    path_of(p, sizeof p, "noerr");
    CHECK(p4m_claims_open(&c, p, 1, NULL) == 0 && c.usable, "err NULL");
    CHECK(p4m_claims_open(&c, "relative", 1, NULL) == -1 && !c.usable,
          "err NULL, an error");
  }
  memset(longdir, 'x', sizeof longdir);
#ifdef _WIN32
  memcpy(longdir, "C:\\", 3);
#else
  longdir[0] = '/';
#endif
#ifndef _WIN32
  {
    /* the longest name accepted (4095 bytes) is created, component by
       component (each at most 255 bytes) */
    char p[P4M_CLAIMS_DIR_MAX];
    size_t k = strlen(base);
    memcpy(p, base, k);
    while (k < sizeof p - 1) {
      size_t room = sizeof p - 1 - k;   /* bytes left before the NUL */
      size_t m = room - 1 > 200 ? 200 : room - 1;
      if (room < 2) {                   /* lengthen the last component */
        p[k++] = 'y';
        continue;
      }
      p[k++] = '/';
      memset(p + k, 'y', m);
      k += m;
    }
    p[k] = '\0';
    CHECK(strlen(p) == P4M_CLAIMS_DIR_MAX - 1, "a name of %d bytes",
          (int) strlen(p));
    CHECK(p4m_claims_open(&c, p, 1, &e) == 0 && c.usable,
          "the longest name is created: %s", etext(&e));
  }
#endif
  longdir[P4M_CLAIMS_DIR_MAX] = '\0';    /* one too long */
  CHECK(p4m_claims_open(&c, longdir, 1, &e) == -1 && e.err == ENAMETOOLONG &&
        c.usable == 0, "too long a dir");
  {
    char buf[16];
    CHECK(strlen(p4m_claims_error_text(&e, buf, sizeof buf)) == 15,
          "error text is truncated to the buffer");
    CHECK(strcmp(p4m_claims_error_text(&e, NULL, 5), "") == 0 &&
          strcmp(p4m_claims_error_text(&e, buf, 0), "") == 0, "no buffer");
  }
  {
    /* the texts of errors without a call, a path or a step */
    char buf[128];
    p4m_claims_error f;
    CHECK(strcmp(p4m_claims_error_text(NULL, buf, sizeof buf),
                  "no error information") == 0, "text of no error");
    memset(&f, 0, sizeof f);
    f.step = NULL;
    CHECK(strcmp(p4m_claims_error_text(&f, buf, sizeof buf), "claims") == 0,
          "text without a step: %s", buf);
    f.step = "";
    CHECK(strcmp(p4m_claims_error_text(&f, buf, sizeof buf), "claims") == 0,
          "text with an empty step: %s", buf);
    f.err = ENOENT;
    CHECK(strcmp(p4m_claims_error_text(&f, buf, sizeof buf),
                  "cannot claims: No such file or directory") == 0,
          "text of a call: %s", buf);
  }
#ifndef _WIN32
  {
    /* an error about a file in the directory names the file's path */
    p4m_claims c2;
    char p[PBUF], want[PBUF + 64];
    double until;
    if (open_new(&c2, "lockdir") == 0) {
      path_of(p, sizeof p, "lockdir" SEP ".lock");
      CHECK(MKDIR(p) == 0, "make .lock a directory");
      CHECK(p4m_claims_take(&c2, 6000, 1000, 1, &until, &e) == -1,
            "take with a directory as the lock file");
      snprintf(want, sizeof want, "cannot open '%s': Is a directory", p);
      CHECK(strcmp(etext(&e), want) == 0, "lock error text: %s", etext(&e));
    } else {
      n_fail++;
    }
  }
#endif
  {
    char p[PBUF];
    path_of(p, sizeof p, "plainfile");
    write_file(p, "x");
    CHECK(p4m_claims_open(&c, p, 1, &e) == -1 && e.err == 0 &&
          strcmp(e.step, "is not a directory") == 0, "a file: %s", etext(&e));
#ifndef _WIN32
    path_of(p, sizeof p, "plainfile/sub");
    CHECK(p4m_claims_open(&c, p, 1, &e) == -1 && e.err == ENOTDIR,
          "a file as parent: %s", etext(&e));
#endif
  }
}

#ifndef _WIN32
/* ------------------------------------------------------------------ */
/* POSIX: links, modes, owners, descriptors                             */

static int count_fds(void)
{
  int n = 0;
  struct dirent *d;
  DIR *dir = opendir("/proc/self/fd");
  if (dir == NULL) return -1;
  while ((d = readdir(dir)) != NULL) if (d->d_name[0] != '.') n++;
  closedir(dir);
  return n;
}

static void test_links_and_modes(void)
{
  p4m_claims c;
  p4m_claims_error e;
  char good[PBUF], link[PBUF], p[PBUF], q[PBUF], got[128], want[64];
  double until;

  if (open_new(&c, "real") != 0) { n_fail++; return; }
  snprintf(good, sizeof good, "%s", c.dir);
  path_of(link, sizeof link, "link");
  CHECK(symlink(good, link) == 0, "symlink");
  CHECK(p4m_claims_open(&c, link, 0, &e) == -1 && c.usable == 0 &&
        e.err == 0 && strcmp(e.step, "is a symbolic link") == 0,
        "a symlinked dir is refused: %s", etext(&e));
  CHECK(p4m_claims_open(&c, link, 1, &e) == -1, "also with create = 1");
  join(p, sizeof p, link, "/");
  CHECK(p4m_claims_open(&c, p, 0, &e) == -1 &&
        strcmp(e.step, "is a symbolic link") == 0,
        "also with a trailing slash: %s", etext(&e));
  join(p, sizeof p, "'", link);
  join(p, sizeof p, p, "' is a symbolic link");
  CHECK(strcmp(etext(&e), p) == 0, "text: %s", etext(&e));

  /* a symlink in place of a claim file is never followed */
  CHECK(p4m_claims_open(&c, good, 0, &e) == 0 && c.usable, "open real");
  path_of(p, sizeof p, "target");
  CHECK(write_file(p, "9999999999.000 1\n") == 0, "target");
  join(q, sizeof q, good, SEP "30846");
  CHECK(symlink(p, q) == 0, "symlink claim");
  CHECK(p4m_claims_take(&c, 40000, 1000, 1, &until, &e) == 0, "lock file");
  CHECK(p4m_claims_check(&c, 30846, 1000, &until, &e) == 0,
        "a symlinked claim is no claim");
  {
    struct stat st;
    CHECK(lstat(q, &st) != 0, "and it was removed");
  }
  CHECK(symlink(p, q) == 0, "symlink claim again");
  CHECK(p4m_claims_take(&c, 30846, 1000, 1, &until, &e) == 0 && until == 1001,
        "take over a symlinked claim: %s", etext(&e));
  CHECK(strcmp(read_file(p, got, sizeof got), "9999999999.000 1\n") == 0,
        "the link's target is unchanged: '%s'", got);
  snprintf(want, sizeof want, "1001.000 %lu\n", (unsigned long) getpid());
  {
    struct stat st;
    CHECK(lstat(q, &st) == 0 && S_ISREG(st.st_mode) &&
          strcmp(read_file(q, got, sizeof got), want) == 0,
          "the claim is a regular file now");
  }

  /* other kinds of files in place of a claim */
  join(q, sizeof q, good, SEP "30847");
  CHECK(mkdir(q, 0700) == 0 && p4m_claims_check(&c, 30847, 1000, &until, &e) == 0
        && !exists(q), "an empty directory is no claim and is removed");
  CHECK(mkfifo(q, 0600) == 0 && p4m_claims_check(&c, 30847, 1000, &until, &e) == 0
        && !exists(q), "a fifo is no claim (and no hang) and is removed");
  CHECK(mkdir(q, 0700) == 0, "mkdir");
  join(p, sizeof p, q, SEP "inside");
  write_file(p, "x");
  CHECK(p4m_claims_take(&c, 30847, 1000, 1, &until, &e) == -1 &&
        strcmp(e.step, "remove") == 0 && e.err == ENOTEMPTY,
        "a directory that cannot be removed is an error: %s", etext(&e));
  join(q, sizeof q, good, SEP "30848");
  CHECK(write_file(q, "9999999999\n") == 0 && chmod(q, 0) == 0, "mode 000");
  if (geteuid() != 0) {
    CHECK(p4m_claims_check(&c, 30848, 1000, &until, &e) == 0 && !exists(q),
          "an unreadable file is no claim and is removed");
  }

  /* modes of the directory */
  CHECK(chmod(good, 0755) == 0, "chmod");
  CHECK(p4m_claims_open(&c, good, 0, &e) == -1 &&
        strcmp(e.step, "is open to group or others (must be mode 0700)") == 0,
        "mode 0755 is refused: %s", etext(&e));
  CHECK(p4m_claims_open(&c, good, 1, &e) == -1, "also with create = 1");
  CHECK(chmod(good, 0701) == 0 && p4m_claims_open(&c, good, 0, &e) == -1,
        "mode 0701 is refused");
  CHECK(chmod(good, 0710) == 0 && p4m_claims_open(&c, good, 0, &e) == -1,
        "mode 0710 is refused");
  CHECK(chmod(good, 0700) == 0 && p4m_claims_open(&c, good, 0, &e) == 0 &&
        c.usable, "mode 0700 is fine");

  /* the directory is checked again by every call */
  CHECK(chmod(good, 0750) == 0, "chmod");
  CHECK(p4m_claims_check(&c, 30846, 1000, &until, &e) == -1 &&
        strcmp(e.step, "is open to group or others (must be mode 0700)") == 0,
        "check after chmod 0750: %s", etext(&e));
  CHECK(p4m_claims_take(&c, 30849, 1000, 1, &until, &e) == -1, "take too");
  CHECK(p4m_claims_release(&c, 30846, 1001, &e) == -1, "release too");
  CHECK(chmod(good, 0700) == 0, "chmod");
  path_of(p, sizeof p, "moved");
  CHECK(rename(good, p) == 0 && symlink(p, good) == 0, "swap for a link");
  CHECK(p4m_claims_check(&c, 30846, 1000, &until, &e) == -1 &&
        strcmp(e.step, "is a symbolic link") == 0,
        "a dir swapped for a symlink after open: %s", etext(&e));
  CHECK(p4m_claims_take(&c, 30849, 1000, 1, &until, &e) == -1 &&
        strcmp(e.step, "is a symbolic link") == 0, "take refuses it too");
  CHECK(unlink(good) == 0, "unlink");
  CHECK(p4m_claims_check(&c, 30846, 1000, &until, &e) == 0,
        "a dir that disappeared: nothing claimed");
  CHECK(p4m_claims_take(&c, 30846, 1000, 1, &until, &e) == -1 &&
        e.err == ENOENT && strcmp(e.step, "open") == 0,
        "take in a dir that disappeared: %s", etext(&e));
  CHECK(p4m_claims_release(&c, 30846, 1001, &e) == 1, "release there");
  CHECK(rename(p, good) == 0, "rename back");

  /* a created directory is exactly 0700 whatever the umask */
  {
    mode_t old = umask(0077);
    struct stat st;
    CHECK(open_new(&c, "umask077") == 0 && stat(c.dir, &st) == 0 &&
          (st.st_mode & 07777) == 0700, "umask 077");
    umask(0277);   /* would leave the owner without write permission */
    CHECK(open_new(&c, "umask277") == 0 && stat(c.dir, &st) == 0 &&
          (st.st_mode & 07777) == 0700, "umask 277");
    umask(old);
  }
}

/* ------------------------------------------------------------------ */
/* POSIX: the lock is honoured                                          */

/* Lock the .lock file of c as another process holding it would (fcntl,
   the whole file): the descriptor that holds the lock, or -1. */
static int hold_lock(const p4m_claims *c)
{
  char p[PBUF];
  struct flock fl;
  int fd;
  join(p, sizeof p, c->dir, SEP ".lock");
  fd = open(p, O_RDWR);
  if (fd < 0) return -1;
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  if (fcntl(fd, F_SETLK, &fl) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static void test_lock_wait(void)
{
  p4m_claims c;
  p4m_claims_error e;
  char p[PBUF];
  int fd, status = -1;
  pid_t pid;
  double until;

  if (open_new(&c, "locked") != 0) { n_fail++; return; }
  CHECK(p4m_claims_take(&c, 5000, 1000, 1, &until, &e) == 0, "lock file");
  fd = hold_lock(&c);
  CHECK(fd >= 0, "hold the lock");
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    _exit(p4m_claims_take(&c, 5001, 1000, 1, &until, &e) == 0 ? 0 : 1);
  }
  {
    struct timespec ts = { 0, 300000000L };
    nanosleep(&ts, NULL);
  }
  CHECK(waitpid(pid, &status, WNOHANG) == 0,
        "take waits while another process holds the lock");
  close(fd);   /* drops the lock */
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0, "and takes the port once it is free");
  /* an expired claim is not removed by check while the lock is held */
  join(p, sizeof p, c.dir, SEP "5002");
  write_file(p, "1.000 1\n");
  fd = hold_lock(&c);
  CHECK(fd >= 0, "hold the lock");
  pid = fork();
  if (pid == 0) {
    _exit(p4m_claims_check(&c, 5002, 1000, &until, &e) == 0 ? 0 : 1);
  }
  {
    struct timespec ts = { 0, 200000000L };
    nanosleep(&ts, NULL);
  }
  CHECK(waitpid(pid, &status, WNOHANG) == 0 && exists(p),
        "check waits for the lock before removing an expired claim");
  close(fd);
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0 && !exists(p), "then removes it");
}

/* ------------------------------------------------------------------ */
/* POSIX: races                                                         */

enum { RACE_N = 24 };

/* What a racing child does before taking the port. */
enum { PRE_NONE, PRE_CHECK };

/* Starts n children that block on the barrier pipe, each runs fn(c, i),
   whose value is its exit status; then releases them all at once.
   Returns the number of children whose status was each value in counts. */
static void race(const p4m_claims *c, int n, int (*fn)(const p4m_claims *, int),
                 int counts[4], pid_t winners[RACE_N])
{
  int fds[2], i, nwin = 0;
  pid_t pids[RACE_N];
  memset(counts, 0, 4 * sizeof counts[0]);
  if (pipe(fds) != 0) { n_fail++; return; }
  fflush(stdout);
  for (i = 0; i < n; i++) {
    pids[i] = fork();
    if (pids[i] == 0) {
      char ch;
      ssize_t r;
      close(fds[1]);
      do { r = read(fds[0], &ch, 1); } while (r < 0 && errno == EINTR);
      _exit(fn(c, i));
    }
  }
  close(fds[0]);
  close(fds[1]);   /* the barrier: every read() returns 0 now */
  for (i = 0; i < n; i++) {
    int status = 0;
    if (pids[i] < 0 || waitpid(pids[i], &status, 0) != pids[i] ||
        !WIFEXITED(status) || WEXITSTATUS(status) > 3) {
      counts[3]++;
      continue;
    }
    counts[WEXITSTATUS(status)]++;
    if (WEXITSTATUS(status) == 0 && nwin < RACE_N) winners[nwin++] = pids[i];
  }
}

static int race_port = 0;
static double race_now = 0;
static int race_pre = PRE_NONE;

/* 0 taken, 1 held, 2 error */
static int take_one(const p4m_claims *c, int i)
{
  p4m_claims_error e;
  double until;
  int rc;
  if (race_pre == PRE_CHECK && i % 2 == 0) {
    if (p4m_claims_check(c, race_port, race_now, &until, &e) < 0) return 2;
  }
  rc = p4m_claims_take(c, race_port, race_now, 30, &until, &e);
  if (rc < 0) { fprintf(stderr, "child: %s\n", etext(&e)); return 2; }
  return rc;
}

/* Like port4me: walk the same port list, take the first one not held.
   Exit status 0 on success; the port is written to the claim (pid). */
static int take_first(const p4m_claims *c, int i)
{
  p4m_claims_error e;
  double until;
  int k;
  (void) i;
  for (k = 0; k < RACE_N; k++) {
    int rc = p4m_claims_take(c, 20000 + 7 * k, race_now, 30, &until, &e);
    if (rc == 0) return 0;
    if (rc < 0) return 2;
  }
  return 1;
}

static unsigned long claim_pid(const p4m_claims *c, int port)
{
  char p[PBUF], got[128];
  p4m_claim_record r;
  snprintf(p, sizeof p, "%s/%d", c->dir, port);
  read_file(p, got, sizeof got);
  if (p4m_claims_parse(got, strlen(got), &r) != 0 || !r.has_pid) return 0;
  return r.pid;
}

static void test_races(void)
{
  p4m_claims c;
  int counts[4], round, k;
  pid_t winners[RACE_N];
  char p[PBUF];

  if (open_new(&c, "race") != 0) { n_fail++; return; }
  for (round = 0; round < 40; round++) {
    race_port = 10000 + round;
    race_now = 5000;
    race_pre = round % 4 >= 2 ? PRE_CHECK : PRE_NONE;
    snprintf(p, sizeof p, "%s/%d", c.dir, race_port);
    /* rounds 1, 3 (mod 4): an expired claim (or a broken file) is there */
    if (round % 2 == 1) write_file(p, round % 8 == 1 ? "garbage" : "4000.000 1\n");
    race(&c, RACE_N, take_one, counts, winners);
    CHECK(counts[0] == 1 && counts[1] == RACE_N - 1 && counts[2] == 0 &&
          counts[3] == 0,
          "round %d: %d processes took port %d, %d held, %d errors, %d crashed",
          round, counts[0], race_port, counts[1], counts[2], counts[3]);
    if (counts[0] == 1) {
      CHECK(claim_pid(&c, race_port) == (unsigned long) winners[0],
            "round %d: the claim is the winner's", round);
    }
  }

  /* every process walks the same list: all get different ports */
  for (round = 0; round < 5; round++) {
    char q[PBUF];
    unsigned long seen[RACE_N];
    int distinct = 1, j;
    race_now = 6000 + 100 * round;   /* the last round's claims have expired */
    race(&c, RACE_N, take_first, counts, winners);
    CHECK(counts[0] == RACE_N, "round %d: %d of %d processes got a port", round,
          counts[0], RACE_N);
    for (k = 0; k < RACE_N; k++) {
      seen[k] = claim_pid(&c, 20000 + 7 * k);
      snprintf(q, sizeof q, "%s/%d", c.dir, 20000 + 7 * k);
      for (j = 0; j < k; j++) if (seen[j] == seen[k]) distinct = 0;
      CHECK(seen[k] != 0, "round %d: port %d is claimed", round, 20000 + 7 * k);
    }
    for (k = 0; k < RACE_N && counts[0] == RACE_N; k++) {
      int found = 0;
      for (j = 0; j < RACE_N; j++) if (seen[j] == (unsigned long) winners[k]) found = 1;
      CHECK(found, "round %d: process %ld has a port", round, (long) winners[k]);
    }
    CHECK(distinct, "round %d: one port per process", round);
  }
}

/* ------------------------------------------------------------------ */
/* POSIX, root only: a second user                                      */

static int become_nobody(void)
{
  struct passwd *pw = getpwnam("nobody");
  if (pw == NULL) return -1;
  if (setgroups(0, NULL) != 0) return -1;
  if (setgid(pw->pw_gid) != 0) return -1;
  if (setuid(pw->pw_uid) != 0) return -1;
  return geteuid() == pw->pw_uid ? 0 : -1;
}

static void test_other_user(void)
{
  p4m_claims c, mine;
  p4m_claims_error e;
  struct passwd *pw = getpwnam("nobody");
  char p[PBUF], q[PBUF], got[128];
  double until;
  pid_t pid;
  int status = -1;

  if (pw == NULL) { printf("skip: no user nobody\n"); return; }
  if (chmod(base, 0755) != 0) { n_fail++; return; }

  /* a directory of another user is refused */
  if (open_new(&c, "nobodys") != 0) { n_fail++; return; }
  CHECK(chown(c.dir, pw->pw_uid, pw->pw_gid) == 0, "chown");
  CHECK(p4m_claims_open(&c, c.dir, 0, &e) == -1 &&
        strcmp(e.step, "is not owned by you") == 0,
        "a dir owned by nobody is refused: %s", etext(&e));
  CHECK(p4m_claims_open(&c, c.dir, 1, &e) == -1, "also with create = 1");

  /* a claim file of another user in our directory is not honoured */
  if (open_new(&mine, "roots") != 0) { n_fail++; return; }
  CHECK(p4m_claims_take(&mine, 7000, 1000, 100, &until, &e) == 0, "take");
  join(q, sizeof q, mine.dir, SEP "7001");
  CHECK(write_file(q, "9999999999\n") == 0 &&
        chown(q, pw->pw_uid, pw->pw_gid) == 0, "foreign claim");
  CHECK(p4m_claims_check(&mine, 7001, 1000, &until, &e) == 0 && !exists(q),
        "a foreign-owned claim file is no claim");

  /* nobody can neither use nor change root's claims */
  path_of(p, sizeof p, "nobody-home");
  CHECK(mkdir(p, 0755) == 0 && chown(p, pw->pw_uid, pw->pw_gid) == 0, "home");
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    int fails = 0;
    p4m_claims other;
    char d[PBUF];
    if (become_nobody() != 0) _exit(100);
    if (p4m_claims_open(&other, mine.dir, 0, &e) != -1) fails++;
    if (other.usable) fails++;
    if (p4m_claims_take(&other, 7002, 1000, 100, &until, &e) != -1) fails++;
    /* with the path copied in by hand, every call still refuses */
    memcpy(&other, &mine, sizeof other);
    if (p4m_claims_take(&other, 7002, 1000, 100, &until, &e) != -1) fails++;
    if (p4m_claims_release(&other, 7000, 1100, &e) != -1) fails++;
    if (p4m_claims_check(&other, 7000, 1000, &until, &e) != -1) fails++;
    /* its own directory works */
    join(d, sizeof d, p, SEP "claims");
    if (p4m_claims_open(&other, d, 1, &e) != 0 || !other.usable) fails++;
    if (p4m_claims_take(&other, 7000, 1000, 100, &until, &e) != 0) fails++;
    if (p4m_claims_check(&other, 7000, 1000, &until, &e) != 1) fails++;
    /* a directory of its own that it may not read: lstat() works, open()
       does not, and the error says so */
    join(d, sizeof d, p, SEP "noread");
    if (mkdir(d, 0300) != 0) {
      fails++;
    } else {
      char want[PBUF + 64];
      snprintf(want, sizeof want, "cannot open '%s': Permission denied", d);
      if (p4m_claims_open(&other, d, 0, &e) != -1 || other.usable ||
          strcmp(etext(&e), want) != 0) {
        printf("unreadable dir: %s\n", etext(&e));
        fails++;
      }
    }
    _exit(fails);
  }
  CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0,
        "as nobody: root's claims refused, own ones work (status %d)",
        WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  join(q, sizeof q, mine.dir, SEP "7000");
  CHECK(exists(q) && claim_pid(&mine, 7000) == (unsigned long) getpid(),
        "root's claim is intact: %s", read_file(q, got, sizeof got));
  join(q, sizeof q, mine.dir, SEP "7002");
  CHECK(!exists(q), "nobody wrote nothing into root's dir");
  join(q, sizeof q, p, SEP "claims");
  CHECK(p4m_claims_open(&c, q, 0, &e) == -1 &&
        strcmp(e.step, "is not owned by you") == 0,
        "root refuses nobody's dir too: %s", etext(&e));
}

static int rm_rf(const char *path)
{
  char cmd[2200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
  return system(cmd);
}
#endif /* !_WIN32 */

#ifdef _WIN32
/* ------------------------------------------------------------------ */
/* Windows: races between processes (this program, started again)      */

/* Child: test_claims --race-child DIR PORT GOFILE.  Waits until GOFILE
   exists (the barrier), takes PORT; exit status 0 taken, 1 held, 2 error. */
static int race_child(const char *dir, int port, const char *go)
{
  p4m_claims c;
  p4m_claims_error e;
  double until;
  int rc, waited = 0;
  if (p4m_claims_open(&c, dir, 0, &e) != 0 || !c.usable) return 2;
  while (GetFileAttributesA(go) == INVALID_FILE_ATTRIBUTES) {
    if (++waited > 60000) return 3;
    Sleep(1);
  }
  rc = p4m_claims_take(&c, port, 5000, 30, &until, &e);
  if (rc < 0) fprintf(stderr, "child: %s\n", etext(&e));
  return rc < 0 ? 2 : rc;
}

static void test_races_windows(void)
{
  enum { N = 8, ROUNDS = 6 };
  p4m_claims c;
  char self[MAX_PATH], qself[MAX_PATH + 2], qdir[PBUF + 2], qgo[PBUF + 2];
  char go[PBUF], portstr[16], p[PBUF];
  int round, i;
  if (open_new(&c, "race") != 0) { n_fail++; return; }
  if (GetModuleFileNameA(NULL, self, sizeof self) == 0) { n_fail++; return; }
  snprintf(qself, sizeof qself, "\"%s\"", self);
  snprintf(qdir, sizeof qdir, "\"%s\"", c.dir);
  for (round = 0; round < ROUNDS; round++) {
    intptr_t h[N];
    int counts[5] = { 0, 0, 0, 0, 0 };
    snprintf(go, sizeof go, "%s\\go%d", base, round);
    snprintf(qgo, sizeof qgo, "\"%s\"", go);
    snprintf(portstr, sizeof portstr, "%d", 10000 + round);
    snprintf(p, sizeof p, "%s\\%d", c.dir, 10000 + round);
    if (round % 2 == 1) write_file(p, round % 4 == 1 ? "garbage" : "4000.000 1\n");
    fflush(stdout);
    for (i = 0; i < N; i++)
      h[i] = _spawnl(_P_NOWAIT, self, qself, "--race-child", qdir, portstr,
                     qgo, (const char *) NULL);
    write_file(go, "go");
    for (i = 0; i < N; i++) {
      int status = 4;
      if (h[i] == -1 || _cwait(&status, h[i], 0) == -1 || status < 0 ||
          status > 3)
        status = 4;
      counts[status]++;
    }
    CHECK(counts[0] == 1 && counts[1] == N - 1,
          "round %d: %d processes took the port, %d held, %d errors, "
          "%d timeouts, %d failed", round, counts[0], counts[1], counts[2],
          counts[3], counts[4]);
  }
}
#endif

#ifndef _WIN32
/* Signals that arrive while take() waits for the lock (a handler without
   SA_RESTART, as a program may have) cut its sleeps short: it must sleep on
   and take the port as soon as the lock is free, not hang. */
static void on_usr1(int sig) { (void) sig; }
static void test_lock_signals(void)
{
  p4m_claims c;
  p4m_claims_error e;
  int fd, status = -1, k, ended = 0;
  pid_t pid;
  double until;
  struct sigaction old_usr1;

  if (open_new(&c, "signalled") != 0) { n_fail++; return; }
  CHECK(p4m_claims_take(&c, 5100, 1000, 1, &until, &e) == 0, "lock file");
  fd = hold_lock(&c);
  CHECK(fd >= 0, "hold the lock");
  {
    /* the handler is set before fork(), so that no signal can reach the
       child before it has one */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;   /* no SA_RESTART */
    sigaction(SIGUSR1, &sa, &old_usr1);
  }
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    _exit(p4m_claims_take(&c, 5101, 1000, 1, &until, &e) == 0 ? 0 : 1);
  }
  sigaction(SIGUSR1, &old_usr1, NULL);
  for (k = 0; k < 20; k++) {
    struct timespec ts = { 0, 10000000L };
    nanosleep(&ts, NULL);
    if (pid > 0) kill(pid, SIGUSR1);
  }
  close(fd);   /* drops the lock */
  for (k = 0; k < 300 && !ended; k++) {   /* at most 3 s */
    struct timespec ts = { 0, 10000000L };
    if (waitpid(pid, &status, WNOHANG) == pid) ended = 1;
    else nanosleep(&ts, NULL);
  }
  if (!ended && pid > 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  CHECK(ended && WIFEXITED(status) && WEXITSTATUS(status) == 0,
        "interrupted by signals, take still gets the port once the lock is free");
}

/* A process started with its standard input closed (a daemon) gets
   descriptor 0 for the first file it opens: the claims code must close it
   again like any other, also when errno happens to hold EINTR already. */
static void test_fd_zero(void)
{
  p4m_claims c;
  pid_t pid;
  int status = -1;
  if (open_new(&c, "fdzero") != 0) { n_fail++; return; }
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    p4m_claims_error e;
    double until = 0;
    int bad = 0;
    close(0);
    errno = EINTR;
    if (p4m_claims_take(&c, 7000, 1000, 100, &until, &e) != 0) bad |= 1;
    if (fcntl(0, F_GETFD) != -1) bad |= 2;
    errno = EINTR;
    if (p4m_claims_check(&c, 7000, 1000, NULL, &e) != 1) bad |= 4;
    if (fcntl(0, F_GETFD) != -1) bad |= 8;
    errno = EINTR;
    if (p4m_claims_check(&c, 7001, 1000, NULL, &e) != 0) bad |= 16;
    if (fcntl(0, F_GETFD) != -1) bad |= 32;
    errno = EINTR;
    if (p4m_claims_release(&c, 7000, until, &e) != 0) bad |= 64;
    if (fcntl(0, F_GETFD) != -1) bad |= 128;
    errno = EINTR;
    if (p4m_claims_open(&c, c.dir, 0, &e) != 0 || !c.usable) bad |= 256;
    if (fcntl(0, F_GETFD) != -1) bad |= 512;
    _exit(bad == 0 ? 0 : (bad & 0x3FF) % 255 + 1);
  }
  CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
        WEXITSTATUS(status) == 0,
        "with descriptor 0 closed, every call closes what it opened (status %d)",
        WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}
#endif

#if defined(P4M_WRAP_IO) && !defined(_WIN32)
static void test_faults(void)
{
  p4m_claims c;
  p4m_claims_error e;
  char p[PBUF], want[PBUF + 64];
  int before = count_fds();

  /* replaced by another directory between lstat() and open() */
  if (open_new(&c, "swapped") != 0) { n_fail++; return; }
  snprintf(wrap_path, sizeof wrap_path, "%s", c.dir);
  wrap_what = W_SWAP_DIR;
  CHECK(p4m_claims_open(&c, wrap_path, 0, &e) == -1 && !c.usable && e.err == 0,
        "a directory replaced while opened is refused");
  snprintf(want, sizeof want, "'%s' was replaced while it was being opened",
           wrap_path);
  CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
  CHECK(count_fds() == before, "and its descriptor closed");

  /* replaced by a symbolic link between lstat() and open() */
  if (open_new(&c, "relinked") != 0) { n_fail++; return; }
  snprintf(wrap_path, sizeof wrap_path, "%s", c.dir);
  wrap_what = W_SWAP_LINK;
  CHECK(p4m_claims_open(&c, wrap_path, 0, &e) == -1 && !c.usable && e.err == 0,
        "a directory turned into a symbolic link while opened is refused");
  snprintf(want, sizeof want, "'%s' is a symbolic link", wrap_path);
  CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
  CHECK(count_fds() == before, "nothing left open");

  /* fstat() of the directory fails */
  if (open_new(&c, "nofstat") != 0) { n_fail++; return; }
  wrap_what = W_FSTAT_EIO;
  fstat_fail_in = 1;
  snprintf(p, sizeof p, "%s", c.dir);
  CHECK(p4m_claims_open(&c, p, 0, &e) == -1 && !c.usable && e.err == EIO,
        "fstat() failing is an error");
  snprintf(want, sizeof want, "cannot fstat '%s': %s", p, strerror(EIO));
  CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
  CHECK(count_fds() == before, "and its descriptor closed");
  wrap_what = W_NONE;

  /* mkdir() says EACCES for a parent that exists: creating goes on */
  path_of(wrap_path, sizeof wrap_path, "eacces");
  CHECK(mkdir(wrap_path, 0700) == 0, "parent");
  path_of(p, sizeof p, "eacces" SEP "claims");
  wrap_what = W_MKDIR_EACCES;
  CHECK(p4m_claims_open(&c, p, 1, &e) == 0 && c.usable,
        "EACCES from mkdir() of an existing parent: %s", etext(&e));
  /* ... but not for one that does not exist */
  path_of(wrap_path, sizeof wrap_path, "eacces2");
  CHECK(mkdir(wrap_path, 0700) == 0 && rmdir(wrap_path) == 0, "a name");
  path_of(p, sizeof p, "eacces2" SEP "claims");
  /* (the wrapper refuses only existing paths, so this one is created) */
  CHECK(p4m_claims_open(&c, p, 1, &e) == 0 && c.usable, "created: %s",
        etext(&e));
  wrap_what = W_NONE;

  /* mkdir() failing for a folder that does not exist is an error */
  path_of(wrap_path, sizeof wrap_path, "erofs");
  path_of(p, sizeof p, "erofs" SEP "claims");
  wrap_what = W_MKDIR_EROFS;
  CHECK(p4m_claims_open(&c, p, 1, &e) == -1 && !c.usable && e.err == EROFS,
        "EROFS from mkdir() is an error");
  snprintf(want, sizeof want, "cannot mkdir '%s': %s", wrap_path,
           strerror(EROFS));
  CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
  wrap_what = W_NONE;

  /* a folder created and removed again at once by someone else */
  path_of(wrap_path, sizeof wrap_path, "lost");
  wrap_what = W_MKDIR_LOST;
  CHECK(p4m_claims_open(&c, wrap_path, 1, &e) == -1 && !c.usable &&
        e.err == ENOENT, "a folder gone after mkdir(): an error");
  wrap_what = W_NONE;
  snprintf(want, sizeof want, "cannot open '%s': %s", wrap_path,
           strerror(ENOENT));
  CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));

  /* fchmod() of a new folder failing is an error, nothing left open */
  path_of(p, sizeof p, "nochmod");
  fchmod_errno = EPERM;
  CHECK(p4m_claims_open(&c, p, 1, &e) == -1 && !c.usable && e.err == EPERM,
        "fchmod() failing is an error");
  fchmod_errno = 0;
  snprintf(want, sizeof want, "cannot chmod '%s': %s", p, strerror(EPERM));
  CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
  CHECK(count_fds() == before, "and the folder closed");

  /* a lock file that is a symbolic link is refused also when only
     checking (create = 0), with its own message */
  if (open_new(&c, "linkedlock") != 0) { n_fail++; return; }
  {
    double until;
    char f[PBUF], l[PBUF];
    join(f, sizeof f, c.dir, SEP "5300");
    join(l, sizeof l, c.dir, SEP ".lock");
    CHECK(write_file(f, "1.000 1\n") == 0 && symlink(f, l) == 0,
          "an expired claim and a symlinked lock file");
    memset(&e, 0, sizeof e);
    CHECK(p4m_claims_check(&c, 5300, 1000, &until, &e) == -1 && e.err == 0,
          "check refuses a symlinked lock file");
    snprintf(want, sizeof want, "'%s' is a symbolic link", l);
    CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
    CHECK(exists(f), "and leaves the claim file alone");
  }

  /* a lock file that is a FIFO (opens read-write, but is no file) */
  if (open_new(&c, "fifolock") != 0) { n_fail++; return; }
  {
    double until;
    char l[PBUF];
    join(l, sizeof l, c.dir, SEP ".lock");
    CHECK(mkfifo(l, 0600) == 0, "a FIFO as the lock file");
    memset(&e, 0, sizeof e);
    CHECK(p4m_claims_take(&c, 5400, 1000, 1, &until, &e) == -1 && e.err == 0,
          "take refuses a FIFO as the lock file");
    snprintf(want, sizeof want, "'%s' is not a regular file", l);
    CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
    CHECK(count_fds() == before, "and closes it again");
  }

  /* fcntl() refusing the lock (ENOLCK, e.g. on some network file systems)
     is an error, and the lock file is closed again */
  if (open_new(&c, "nolock") != 0) { n_fail++; return; }
  {
    double until;
    fail_lock = 1;
    CHECK(p4m_claims_take(&c, 6100, 1000, 1, &until, &e) == -1 &&
          e.err == ENOLCK, "ENOLCK from fcntl() is an error");
    fail_lock = 0;
    snprintf(want, sizeof want, "cannot lock '%s" SEP ".lock': %s", c.dir,
             strerror(ENOLCK));
    CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
    CHECK(count_fds() == before, "and the lock file closed");
  }

  /* the claim file itself: fstat() failing, open() failing, slow reads,
     read() interrupted or failing */
  if (open_new(&c, "entries") != 0) { n_fail++; return; }
  {
    double until;
    char f[PBUF], big[100];
    CHECK(p4m_claims_take(&c, 6300, 1000, 100, &until, &e) == 0, "a claim");
    join(f, sizeof f, c.dir, SEP "6300");
    wrap_what = W_FSTAT_EIO;
    fstat_fail_in = 2;   /* the directory's, then the claim file's */
    CHECK(p4m_claims_check(&c, 6300, 1000, &until, &e) == -1 && e.err == EIO,
          "fstat() of a claim file failing is an error");
    wrap_what = W_NONE;
    snprintf(want, sizeof want, "cannot fstat '%s': %s", f, strerror(EIO));
    CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
    CHECK(count_fds() == before, "and the claim file closed");

    snprintf(openat_name, sizeof openat_name, "6300");
    openat_errno = EMFILE;
    openat_times = 1;
    CHECK(p4m_claims_check(&c, 6300, 1000, &until, &e) == -1 && e.err == EMFILE,
          "EMFILE opening a claim file is an error, not 'no claim'");
    snprintf(want, sizeof want, "cannot open '%s': %s", f, strerror(EMFILE));
    CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
    CHECK(exists(f), "and the claim is left alone");
    openat_errno = EACCES;   /* a file we may not read: not a claim */
    openat_times = 2;        /* (read again under the lock) */
    CHECK(p4m_claims_check(&c, 6300, 1000, &until, &e) == 0 && !exists(f),
          "EACCES: a claim file we may not read is no claim, and removed");
    CHECK(p4m_claims_take(&c, 6300, 1000, 100, &until, &e) == 0, "claim again");
    openat_errno = ENXIO;    /* e.g. a socket: not a claim */
    openat_times = 2;
    CHECK(p4m_claims_check(&c, 6300, 1000, &until, &e) == 0 && !exists(f),
          "ENXIO: no claim, and removed");
    openat_times = 0;

    /* what the second look under the lock finds decides: ... */
    CHECK(!exists(f), "no claim");
    openat_errno = EACCES;   /* first look: not a claim; then: missing */
    openat_times = 1;
    CHECK(p4m_claims_check(&c, 6300, 1000, &until, &e) == 0,
          "not a claim, then missing under the lock: no claim (%s)", etext(&e));
    CHECK(p4m_claims_take(&c, 6300, 1000, 100, &until, &e) == 0, "claim again");
    openat_times = 1;        /* first look: not a claim; then: a live one */
    until = 0;
    CHECK(p4m_claims_check(&c, 6300, 1000, &until, &e) == 1 && until == 1100,
          "a live claim found under the lock: claimed until %.3f", until);
    openat_times = 1;
    CHECK(p4m_claims_check(&c, 6300, 1000, NULL, &e) == 1,
          "the same, without asking until when");
    openat_times = 1;        /* first look: not a claim; then: an error */
    openat_then = EMFILE;
    CHECK(p4m_claims_check(&c, 6300, 1000, &until, &e) == -1 && e.err == EMFILE,
          "an error under the lock is an error");
    openat_then = 0;
    CHECK(exists(f), "and the claim is left alone");
    openat_errno = EMFILE;   /* release cannot read the claim: an error */
    openat_times = 1;
    CHECK(p4m_claims_release(&c, 6300, 1100, &e) == -1 && e.err == EMFILE &&
          exists(f), "release that cannot read the claim: an error");
    openat_times = 0;

    /* creating the claim file says "exists" though it does not (another
       program, not using the lock, made and removed it): try again, three
       times in all */
    CHECK(remove(f) == 0, "no claim");
    openat_errno = EEXIST;
    openat_create_only = 1;
    openat_times = 1;
    CHECK(p4m_claims_take(&c, 6300, 1000, 100, &until, &e) == 0 && exists(f),
          "EEXIST once: the second attempt takes the port (%s)", etext(&e));
    CHECK(remove(f) == 0, "no claim");
    openat_times = 2;
    CHECK(p4m_claims_take(&c, 6300, 1000, 100, &until, &e) == 0 && exists(f),
          "EEXIST twice: the third attempt takes the port (%s)", etext(&e));
    CHECK(remove(f) == 0, "no claim");
    openat_times = 3;
    memset(&e, 0, sizeof e);
    CHECK(p4m_claims_take(&c, 6300, 1000, 100, &until, &e) == -1 && !exists(f) &&
          e.err == EEXIST, "EEXIST three times: an error");
    snprintf(want, sizeof want, "cannot create '%s': %s", f, strerror(EEXIST));
    CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
    openat_times = 0;
    openat_create_only = 0;
    /* a claim that expires exactly now is expired */
    CHECK(write_file(f, "1000.000 1\n") == 0, "a claim until 1000.000");
    CHECK(p4m_claims_check(&c, 6300, 1000, &until, &e) == 0 && !exists(f),
          "check at its expiry: expired, removed");
    CHECK(write_file(f, "1000.000 1\n") == 0, "a claim until 1000.000");
    CHECK(p4m_claims_take(&c, 6300, 1000, 100, &until, &e) == 0 && until == 1100,
          "take at its expiry: taken over");

    read_mode = 1;
    CHECK(p4m_claims_check(&c, 6300, 1000, &until, &e) == 1 && until == 1100,
          "a claim read 7 bytes at a time");
    memset(big, '1', sizeof big);
    CHECK(write_file(f, "") == 0, "empty it");
    {
      FILE *fp = fopen(f, "w");
      if (fp != NULL) { fwrite(big, 1, sizeof big, fp); fclose(fp); }
    }
    CHECK(p4m_claims_check(&c, 6300, 1000, &until, &e) == 0 && !exists(f),
          "a 100-byte file read 7 bytes at a time is no claim");
    read_mode = 0;
    CHECK(p4m_claims_take(&c, 6300, 1000, 100, &until, &e) == 0, "claim again");
    read_mode = 2;
    CHECK(p4m_claims_check(&c, 6300, 1000, &until, &e) == 1 && until == 1100,
          "read() interrupted once: read again");
    read_mode = 3;
    CHECK(p4m_claims_check(&c, 6300, 1000, &until, &e) == -1 && e.err == EIO,
          "read() failing is an error");
    read_mode = 0;
    snprintf(want, sizeof want, "cannot read '%s': %s", f, strerror(EIO));
    CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
    CHECK(count_fds() == before, "and the claim file closed");
  }

  /* removing a dead claim: EROFS is an error naming remove; EPERM for a
     directory in its place (macOS) still removes it */
  if (open_new(&c, "removing") != 0) { n_fail++; return; }
  {
    double until;
    char f[PBUF];
    CHECK(p4m_claims_take(&c, 6400, 1000, 1, &until, &e) == 0, "a claim");
    join(f, sizeof f, c.dir, SEP "6400");
    unlink_errno = EROFS;
    CHECK(p4m_claims_check(&c, 6400, 2000, &until, &e) == -1 && e.err == EROFS,
          "EROFS removing an expired claim is an error");
    unlink_errno = 0;
    snprintf(want, sizeof want, "cannot remove '%s': %s", f, strerror(EROFS));
    CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
    CHECK(exists(f), "the claim is still there");
    CHECK(remove(f) == 0 && mkdir(f, 0700) == 0, "a directory in its place");
    unlink_errno = EPERM;
    CHECK(p4m_claims_check(&c, 6400, 2000, &until, &e) == 0 && !exists(f),
          "EPERM for a directory: removed all the same (%s)", etext(&e));
    unlink_errno = 0;
  }

  /* writing a claim: slowly, interrupted, failing (ENOSPC, nothing
     written, close() reporting EIO); a claim that cannot be written is an
     error and leaves no file behind */
  if (open_new(&c, "writing") != 0) { n_fail++; return; }
  {
    double until;
    char f[PBUF], got[128];
    static const struct { int mode, cerr, err; } cases[] = {
      { 3, 0, ENOSPC }, { 4, 0, EIO }, { 0, EIO, EIO }
    };
    size_t k;
    join(f, sizeof f, c.dir, SEP "6500");
    snprintf(want, sizeof want, "1001.000 %lu\n", GETPID());
    for (k = 0; k < 3; k++) {
      static const int caps[] = { 1, 3, 4 };
      struct stat st;
      write_cap = caps[k];
      write_mode = 1;
      CHECK(p4m_claims_take(&c, 6500, 1000, 1, &until, &e) == 0 && until == 1001,
            "a claim written %d bytes at a time: %s", write_cap, etext(&e));
      write_mode = 0;
      CHECK(strcmp(read_file(f, got, sizeof got), want) == 0 &&
            stat(f, &st) == 0 && (size_t) st.st_size == strlen(want),
            "reads '%s'", got);
      CHECK(remove(f) == 0, "remove it");
    }
    /* a claim file that cannot be created (not: exists) is an error */
    snprintf(openat_name, sizeof openat_name, "6500");
    openat_errno = EDQUOT;
    openat_times = 1;
    CHECK(p4m_claims_take(&c, 6500, 1000, 1, &until, &e) == -1 &&
          e.err == EDQUOT && !exists(f), "EDQUOT creating a claim file");
    openat_times = 0;
    {
      char w2[PBUF + 64];
      snprintf(w2, sizeof w2, "cannot create '%s': %s", f, strerror(EDQUOT));
      CHECK(strcmp(etext(&e), w2) == 0, "text: %s", etext(&e));
    }
    write_mode = 2;
    close_errno = EINTR;   /* EINTR from close(): the file is written */
    CHECK(p4m_claims_take(&c, 6500, 1000, 1, &until, &e) == 0 &&
          strcmp(read_file(f, got, sizeof got), want) == 0,
          "write() and close() interrupted: written all the same");
    write_mode = 0;
    close_errno = 0;
    CHECK(remove(f) == 0, "remove it");
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
      memset(&e, 0, sizeof e);
      write_mode = cases[k].mode;
      close_errno = cases[k].cerr;
      CHECK(p4m_claims_take(&c, 6500, 1000, 1, &until, &e) == -1 &&
            e.err == cases[k].err && !exists(f),
            "a claim that cannot be written (case %d): an error, no file",
            (int) k);
      write_mode = 0;
      close_errno = 0;
      snprintf(want, sizeof want, "cannot write '%s': %s", f,
               strerror(cases[k].err));
      CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
      CHECK(count_fds() == before, "no descriptor left open");
    }
  }

  /* a lock that another process never gives up: the wait ends after
     P4M_LOCK_WAIT_US (counted, with nanosleep() returning at once here) */
  if (open_new(&c, "heldlock") != 0) { n_fail++; return; }
  {
    int go[2], done[2], status = -1;
    char ch = 0;
    double until;
    pid_t pid;
    CHECK(p4m_claims_take(&c, 6200, 1000, 1, &until, &e) == 0, "lock file");
    if (pipe(go) != 0 || pipe(done) != 0) { n_fail++; return; }
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
      close(go[0]);
      close(done[1]);
      if (hold_lock(&c) < 0) _exit(1);
      if (write(go[1], "g", 1) != 1) _exit(1);
      if (read(done[0], &ch, 1) < 0) _exit(1);   /* until the parent is done */
      _exit(0);
    }
    close(go[1]);
    close(done[0]);
    CHECK(pid > 0 && read(go[0], &ch, 1) == 1, "another process holds the lock");
    fast_sleep = 1;
    n_sleeps = 0;
    CHECK(p4m_claims_take(&c, 6201, 1000, 1, &until, &e) == -1 &&
          e.err == ETIMEDOUT, "a lock held for ever: take gives up (%s)",
          etext(&e));
    CHECK(n_sleeps > 100, "after waiting (%ld sleeps)", n_sleeps);
    fast_sleep = 0;
    snprintf(want, sizeof want, "cannot lock '%s" SEP ".lock': %s", c.dir,
             strerror(ETIMEDOUT));
    CHECK(strcmp(etext(&e), want) == 0, "text: %s", etext(&e));
    close(done[1]);
    close(go[0]);
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
          WEXITSTATUS(status) == 0, "the holder");
    CHECK(count_fds() == before, "and the lock file closed");
  }
}
#endif

int main(int argc, char **argv)
{
  const char *tmp = getenv("TMPDIR");
#ifdef _WIN32
  char tbuf[MAX_PATH];
  if (argc == 5 && strcmp(argv[1], "--race-child") == 0)
    return race_child(argv[2], atoi(argv[3]), argv[4]);
  if (tmp == NULL || tmp[0] == '\0') {
    GetTempPathA(sizeof tbuf, tbuf);
    tmp = tbuf;
  }
  {
    size_t k = strlen(tmp);
    while (k > 3 && (tmp[k - 1] == '\\' || tmp[k - 1] == '/')) k--;
    snprintf(base, sizeof base, "%.*s\\p4m-claims-%lu", (int) k, tmp, GETPID());
  }
  if (MKDIR(base) != 0) { printf("cannot create %s\n", base); return 2; }
#else
  int fds_before = count_fds();
  (void) argc;
  (void) argv;
  if (tmp == NULL || tmp[0] == '\0') tmp = "/tmp";
  join(base, sizeof base, tmp, SEP "p4m-claims.XXXXXX");
  if (mkdtemp(base) == NULL) { perror("mkdtemp"); return 2; }
#endif

  test_parse();
  test_missing_dir();
  test_basic();
  test_check_writes_nothing();
  test_bad_arguments();
#ifndef _WIN32
  test_links_and_modes();
  test_fd_zero();
  test_lock_signals();
#ifdef P4M_WRAP_IO
  test_faults();
#endif
  test_lock_wait();
  test_races();
  if (geteuid() == 0) test_other_user();
  else printf("skip: the tests with a second user need root\n");
  CHECK(count_fds() == fds_before, "no descriptor leaked (%d before, %d after)",
        fds_before, count_fds());
  rm_rf(base);
#else
  test_races_windows();
  {
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rmdir /s /q \"%s\"", base);
    system(cmd);
  }
#endif
  printf("test_claims: %d passed, %d failed\n", n_pass, n_fail);
  return n_fail == 0 ? 0 : 1;
}
