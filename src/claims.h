/*
 * claims.h - port claims: processes of one user that start together get
 * different ports (SPEC section 8).
 *
 * Plain C99 + POSIX (Win32 under _WIN32).  No R headers, no environment, no
 * dynamic allocation, no static mutable state: every call is independent and
 * all state lives in the directory and in the caller's structs.
 *
 * A claim is a file in a directory private to the user, named after the port
 * in decimal ("30845"), holding the expiry time and the claiming process:
 *
 *     "<seconds>.<milliseconds> <pid>\n"      e.g. "1795000012.345 4711\n"
 *
 * The reader also accepts "<seconds>[.<1-9 digits>][ <pid>][\n]" (so a claim
 * can be written by hand: `echo 1795000000 > 30845`); digits beyond the
 * milliseconds are dropped.  Anything else - an empty or torn file, a
 * symbolic link, a directory, a file owned by someone else - is not a claim:
 * it counts as unclaimed and is removed (under the lock, see below).
 *
 * Protocol.  Every change (create, replace, remove) is made while holding an
 * exclusive lock on the file ".lock" in the directory (fcntl() record lock on
 * POSIX, LockFileEx() on Windows; both are dropped by the kernel when the
 * holder dies, so a crash never leaves a stale lock).  Readers do not lock: a
 * claim file is created with O_CREAT|O_EXCL and then written, so a reader can
 * see it empty or cut short; both read as "not a live claim", and a reader
 * that is about to act on "not live" (remove an expired or broken file) takes
 * the lock and reads again first.  A claim is only ever replaced after it was
 * seen expired under the lock, so of two processes that race for one port
 * exactly one gets it, and no process removes a claim made after it looked.
 *
 * Security.  The directory is re-checked by every call (it is never trusted
 * from an earlier call): it must be a real directory (lstat(), never followed
 * through a symbolic link; opened with O_NOFOLLOW|O_DIRECTORY and checked
 * again with fstat() on the open descriptor, same device and inode), owned by
 * geteuid(), with no group or other permission bits.  Files are reached with
 * openat()/unlinkat() relative to that descriptor, opened with O_NOFOLLOW
 * (a symbolic link is never followed or written through), created with mode
 * 0600.  Only the directory's last component is checked; its parents are
 * whatever the caller chose (e.g. $XDG_RUNTIME_DIR, which may be reached
 * through a symbolic link such as macOS's /var -> /private/var).
 * Windows: the directory must be a directory and not a reparse point
 * (symbolic link or junction); ownership and permissions are not checked
 * there (the caller should choose a directory below the user's profile,
 * e.g. %LOCALAPPDATA%, whose ACL admits only the user).
 *
 * Time.  `now` is passed in by the caller (seconds since the epoch, as R's
 * Sys.time()), which makes expiry testable.  Expiry times are whole
 * milliseconds: a claim taken at `now` for `seconds` expires at
 * ceil((now + seconds) * 1000) ms, and a claim is live while its expiry is
 * later than `now`.
 */
#ifndef P4M_CLAIMS_H
#define P4M_CLAIMS_H

#include <stddef.h>  /* size_t */

/* Longest directory name accepted, including the terminating NUL. */
#define P4M_CLAIMS_DIR_MAX 4096
/* Bounds of the time arguments (seconds). */
#define P4M_CLAIMS_NOW_MAX     1e11   /* year ~5138 */
#define P4M_CLAIMS_SECONDS_MAX 1e9    /* ~31 years */
/* Longest claim file that is read (longer files are not claims). */
#define P4M_CLAIMS_FILE_MAX 64

typedef struct {
  char dir[P4M_CLAIMS_DIR_MAX];  /* absolute path, without trailing '/' */
  int usable;                    /* 0: no directory, nothing is claimed */
} p4m_claims;

typedef struct {
  int err;           /* errno value of the failing call (Windows errors are
                        mapped to errno values); 0 for a refusal by policy */
  const char *step;  /* static text: a call ("mkdir", "open", "lock", ...)
                        when err != 0, a reason ("is a symbolic link", ...)
                        when err == 0 */
  char path[P4M_CLAIMS_DIR_MAX + 16]; /* the file or directory concerned */
} p4m_claims_error;

