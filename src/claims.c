/*
 * claims.c - port claims (SPEC section 8); see claims.h for the format, the
 * rules and the trusted path.
 *
 * The claim file format (parse, format, live), then the public functions,
 * the same on every platform: they reach the system only through the small
 * layer of claims-platform.h (claims-posix.c, claims-win.c).
 */
#include <stdio.h>
#include <string.h>
#include "claims.h"
#include "claims-platform.h"
#include "portset.h"   /* P4M_PORT_MAX */

/* How long a writer waits for the lock, in milliseconds.  A test build
   (-DP4M_CLAIMS_TESTING) sets the wait per test, and reads the longest
   sleep between two polls. */
#ifdef P4M_CLAIMS_TESTING
long p4m_claims_lock_wait_ms = P4M_CLAIMS_LOCK_WAIT * 1000L;
int p4m_claims_longest_sleep_ms = 0;
# define P4M_CLAIMS_LOCK_WAIT_MS p4m_claims_lock_wait_ms
# define P4M_NOTE_SLEEP(ms) \
  if ((ms) > p4m_claims_longest_sleep_ms) p4m_claims_longest_sleep_ms = (ms)
#else
# define P4M_CLAIMS_LOCK_WAIT_MS (P4M_CLAIMS_LOCK_WAIT * 1000L)
# define P4M_NOTE_SLEEP(ms) ((void) 0)
#endif
/* The longest sleep between two tries of the lock (and two polls). */
#define P4M_LOCK_POLL_MS 50

/* ------------------------------------------------------------------ */
/* The claim file format                                                */

static int p4m_isdigit(char ch) { return ch >= '0' && ch <= '9'; }

/* Reads 1 to `most` digits at buf[*i..n) into *v; -1 when there are none or
   more follow. */
static int p4m_digits(const char *buf, size_t n, size_t *i, size_t most,
                      unsigned long long *v)
{
  size_t start = *i;
  *v = 0;
  while (*i < n && p4m_isdigit(buf[*i]) && *i - start < most) {
    *v = *v * 10u + (unsigned long long) (buf[*i] - '0');
    (*i)++;
  }
  return (*i == start || (*i < n && p4m_isdigit(buf[*i]))) ? -1 : 0;
}

int p4m_claims_parse(const char *buf, size_t n, p4m_claim_record *rec)
{
  size_t i = 0;
  unsigned long long sec, ms = 0, pid = 0;
  int has_pid = 0;

  if (buf == NULL || rec == NULL || n > P4M_CLAIMS_FILE_MAX) return -1;
  /* seconds: 1 to 12 digits (the milliseconds stay below 2^53) */
  if (p4m_digits(buf, n, &i, 12, &sec) != 0) return -1;
  /* fraction: 1 to 9 digits, the first three are the milliseconds */
  if (i < n && buf[i] == '.') {
    size_t start = ++i, k;
    unsigned long long frac;
    if (p4m_digits(buf, n, &i, 9, &frac) != 0) return -1;
    for (k = start; k < start + 3; k++)
      ms = ms * 10u + (k < i ? (unsigned long long) (buf[k] - '0') : 0u);
  }
  /* pid: one space, 1 to 10 digits, at most 2^32 - 1 */
  if (i < n && buf[i] == ' ') {
    i++;
    if (p4m_digits(buf, n, &i, 10, &pid) != 0 || pid > 4294967295ull)
      return -1;
    has_pid = 1;
  }
  if (i < n && buf[i] == '\n') i++;
  if (i != n) return -1;
  rec->expiry_ms = sec * 1000u + ms;
  rec->pid = (unsigned long) pid;
  rec->has_pid = has_pid;
  return 0;
}

/* Decimal digits of v at out (no NUL); returns their count (1..20). */
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
  /* what is written must parse again: seconds of at most 12 digits */
  if (rec->expiry_ms / 1000u > 999999999999ull) return 0;
  if (rec->has_pid && rec->pid > 4294967295ul) return 0;
  k = p4m_utoa(rec->expiry_ms / 1000u, tmp);
  ms = rec->expiry_ms % 1000u;
  tmp[k++] = '.';
  tmp[k++] = (char) ('0' + (int) (ms / 100u));
  tmp[k++] = (char) ('0' + (int) (ms / 10u % 10u));
  tmp[k++] = (char) ('0' + (int) (ms % 10u));
  if (rec->has_pid) {
    tmp[k++] = ' ';
    k += p4m_utoa((unsigned long long) rec->pid, tmp + k);
  }
  tmp[k++] = '\n';
  if (k + 1 > n) return 0;
  memcpy(buf, tmp, k);
  buf[k] = '\0';
  return k;
}

