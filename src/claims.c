/*
 * claims.c - port claims (SPEC section 8); see claims.h for the format, the
 * locking protocol and the security checks.
 *
 * Layout: the claim file format (parse/format, no system calls), then the
 * platform layer (POSIX, or Win32 under _WIN32) - open and check the
 * directory, take and drop the lock, read/create/remove one entry - and last
 * the public functions, which are the same on both platforms.
 */

/* Feature-test macros only where they widen the set of names (see
   freeport.c): on macOS and the BSDs everything needed is visible by
   default, and _POSIX_C_SOURCE would hide some of it. */
#if !defined(_WIN32) && !defined(__APPLE__) && !defined(__FreeBSD__) && \
    !defined(__NetBSD__) && !defined(__OpenBSD__) && !defined(__DragonFly__)
# ifndef _POSIX_C_SOURCE
#  define _POSIX_C_SOURCE 200809L
# endif
#endif

#include "claims.h"
#include "portset.h"   /* P4M_PORT_MAX */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifdef _WIN32
# ifndef WIN32_LEAN_AND_MEAN
#  define WIN32_LEAN_AND_MEAN
# endif
# include <windows.h>
#else
# include <fcntl.h>
# include <time.h>
# include <unistd.h>
# include <sys/stat.h>
# include <sys/types.h>
# ifndef O_CLOEXEC
#  define O_CLOEXEC 0
# endif
# ifndef O_DIRECTORY
#  define O_DIRECTORY 0   /* the fstat() check below still applies */
# endif
# ifndef O_NOFOLLOW
#  define O_NOFOLLOW 0    /* the lstat()/fstat() device+inode check still applies */
# endif
#endif

#define P4M_LOCK_NAME ".lock"
/* Waiting for the lock: the holder keeps it for a few system calls, so a
   wait this long means a stopped or hung process. */
#define P4M_LOCK_WAIT_US 10000000L

/* ------------------------------------------------------------------ */
/* The claim file format                                                */

static int p4m_isdigit(char ch) { return ch >= '0' && ch <= '9'; }

int p4m_claims_parse(const char *buf, size_t n, p4m_claim_record *rec)
{
  size_t i = 0, start;
  unsigned long long sec = 0, ms = 0;
  unsigned long pid = 0;
  int has_pid = 0;

  if (buf == NULL || rec == NULL) return -1;
  if (n > P4M_CLAIMS_FILE_MAX) return -1;

  /* seconds: 1 to 12 digits (keeps the milliseconds below 2^53) */
  start = i;
  while (i < n && p4m_isdigit(buf[i]) && i - start < 12) {
    sec = sec * 10u + (unsigned long long) (buf[i] - '0');
    i++;
  }
  if (i == start || (i < n && p4m_isdigit(buf[i]))) return -1;

  /* optional fraction: 1 to 9 digits, the first three are milliseconds */
  if (i < n && buf[i] == '.') {
    size_t k = 0;
    i++;
    while (i < n && p4m_isdigit(buf[i]) && k < 9) {
      if (k < 3) ms = ms * 10u + (unsigned long long) (buf[i] - '0');
      i++;
      k++;
    }
    if (k == 0 || (i < n && p4m_isdigit(buf[i]))) return -1;
    for (; k < 3; k++) ms *= 10u;
  }

  /* optional pid: one space, 1 to 10 digits, at most 4294967295 */
  if (i < n && buf[i] == ' ') {
    unsigned long long p = 0;
    i++;
    start = i;
    while (i < n && p4m_isdigit(buf[i]) && i - start < 10) {
      p = p * 10u + (unsigned long long) (buf[i] - '0');
      i++;
    }
    if (i == start || (i < n && p4m_isdigit(buf[i]))) return -1;
    if (p > 4294967295ull) return -1;
    pid = (unsigned long) p;
    has_pid = 1;
  }

  /* optional final newline, then nothing */
  if (i < n && buf[i] == '\n') i++;
  if (i != n) return -1;

  rec->expiry_ms = sec * 1000u + ms;
  rec->pid = pid;
  rec->has_pid = has_pid;
  return 0;
}

/* Decimal digits of v into out (no NUL), returns the count (1..20). */
static size_t p4m_utoa(unsigned long long v, char *out)
{
  char tmp[24];
  size_t k = 0, i;
  do {
    tmp[k++] = (char) ('0' + (int) (v % 10u));
    v /= 10u;
  } while (v != 0);
  for (i = 0; i < k; i++) out[i] = tmp[k - 1 - i];
  return k;
}

