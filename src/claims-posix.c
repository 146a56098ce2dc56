/* claims-posix.c - the POSIX layer of the claims (claims-platform.h): the
 * trusted path, the fcntl() lock and the entries, all through descriptors.
 * Compiles to nothing on Windows (claims-win.c). */
#ifndef _WIN32

#if defined(__linux__) && !defined(_GNU_SOURCE)
# define _GNU_SOURCE 1   /* O_PATH */
#endif
#include "platform.h"
#include "claims-platform.h"

/* Folders on the path are opened for searching only where the system can
   (Linux O_PATH, O_SEARCH elsewhere): a component one may search but not
   list (mode 0711) is no obstacle. */
#if defined(O_PATH)
# define P4M_O_SEARCH O_PATH
#elif defined(O_SEARCH)
# define P4M_O_SEARCH O_SEARCH
#else
# define P4M_O_SEARCH O_RDONLY
#endif
#define P4M_DIR_FLAGS (P4M_O_SEARCH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define P4M_LINKS_MAX 40    /* symbolic links followed on one path */

static void p4m_close_fd(int fd)
{
  /* not retried on EINTR: the descriptor is gone either way */
  if (fd >= 0) (void) close(fd);
}

void p4m_cp_close(intptr_t h) { p4m_close_fd((int) h); }

/* ------------------------------------------------------------------ */
/* The trusted path                                                     */

size_t p4m_cp_root_len(const char *p) { return p[0] == '/' ? 1 : 0; }
int p4m_cp_is_sep(char ch) { return ch == '/'; }

/* `where` (a path) followed by the component `name` ("..": its parent) */
static void p4m_where_add(char *where, size_t n, const char *name)
{
  size_t k = strlen(where);
  if (strcmp(name, "..") == 0) {
    while (k > 1 && where[k - 1] != '/') k--;
    if (k > 1) k--;
    where[k] = '\0';
  } else {
    (void) snprintf(where + k, n - k, "%s%s", k > 1 ? "/" : "", name);
  }
}

/* The folder open on fd, reached as `where`, may be on the path: owned by
   the user or root, not writable by group or others unless it is root's
   and sticky (as /tmp).  final: it is the claims folder itself, the
   user's with no permission for group or others. */
static int p4m_check_dir(int fd, const char *where, int final,
                         const p4m_claims *c, p4m_error *e)
{
  struct stat st;
  uid_t me = geteuid();
  if (fstat(fd, &st) != 0)
    return p4m_cp_fail_sys(e, errno, P4M_STEP_CHECK, where, c);
  if (!S_ISDIR(st.st_mode))
    return p4m_cp_fail_policy(e, where, "is not a folder", c);
  if (final && st.st_uid != me)
    return p4m_cp_fail_policy(e, where, "is not owned by you", c);
  if (final && (st.st_mode & 077) != 0)
    return p4m_cp_fail_policy(e, where, "is open to group or others (its "
                              "mode must be 0700)", c);
  if (st.st_uid != me && st.st_uid != 0)
    return p4m_cp_fail_policy(e, where, "is owned by another user", c);
  if ((st.st_mode & 022) != 0 && !(st.st_uid == 0 && (st.st_mode & S_ISVTX)))
    return p4m_cp_fail_policy(e, where, "is writable by group or others", c);
  return 0;
}

static int p4m_open_root(char *where, size_t n, const p4m_claims *c,
                         p4m_error *e)
{
  int fd = open("/", P4M_DIR_FLAGS);
  (void) snprintf(where, n, "/");
  if (fd < 0) return p4m_cp_fail_sys(e, errno, P4M_STEP_OPEN, "/", c);
  if (p4m_check_dir(fd, where, 0, c, e) != 0) {
    p4m_close_fd(fd);
    return -1;
  }
  return fd;
}

/* The symbolic link `name` in the folder fd (reached as `where`) stands for
   a component of the path: follow it when it is the user's or root's (its
   folder has been checked, so nobody else put it there), by putting its
   target in front of the components still to walk, rest[*pos..]. */
static int p4m_follow(int *fd, const char *name, const struct stat *st,
                      char *rest, size_t size, size_t *pos, char *where,
                      size_t wsize, const p4m_claims *c, p4m_error *e)
{
  char target[P4M_PATH_MAX];
  size_t tail = strlen(rest + *pos);
  ssize_t len;
  if (st->st_uid != geteuid() && st->st_uid != 0) {
    p4m_where_add(where, wsize, name);
    return p4m_cp_fail_policy(e, where, "is a symbolic link of another user",
                              c);
  }
  len = readlinkat(*fd, name, target, sizeof target);
  if (len < 0 || (size_t) len >= sizeof target ||
      (size_t) len + 1 + tail >= size) {
    int err = len < 0 ? errno : ENAMETOOLONG;
    p4m_where_add(where, wsize, name);
    return p4m_cp_fail_sys(e, err, P4M_STEP_OPEN, where, c);
  }
  memmove(rest + len + 1, rest + *pos, tail + 1);
  memcpy(rest, target, (size_t) len);
  rest[len] = '/';
  *pos = 0;
  if (target[0] == '/') {   /* absolute: from the root again */
    p4m_close_fd(*fd);
    *fd = p4m_open_root(where, wsize, c, e);
    if (*fd < 0) return -1;
  }
  return 0;
}

