/*
 * claims.h - port claims: processes of one user that start together get
 * different ports (SPEC section 8).
 *
 * Plain C99 + POSIX (claims-posix.c) or Win32 (claims-win.c); the claim
 * format, the expiry rules and the public functions are in claims.c, the
 * same on both.  No R headers, no environment, no dynamic allocation, no
 * static mutable state: all state lives in the folder and in the caller's
 * p4m_claims, so that one cleanup, p4m_claims_close(), undoes everything
 * (the R layer calls it when R unwinds: an error, Ctrl-C).
 *
 * A claim is a file in a folder private to the user, named after the port
 * in decimal ("30845"), holding the expiry time and the claiming process:
 *
 *     "<seconds>.<milliseconds> <pid>\n"      e.g. "1795000012.345 4711\n"
 *
 * The reader also accepts "<seconds>[.<1-9 digits>][ <pid>][\n]" (so a claim
 * can be written by hand: `echo 1795000000 > 30845`); digits beyond the
 * milliseconds are dropped.  Anything else in the folder - an empty or torn
 * file, a symbolic link, a folder, a file owned by someone else, a name that
 * is not a port - is not a claim: it is ignored, never an error.
 *
 * A claim is live at time `now` while now < expiry <= now +
 * P4M_CLAIMS_SECONDS_MAX: a claim that expires further ahead than the
 * longest reserve (written by hand, or while the clock was wrong) is not
 * honoured.
 *
 * Readers and writers.  A call without reserve only reads: it opens
 * existing folders (p4m_claims_open_read), never creates, locks, writes or
 * removes anything, and a folder it cannot use is passed over by the
 * caller.  A call with reserve opens one folder for writing
 * (p4m_claims_open_write): creates it if needed, then holds an exclusive
 * lock on its file ".lock" (fcntl() record lock on POSIX, LockFileEx() on
 * Windows; the kernel drops it when the holder dies) until
 * p4m_claims_close(): the lock is taken once per call.  While holding it,
 * a writer creates claims (O_CREAT|O_EXCL), removes expired, broken and
 * too-far-ahead claim files it meets, and removes its own claims again.
 * Of two writers that race for one port, exactly one gets it.  A reader
 * may see a claim file empty or cut short while it is being written: that
 * reads as "not a live claim" (documented: every launch that may collide
 * must use reserve).
 *
 * Trusted path.  A folder is reached from the root of the file system one
 * component at a time (POSIX: openat() with O_NOFOLLOW|O_DIRECTORY per
 * component, each checked with fstat() on its descriptor): every component
 * must be a directory owned by the user or by root and not writable by
 * group or others, except a root-owned directory with the sticky bit (as
 * /tmp); the claims folder itself must be owned by the user with no group
 * or other permission bits (created with mode 0700).  A symbolic link on
 * the way (macOS's /var, a home linked to another disk) is followed, as
 * realpath() would, only when the link is the user's or root's: its folder
 * has been checked, so nobody else can have put it there, and its target
 * is walked and checked in the same way; the claims folder itself is never
 * a link.  Everything after goes through the folder's
 * descriptor (openat, unlinkat, mkdirat with O_NOFOLLOW): a symbolic link
 * swapped in by name is never followed.  Windows: the folder must be a
 * directory and no component a reparse point; ownership and permissions are
 * not checked there (the caller chooses a folder below the user's profile).
 *
 * Time.  `now` is passed in by the caller (seconds since the epoch, as R's
 * Sys.time()), which makes expiry testable with a fake clock.  Expiry times
 * are whole milliseconds: a claim taken at `now` for `seconds` expires at
 * ceil((now + seconds) * 1000) ms, but never later than (now +
 * P4M_CLAIMS_SECONDS_MAX) * 1000 ms, so that a claim of the longest reserve
 * is live.
 */
#ifndef P4M_CLAIMS_H
#define P4M_CLAIMS_H

#include <stddef.h>   /* size_t */
#include <stdint.h>   /* intptr_t */
#include "error.h"

/* Longest folder name accepted, including the terminating NUL. */
#define P4M_PATH_MAX 4096
/* The longest reserve, and the furthest ahead a live claim may expire. */
#define P4M_CLAIMS_SECONDS_MAX 86400
/* Bounds of `now` (seconds since the epoch). */
#define P4M_CLAIMS_NOW_MAX 1e11
/* Longest claim file that is read (longer files are not claims). */
#define P4M_CLAIMS_FILE_MAX 64
/* How long a writer waits for the lock before giving up (seconds). */
#define P4M_CLAIMS_LOCK_WAIT 10

typedef struct {
  /* set by the caller before opening; poll may be NULL */
  p4m_poll_fn poll;    /* polled at least every 50 ms while waiting for the
                          lock; non-zero ends the wait (P4M_E_INTERRUPT) */
  void *poll_ctx;
  /* state: filled by the open functions, undone by p4m_claims_close() */
  char dir[P4M_PATH_MAX];  /* the folder, absolute, without trailing '/' */
  int usable;              /* 1: dir is open, claims can be read */
  int writable;            /* 1: opened for writing, the lock is held */
  intptr_t h_dir, h_lock;  /* descriptors or HANDLEs; -1 when none */
} p4m_claims;

/* One parsed claim file. */
typedef struct {
  unsigned long long expiry_ms;  /* milliseconds since the epoch */
  unsigned long pid;             /* claiming process; 0 when not given */
  int has_pid;
} p4m_claim_record;