size_t p4m_claims_format(char *buf, size_t n, const p4m_claim_record *rec)
{
  char tmp[64];
  size_t k;
  unsigned long long ms;

  if (buf != NULL && n > 0) buf[0] = '\0';
  if (buf == NULL || rec == NULL) return 0;
  /* written text must parse again: seconds up to 12 digits */
  if (rec->expiry_ms / 1000u > 999999999999ull) return 0;
  k = p4m_utoa(rec->expiry_ms / 1000u, tmp);
  ms = rec->expiry_ms % 1000u;
  tmp[k++] = '.';
  tmp[k++] = (char) ('0' + (int) (ms / 100u));
  tmp[k++] = (char) ('0' + (int) (ms / 10u % 10u));
  tmp[k++] = (char) ('0' + (int) (ms % 10u));
  if (rec->has_pid) {
    if (rec->pid > 4294967295ul) return 0;
    tmp[k++] = ' ';
    k += p4m_utoa((unsigned long long) rec->pid, tmp + k);
  }
  tmp[k++] = '\n';
  if (k + 1 > n) return 0;
  memcpy(buf, tmp, k);
  buf[k] = '\0';
  return k;
}

/* ------------------------------------------------------------------ */
/* Errors and paths                                                     */

static void p4m_fail(p4m_claims_error *err, int e, const char *step,
                     const char *dir, const char *name)
{
  if (err == NULL) return;
  err->err = e;
  err->step = step;
  err->path[0] = '\0';
  if (dir == NULL) return;
  if (name == NULL) {
    snprintf(err->path, sizeof err->path, "%s", dir);
  } else {
#ifdef _WIN32
    snprintf(err->path, sizeof err->path, "%s\\%s", dir, name);
#else
    snprintf(err->path, sizeof err->path, "%s/%s", dir, name);
#endif
  }
}

const char *p4m_claims_error_text(const p4m_claims_error *e, char *buf,
                                  size_t n)
{
  const char *step;
  if (buf == NULL || n == 0) return "";
  if (e == NULL) {
    snprintf(buf, n, "%s", "no error information");
    return buf;
  }
  step = (e->step != NULL && e->step[0] != '\0') ? e->step : "claims";
  if (e->err != 0) {
    if (e->path[0] != '\0')
      snprintf(buf, n, "cannot %s '%s': %s", step, e->path, strerror(e->err));
    else
      snprintf(buf, n, "cannot %s: %s", step, strerror(e->err));
  } else if (e->path[0] != '\0') {
    snprintf(buf, n, "'%s' %s", e->path, step);
  } else {
    snprintf(buf, n, "%s", step);
  }
  return buf;
}

static int p4m_is_sep(char ch)
{
#ifdef _WIN32
  return ch == '/' || ch == '\\';
#else
  return ch == '/';
#endif
}

static int p4m_is_absolute(const char *p)
{
#ifdef _WIN32
  if (p4m_is_sep(p[0]) && p4m_is_sep(p[1])) return 1;           /* \\server */
  return ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
         p[1] == ':' && p4m_is_sep(p[2]);                        /* C:\ */
#else
  return p[0] == '/';
#endif
}

/* Port number as a file name: "1".."65535". */
static void p4m_port_name(int port, char name[8])
{
  size_t k = p4m_utoa((unsigned long long) port, name);
  name[k] = '\0';
}

/* Whole milliseconds: t in [0, 2^53) */
static unsigned long long p4m_floor_ms(double s)
{
  return (unsigned long long) (s * 1000.0);
}
static unsigned long long p4m_ceil_ms(double s)
{
  double x = s * 1000.0;
  unsigned long long t = (unsigned long long) x;
  if ((double) t < x) t++;
  return t;
}

static int p4m_valid_now(double now)
{
  return now >= 0.0 && now <= P4M_CLAIMS_NOW_MAX;   /* false for NaN */
}

/* ------------------------------------------------------------------ */
/* Platform layer                                                       */

enum { P4M_E_MISSING = 0, P4M_E_BAD = 1, P4M_E_OK = 2 };

#ifdef _WIN32

typedef HANDLE p4m_dirh;
typedef HANDLE p4m_lockh;
# define P4M_NO_DIR  INVALID_HANDLE_VALUE
# define P4M_NO_LOCK INVALID_HANDLE_VALUE

static int p4m_win_errno(DWORD e)
{
  switch (e) {
  case ERROR_FILE_NOT_FOUND: case ERROR_PATH_NOT_FOUND:
  case ERROR_INVALID_DRIVE: case ERROR_BAD_NETPATH: case ERROR_BAD_NET_NAME:
    return ENOENT;
  case ERROR_ACCESS_DENIED: case ERROR_SHARING_VIOLATION:
  case ERROR_PRIVILEGE_NOT_HELD:
    return EACCES;
  case ERROR_FILE_EXISTS: case ERROR_ALREADY_EXISTS: return EEXIST;
  case ERROR_FILENAME_EXCED_RANGE: return ENAMETOOLONG;
  case ERROR_DISK_FULL: case ERROR_HANDLE_DISK_FULL: return ENOSPC;
  case ERROR_WRITE_PROTECT: return EROFS;
  case ERROR_DIRECTORY: return ENOTDIR;
  case ERROR_INVALID_NAME: case ERROR_BAD_PATHNAME: return EINVAL;
  case ERROR_LOCK_VIOLATION: case ERROR_NOT_LOCKED: return ENOLCK;
  case ERROR_NOT_ENOUGH_MEMORY: case ERROR_OUTOFMEMORY: return ENOMEM;
  case ERROR_TOO_MANY_OPEN_FILES: return EMFILE;
  case ERROR_DIR_NOT_EMPTY: return ENOTEMPTY;
  default: return EIO;
  }
}