int p4m_cp_open_dir(p4m_claims *c, int create, p4m_error *e)
{
  char rest[2 * P4M_PATH_MAX], where[P4M_PATH_MAX];
  size_t pos = 0;
  int fd, links = 0;

  (void) snprintf(rest, sizeof rest, "%s", c->dir);
  fd = p4m_open_root(where, sizeof where, c, e);
  if (fd < 0) return -1;
  for (;;) {
    char *name;
    size_t len;
    int nfd, last, err;
    struct stat st;

    while (rest[pos] == '/') pos++;
    if (rest[pos] == '\0') break;
    name = rest + pos;
    len = strcspn(name, "/");
    pos += len;
    last = rest[pos + strspn(rest + pos, "/")] == '\0';
    if (rest[pos] != '\0') rest[pos++] = '\0';
    if (len == 1 && name[0] == '.') continue;

    nfd = openat(fd, name, P4M_DIR_FLAGS);
    if (nfd < 0 && errno == ENOENT && create) {
      if (mkdirat(fd, name, 0700) == 0) {
        /* exactly 0700 whatever the umask (the folder is trusted: nobody
           else can have replaced the new entry) */
        if (fchmodat(fd, name, 0700, 0) != 0) {
          err = errno;
          p4m_where_add(where, sizeof where, name);
          p4m_close_fd(fd);
          return p4m_cp_fail_sys(e, err, P4M_STEP_CREATE, where, c);
        }
      } else if (errno != EEXIST) {
        err = errno;
        p4m_where_add(where, sizeof where, name);
        p4m_close_fd(fd);
        return p4m_cp_fail_sys(e, err, P4M_STEP_CREATE, where, c);
      }
      nfd = openat(fd, name, P4M_DIR_FLAGS);
    }
    if (nfd < 0) {
      err = errno;
      if (err == ENOENT && !create) {
        p4m_close_fd(fd);
        return 1;
      }
      if (err != ENOENT && fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
          S_ISLNK(st.st_mode)) {
        if (last) {
          p4m_where_add(where, sizeof where, name);
          p4m_close_fd(fd);
          return p4m_cp_fail_policy(e, where, "is a symbolic link", c);
        }
        if (++links > P4M_LINKS_MAX) {
          err = ELOOP;
        } else if (p4m_follow(&fd, name, &st, rest, sizeof rest, &pos, where,
                              sizeof where, c, e) == 0) {
          continue;
        } else {
          p4m_close_fd(fd);
          return -1;
        }
      }
      p4m_where_add(where, sizeof where, name);
      p4m_close_fd(fd);
      return p4m_cp_fail_sys(e, err, P4M_STEP_OPEN, where, c);
    }
    p4m_close_fd(fd);
    fd = nfd;
    p4m_where_add(where, sizeof where, name);
    if (p4m_check_dir(fd, where, 0, c, e) != 0) {
      p4m_close_fd(fd);
      return -1;
    }
  }
  if (p4m_check_dir(fd, where, 1, c, e) != 0) {
    p4m_close_fd(fd);
    return -1;
  }
  c->h_dir = fd;
  return 0;
}

/* ------------------------------------------------------------------ */
/* The lock                                                             */