static int p4m_valid_now(double now)
{
  return now >= 0.0 && now <= P4M_CLAIMS_NOW_MAX;   /* false for NaN */
}

int p4m_claims_live(unsigned long long expiry_ms, double now)
{
  double t = (double) expiry_ms, now_ms = now * 1000.0;
  return p4m_valid_now(now) && t > now_ms &&
    t <= now_ms + P4M_CLAIMS_SECONDS_MAX * 1000.0;
}

void p4m_host_clean(char *buf, size_t n)
{
  size_t i;
  for (i = 0; buf[i] != '\0'; i++) {
    char ch = buf[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
          p4m_isdigit(ch) || ch == '-' || ch == '.' || ch == '_'))
      buf[i] = '_';
  }
  if (strcmp(buf, "") == 0 || strcmp(buf, ".") == 0 || strcmp(buf, "..") == 0)
    (void) snprintf(buf, n, "localhost");
}

/* ------------------------------------------------------------------ */
/* Messages for the platform layer                                      */

int p4m_cp_fail_sys(p4m_error *e, int err, const char *step,
                    const char *what, const p4m_claims *c)
{
  char sys[128];
  (void) p4m_strerror(err, sys, sizeof sys);
  size_t n = strlen(c->dir);
  /* the folder itself, or an entry in it: named alone */
  if (strcmp(what, c->dir) == 0 ||
      (strncmp(what, c->dir, n) == 0 && p4m_cp_is_sep(what[n])))
    return p4m_fail(e, P4M_E_SYSTEM, NULL, err, step, "cannot %s '%s': %s",
                    step, what, sys);
  return p4m_fail(e, P4M_E_SYSTEM, NULL, err, step,
                  "cannot %s '%s' (at '%s'): %s", step, c->dir, what, sys);
}

int p4m_cp_fail_policy(p4m_error *e, const char *what, const char *why,
                       const p4m_claims *c)
{
  if (strcmp(what, c->dir) == 0)
    return p4m_fail(e, P4M_E_SYSTEM, NULL, 0, P4M_STEP_CHECK,
                    "claims folder '%s' is not used: it %s", what, why);
  return p4m_fail(e, P4M_E_SYSTEM, NULL, 0, P4M_STEP_CHECK,
                  "claims folder '%s' is not used: '%s' on its path %s",
                  c->dir, what, why);
}

const char *p4m_cp_path(char *buf, size_t n, const p4m_claims *c,
                        const char *name)
{
  (void) snprintf(buf, n, "%s" P4M_SEP "%s", c->dir, name);
  return buf;
}

/* ------------------------------------------------------------------ */
/* Opening and closing                                                  */

void p4m_claims_init(p4m_claims *c)
{
  c->poll = NULL;
  c->poll_ctx = NULL;
  c->dir[0] = '\0';
  c->usable = 0;
  c->writable = 0;
  c->h_dir = P4M_NO_HANDLE;
  c->h_lock = P4M_NO_HANDLE;
}

void p4m_claims_close(p4m_claims *c)
{
  if (c == NULL) return;
  p4m_cp_close(c->h_lock);   /* drops the lock */
  p4m_cp_close(c->h_dir);
  c->h_lock = P4M_NO_HANDLE;
  c->h_dir = P4M_NO_HANDLE;
  c->usable = 0;
  c->writable = 0;
  c->dir[0] = '\0';
}

/* Take the lock of the open folder: try, and while another process holds
   it, poll and sleep (at most P4M_LOCK_POLL_MS at a time) until it is free,
   the poll says stop, or P4M_CLAIMS_LOCK_WAIT_MS have passed (by the sum of
   the sleeps or by the clock, whichever comes first). */