/* One parsed claim file. */
typedef struct {
  unsigned long long expiry_ms;  /* milliseconds since the epoch */
  unsigned long pid;             /* claiming process; 0 when not given */
  int has_pid;
} p4m_claim_record;

/*
 * Checks (and with create = 1 creates) the claims directory `dir`.
 * `dir` must be an absolute path ('/' on POSIX; "X:\", "X:/" or "\\" on
 * Windows), shorter than P4M_CLAIMS_DIR_MAX; trailing separators are dropped.
 * create = 1: missing components are created with mode 0700 (the directory
 * itself is then set to exactly 0700).  create = 0: a missing directory (or
 * a missing parent) means "no claims": returns 0 with c->usable = 0.
 * An existing directory that is a symbolic link, not a directory, not owned
 * by the user, or open to group or others is an error.
 * Returns 0 (c->usable = 1, or 0 as above) or -1 (err filled, c->usable = 0).
 * Creates nothing when create = 0.
 */
int p4m_claims_open(p4m_claims *c, const char *dir, int create,
                    p4m_claims_error *err);

/*
 * Is `port` claimed at time `now`?  Returns 1 (and *until = expiry in seconds
 * since the epoch, when until is not NULL), 0 when not claimed, -1 on error
 * (err filled).  An expired or broken claim file counts as unclaimed and is
 * removed, under the lock - but only when the lock file exists already: this
 * call never creates a file.  A directory that has disappeared since
 * p4m_claims_open() means "not claimed".  With c->usable = 0: 0.
 */
int p4m_claims_check(const p4m_claims *c, int port, double now, double *until,
                     p4m_claims_error *err);

/*
 * Claims `port` from `now` for `seconds` (0 < seconds <= P4M_CLAIMS_SECONDS_MAX),
 * atomically.  Returns 0 when taken (*until = the expiry written), 1 when a
 * live claim holds it (*until = its expiry; this includes a claim made
 * earlier by the same process), -1 on error (err filled; also when
 * c->usable = 0).  An expired or broken claim file is replaced.
 */
int p4m_claims_take(const p4m_claims *c, int port, double now, double seconds,
                    double *until, p4m_claims_error *err);

/*
 * Removes this process's claim on `port`: the one p4m_claims_take() made with
 * expiry `until`.  A claim by another process, or by this process with another
 * expiry, is left alone (a claim that expired and was taken over is not
 * ours any more).  Returns 0 when removed, 1 when there was no such claim,
 * -1 on error (err filled).
 */
int p4m_claims_release(const p4m_claims *c, int port, double until,
                       p4m_claims_error *err);

/*
 * Human text, e.g.
 *   "cannot mkdir '/run/user/1000/port4me': Permission denied"
 *   "'/tmp/p4m' is a symbolic link"
 *   "'/tmp/p4m' is open to group or others (must be mode 0700)"
 * Writes at most n bytes (NUL-terminated, truncated if needed) into buf and
 * returns buf; returns "" when buf is NULL or n is 0.
 */
const char *p4m_claims_error_text(const p4m_claims_error *e, char *buf,
                                  size_t n);

/* Is `dir` (followed through symbolic links) a directory of the user's own,
 * closed to group and others, as XDG_RUNTIME_DIR must be?  1 or 0.  (On
 * Windows: is it a directory.) */
int p4m_claims_private_base(const char *dir);

/* The time now, in seconds since the epoch (with milliseconds or better). */
double p4m_claims_now(void);

/*
 * The claim file format (exposed for the fuzz harness and the tests).
 * p4m_claims_parse(): 0 and *rec filled when buf[0..n) is a claim, else -1.
 * Never reads beyond buf[n - 1]; buf need not be NUL-terminated.
 * p4m_claims_format(): writes the canonical form
 * "<expiry_ms / 1000>.<expiry_ms % 1000, 3 digits> <pid>\n" (the pid part
 * only when rec->has_pid) NUL-terminated into buf, returns its length, or 0
 * when it does not fit in n bytes (buf then holds "" when n > 0).
 */
int p4m_claims_parse(const char *buf, size_t n, p4m_claim_record *rec);
size_t p4m_claims_format(char *buf, size_t n, const p4m_claim_record *rec);

#endif /* P4M_CLAIMS_H */