int p4m_cp_lock_open(p4m_claims *c, p4m_error *e)
{
  char what[P4M_PATH_MAX + 8];
  struct stat st;
  int fd;
  (void) p4m_cp_path(what, sizeof what, c, P4M_LOCK_NAME);
  do {
    fd = openat((int) c->h_dir, P4M_LOCK_NAME,
                O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return p4m_cp_fail_sys(e, errno, P4M_STEP_LOCK, what, c);
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    p4m_close_fd(fd);
    return p4m_fail(e, P4M_E_SYSTEM, NULL, 0, P4M_STEP_LOCK,
                    "cannot lock claims folder '%s': '%s' is not a file",
                    c->dir, what);
  }
  c->h_lock = fd;
  return 0;
}

int p4m_cp_lock_try(const p4m_claims *c, p4m_error *e)
{
  struct flock fl;
  memset(&fl, 0, sizeof fl);
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;   /* the whole file */
  for (;;) {
    if (fcntl((int) c->h_lock, F_SETLK, &fl) == 0) return 0;
    if (errno == EACCES || errno == EAGAIN) return 1;
    if (errno != EINTR)
      return p4m_cp_fail_sys(e, errno, P4M_STEP_LOCK, c->dir, c);
  }
}

int p4m_cp_lock_touch(const p4m_claims *c, p4m_error *e)
{
  return futimens((int) c->h_lock, NULL) == 0 ? 0 :
    p4m_cp_fail_sys(e, errno, P4M_STEP_LOCK, c->dir, c);
}

void p4m_cp_sleep_ms(int ms)
{
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (long) (ms % 1000) * 1000000L;
  (void) nanosleep(&ts, NULL);
}

int p4m_cp_timed_out(void) { return ETIMEDOUT; }

/* ------------------------------------------------------------------ */
/* Entries                                                              */

int p4m_cp_entry_read(const p4m_claims *c, const char *name, char *buf,
                      size_t size, size_t *n, p4m_error *e)
{
  char what[P4M_PATH_MAX + 8];
  struct stat st;
  int fd, res = P4M_ENTRY_OTHER;
  *n = 0;
  do {
    fd = openat((int) c->h_dir, name,
                O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == ENOENT) return P4M_ENTRY_MISSING;
    /* short of resources: say so (a claim may be there); anything else
       (a symbolic link, a file one may not read, ...) is not a claim */
    if (errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == EIO)
      return p4m_cp_fail_sys(e, errno, P4M_STEP_READ,
                     p4m_cp_path(what, sizeof what, c, name), c);
    return P4M_ENTRY_OTHER;
  }
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid()) {
    res = P4M_ENTRY_FILE;
    while (*n < size) {
      ssize_t got = read(fd, buf + *n, size - *n);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) {
        res = p4m_cp_fail_sys(e, errno, P4M_STEP_READ,
                      p4m_cp_path(what, sizeof what, c, name), c);
        break;
      }
      if (got == 0) break;
      *n += (size_t) got;
    }
  }
  p4m_close_fd(fd);
  return res;
}

int p4m_cp_entry_create(const p4m_claims *c, const char *name,
                        const char *text, size_t len, p4m_error *e)
{
  char what[P4M_PATH_MAX + 8];
  size_t done = 0;
  int fd, err = 0;
  do {
    fd = openat((int) c->h_dir, name,
                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == EEXIST) return 1;
    return p4m_cp_fail_sys(e, errno, P4M_STEP_WRITE,
                   p4m_cp_path(what, sizeof what, c, name), c);
  }
  while (done < len && err == 0) {
    ssize_t put = write(fd, text + done, len - done);
    if (put > 0) done += (size_t) put;
    else if (put == 0) err = EIO;
    else if (errno != EINTR) err = errno;
  }
  if (close(fd) != 0 && err == 0 && errno != EINTR) err = errno;
  if (err == 0) return 0;
  (void) unlinkat((int) c->h_dir, name, 0);
  return p4m_cp_fail_sys(e, err, P4M_STEP_WRITE,
                 p4m_cp_path(what, sizeof what, c, name), c);
}

int p4m_cp_entry_remove(const p4m_claims *c, const char *name, p4m_error *e)
{
  char what[P4M_PATH_MAX + 8];
  int err;
  if (unlinkat((int) c->h_dir, name, 0) == 0 || errno == ENOENT) return 0;
  err = errno;
  if (err == EISDIR || err == EPERM) {   /* (EPERM: what macOS says) */
    if (unlinkat((int) c->h_dir, name, AT_REMOVEDIR) == 0 || errno == ENOENT)
      return 0;
    if (errno != ENOTDIR) err = errno;
  }
  (void) p4m_cp_fail_sys(e, err, P4M_STEP_REMOVE,
                 p4m_cp_path(what, sizeof what, c, name), c);
  return (err == ENOTEMPTY || err == EEXIST || err == EBUSY || err == EPERM)
    ? 1 : -1;
}

/* ------------------------------------------------------------------ */
/* Who, where, when                                                     */

unsigned long p4m_cp_pid(void) { return (unsigned long) getpid(); }

long p4m_claims_uid(void) { return (long) geteuid(); }

int p4m_claims_exists(const char *dir)
{
  struct stat st;
  return lstat(dir, &st) == 0 || errno != ENOENT;
}

double p4m_claims_now(void)
{
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return (double) time(NULL);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

void p4m_claims_host(char *buf, size_t n)
{
  if (buf == NULL || n == 0) return;
  if (gethostname(buf, n) != 0) buf[0] = '\0';
  buf[n - 1] = '\0';   /* (gethostname() may leave it unterminated) */
  p4m_host_clean(buf, n);
}

#else
typedef int p4m_claims_posix_unused;   /* (ISO C: a file declares something) */
#endif /* !_WIN32 */