static int p4m_path(char *buf, size_t n, const char *dir, const char *name)
{
  int k = snprintf(buf, n, "%s\\%s", dir, name);
  return (k < 0 || (size_t) k >= n) ? -1 : 0;
}

static int p4m_isdir_path(const char *path)
{
  DWORD a = GetFileAttributesA(path);
  return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

/* 0: *h open on the checked directory; 1: it does not exist; -1: error */
static int p4m_dir_open(const char *dir, p4m_dirh *h, p4m_claims_error *err)
{
  BY_HANDLE_FILE_INFORMATION info;
  DWORD a = GetFileAttributesA(dir);
  *h = P4M_NO_DIR;
  if (a == INVALID_FILE_ATTRIBUTES) {
    int e = p4m_win_errno(GetLastError());
    if (e == ENOENT) return 1;
    p4m_fail(err, e, "stat", dir, NULL);
    return -1;
  }
  if (a & FILE_ATTRIBUTE_REPARSE_POINT) {
    p4m_fail(err, 0, "is a symbolic link or junction", dir, NULL);
    return -1;
  }
  if (!(a & FILE_ATTRIBUTE_DIRECTORY)) {
    p4m_fail(err, 0, "is not a directory", dir, NULL);
    return -1;
  }
  /* Held without FILE_SHARE_DELETE: the directory cannot be renamed or
     replaced while it is open. */
  *h = CreateFileA(dir, FILE_READ_ATTRIBUTES, FILE_SHARE_READ | FILE_SHARE_WRITE,
                   NULL, OPEN_EXISTING,
                   FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT,
                   NULL);
  if (*h == INVALID_HANDLE_VALUE) {
    int e = p4m_win_errno(GetLastError());
    if (e == ENOENT) return 1;
    p4m_fail(err, e, "open", dir, NULL);
    return -1;
  }
  if (!GetFileInformationByHandle(*h, &info)) {
    p4m_fail(err, p4m_win_errno(GetLastError()), "stat", dir, NULL);
    CloseHandle(*h);
    *h = P4M_NO_DIR;
    return -1;
  }
  if ((info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ||
      !(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
    p4m_fail(err, 0, "was replaced while it was being opened", dir, NULL);
    CloseHandle(*h);
    *h = P4M_NO_DIR;
    return -1;
  }
  return 0;
}

static void p4m_dir_close(p4m_dirh h)
{
  if (h != P4M_NO_DIR) CloseHandle(h);
}

static int p4m_mkdir(const char *path, int *e)
{
  if (CreateDirectoryA(path, NULL)) return 0;
  *e = p4m_win_errno(GetLastError());
  return -1;
}

static int p4m_dir_chmod(p4m_dirh h)
{
  (void) h;   /* the ACL inherited from the parent applies */
  return 0;
}

/* 0: locked; 1: no lock file and create = 0; -1: error */
static int p4m_lock(p4m_dirh dh, const char *dir, int create, p4m_lockh *lk,
                    p4m_claims_error *err)
{
  char path[P4M_CLAIMS_DIR_MAX + 16];
  BY_HANDLE_FILE_INFORMATION info;
  long waited = 0, step = 1;
  (void) dh;
  *lk = P4M_NO_LOCK;
  if (p4m_path(path, sizeof path, dir, P4M_LOCK_NAME) != 0) {
    p4m_fail(err, ENAMETOOLONG, "open", dir, P4M_LOCK_NAME);
    return -1;
  }
  *lk = CreateFileA(path, GENERIC_READ | GENERIC_WRITE,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, create ? OPEN_ALWAYS : OPEN_EXISTING,
                    FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
  if (*lk == INVALID_HANDLE_VALUE) {
    int e = p4m_win_errno(GetLastError());
    if (e == ENOENT && !create) return 1;
    p4m_fail(err, e, "open", dir, P4M_LOCK_NAME);
    return -1;
  }
  if (!GetFileInformationByHandle(*lk, &info) ||
      (info.dwFileAttributes &
       (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY))) {
    p4m_fail(err, 0, "is not a regular file", dir, P4M_LOCK_NAME);
    CloseHandle(*lk);
    *lk = P4M_NO_LOCK;
    return -1;
  }
  for (;;) {
    OVERLAPPED ov;
    DWORD e;
    memset(&ov, 0, sizeof ov);
    if (LockFileEx(*lk, LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY,
                   0, 1, 0, &ov))
      return 0;
    e = GetLastError();
    if (e != ERROR_LOCK_VIOLATION && e != ERROR_IO_PENDING) {
      p4m_fail(err, p4m_win_errno(e), "lock", dir, P4M_LOCK_NAME);
      break;
    }
    if (waited * 1000L >= P4M_LOCK_WAIT_US) {
      p4m_fail(err, ETIMEDOUT, "lock", dir, P4M_LOCK_NAME);
      break;
    }
    Sleep((DWORD) step);
    waited += step;
    if (step < 8) step *= 2;
  }
  CloseHandle(*lk);
  *lk = P4M_NO_LOCK;
  return -1;
}

static void p4m_unlock(p4m_lockh lk)
{
  if (lk != P4M_NO_LOCK) {
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    UnlockFileEx(lk, 0, 1, 0, &ov);
    CloseHandle(lk);
  }
}

/* P4M_E_MISSING, P4M_E_BAD (not a claim), P4M_E_OK (*rec filled), -1 */
static int p4m_entry_read(p4m_dirh dh, const char *dir, const char *name,
                          p4m_claim_record *rec, p4m_claims_error *err)
{
  char path[P4M_CLAIMS_DIR_MAX + 16];
  char buf[P4M_CLAIMS_FILE_MAX + 1];
  BY_HANDLE_FILE_INFORMATION info;
  DWORD got = 0;
  size_t n = 0;
  HANDLE h;
  int res = P4M_E_BAD;
  (void) dh;
  if (p4m_path(path, sizeof path, dir, name) != 0) {
    p4m_fail(err, ENAMETOOLONG, "open", dir, name);
    return -1;
  }
  h = CreateFileA(path, GENERIC_READ,
                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                  NULL, OPEN_EXISTING, FILE_FLAG_OPEN_REPARSE_POINT, NULL);
  if (h == INVALID_HANDLE_VALUE) {
    int e = p4m_win_errno(GetLastError());
    if (e == ENOENT) return P4M_E_MISSING;
    if (e == EACCES) return P4M_E_BAD;   /* a directory, or delete pending */
    p4m_fail(err, e, "open", dir, name);
    return -1;
  }
  if (GetFileInformationByHandle(h, &info) &&
      !(info.dwFileAttributes &
        (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY))) {
    while (n < sizeof buf) {
      if (!ReadFile(h, buf + n, (DWORD) (sizeof buf - n), &got, NULL)) {
        p4m_fail(err, p4m_win_errno(GetLastError()), "read", dir, name);
        CloseHandle(h);
        return -1;
      }
      if (got == 0) break;
      n += got;
    }
    if (n <= P4M_CLAIMS_FILE_MAX && p4m_claims_parse(buf, n, rec) == 0)
      res = P4M_E_OK;
  }
  CloseHandle(h);
  return res;
}

static int p4m_entry_remove(p4m_dirh dh, const char *dir, const char *name,
                            p4m_claims_error *err)
{
  char path[P4M_CLAIMS_DIR_MAX + 16];
  DWORD e;
  (void) dh;
  if (p4m_path(path, sizeof path, dir, name) != 0) {
    p4m_fail(err, ENAMETOOLONG, "remove", dir, name);
    return -1;
  }
  if (DeleteFileA(path)) return 0;
  e = GetLastError();
  if (e == ERROR_FILE_NOT_FOUND) return 0;
  if (e == ERROR_ACCESS_DENIED && p4m_isdir_path(path) &&
      RemoveDirectoryA(path))
    return 0;
  p4m_fail(err, p4m_win_errno(e), "remove", dir, name);
  return -1;
}

/* 0: created and written; 1: exists; -1: error */
static int p4m_entry_create(p4m_dirh dh, const char *dir, const char *name,
                            const char *text, size_t len,
                            p4m_claims_error *err)
{
  char path[P4M_CLAIMS_DIR_MAX + 16];
  HANDLE h = INVALID_HANDLE_VALUE;
  size_t done = 0;
  int tries;
  (void) dh;
  if (p4m_path(path, sizeof path, dir, name) != 0) {
    p4m_fail(err, ENAMETOOLONG, "create", dir, name);
    return -1;
  }
  /* A removed file that another process still has open stays "delete
     pending" for a moment, and creating the name again is refused with
     ERROR_ACCESS_DENIED until it is gone. */
  for (tries = 0; tries < 1000; tries++) {
    DWORD e;
    h = CreateFileA(path, GENERIC_WRITE,
                    FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                    NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h != INVALID_HANDLE_VALUE) break;
    e = GetLastError();
    if (e == ERROR_FILE_EXISTS || e == ERROR_ALREADY_EXISTS) return 1;
    if (e != ERROR_ACCESS_DENIED || p4m_isdir_path(path)) {
      p4m_fail(err, p4m_win_errno(e), "create", dir, name);
      return -1;
    }
    Sleep(1);
  }
  if (h == INVALID_HANDLE_VALUE) {
    p4m_fail(err, EACCES, "create", dir, name);
    return -1;
  }
  while (done < len) {
    DWORD put = 0;
    if (!WriteFile(h, text + done, (DWORD) (len - done), &put, NULL) ||
        put == 0) {
      p4m_fail(err, p4m_win_errno(GetLastError()), "write", dir, name);
      CloseHandle(h);
      DeleteFileA(path);
      return -1;
    }
    done += put;
  }
  if (!CloseHandle(h)) {
    p4m_fail(err, p4m_win_errno(GetLastError()), "write", dir, name);
    DeleteFileA(path);
    return -1;
  }
  return 0;
}

static unsigned long p4m_self_pid(void)
{
  return (unsigned long) GetCurrentProcessId();
}

#else /* POSIX */

typedef int p4m_dirh;
typedef int p4m_lockh;
# define P4M_NO_DIR  (-1)
# define P4M_NO_LOCK (-1)

static int p4m_isdir_path(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void p4m_close(int fd)
{
  /* close() is not retried on EINTR: the descriptor is gone either way on
     Linux, and retrying could close a descriptor another thread opened. */
  if (fd >= 0) (void) close(fd);
}

/* 0: *h open on the checked directory; 1: it does not exist; -1: error */
static int p4m_dir_open(const char *dir, p4m_dirh *h, p4m_claims_error *err)
{
  struct stat ls, fs;
  int fd;
  *h = P4M_NO_DIR;
  if (lstat(dir, &ls) != 0) {
    if (errno == ENOENT) return 1;
    p4m_fail(err, errno, "lstat", dir, NULL);
    return -1;
  }
  if (S_ISLNK(ls.st_mode)) {
    p4m_fail(err, 0, "is a symbolic link", dir, NULL);
    return -1;
  }
  if (!S_ISDIR(ls.st_mode)) {
    p4m_fail(err, 0, "is not a directory", dir, NULL);
    return -1;
  }
  do {
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == ENOENT) return 1;   /* removed since lstat() */
    if (errno == ELOOP) {
      p4m_fail(err, 0, "is a symbolic link", dir, NULL);
    } else {
      p4m_fail(err, errno, "open", dir, NULL);
    }
    return -1;
  }
  if (fstat(fd, &fs) != 0) {
    p4m_fail(err, errno, "fstat", dir, NULL);
    p4m_close(fd);
    return -1;
  }
  if (!S_ISDIR(fs.st_mode) || fs.st_dev != ls.st_dev || fs.st_ino != ls.st_ino) {
    p4m_fail(err, 0, "was replaced while it was being opened", dir, NULL);
    p4m_close(fd);
    return -1;
  }
  if (fs.st_uid != geteuid()) {
    p4m_fail(err, 0, "is not owned by you", dir, NULL);
    p4m_close(fd);
    return -1;
  }
  if ((fs.st_mode & 077) != 0) {
    p4m_fail(err, 0, "is open to group or others (must be mode 0700)", dir,
             NULL);
    p4m_close(fd);
    return -1;
  }
  *h = fd;
  return 0;
}

static void p4m_dir_close(p4m_dirh h) { p4m_close(h); }

static int p4m_mkdir(const char *path, int *e)
{
  if (mkdir(path, 0700) == 0) return 0;
  *e = errno;
  return -1;
}

static int p4m_dir_chmod(p4m_dirh h)
{
  return fchmod(h, 0700) == 0 ? 0 : errno;
}

static void p4m_sleep_us(long us)
{
  struct timespec ts;
  ts.tv_sec = us / 1000000L;
  ts.tv_nsec = (us % 1000000L) * 1000L;
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) { /* rest of it */ }
}

/* 0: locked; 1: no lock file and create = 0; -1: error */
static int p4m_lock(p4m_dirh dh, const char *dir, int create, p4m_lockh *lk,
                    p4m_claims_error *err)
{
  struct stat st;
  long waited = 0, step = 50;
  int fd;
  *lk = P4M_NO_LOCK;
  do {
    fd = openat(dh, P4M_LOCK_NAME,
                O_RDWR | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == ENOENT && !create) return 1;
    if (errno == ELOOP)
      p4m_fail(err, 0, "is a symbolic link", dir, P4M_LOCK_NAME);
    else
      p4m_fail(err, errno, "open", dir, P4M_LOCK_NAME);
    return -1;
  }
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    p4m_fail(err, 0, "is not a regular file", dir, P4M_LOCK_NAME);
    p4m_close(fd);
    return -1;
  }
  for (;;) {
    struct flock fl;
    memset(&fl, 0, sizeof fl);
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    fl.l_start = 0;
    fl.l_len = 0;
    if (fcntl(fd, F_SETLK, &fl) == 0) {
      *lk = fd;
      return 0;
    }
    if (errno == EINTR) continue;
    if (errno != EACCES && errno != EAGAIN) {
      p4m_fail(err, errno, "lock", dir, P4M_LOCK_NAME);
      break;
    }
    if (waited >= P4M_LOCK_WAIT_US) {
      p4m_fail(err, ETIMEDOUT, "lock", dir, P4M_LOCK_NAME);
      break;
    }
    p4m_sleep_us(step);
    waited += step;
    if (step < 5000) step *= 2;
  }
  p4m_close(fd);
  return -1;
}

/* Closing the descriptor drops the fcntl() lock. */
static void p4m_unlock(p4m_lockh lk) { p4m_close(lk); }

/* P4M_E_MISSING, P4M_E_BAD (not a claim), P4M_E_OK (*rec filled), -1 */
static int p4m_entry_read(p4m_dirh dh, const char *dir, const char *name,
                          p4m_claim_record *rec, p4m_claims_error *err)
{
  char buf[P4M_CLAIMS_FILE_MAX + 1];
  struct stat st;
  size_t n = 0;
  int fd, res = P4M_E_BAD;
  do {
    fd = openat(dh, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == ENOENT) return P4M_E_MISSING;
    /* a symbolic link (never followed), or a file we may not read */
    if (errno == ELOOP || errno == EACCES || errno == ENXIO) return P4M_E_BAD;
    p4m_fail(err, errno, "open", dir, name);
    return -1;
  }
  if (fstat(fd, &st) != 0) {
    p4m_fail(err, errno, "fstat", dir, name);
    p4m_close(fd);
    return -1;
  }
  if (S_ISREG(st.st_mode) && st.st_uid == geteuid()) {
    while (n < sizeof buf) {
      ssize_t got = read(fd, buf + n, sizeof buf - n);
      if (got < 0) {
        if (errno == EINTR) continue;
        p4m_fail(err, errno, "read", dir, name);
        p4m_close(fd);
        return -1;
      }
      if (got == 0) break;
      n += (size_t) got;
    }
    if (n <= P4M_CLAIMS_FILE_MAX && p4m_claims_parse(buf, n, rec) == 0)
      res = P4M_E_OK;
  }
  p4m_close(fd);
  return res;
}

static int p4m_entry_remove(p4m_dirh dh, const char *dir, const char *name,
                            p4m_claims_error *err)
{
  if (unlinkat(dh, name, 0) == 0 || errno == ENOENT) return 0;
  if ((errno == EISDIR || errno == EPERM) &&
      (unlinkat(dh, name, AT_REMOVEDIR) == 0 || errno == ENOENT))
    return 0;
  p4m_fail(err, errno, "remove", dir, name);
  return -1;
}

/* 0: created and written; 1: exists; -1: error */
static int p4m_entry_create(p4m_dirh dh, const char *dir, const char *name,
                            const char *text, size_t len,
                            p4m_claims_error *err)
{
  size_t done = 0;
  int fd;
  do {
    fd = openat(dh, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                0600);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == EEXIST) return 1;
    p4m_fail(err, errno, "create", dir, name);
    return -1;
  }
  while (done < len) {
    ssize_t put = write(fd, text + done, len - done);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) {
      p4m_fail(err, put < 0 ? errno : EIO, "write", dir, name);
      p4m_close(fd);
      (void) unlinkat(dh, name, 0);
      return -1;
    }
    done += (size_t) put;
  }
  if (close(fd) != 0 && errno != EINTR) {
    p4m_fail(err, errno, "write", dir, name);
    (void) unlinkat(dh, name, 0);
    return -1;
  }
  return 0;
}