static int p4m_claims_lock(p4m_claims *c, p4m_error *e)
{
  double start = p4m_claims_now();
  long waited = 0;
  int step = 1;
  if (p4m_cp_lock_open(c, e) != 0) return -1;
  for (;;) {
    int rc = p4m_cp_lock_try(c, e);
    if (rc <= 0) return rc;
    if (c->poll != NULL && c->poll(c->poll_ctx) != 0)
      return p4m_fail(e, P4M_E_INTERRUPT, NULL, 0, P4M_STEP_LOCK,
                      "interrupted while waiting for the lock of claims "
                      "folder '%s'", c->dir);
    if (waited >= P4M_CLAIMS_LOCK_WAIT_MS ||
        (p4m_claims_now() - start) * 1000.0 >= P4M_CLAIMS_LOCK_WAIT_MS) {
      char sys[128];
      int err = p4m_cp_timed_out();
      return p4m_fail(e, P4M_E_SYSTEM, NULL, err, P4M_STEP_LOCK,
                      "cannot lock claims folder '%s': %s (another process "
                      "has held its lock for %g s)", c->dir,
                      p4m_strerror(err, sys, sizeof sys),
                      P4M_CLAIMS_LOCK_WAIT_MS / 1000.0);
    }
    P4M_NOTE_SLEEP(step);
    p4m_cp_sleep_ms(step);
    waited += step;
    step = step * 2 < P4M_LOCK_POLL_MS ? step * 2 : P4M_LOCK_POLL_MS;
  }
}

static int p4m_claims_open(p4m_claims *c, const char *dir, int write,
                           p4m_error *e)
{
  char path[P4M_PATH_MAX];
  size_t len, root;
  int rc;

  if (c == NULL || dir == NULL)
    return p4m_fail(e, P4M_E_BUG, NULL, 0, NULL,
                    "p4m_claims_open: no claims or no folder");
  len = strlen(dir);
  if (len < sizeof path) memcpy(path, dir, len + 1);   /* dir may be c->dir */
  p4m_claims_close(c);
  if (len >= sizeof path)
    return p4m_fail(e, P4M_E_SYSTEM, NULL, 0, P4M_STEP_OPEN,
                    "the name of the claims folder is too long (%lu bytes, "
                    "at most %d)", (unsigned long) len, P4M_PATH_MAX - 1);
  root = p4m_cp_root_len(path);
  if (root == 0)
    return p4m_fail(e, P4M_E_SYSTEM, NULL, 0, P4M_STEP_OPEN,
                    "claims folder '%s' is not an absolute path", path);
  while (len > root && p4m_cp_is_sep(path[len - 1])) len--;
  path[len] = '\0';
  memcpy(c->dir, path, len + 1);

  rc = p4m_cp_open_dir(c, write, e);
  if (rc == 0 && write &&
      (p4m_claims_lock(c, e) != 0 || p4m_cp_lock_touch(c, e) != 0))
    rc = -1;
  if (rc != 0) {
    p4m_claims_close(c);
    return rc < 0 ? -1 : 0;   /* 1: missing, for a reader */
  }
  c->usable = 1;
  c->writable = write;
  return 0;
}

int p4m_claims_open_read(p4m_claims *c, const char *dir, p4m_error *e)
{
  return p4m_claims_open(c, dir, 0, e);
}

int p4m_claims_open_write(p4m_claims *c, const char *dir, p4m_error *e)
{
  return p4m_claims_open(c, dir, 1, e);
}

/* ------------------------------------------------------------------ */
/* Claims                                                               */

/* The claim file of port, read: like p4m_cp_entry_read(), and with
   P4M_ENTRY_FILE *rec is filled and *ok = 1 when the file is a claim. */
static int p4m_read_claim(const p4m_claims *c, const char *name,
                          p4m_claim_record *rec, int *ok, p4m_error *e)
{
  char buf[P4M_CLAIMS_FILE_MAX + 1];
  size_t n = 0;
  int rc = p4m_cp_entry_read(c, name, buf, sizeof buf, &n, e);
  *ok = rc == P4M_ENTRY_FILE && p4m_claims_parse(buf, n, rec) == 0;
  return rc;
}

static int p4m_valid_port(int port)
{
  return port >= 1 && port <= (int) P4M_PORT_MAX;
}

static void p4m_port_name(int port, char name[8])
{
  name[p4m_utoa((unsigned long long) port, name)] = '\0';
}

static int p4m_need_writable(const p4m_claims *c, int port, const char *fn,
                             p4m_error *e)
{
  if (c != NULL && c->writable && p4m_valid_port(port)) return 0;
  return p4m_fail(e, P4M_E_BUG, NULL, 0, NULL,
                  "%s: the claims folder is not open for writing, or port "
                  "%d is not a port", fn, port);
}

/* The live claim on port at now, read into *rec: 1, or 0 when there is
   none (reading only; anything that is not a live claim is none). */
static int p4m_live_claim(const p4m_claims *c, int port, double now,
                          p4m_claim_record *rec)
{
  char name[8];
  p4m_error ignored;
  int ok;
  if (c == NULL || !c->usable || !p4m_valid_port(port)) return 0;
  p4m_port_name(port, name);
  return p4m_read_claim(c, name, rec, &ok, &ignored) >= 0 && ok &&
    p4m_claims_live(rec->expiry_ms, now);
}