/* Start c empty (nothing open); always call this first. */
void p4m_claims_init(p4m_claims *c);

/* Open the existing folder `dir` (absolute, shorter than P4M_PATH_MAX) for
 * reading.  Returns 0 with c->usable = 1; 0 with c->usable = 0 when dir or
 * a parent does not exist; -1 (e: P4M_E_SYSTEM, step "open claims folder"
 * or "check claims folder", err 0 for a refusal by policy with the reason
 * in the message) when it cannot be used.  Creates, locks and writes
 * nothing. */
int p4m_claims_open_read(p4m_claims *c, const char *dir, p4m_error *e);

/* Open `dir` for writing: create the missing components (mode 0700), check
 * the trusted path as above, take the lock (waiting up to
 * P4M_CLAIMS_LOCK_WAIT seconds, polling c->poll) and refresh the time of
 * ".lock" (so that an age-based cache cleaner leaves it alone).  Returns 0
 * (c->usable = c->writable = 1) or -1 (e: P4M_E_SYSTEM with step "create
 * claims folder", "open claims folder", "check claims folder" or "lock
 * claims folder"; or P4M_E_INTERRUPT).  On -1 nothing stays open. */
int p4m_claims_open_write(p4m_claims *c, const char *dir, p4m_error *e);

/* Is there anything at `dir`?  0 only when nothing is there (it, or a
 * folder on its path, does not exist), else 1 (also for a file, or a path
 * that cannot be looked at: the open then says why).  A cheap check before
 * a folder is opened. */
int p4m_claims_exists(const char *dir);

/* Unlock and close everything; c is empty again (poll and poll_ctx are
 * kept).  Safe to call twice, and on a c that was only initialised.
 * POSIX record locks belong to the process: a second writer of the same
 * folder in one process does not wait, and closing either drops the lock
 * of both, so a process has one writer at a time. */
void p4m_claims_close(p4m_claims *c);

/* Is `port` claimed at `now`?  1 (and *until = its expiry, seconds since
 * the epoch, when until is not NULL) or 0.  Reads only; anything that is
 * not a live claim is 0 (also a claim that cannot be read, and a port out
 * of 1..65535).  With c->usable = 0: 0. */
int p4m_claims_check(const p4m_claims *c, int port, double now,
                     double *until);

/* Is `port` claimed at `now` by this very process (a claim it took
 * earlier)?  1 or 0.  Reads only. */
int p4m_claims_mine(const p4m_claims *c, int port, double now);

/* Claim `port` from `now` for `seconds` (1 <= seconds <=
 * P4M_CLAIMS_SECONDS_MAX); c must be writable.  Returns
 *   0  taken (*until = the expiry written);
 *   1  a live claim holds it (*until = its expiry; also one made earlier by
 *      this process);
 *   2  it cannot be claimed: something that is not a claim and cannot be
 *      removed has its name (a non-empty folder, ...); the caller goes on
 *      without a claim on this port;
 *  -1  an error (e filled: P4M_E_SYSTEM with step "read claim", "write
 *      claim" or "remove claim"; P4M_E_BUG when c is not writable or an
 *      argument is out of range).
 * Expired, broken and too-far-ahead claim files are replaced. */
int p4m_claims_take(const p4m_claims *c, int port, double now,
                    double seconds, double *until, p4m_error *e);

/* Remove the claim on `port` that this process took with expiry `until`
 * (a claim that expired and was taken over by another is left alone);
 * c must be writable.  0 removed, 1 no such claim, -1 error. */
int p4m_claims_release(const p4m_claims *c, int port, double until,
                       p4m_error *e);

/* Remove the user's claim on `port`, whichever of the user's processes
 * made it (port4me(release = port)); c must be writable.  0 removed, 1
 * there was no claim file, -1 error. */
int p4m_claims_drop(const p4m_claims *c, int port, p4m_error *e);

/* The time now, in seconds since the epoch (milliseconds or better). */
double p4m_claims_now(void);

/* Who and where: the effective user id (POSIX; -1 on Windows) and the host
 * name (gethostname(), GetComputerName(); "localhost" when it fails), for
 * the folder names: made safe as a folder name (characters other than
 * letters, digits, '-', '.' and '_' become '_'; "" and ".." become
 * "localhost"), truncated to n - 1 bytes. */
long p4m_claims_uid(void);
void p4m_claims_host(char *buf, size_t n);

/* The claim file format (exposed for the fuzz harness and the tests).
 * p4m_claims_parse(): 0 and *rec filled when buf[0..n) is a claim, else -1.
 * Never reads beyond buf[n - 1]; buf need not be NUL-terminated.
 * p4m_claims_format(): writes the canonical form
 * "<expiry_ms / 1000>.<expiry_ms % 1000, 3 digits> <pid>\n" (the pid part
 * only when rec->has_pid) NUL-terminated into buf, returns its length, or 0
 * when it does not fit in n bytes (buf then holds "" when n > 0). */
int p4m_claims_parse(const char *buf, size_t n, p4m_claim_record *rec);
size_t p4m_claims_format(char *buf, size_t n, const p4m_claim_record *rec);

/* Is a claim with expiry `expiry_ms` live at `now` (see above)?  1 or 0. */
int p4m_claims_live(unsigned long long expiry_ms, double now);

#endif /* P4M_CLAIMS_H */