static unsigned long p4m_self_pid(void)
{
  return (unsigned long) getpid();
}

#endif /* POSIX */

/* ------------------------------------------------------------------ */
/* Creating the directory                                               */

/* Creates every missing component of dir (absolute, length < DIR_MAX).
   Sets *created when the last component was created by this call. */
static int p4m_mkdirs(const char *dir, int *created, p4m_claims_error *err)
{
  char buf[P4M_CLAIMS_DIR_MAX];
  size_t len = strlen(dir), i;
  int e = 0;
  *created = 0;
  memcpy(buf, dir, len + 1);
  /* the first component that can be created: after "/", "C:\" or
     "\\server\share\" */
  i = 1;
#ifdef _WIN32
  if (p4m_is_sep(buf[0]) && p4m_is_sep(buf[1])) {
    int seps = 0;
    for (i = 2; i < len && seps < 2; i++)
      if (p4m_is_sep(buf[i])) seps++;
  } else {
    i = 3;
  }
#endif
  for (; i <= len; i++) {
    char saved;
    if (i < len && !p4m_is_sep(buf[i])) continue;
    if (i > 0 && p4m_is_sep(buf[i - 1])) continue;   /* "//" */
    saved = buf[i];
    buf[i] = '\0';
    if (p4m_mkdir(buf, &e) == 0) {
      if (i == len) *created = 1;
    } else if (e != EEXIST && !p4m_isdir_path(buf)) {
      /* EACCES/EROFS on an existing parent is fine; anything else is not */
      p4m_fail(err, e, "mkdir", buf, NULL);
      return -1;
    }
    buf[i] = saved;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* The public functions                                                 */

int p4m_claims_open(p4m_claims *c, const char *dir, int create,
                    p4m_claims_error *err)
{
  size_t len;
  p4m_dirh h;
  int rc, created = 0;

  if (err != NULL) {
    err->err = 0;
    err->step = "";
    err->path[0] = '\0';
  }
  if (c == NULL || dir == NULL) {
    p4m_fail(err, EINVAL, "open the claims directory", NULL, NULL);
    return -1;
  }
  /* dir may be c->dir itself (re-opening): read it before writing c */
  c->usable = 0;
  len = strlen(dir);
  if (len == 0 || !p4m_is_absolute(dir)) {
    p4m_fail(err, 0, "is not an absolute path", dir, NULL);
    c->dir[0] = '\0';
    return -1;
  }
  if (len >= sizeof c->dir) {
    p4m_fail(err, ENAMETOOLONG, "open", dir, NULL);
    c->dir[0] = '\0';
    return -1;
  }
  /* drop trailing separators: "dir/" would make lstat() follow a link */
  while (len > 1 && p4m_is_sep(dir[len - 1])) len--;
#ifdef _WIN32
  if (len == 2 && dir[1] == ':') len = 3;   /* keep "C:\" */
#endif
  memmove(c->dir, dir, len);
  c->dir[len] = '\0';

  rc = p4m_dir_open(c->dir, &h, err);
  if (rc == 1 && create) {
    if (p4m_mkdirs(c->dir, &created, err) != 0) return -1;
    rc = p4m_dir_open(c->dir, &h, err);
    if (rc == 1) {
      p4m_fail(err, ENOENT, "open", c->dir, NULL);
      return -1;
    }
  }
  if (rc < 0) return -1;
  if (rc == 1) return 0;   /* missing and create = 0: no claims */
  if (created) {
    int e = p4m_dir_chmod(h);
    if (e != 0) {
      p4m_fail(err, e, "chmod", c->dir, NULL);
      p4m_dir_close(h);
      return -1;
    }
  }
  p4m_dir_close(h);
  c->usable = 1;
  return 0;
}

int p4m_claims_check(const p4m_claims *c, int port, double now, double *until,
                     p4m_claims_error *err)
{
  char name[8];
  p4m_claim_record rec;
  p4m_dirh dh;
  p4m_lockh lk;
  int rc, res;

  if (c == NULL || port < 1 || port > (int) P4M_PORT_MAX || !p4m_valid_now(now)) {
    p4m_fail(err, EINVAL, "check a claim", NULL, NULL);
    return -1;
  }
  if (!c->usable) return 0;
  rc = p4m_dir_open(c->dir, &dh, err);
  if (rc != 0) return rc < 0 ? -1 : 0;
  p4m_port_name(port, name);

  rc = p4m_entry_read(dh, c->dir, name, &rec, err);
  if (rc == P4M_E_OK && rec.expiry_ms > p4m_floor_ms(now)) {
    if (until != NULL) *until = (double) rec.expiry_ms / 1000.0;
    p4m_dir_close(dh);
    return 1;
  }
  if (rc == P4M_E_MISSING || rc < 0) {
    p4m_dir_close(dh);
    return rc < 0 ? -1 : 0;
  }

  /* Expired or not a claim: look again under the lock (a claim may be
     being written right now), and remove it if it is still dead. */
  rc = p4m_lock(dh, c->dir, 0, &lk, err);
  if (rc != 0) {
    p4m_dir_close(dh);
    return rc < 0 ? -1 : 0;   /* no lock file: no writer ever came here */
  }
  rc = p4m_entry_read(dh, c->dir, name, &rec, err);
  if (rc < 0) {
    res = -1;
  } else if (rc == P4M_E_OK && rec.expiry_ms > p4m_floor_ms(now)) {
    if (until != NULL) *until = (double) rec.expiry_ms / 1000.0;
    res = 1;
  } else if (rc == P4M_E_MISSING) {
    res = 0;
  } else {
    res = p4m_entry_remove(dh, c->dir, name, err) == 0 ? 0 : -1;
  }
  p4m_unlock(lk);
  p4m_dir_close(dh);
  return res;
}

int p4m_claims_take(const p4m_claims *c, int port, double now, double seconds,
                    double *until, p4m_claims_error *err)
{
  char name[8], text[P4M_CLAIMS_FILE_MAX];
  p4m_claim_record mine, rec;
  p4m_dirh dh;
  p4m_lockh lk;
  size_t len;
  int rc, res = -1, attempt;

  if (c == NULL || port < 1 || port > (int) P4M_PORT_MAX || !p4m_valid_now(now) ||
      !(seconds > 0.0 && seconds <= P4M_CLAIMS_SECONDS_MAX)) {
    p4m_fail(err, EINVAL, "take a claim", NULL, NULL);
    return -1;
  }
  if (!c->usable) {
    p4m_fail(err, 0, "no claims directory is open", NULL, NULL);
    return -1;
  }
  mine.expiry_ms = p4m_ceil_ms(now + seconds);
  mine.pid = p4m_self_pid();
  mine.has_pid = 1;
  len = p4m_claims_format(text, sizeof text, &mine);
  if (len == 0) {   /* cannot happen within the bounds above */
    p4m_fail(err, EOVERFLOW, "format a claim", NULL, NULL);
    return -1;
  }
  p4m_port_name(port, name);

  rc = p4m_dir_open(c->dir, &dh, err);
  if (rc != 0) {
    if (rc == 1) p4m_fail(err, ENOENT, "open", c->dir, NULL);
    return -1;
  }
  if (p4m_lock(dh, c->dir, 1, &lk, err) != 0) {
    p4m_dir_close(dh);
    return -1;
  }
  /* Under the lock nobody else changes the directory, so the second
     attempt (after removing a dead claim) can only fail on an error. */
  for (attempt = 0; attempt < 3; attempt++) {
    rc = p4m_entry_create(dh, c->dir, name, text, len, err);
    if (rc == 0) {
      if (until != NULL) *until = (double) mine.expiry_ms / 1000.0;
      res = 0;
      break;
    }
    if (rc < 0) break;
    rc = p4m_entry_read(dh, c->dir, name, &rec, err);
    if (rc < 0) break;
    if (rc == P4M_E_OK && rec.expiry_ms > p4m_floor_ms(now)) {
      if (until != NULL) *until = (double) rec.expiry_ms / 1000.0;
      res = 1;
      break;
    }
    if (rc != P4M_E_MISSING && p4m_entry_remove(dh, c->dir, name, err) != 0)
      break;
  }
  if (attempt == 3) p4m_fail(err, EEXIST, "create", c->dir, name);
  p4m_unlock(lk);
  p4m_dir_close(dh);
  return res;
}

int p4m_claims_release(const p4m_claims *c, int port, double until,
                       p4m_claims_error *err)
{
  char name[8];
  p4m_claim_record rec;
  p4m_dirh dh;
  p4m_lockh lk;
  int rc, res;

  if (c == NULL || port < 1 || port > (int) P4M_PORT_MAX ||
      !(until >= 0.0 && until <= P4M_CLAIMS_NOW_MAX + P4M_CLAIMS_SECONDS_MAX)) {
    p4m_fail(err, EINVAL, "release a claim", NULL, NULL);
    return -1;
  }
  if (!c->usable) return 1;
  rc = p4m_dir_open(c->dir, &dh, err);
  if (rc != 0) return rc < 0 ? -1 : 1;
  rc = p4m_lock(dh, c->dir, 0, &lk, err);
  if (rc != 0) {
    p4m_dir_close(dh);
    return rc < 0 ? -1 : 1;
  }
  p4m_port_name(port, name);
  rc = p4m_entry_read(dh, c->dir, name, &rec, err);
  if (rc < 0) {
    res = -1;
  } else if (rc == P4M_E_OK && rec.has_pid && rec.pid == p4m_self_pid() &&
             rec.expiry_ms == p4m_floor_ms(until + 0.0005)) {
    res = p4m_entry_remove(dh, c->dir, name, err) == 0 ? 0 : -1;
  } else {
    res = 1;
  }
  p4m_unlock(lk);
  p4m_dir_close(dh);
  return res;
}

double p4m_claims_now(void)
{
#ifdef _WIN32
  FILETIME ft;
  ULARGE_INTEGER t;
  GetSystemTimeAsFileTime(&ft);   /* 100 ns since 1601-01-01 */
  t.LowPart = ft.dwLowDateTime;
  t.HighPart = ft.dwHighDateTime;
  return (double) (t.QuadPart - 116444736000000000ULL) / 1e7;
#else
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return (double) time(NULL);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
#endif
}

int p4m_claims_private_base(const char *dir)
{
#ifdef _WIN32
  DWORD a = GetFileAttributesA(dir);
  return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY) != 0;
#else
  struct stat st;
  return stat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
    st.st_uid == geteuid() && (st.st_mode & 077) == 0;
#endif
}