int p4m_claims_check(const p4m_claims *c, int port, double now,
                     double *until)
{
  p4m_claim_record rec;
  if (!p4m_live_claim(c, port, now, &rec)) return 0;
  if (until != NULL) *until = (double) rec.expiry_ms / 1000.0;
  return 1;
}

int p4m_claims_mine(const p4m_claims *c, int port, double now)
{
  p4m_claim_record rec;
  return p4m_live_claim(c, port, now, &rec) && rec.has_pid &&
    rec.pid == p4m_cp_pid();
}

int p4m_claims_take(const p4m_claims *c, int port, double now,
                    double seconds, double *until, p4m_error *e)
{
  char name[8], text[P4M_CLAIMS_FILE_MAX];
  p4m_claim_record mine, rec;
  size_t len;
  int attempt;

  if (p4m_need_writable(c, port, "p4m_claims_take", e) != 0) return -1;
  if (!p4m_valid_now(now) ||
      !(seconds >= 1.0 && seconds <= P4M_CLAIMS_SECONDS_MAX))
    return p4m_fail(e, P4M_E_BUG, NULL, 0, NULL,
                    "p4m_claims_take: now %g or seconds %g out of range",
                    now, seconds);
  {
    /* ceil(), in whole ms; but never past now + the longest reserve, or a
       claim of the longest reserve would be "too far ahead" at once */
    double t = (now + seconds) * 1000.0,
      most = (now + P4M_CLAIMS_SECONDS_MAX) * 1000.0;
    mine.expiry_ms = (unsigned long long) t;
    if ((double) mine.expiry_ms < t && (double) mine.expiry_ms + 1.0 <= most)
      mine.expiry_ms++;
  }
  mine.pid = p4m_cp_pid();
  mine.has_pid = 1;
  len = p4m_claims_format(text, sizeof text, &mine);
  p4m_port_name(port, name);

  /* Under the lock only this process changes the folder: a dead entry
     removed stays removed, so the second attempt decides. */
  for (attempt = 0; attempt < 3; attempt++) {
    int ok, rc = p4m_cp_entry_create(c, name, text, len, e);
    if (rc == 0) {
      if (until != NULL) *until = (double) mine.expiry_ms / 1000.0;
      return 0;
    }
    if (rc < 0) return -1;
    rc = p4m_read_claim(c, name, &rec, &ok, e);
    if (rc < 0) return -1;
    if (ok && p4m_claims_live(rec.expiry_ms, now)) {
      if (until != NULL) *until = (double) rec.expiry_ms / 1000.0;
      return 1;
    }
    /* expired, too far ahead, broken, or not a claim at all */
    if (rc != P4M_ENTRY_MISSING) {
      rc = p4m_cp_entry_remove(c, name, e);
      if (rc != 0) return rc < 0 ? -1 : 2;
    }
  }
  return 2;   /* something outside the protocol keeps making the name */
}

int p4m_claims_release(const p4m_claims *c, int port, double until,
                       p4m_error *e)
{
  char name[8];
  p4m_claim_record rec;
  int ok;
  if (p4m_need_writable(c, port, "p4m_claims_release", e) != 0) return -1;
  p4m_port_name(port, name);
  if (p4m_read_claim(c, name, &rec, &ok, e) < 0) return -1;
  /* ours: this pid, and the expiry written (until was made from it) */
  if (!ok || !rec.has_pid || rec.pid != p4m_cp_pid() ||
      !((double) rec.expiry_ms > until * 1000.0 - 0.5 &&
        (double) rec.expiry_ms < until * 1000.0 + 0.5))
    return 1;
  return p4m_cp_entry_remove(c, name, e) == 0 ? 0 : -1;
}

int p4m_claims_drop(const p4m_claims *c, int port, p4m_error *e)
{
  char name[8], buf[P4M_CLAIMS_FILE_MAX + 1];
  size_t n;
  int rc;
  if (p4m_need_writable(c, port, "p4m_claims_drop", e) != 0) return -1;
  p4m_port_name(port, name);
  rc = p4m_cp_entry_read(c, name, buf, sizeof buf, &n, e);
  if (rc != P4M_ENTRY_FILE) return rc < 0 ? -1 : 1;
  return p4m_cp_entry_remove(c, name, e) == 0 ? 0 : -1;
}
