/* claims-win.c - the Win32 layer of the claims (claims-platform.h): the
 * folder checked component by component (a folder, no reparse point) and
 * held open without FILE_SHARE_DELETE (it cannot be renamed or replaced
 * while open), LockFileEx() on ".lock", the entries by name.  Error numbers
 * are Win32 codes (GetLastError()).  Compiles to nothing on POSIX
 * (claims-posix.c). */
#ifdef _WIN32

#include "platform.h"
#include "claims-platform.h"

#define P4M_SHARE_ALL (FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE)

static int p4m_not_found(DWORD err)
{
  return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND;
}

void p4m_cp_close(intptr_t h)
{
  if (h != P4M_NO_HANDLE) {
    OVERLAPPED ov;
    memset(&ov, 0, sizeof ov);
    /* unlock first: closing alone frees a lock only "eventually" (fails
       harmlessly on a handle without a lock) */
    (void) UnlockFileEx((HANDLE) h, 0, 1, 0, &ov);
    (void) CloseHandle((HANDLE) h);
  }
}

/* ------------------------------------------------------------------ */
/* The folder                                                           */

int p4m_cp_is_sep(char ch) { return ch == '\\' || ch == '/'; }

size_t p4m_cp_root_len(const char *p)
{
  if (p4m_cp_is_sep(p[0]) && p4m_cp_is_sep(p[1])) {   /* \\server\share\ */
    size_t i = 2;
    int seps = 0;
    while (p[i] != '\0' && seps < 2)
      if (p4m_cp_is_sep(p[i++])) seps++;
    return i;
  }
  if (((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
      p[1] == ':' && p4m_cp_is_sep(p[2]))             /* C:\ */
    return 3;
  return 0;
}

int p4m_cp_open_dir(p4m_claims *c, int create, p4m_error *e)
{
  char path[P4M_PATH_MAX];
  size_t len = strlen(c->dir), i;
  BY_HANDLE_FILE_INFORMATION info;
  HANDLE h;

  memcpy(path, c->dir, len + 1);
  /* each component after the root: a folder (created when missing) */
  for (i = p4m_cp_root_len(path); i <= len; i++) {
    DWORD a;
    if ((i < len && !p4m_cp_is_sep(path[i])) || p4m_cp_is_sep(path[i - 1]))
      continue;
    path[i] = '\0';
    a = GetFileAttributesA(path);
    if (a == INVALID_FILE_ATTRIBUTES) {
      DWORD err = GetLastError();
      if (!p4m_not_found(err))
        return p4m_cp_fail_sys(e, (int) err, P4M_STEP_OPEN, path, c);
      if (!create) return 1;
      if (!CreateDirectoryA(path, NULL) &&
          (err = GetLastError()) != ERROR_ALREADY_EXISTS)
        return p4m_cp_fail_sys(e, (int) err, P4M_STEP_CREATE, path, c);
      a = GetFileAttributesA(path);
      if (a == INVALID_FILE_ATTRIBUTES)
        return p4m_cp_fail_sys(e, (int) GetLastError(), P4M_STEP_OPEN, path,
                               c);
    }
    if (a & FILE_ATTRIBUTE_REPARSE_POINT)
      return p4m_cp_fail_policy(e, path, "is a symbolic link or junction", c);
    if (!(a & FILE_ATTRIBUTE_DIRECTORY))
      return p4m_cp_fail_policy(e, path, "is not a folder", c);
    path[i] = c->dir[i];
  }
  h = CreateFileA(c->dir, FILE_READ_ATTRIBUTES,
                  FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                  FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT,
                  NULL);
  if (h == INVALID_HANDLE_VALUE) {
    DWORD err = GetLastError();
    if (p4m_not_found(err) && !create) return 1;
    return p4m_cp_fail_sys(e, (int) err, P4M_STEP_OPEN, c->dir, c);
  }
  if (!GetFileInformationByHandle(h, &info) ||
      (info.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) ||
      !(info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
    (void) CloseHandle(h);
    return p4m_cp_fail_policy(e, c->dir, "was replaced while it was opened",
                              c);
  }
  c->h_dir = (intptr_t) h;
  return 0;
}

/* ------------------------------------------------------------------ */
/* The lock                                                             */

int p4m_cp_lock_open(p4m_claims *c, p4m_error *e)
{
  char path[P4M_PATH_MAX + 8];
  BY_HANDLE_FILE_INFORMATION info;
  HANDLE h;
  (void) p4m_cp_path(path, sizeof path, c, P4M_LOCK_NAME);
  h = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, P4M_SHARE_ALL, NULL,
                  OPEN_ALWAYS,
                  FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
  if (h == INVALID_HANDLE_VALUE)
    return p4m_cp_fail_sys(e, (int) GetLastError(), P4M_STEP_LOCK, path, c);
  if (!GetFileInformationByHandle(h, &info) ||
      (info.dwFileAttributes &
       (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY))) {
    (void) CloseHandle(h);
    return p4m_fail(e, P4M_E_SYSTEM, NULL, 0, P4M_STEP_LOCK,
                    "cannot lock claims folder '%s': '%s' is not a file",
                    c->dir, path);
  }
  c->h_lock = (intptr_t) h;
  return 0;
}

int p4m_cp_lock_try(const p4m_claims *c, p4m_error *e)
{
  OVERLAPPED ov;
  DWORD err;
  memset(&ov, 0, sizeof ov);
  if (LockFileEx((HANDLE) c->h_lock,
                 LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0,
                 &ov))
    return 0;
  err = GetLastError();
  if (err == ERROR_LOCK_VIOLATION || err == ERROR_IO_PENDING) return 1;
  return p4m_cp_fail_sys(e, (int) err, P4M_STEP_LOCK, c->dir, c);
}

int p4m_cp_lock_touch(const p4m_claims *c, p4m_error *e)
{
  FILETIME ft;
  GetSystemTimeAsFileTime(&ft);
  return SetFileTime((HANDLE) c->h_lock, NULL, NULL, &ft) ? 0 :
    p4m_cp_fail_sys(e, (int) GetLastError(), P4M_STEP_LOCK, c->dir, c);
}

void p4m_cp_sleep_ms(int ms) { Sleep((DWORD) ms); }

int p4m_cp_timed_out(void) { return ERROR_TIMEOUT; }

/* ------------------------------------------------------------------ */
/* Entries                                                              */

int p4m_cp_entry_read(const p4m_claims *c, const char *name, char *buf,
                      size_t size, size_t *n, p4m_error *e)
{
  char path[P4M_PATH_MAX + 8];
  BY_HANDLE_FILE_INFORMATION info;
  HANDLE h;
  int res = P4M_ENTRY_OTHER;
  *n = 0;
  h = CreateFileA(p4m_cp_path(path, sizeof path, c, name), GENERIC_READ,
                  P4M_SHARE_ALL, NULL, OPEN_EXISTING,
                  FILE_FLAG_OPEN_REPARSE_POINT, NULL);
  if (h == INVALID_HANDLE_VALUE) {
    DWORD err = GetLastError();
    if (p4m_not_found(err)) return P4M_ENTRY_MISSING;
    /* short of resources: say so; anything else (a folder, a file being
       deleted, ...) is not a claim */
    if (err == ERROR_TOO_MANY_OPEN_FILES || err == ERROR_NOT_ENOUGH_MEMORY ||
        err == ERROR_OUTOFMEMORY)
      return p4m_cp_fail_sys(e, (int) err, P4M_STEP_READ, path, c);
    return P4M_ENTRY_OTHER;
  }
  if (GetFileInformationByHandle(h, &info) &&
      !(info.dwFileAttributes &
        (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY))) {
    res = P4M_ENTRY_FILE;
    while (*n < size) {
      DWORD got = 0;
      if (!ReadFile(h, buf + *n, (DWORD) (size - *n), &got, NULL)) {
        res = p4m_cp_fail_sys(e, (int) GetLastError(), P4M_STEP_READ, path,
                              c);
        break;
      }
      if (got == 0) break;
      *n += got;
    }
  }
  (void) CloseHandle(h);
  return res;
}

int p4m_cp_entry_create(const p4m_claims *c, const char *name,
                        const char *text, size_t len, p4m_error *e)
{
  char path[P4M_PATH_MAX + 8];
  HANDLE h = INVALID_HANDLE_VALUE;
  DWORD err = 0;
  size_t done = 0;
  int tries;
  (void) p4m_cp_path(path, sizeof path, c, name);
  /* A file removed while another process has it open stays "delete
     pending" for a moment, and creating its name again is refused with
     ERROR_ACCESS_DENIED until it is gone. */
  for (tries = 0; tries < 200 && h == INVALID_HANDLE_VALUE; tries++) {
    h = CreateFileA(path, GENERIC_WRITE, P4M_SHARE_ALL, NULL, CREATE_NEW,
                    FILE_ATTRIBUTE_NORMAL, NULL);
    if (h != INVALID_HANDLE_VALUE) break;
    err = GetLastError();
    if (err == ERROR_FILE_EXISTS || err == ERROR_ALREADY_EXISTS ||
        (err == ERROR_ACCESS_DENIED &&
         GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES))
      return 1;
    if (err != ERROR_ACCESS_DENIED) break;
    Sleep(1);
  }
  if (h == INVALID_HANDLE_VALUE)
    return p4m_cp_fail_sys(e, (int) err, P4M_STEP_WRITE, path, c);
  err = 0;
  while (done < len && err == 0) {
    DWORD put = 0;
    if (!WriteFile(h, text + done, (DWORD) (len - done), &put, NULL))
      err = GetLastError();
    else if (put == 0)
      err = ERROR_WRITE_FAULT;
    done += put;
  }
  if (!CloseHandle(h) && err == 0) err = GetLastError();
  if (err == 0) return 0;
  (void) DeleteFileA(path);
  return p4m_cp_fail_sys(e, (int) err, P4M_STEP_WRITE, path, c);
}

int p4m_cp_entry_remove(const p4m_claims *c, const char *name, p4m_error *e)
{
  char path[P4M_PATH_MAX + 8];
  DWORD err, a;
  if (DeleteFileA(p4m_cp_path(path, sizeof path, c, name))) return 0;
  err = GetLastError();
  if (p4m_not_found(err)) return 0;
  a = GetFileAttributesA(path);
  if (err == ERROR_ACCESS_DENIED && a != INVALID_FILE_ATTRIBUTES &&
      (a & FILE_ATTRIBUTE_DIRECTORY)) {
    if (RemoveDirectoryA(path)) return 0;
    err = GetLastError();
  }
  (void) p4m_cp_fail_sys(e, (int) err, P4M_STEP_REMOVE, path, c);
  return (err == ERROR_DIR_NOT_EMPTY || err == ERROR_ACCESS_DENIED ||
          err == ERROR_SHARING_VIOLATION) ? 1 : -1;
}

/* ------------------------------------------------------------------ */
/* Who, where, when                                                     */

unsigned long p4m_cp_pid(void) { return (unsigned long) GetCurrentProcessId(); }

long p4m_claims_uid(void) { return -1; }

int p4m_claims_exists(const char *dir)
{
  DWORD e;
  if (GetFileAttributesA(dir) != INVALID_FILE_ATTRIBUTES) return 1;
  e = GetLastError();
  return e != ERROR_FILE_NOT_FOUND && e != ERROR_PATH_NOT_FOUND;
}

double p4m_claims_now(void)
{
  FILETIME ft;
  ULARGE_INTEGER t;
  GetSystemTimeAsFileTime(&ft);   /* 100 ns since 1601-01-01 */
  t.LowPart = ft.dwLowDateTime;
  t.HighPart = ft.dwHighDateTime;
  return (double) (t.QuadPart - 116444736000000000ULL) / 1e7;
}

void p4m_claims_host(char *buf, size_t n)
{
  DWORD size = (DWORD) n;
  if (buf == NULL || n == 0) return;
  if (!GetComputerNameA(buf, &size)) buf[0] = '\0';
  buf[n - 1] = '\0';
  p4m_host_clean(buf, n);
}

#else
typedef int p4m_claims_win_unused;   /* (ISO C: a file declares something) */
#endif /* _WIN32 */
