/*
 * test_modes.c - what one call does (src/modes.c, SPEC sections 4, 5 and
 * 8) and its debug report (src/report.c), without R: search, list, test
 * and release on configs made by p4m_configure(), with
 * _PORT4ME_CHECK_AVAILABLE_PORTS_=any (every port free) unless a test holds
 * a port busy itself (a listener on a port the system chose), a fake clock
 * (ops.now) and claims folders in a temporary folder, claims written by
 * hand where the test needs them.  Debug lines are checked by content.
 *   make check-modes         last line: "test_modes: N passed, N failed"
 * Linux (or another POSIX system); the folders are below $TMPDIR or /tmp.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "modes.h"
#include "ctest.h"

#define NOW 1800000000.0   /* the fake clock: 2027-01-15 08:00:00 UTC */

static p4m_input in;
static p4m_config cfg;
static p4m_error err;
static p4m_run run;
static p4m_ops ops;
static char root[256], dir_a[300], dir_b[300];
static void *block;

static double fake_now(void) { return NOW; }
static long euid(void) { return (long) geteuid(); }
static void host_h(char *buf, size_t n) { snprintf(buf, n, "h"); }

static void *grab(void *ctx, size_t bytes)
{
  (void) ctx;
  free(block);
  block = malloc(bytes);
  if (block == NULL) { perror("malloc"); exit(2); }
  return block;
}

/* ---- debug lines -------------------------------------------------------- */

static char lines[1 << 16];

static void collect(void *ctx, const char *line)
{
  size_t k = strlen(lines);
  (void) ctx;
  CHECK(strchr(line, '\n') == NULL && strlen(line) < P4M_LINE_MAX,
        "a debug line with a newline or too long: %s", line);
  snprintf(lines + k, sizeof lines - k, "%s\n", line);
}

/* The debug lines hold `text` (or, with not = 1, do not). */
static void said(const char *text, int not)
{
  CHECK((strstr(lines, text) != NULL) != not, "debug lines %s '%s':\n%s",
        not ? "hold" : "lack", text, lines);
}

/* ---- set up ------------------------------------------------------------- */

static void env(int row, const char *value)
{
  in.env[row] = value;
}

/* Alice, every port free, debug on, no claims folders; nothing else. */
static void start(void)
{
  int i;
  memset(&in, 0, sizeof in);
  for (i = 0; i < P4M_NROWS; i++) {
    in.given[i].from = P4M_FROM_NONE;
    in.env[i] = NULL;
  }
  in.uid = euid;
  in.host = host_h;
  in.alloc = grab;
  env(P4M_USER, "alice");
  env(P4M_CHECK_ANY, "any");
  env(P4M_DEBUG, "true");
  ops.line = collect;
  ops.poll = NULL;
  ops.ctx = NULL;
  ops.now = fake_now;
  lines[0] = '\0';
  p4m_error_clear(&err);
}

/* Configure, with the claims folders given (NULL: fewer). */
static int ready(const char *d0, const char *d1)
{
  const char *d[2];
  int i;
  d[0] = d0; d[1] = d1;
  if (p4m_configure(&in, &cfg, &err) != 0) {
    CHECK(0, "configure: %s", err.message);
    return 0;
  }
  cfg.n_claims = 0;
  for (i = 0; i < 2 && d[i] != NULL; i++) {
    snprintf(cfg.claims[i].dir, sizeof cfg.claims[i].dir, "%s", d[i]);
    cfg.claims[i].base = 0;
    cfg.claims[i].from = "the test";
    cfg.n_claims++;
  }
  p4m_run_init(&run);
  return 1;
}

static int search(void)
{
  int port = 0, rc = p4m_search(&cfg, &ops, &run, &port, &err);
  p4m_run_cleanup(&run);
  return rc == 0 ? port : rc == -1 && err.kind != P4M_E_NONE ? -2 : -3;
}

/* ---- claims by hand ----------------------------------------------------- */

static void make_dir(const char *dir)
{
  if (mkdir(dir, 0700) != 0 && errno != EEXIST) perror(dir);
}

/* A claim file on `port` in `dir` holding `text`. */
static void write_claim(const char *dir, int port, const char *text)
{
  char path[400];
  FILE *f;
  make_dir(dir);
  snprintf(path, sizeof path, "%s/%d", dir, port);
  f = fopen(path, "w");
  if (f == NULL) { perror(path); return; }
  fputs(text, f);
  fclose(f);
}

/* The text of the claim on `port` in `dir`, "" when there is none. */
static const char *read_claim(const char *dir, int port)
{
  static char buf[128];
  char path[400];
  FILE *f;
  size_t n;
  snprintf(path, sizeof path, "%s/%d", dir, port);
  buf[0] = '\0';
  f = fopen(path, "r");
  if (f == NULL) return buf;
  n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static void remove_claims(const char *dir)
{
  char cmd[400];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
}

/* "<NOW + in_seconds, to the millisecond> <pid>\n" */
static const char *claim_text(double in_seconds, long pid)
{
  static char buf[64];
  snprintf(buf, sizeof buf, "%.3f %ld\n", NOW + in_seconds, pid);
  return buf;
}

/* A time as the report writes it (TZ is UTC here), computed here. */
static const char *utc(double t)
{
  static char buf[32];
  time_t s = (time_t) t;
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", gmtime(&s));
  return buf;
}

/* ---- a busy port -------------------------------------------------------- */

/* Hold a port busy: a listener on 0.0.0.0 at a port the system chose (never
 * a fixed port); returns the port and the socket in *fd, or 0.  With
 * `port` (hold_fixed), that port: 0 when it cannot be held. */
static int hold_fixed(int *fd, int port)
{
  struct sockaddr_in a;
  socklen_t len = sizeof a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_ANY);
  a.sin_port = htons((unsigned short) port);
  *fd = socket(AF_INET, SOCK_STREAM, 0);
  if (*fd < 0 || bind(*fd, (struct sockaddr *) &a, sizeof a) != 0 ||
      listen(*fd, 1) != 0 ||
      getsockname(*fd, (struct sockaddr *) &a, &len) != 0) {
    if (port == 0) perror("hold_port");
    if (*fd >= 0) close(*fd);
    *fd = -1;
    return 0;
  }
  return ntohs(a.sin_port);
}

static int hold_port(int *fd)
{
  return hold_fixed(fd, 0);
}

/* ---- list --------------------------------------------------------------- */

static void t_list(void)
{
  static int out[70000], plain[16];
  static uint16_t cycle[4096];
  int i;
  char text[256] = "";
  start(); env(P4M_LIST, "10");
  if (ready(NULL, NULL) && p4m_list(&cfg, &ops, out, cycle, &err) == 0) {
    for (i = 0; i < 10; i++)
      sprintf(text + strlen(text), "%s%d", i ? " " : "", out[i]);
    CHECK(strcmp(text, "30845 19654 32310 63992 15273 31420 62779 55372 "
                 "24143 41300") == 0, "list: %s", text);   /* SPEC 9 */
  }
  start(); env(P4M_LIST, "3"); env(P4M_SKIP, "2");
  if (ready(NULL, NULL) && p4m_list(&cfg, &ops, out, cycle, &err) == 0)
    CHECK(out[0] == 32310 && out[1] == 63992 && out[2] == 15273,
          "skip 2: %d %d %d", out[0], out[1], out[2]);
  /* three candidates: the stream goes round its cycle (remembered in
   * `cycle`), the same as without the memory */
  start(); env(P4M_LIST, "16"); env(P4M_INCLUDE, "1024-1026");
  env(P4M_PREPEND, "7");
  if (ready(NULL, NULL) && p4m_list(&cfg, &ops, out, cycle, &err) == 0 &&
      p4m_list(&cfg, &ops, plain, NULL, &err) == 0) {
    CHECK(out[0] == 7, "prepended first: %d", out[0]);
    for (i = 1; i < 16; i++) {
      CHECK(out[i] == plain[i] && out[i] >= 1024 && out[i] <= 1026,
            "port %d: %d (without the memory %d)", i, out[i], plain[i]);
      if (i > 3) CHECK(out[i] == out[i - 3], "not a cycle of 3 at %d", i);
    }
    CHECK(out[1] != out[2] && out[2] != out[3] && out[1] != out[3],
          "a cycle that repeats a port");
  }
  /* 4096 candidates fit the memory, 4097 do not: the same ports with and
   * without it (a list longer than the cycle, which is what asks for it) */
  for (i = 0; i < 2; i++) {
    static int bare[9000];
    int j, same = 1;
    start(); env(P4M_LIST, "9000"); env(P4M_EXCLUDE_UNSAFE, "");
    env(P4M_INCLUDE, i == 0 ? "10000-14095" : "10000-14096");
    if (ready(NULL, NULL) && p4m_list(&cfg, &ops, out, cycle, &err) == 0 &&
        p4m_list(&cfg, &ops, bare, NULL, &err) == 0) {
      for (j = 0; j < 9000; j++) same = same && out[j] == bare[j];
      CHECK(same, "%d candidates: not the ports listed without the memory",
            4096 + i);
    }
  }
}

static void *poll_ctx;   /* what the last poll was handed */
static int stop_now(void *ctx)
{
  poll_ctx = ctx;
  return 1;
}

static int n_polls;
static int keep_going(void *ctx)
{
  (void) ctx;
  n_polls++;
  return 0;
}

static void t_list_interrupted(void)
{
  static int out[70000];
  start(); env(P4M_LIST, "70000");          /* polled, and not stopped */
  ops.poll = keep_going;
  n_polls = 0;
  if (ready(NULL, NULL))
    CHECK(p4m_list(&cfg, &ops, out, NULL, &err) == 0 && n_polls == 1 &&
          out[69999] >= 1024, "a poll that says go on: %d polls", n_polls);
  start(); env(P4M_LIST, "70000");
  ops.poll = stop_now;
  if (ready(NULL, NULL)) {
    CHECK(p4m_list(&cfg, &ops, out, NULL, &err) == -1 &&
          err.kind == P4M_E_INTERRUPT, "list not interrupted");
    CHECK(strcmp(err.message, "interrupted") == 0 && err.err == 0 &&
          err.source == NULL && err.step == NULL, "the interrupt: '%s', "
          "errno %d", err.message, err.err);
  }
  start(); env(P4M_LIST, "65535");   /* (polled only after 65535 ports) */
  ops.poll = stop_now;
  if (ready(NULL, NULL))
    CHECK(p4m_list(&cfg, &ops, out, NULL, &err) == 0, "65535 interrupted");
}

/* ---- search ------------------------------------------------------------- */

/* A long search asks the poll once every 256 ports checked: 600 claimed
 * ports, polled after the 256th and the 512th. */
static void t_search_polls(void)
{
  int p;
  for (p = 2000; p < 2600; p++) write_claim(dir_a, p, claim_text(100, 1));
  start(); env(P4M_INCLUDE, "2000-2599"); env(P4M_EXCLUDE_UNSAFE, "");
  env(P4M_DEBUG, "false");
  ops.poll = keep_going;
  n_polls = 0;
  if (ready(dir_a, NULL))
    CHECK(search() == -2 && err.kind == P4M_E_NO_PORT && n_polls == 2,
          "600 ports checked: %d polls (%s)", n_polls, err.message);
  start(); env(P4M_INCLUDE, "2000-2599"); env(P4M_EXCLUDE_UNSAFE, "");
  env(P4M_DEBUG, "false");
  ops.poll = stop_now;                   /* Ctrl-C at the first poll */
  if (ready(dir_a, NULL))
    CHECK(search() == -2 && err.kind == P4M_E_INTERRUPT &&
          strcmp(err.message, "interrupted") == 0,
          "a search stopped by the poll: %d %s", err.kind, err.message);
  remove_claims(dir_a);
}

static void t_search_first_port(void)
{
  start();
  if (ready(NULL, NULL)) {
    CHECK(search() == 30845, "alice: not 30845");
    said("port 30845 counts as free (_PORT4ME_CHECK_AVAILABLE_PORTS_=any)", 0);
    said("port 19654", 1);                 /* nothing after the first */
    said("claimed until", 1);              /* no reserve: no claim */
  }
  start(); env(P4M_PREPEND, "4321");
  if (ready(NULL, NULL)) CHECK(search() == 4321, "prepend: not 4321");
  start(); env(P4M_SKIP, "2");
  if (ready(NULL, NULL)) CHECK(search() == 32310, "skip 2: not 32310");
  start(); env(P4M_DEBUG, NULL);              /* no lines without debug */
  if (ready(NULL, NULL)) {
    CHECK(search() == 30845, "without debug");
    CHECK(lines[0] == '\0', "lines without debug: %s", lines);
  }
}

/* A live claim is passed over like a busy port, in every folder read;
 * expired, too-far-ahead and junk entries are not claims. */
static void t_search_passes_over_claims(void)
{
  char want[600], junk[400];
  int i;
  /* as many folders as a config holds: the claims of the last one count */
  start();
  if (ready(dir_a, dir_b)) {
    static char more[2][320];
    for (i = 0; i < 2; i++) {
      snprintf(more[i], sizeof more[i], "%s/more%d", root, i);
      snprintf(cfg.claims[2 + i].dir, sizeof cfg.claims[2 + i].dir, "%s",
               more[i]);
      cfg.claims[2 + i].base = 0;
      cfg.claims[2 + i].from = "the test";
    }
    cfg.n_claims = P4M_MAX_CLAIMS_DIRS;
    write_claim(more[1], 30845, claim_text(100, 1));
    CHECK(P4M_MAX_CLAIMS_DIRS == 4 && search() == 19654,
          "a claim in folder %d of %d not honoured", P4M_MAX_CLAIMS_DIRS,
          P4M_MAX_CLAIMS_DIRS);
    for (i = 0; i < 2; i++) remove_claims(more[i]);
  }
  start();
  write_claim(dir_a, 30845, claim_text(100, 1));
  write_claim(dir_b, 19654, claim_text(0.5, 1));
  if (ready(dir_a, dir_b)) {
    CHECK(search() == 32310, "claimed in a and b: not 32310");
    snprintf(want, sizeof want, "port 30845 skipped: claimed until %s (in %s)",
             utc(NOW + 100), dir_a);
    said(want, 0);
    snprintf(want, sizeof want, "claims folder %s: claims are read here",
             dir_b);
    said(want, 0);
    CHECK(strcmp(read_claim(dir_a, 30845), claim_text(100, 1)) == 0,
          "a reader changed a claim");
  }
  /* a prepended port that is a candidate too is checked once */
  start(); env(P4M_INCLUDE, "30845,19654"); env(P4M_EXCLUDE_UNSAFE, "");
  env(P4M_PREPEND, "30845");
  if (ready(dir_a, NULL)) CHECK(search() == 19654, "30845 checked twice");
  remove_claims(dir_a); remove_claims(dir_b);
  write_claim(dir_a, 30845, claim_text(0, 1));           /* expired now */
  write_claim(dir_a, 19654, claim_text(86401, 1));       /* too far */
  snprintf(junk, sizeof junk, "%s/32310", dir_a);
  make_dir(junk);                                        /* not a claim */
  start(); env(P4M_INCLUDE, "19654,32310");
  env(P4M_EXCLUDE_UNSAFE, "");
  if (ready(dir_a, NULL)) CHECK(search() == 19654, "too far ahead honoured");
  start();
  if (ready(dir_a, NULL)) CHECK(search() == 30845, "expired claim honoured");
  start(); env(P4M_INCLUDE, "32310"); env(P4M_EXCLUDE_UNSAFE, "");
  if (ready(dir_a, NULL)) CHECK(search() == 32310, "junk honoured");
  remove_claims(dir_a);
  /* a folder that does not exist is passed over, one open to others too */
  start();
  make_dir(dir_b);
  chmod(dir_b, 0755);
  write_claim(dir_b, 30845, claim_text(100, 1));
  if (ready(dir_a, dir_b)) {
    CHECK(search() == 30845, "a claim in a folder open to others honoured");
    snprintf(want, sizeof want, "claims folder %s passed over: ", dir_b);
    said(want, 0);
  }
  remove_claims(dir_b);
}

/* max_tries and must_work, and the no-port messages. */
static void t_no_free_port(void)
{
  int fd, port;
  char want[600], include[16];
  write_claim(dir_a, 30845, claim_text(100, 1));
  write_claim(dir_a, 19654, claim_text(100, 1));
  start(); env(P4M_INCLUDE, "30845,19654"); env(P4M_EXCLUDE_UNSAFE, "");
  if (ready(dir_a, NULL)) {
    CHECK(search() == -2 && err.kind == P4M_E_NO_PORT && err.source == NULL
          && err.err == 0 && err.step == NULL,
          "two claimed: a no-port error without errno or step (err %d)",
          err.err);
    CHECK(strcmp(err.message, "No free port found: every port of the stream "
                 "was checked (2 distinct ports) and none is free; 2 of them "
                 "are claimed by other port4me calls of yours") == 0,
          "message: %s", err.message);
  }
  start(); env(P4M_INCLUDE, "30845,19654"); env(P4M_EXCLUDE_UNSAFE, "");
  in.given[P4M_MAX_TRIES].from = P4M_FROM_OPTION;
  in.given[P4M_MAX_TRIES].text = "1";
  if (ready(dir_a, NULL)) {
    CHECK(search() == -2 && err.err == 0 && err.step == NULL &&
          strcmp(err.message, "No free port found after "
                                   "checking 1 distinct port "
                                   "(--max-tries = 1); 1 of them is "
                                   "claimed by other port4me calls of "
                                   "yours") == 0, "message: %s", err.message);
    said("port 19654", 1);                          /* one check only */
  }
  start(); env(P4M_INCLUDE, "30845,19654"); env(P4M_EXCLUDE_UNSAFE, "");
  env(P4M_MUST_WORK, "false");
  if (ready(dir_a, NULL)) CHECK(search() == -1, "must_work = FALSE: not -1");
  remove_claims(dir_a);
  /* a port that is really busy (no "any") */
  port = hold_port(&fd);
  if (port == 0) return;
  sprintf(include, "%d", port);
  start(); env(P4M_CHECK_ANY, NULL); env(P4M_INCLUDE, include);
  env(P4M_EXCLUDE_UNSAFE, "");
  if (ready(NULL, NULL)) {
    CHECK(search() == -2 && strcmp(err.message, "No free port found: every "
                                   "port of the stream was checked (1 "
                                   "distinct port) and none is free") == 0,
          "busy: %s", err.message);
    snprintf(want, sizeof want, "port %d skipped: in use (", port);
    said(want, 0);
  }
  close(fd);
}

/* ---- reserve ------------------------------------------------------------ */

static void t_reserve(void)
{
  char want[600], mine[64];
  int fd, port;
  char text[16];
  /* a folder that cannot be written to is passed over, with its reason */
  make_dir(dir_b);
  chmod(dir_b, 0755);
  start(); env(P4M_RESERVE, "30");
  if (ready(dir_b, dir_a)) {
    CHECK(search() == 30845, "reserve past a folder open to others");
    snprintf(want, sizeof want, "claims folder %s cannot be written to: "
             "claims folder '%.200s' is not used", dir_b, dir_b);
    said(want, 0);
  }
  remove_claims(dir_a);
  chmod(dir_b, 0700);
  start(); env(P4M_RESERVE, "30");
  snprintf(mine, sizeof mine, "%.3f %ld\n", NOW + 30, (long) getpid());
  if (ready(dir_a, NULL)) {
    CHECK(search() == 30845, "reserve: not 30845");
    CHECK(strcmp(read_claim(dir_a, 30845), mine) == 0, "the claim: '%s'",
          read_claim(dir_a, 30845));
    snprintf(want, sizeof want, "claims folder %s: claims are written here",
             dir_a);
    said(want, 0);
    snprintf(want, sizeof want, "port 30845 claimed until %s", utc(NOW + 30));
    said(want, 0);
  }
  /* the next call of the user passes over the claimed port; one second
   * is a reserve too */
  start(); env(P4M_RESERVE, "1");
  snprintf(mine, sizeof mine, "%.3f %ld\n", NOW + 1, (long) getpid());
  if (ready(dir_a, NULL)) {
    CHECK(search() == 19654, "own claim not honoured");
    snprintf(want, sizeof want, "port 30845 skipped: claimed until %s (in "
             "%s)", utc(NOW + 30), dir_a);
    said(want, 0);
    CHECK(strcmp(read_claim(dir_a, 19654), mine) == 0, "reserve 1: the "
          "claim: '%s'", read_claim(dir_a, 19654));
  }
  start();
  if (ready(dir_a, NULL)) CHECK(search() == 32310, "a reader: not 32310");
  remove_claims(dir_a);
  /* a claim on a port that turns out busy is released at once */
  port = hold_port(&fd);
  if (port == 0) return;
  sprintf(text, "%d", port);
  start(); env(P4M_CHECK_ANY, NULL); env(P4M_RESERVE, "30");
  env(P4M_INCLUDE, text); env(P4M_EXCLUDE_UNSAFE, ""); env(P4M_PREPEND, text);
  if (ready(dir_a, NULL)) {
    int got = 0;
    CHECK(p4m_search(&cfg, &ops, &run, &got, &err) == -1 &&
          err.kind == P4M_E_NO_PORT, "busy: %s", err.message);
    CHECK(run.pending == 0, "the dropped claim on %d still pending as %d",
          port, run.pending);
    p4m_run_cleanup(&run);
    CHECK(read_claim(dir_a, port)[0] == '\0', "the claim on a busy port "
          "is kept");
  }
  close(fd);
  remove_claims(dir_a);
  /* port 1, the lowest, claimed: kept when free, dropped when not (held
   * here as root, or busy already; refused to anyone else) */
  start(); env(P4M_RESERVE, "30"); env(P4M_INCLUDE, "1");
  env(P4M_EXCLUDE_UNSAFE, "");
  if (ready(dir_a, NULL)) {
    int got = 0;
    CHECK(p4m_search(&cfg, &ops, &run, &got, &err) == 0 && got == 1 &&
          run.pending == 0, "port 1: %d, still pending %d (%s)", got,
          run.pending, err.message);
    p4m_run_cleanup(&run);
    CHECK(read_claim(dir_a, 1)[0] != '\0', "port 1 not claimed");
    snprintf(want, sizeof want, "port 1 claimed until %s", utc(NOW + 30));
    said(want, 0);
  }
  remove_claims(dir_a);
  fd = -1;
  if (geteuid() == 0) (void) hold_fixed(&fd, 1);
  start(); env(P4M_CHECK_ANY, NULL); env(P4M_RESERVE, "30");
  env(P4M_INCLUDE, "1"); env(P4M_EXCLUDE_UNSAFE, "");
  if (ready(dir_a, NULL)) {
    int got = 0;
    CHECK(p4m_search(&cfg, &ops, &run, &got, &err) == -1 &&
          err.kind == P4M_E_NO_PORT, "port 1 not free: %s", err.message);
    CHECK(run.pending == 0 && read_claim(dir_a, 1)[0] == '\0', "the claim "
          "on port 1 is kept (pending %d)", run.pending);
    p4m_run_cleanup(&run);
  }
  if (fd >= 0) close(fd);
  remove_claims(dir_a);
  /* a runtime folder is used only when its base exists: the next one is */
  {
    char runtime[400], base[350], junk[400];
    snprintf(base, sizeof base, "%s/run", root);
    snprintf(runtime, sizeof runtime, "%s/port4me", base);
    start(); env(P4M_RESERVE, "30");
    if (ready(runtime, dir_a)) {
      cfg.claims[0].base = strlen(base);
      CHECK(search() == 30845 && read_claim(dir_a, 30845)[0] != '\0',
            "not claimed in the second folder: %s", err.message);
      CHECK(access(base, F_OK) != 0, "a runtime folder's base was made");
    }
    remove_claims(dir_a);
    /* a name held by something that cannot be removed (a folder with a
     * file in it): the port is tested without a claim */
    snprintf(junk, sizeof junk, "%s/30845", dir_a);
    make_dir(dir_a);
    make_dir(junk);
    write_claim(junk, 1, "x");
    start(); env(P4M_RESERVE, "30");
    if (ready(dir_a, NULL)) {
      CHECK(search() == 30845, "junk: %s", err.message);
      snprintf(want, sizeof want, "port 30845 cannot be claimed: something "
               "in %s has its name; it is tested without a claim", dir_a);
      said(want, 0);
    }
    remove_claims(dir_a);
  }
}

/* Waiting for the lock of `dir` that another process holds, a reserve
 * call (or, with `release`, a release of 30845) answers the poll (Ctrl-C
 * in R), which stops it: an interrupt, not an error of the claims, and no
 * claim taken or dropped.  Returns whether the call was made (err holds
 * its error). */
static int interrupted_in(const char *dir, int release)
{
  int ready_pipe[2], hold_pipe[2], status, made = 0;
  char c = 0;
  pid_t pid;
  if (pipe(ready_pipe) != 0 || pipe(hold_pipe) != 0) { perror("pipe"); return 0; }
  fflush(stdout);
  pid = fork();
  if (pid == 0) {                   /* the holder: the lock until told */
    p4m_claims holder;
    p4m_error e;
    close(ready_pipe[0]); close(hold_pipe[1]);
    p4m_claims_init(&holder);
    c = p4m_claims_open_write(&holder, dir, &e) == 0 ? 'y' : 'n';
    if (write(ready_pipe[1], &c, 1) != 1 || read(hold_pipe[0], &c, 1) < 0)
      _exit(2);
    p4m_claims_close(&holder);
    _exit(0);
  }
  close(ready_pipe[1]); close(hold_pipe[0]);
  if (pid > 0 && read(ready_pipe[0], &c, 1) == 1 && c == 'y') {
    start();
    if (release) {
      in.given[P4M_RELEASE].from = P4M_FROM_OPTION;
      in.given[P4M_RELEASE].text = "30845";
    } else {
      env(P4M_RESERVE, "30");
    }
    ops.poll = stop_now;
    ops.ctx = &ops;
    poll_ctx = NULL;
    if (ready(dir, NULL)) {
      int dropped = -1, rc;
      made = 1;
      if (release) {
        rc = p4m_release(&cfg, &ops, &run, &dropped, &err);
        p4m_run_cleanup(&run);
      } else {
        rc = search() == -2 ? -1 : 0;
      }
      CHECK(rc == -1 && err.kind == P4M_E_INTERRUPT && dropped <= 0,
            "lock wait not interrupted: %d %s", err.kind, err.message);
      CHECK(poll_ctx == &ops, "the poll was not handed ops.ctx");
      if (!release)
        CHECK(read_claim(dir, 30845)[0] == '\0', "claimed while waiting");
    }
  } else {
    CHECK(0, "the holder could not take the lock of %s", dir);
  }
  close(hold_pipe[1]);              /* let the holder go */
  close(ready_pipe[0]);
  if (pid > 0) waitpid(pid, &status, 0);
  return made;
}

static void t_reserve_interrupted(void)
{
  static char deep[900];
  char want[1024];
  size_t k;
  int i;
  if (interrupted_in(dir_a, 0))
    CHECK(snprintf(want, sizeof want, "Cannot claim a port: interrupted "
                   "while waiting for the lock of claims folder '%s'", dir_a)
          > 0 && strcmp(err.message, want) == 0, "message: %s", err.message);
  write_claim(dir_a, 30845, claim_text(100, 1));
  if (interrupted_in(dir_a, 1))
    CHECK(snprintf(want, sizeof want, "Cannot release port 30845: "
                   "interrupted while waiting for the lock of claims folder "
                   "'%s'", dir_a) > 0 && strcmp(err.message, want) == 0 &&
          read_claim(dir_a, 30845)[0] != '\0', "release: %s", err.message);
  remove_claims(dir_a);
  /* a folder whose name makes the message longer than it may be: the
     prefix stays whole, and of the claims' own message (itself cut at
     sizeof err.message - 1 = 639 bytes) the first 573 bytes follow, 573 =
     640 - 64 - 3 (modes.c: room for the longest prefix and ": ") */
  k = (size_t) snprintf(deep, sizeof deep, "%s", root);
  for (i = 0; i < 3; i++) {
    k += (size_t) snprintf(deep + k, sizeof deep - k, "/%0200d", i);
    make_dir(deep);
  }
  snprintf(deep + k, sizeof deep - k, "/claims");
  if (interrupted_in(deep, 0)) {
    snprintf(want, sizeof want, "interrupted while waiting for the lock of "
             "claims folder '%s'", deep);
    CHECK(strncmp(err.message, "Cannot claim a port: ", 21) == 0 &&
          strlen(err.message) == 21 + 573 &&
          strncmp(err.message + 21, want, 573) == 0,
          "a long message reworded (%lu bytes): %s",
          (unsigned long) strlen(err.message), err.message);
  }
}

/* No folder can be written: an error (claims were asked for). */
static void t_reserve_without_folder(void)
{
  char file[300], below[320];
  FILE *f;
  start(); env(P4M_RESERVE, "30");
  if (ready(NULL, NULL)) {
    CHECK(search() == -2 && err.kind == P4M_E_SYSTEM &&
          err.step != NULL && strcmp(err.step, "open claims folder") == 0,
          "no folder: %s", err.message);
    CHECK(strcmp(err.message, "Cannot claim a port: no folder for claims "
                 "can be used") == 0, "message: %s", err.message);
    CHECK(err.err == 0, "no folder: err %d", err.err);
  }
  snprintf(file, sizeof file, "%s/file", root);
  snprintf(below, sizeof below, "%s/claims", file);
  f = fopen(file, "w");
  if (f) fclose(f);
  start(); env(P4M_RESERVE, "30");
  if (ready(below, NULL)) {
    CHECK(search() == -2 && err.kind == P4M_E_SYSTEM &&
          strncmp(err.message, "Cannot claim a port: no folder for claims "
                  "can be used: ", 55) == 0, "below a file: %s", err.message);
    CHECK(err.err != 0, "below a file: err 0");
  }
  {
    /* two such folders: both reasons, in order, "; " between them */
    static char one[sizeof err.message], two[sizeof err.message];
    char below2[330], want[3 * sizeof err.message];
    const char *pre = "Cannot claim a port: no folder for claims can be used: ";
    size_t n = strlen(pre);
    snprintf(below2, sizeof below2, "%s/other", file);
    start(); env(P4M_RESERVE, "30");
    if (ready(below2, NULL) && search() == -2)
      snprintf(two, sizeof two, "%s", err.message + n);
    start(); env(P4M_RESERVE, "30");
    if (ready(below, NULL) && search() == -2)
      snprintf(one, sizeof one, "%s", err.message + n);
    start(); env(P4M_RESERVE, "30");
    if (ready(below, below2)) {
      CHECK(search() == -2 && err.kind == P4M_E_SYSTEM, "two folders: %s",
            err.message);
      snprintf(want, sizeof want, "%s%s; %s", pre, one, two);
      CHECK(strstr(one, below) != NULL && strstr(two, below2) != NULL &&
            strcmp(err.message, want) == 0, "two folders: '%s', not '%s'",
            err.message, want);
    }
  }
  remove(file);
}

/* Whatever way a call ends (R unwinds from a debug line or a poll), the
 * cleanup drops the claim taken and not yet kept. */
static jmp_buf unwind;
static void unwinding_line(void *ctx, const char *line)
{
  (void) ctx;
  if (strstr(line, "counts as free") != NULL) longjmp(unwind, 1);
}

static void unwound_on(int want)
{
  int port = 0;
  start(); env(P4M_RESERVE, "30");
  if (want == 1) { env(P4M_INCLUDE, "1"); env(P4M_EXCLUDE_UNSAFE, ""); }
  ops.line = unwinding_line;
  if (!ready(dir_a, NULL)) return;
  if (setjmp(unwind) == 0) {
    (void) p4m_search(&cfg, &ops, &run, &port, &err);
    CHECK(0, "the line did not unwind");
  }
  CHECK(run.pending == want, "pending %d, not %d", run.pending, want);
  CHECK(read_claim(dir_a, want)[0] != '\0', "no claim before the cleanup");
  p4m_run_cleanup(&run);
  CHECK(read_claim(dir_a, want)[0] == '\0', "the cleanup kept the claim "
        "on %d", want);
  CHECK(run.pending == 0 && run.w == -1, "the cleanup left the run holding "
        "port %d, folder %d (p4m_run_init() leaves 0 and -1)", run.pending,
        run.w);
  p4m_run_cleanup(&run);                                  /* twice: safe */
  remove_claims(dir_a);
}

static void t_cleanup_after_unwind(void)
{
  unwound_on(30845);
  unwound_on(1);                   /* the lowest port is a port, too */
  /* set up on memory that an earlier run used: nothing pending, no folder */
  memset(&run, 0x11, sizeof run);
  p4m_run_init(&run);
  CHECK(run.pending == 0 && run.w == -1, "p4m_run_init(): port %d, folder "
        "%d", run.pending, run.w);
  p4m_run_cleanup(&run);
}

/* ---- test and release --------------------------------------------------- */

static void t_test_mode(void)
{
  int free_ = -1, fd, port;
  char want[600], text[16];
  /* a claim of this very process does not count; another's does */
  write_claim(dir_a, 30845, claim_text(30, (long) getpid()));
  write_claim(dir_a, 19654, claim_text(30, 1));
  start(); env(P4M_TEST, "30845");
  if (ready(dir_a, NULL)) {
    CHECK(p4m_test(&cfg, &ops, &run, &free_, &err) == 0 && free_ == 1,
          "own claim counted: %d %s", free_, err.message);
    snprintf(want, sizeof want, "port 30845 is claimed by this process until "
             "%s (in %s): that claim does not count", utc(NOW + 30), dir_a);
    said(want, 0);
    p4m_run_cleanup(&run);
  }
  start(); env(P4M_TEST, "19654");
  if (ready(dir_a, NULL)) {
    CHECK(p4m_test(&cfg, &ops, &run, &free_, &err) == 0 && free_ == 0,
          "another's claim not counted");
    p4m_run_cleanup(&run);
  }
  remove_claims(dir_a);
  port = hold_port(&fd);
  if (port == 0) return;
  sprintf(text, "%d", port);
  start(); env(P4M_CHECK_ANY, NULL); env(P4M_TEST, text);
  if (ready(NULL, NULL)) {
    CHECK(p4m_test(&cfg, &ops, &run, &free_, &err) == 0 && free_ == 0,
          "busy port free");
    p4m_run_cleanup(&run);
  }
  close(fd);
}

/* The socket test cannot be made (no descriptor left): an error with errno
 * and step, never "not free".  In a child, whose limit is lowered; it
 * answers through a pipe (under valgrind its exit status would also count
 * the parent's reports). */
static void t_test_cannot_be_made(void)
{
  int fds[2], status;
  char answer = '?';
  pid_t pid;
  if (pipe(fds) != 0) { perror("pipe"); return; }
  fflush(stdout);
  pid = fork();
  if (pid == 0) {
    struct rlimit rl;
    int lowest, free_ = -1, rc;
    close(fds[0]);
    lowest = open("/dev/null", O_RDONLY);   /* the lowest free descriptor */
    start(); env(P4M_CHECK_ANY, NULL); env(P4M_TEST, "30845");
    if (ready(NULL, NULL) && lowest >= 0 && close(lowest) == 0 &&
        getrlimit(RLIMIT_NOFILE, &rl) == 0) {
      rl.rlim_cur = (rlim_t) lowest;
      if (setrlimit(RLIMIT_NOFILE, &rl) == 0) {
        rc = p4m_test(&cfg, &ops, &run, &free_, &err);
        answer = rc == -1 && err.kind == P4M_E_SYSTEM && err.err == EMFILE &&
          err.step != NULL && strcmp(err.step, "socket IPv4") == 0 &&
          strcmp(err.message, "Cannot test whether port 30845 is free: the "
                 "socket test failed (socket IPv4: Too many open files)") == 0
          ? 'y' : 'n';
      }
    }
    if (write(fds[1], &answer, 1) != 1) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  if (pid < 0 || read(fds[0], &answer, 1) != 1) answer = '?';
  close(fds[0]);
  if (pid > 0) waitpid(pid, &status, 0);
  CHECK(answer == 'y', "EMFILE: the child answered '%c'", answer);
}

static void t_release(void)
{
  int dropped = -1;
  char want[600];
  write_claim(dir_b, 4321, claim_text(100, 1));    /* another process's */
  start(); in.given[P4M_RELEASE].from = P4M_FROM_ARG;
  {
    static const double port = 4321;
    in.given[P4M_RELEASE].dbls = &port;
    in.given[P4M_RELEASE].n = 1;
  }
  if (ready(dir_a, dir_b)) {
    int fds = count_fds();
    CHECK(cfg.mode == P4M_MODE_RELEASE, "mode %d", cfg.mode);
    CHECK(p4m_release(&cfg, &ops, &run, &dropped, &err) == 0 && dropped == 1,
          "not dropped: %s", err.message);
    CHECK(count_fds() == fds, "a release left %d descriptors open (and the "
          "folder's lock held) until the cleanup", count_fds() - fds);
    CHECK(read_claim(dir_b, 4321)[0] == '\0', "claim left");
    CHECK(access(dir_a, F_OK) != 0, "a release created a claims folder");
    snprintf(want, sizeof want, "port 4321: claim dropped (in %s)", dir_b);
    said(want, 0);
    p4m_run_cleanup(&run);
    CHECK(p4m_release(&cfg, &ops, &run, &dropped, &err) == 0 && dropped == 0,
          "dropped twice");
    p4m_run_cleanup(&run);
  }
  /* a folder that cannot be written is passed over, and says why */
  write_claim(dir_a, 4321, claim_text(100, 1));
  chmod(dir_a, 0755);
  start(); in.given[P4M_RELEASE].from = P4M_FROM_OPTION;
  in.given[P4M_RELEASE].text = "4321";
  if (ready(dir_a, NULL)) {
    CHECK(p4m_release(&cfg, &ops, &run, &dropped, &err) == 0 && dropped == 0,
          "a folder open to others: %d %s", dropped, err.message);
    snprintf(want, sizeof want, "claims folder %s passed over: ", dir_a);
    said(want, 0);
    CHECK(read_claim(dir_a, 4321)[0] != '\0', "dropped in a folder open to "
          "others");
    p4m_run_cleanup(&run);
  }
  remove_claims(dir_a);
  remove_claims(dir_b);
}

/* ---- the debug report (report.c) ---------------------------------------- */

static void t_report_inputs(void)
{
  char want[600];
  start();
  if (ready(dir_a, NULL)) {
    p4m_report_inputs(&cfg, collect, NULL);
    said("user \"alice\" (from PORT4ME_USER)\ntool: none\n"
         "seed string \"alice\", hash 92903040\n"
         "include 1024-65535 (the default)\nexclude 1,7,9,", 0);
    said(",10080 (from PORT4ME_EXCLUDE_UNSAFE)\nprepend none\n"
         "64495 candidate ports\nreserve: none (claims are only read)\n", 0);
    snprintf(want, sizeof want, "claims folder %s (from the test)\n", dir_a);
    said(want, 0);
  }
  start(); env(P4M_TOOL, "rstudio"); env(P4M_INCLUDE, "5000");
  env(P4M_EXCLUDE_SITE, "6"); env(P4M_PREPEND, "7-9,3,8");
  env(P4M_PREPEND_SITE, "10"); env(P4M_RESERVE, "30");
  in.given[P4M_EXCLUDE].from = P4M_FROM_OPTION;
  in.given[P4M_EXCLUDE].text = "5";
  if (ready(NULL, NULL)) {
    p4m_report_inputs(&cfg, collect, NULL);
    said("tool \"rstudio\" (from PORT4ME_TOOL)\n"
         "seed string \"alice,rstudio\", hash 3688618396\n"
         "include 5000 (from PORT4ME_INCLUDE)\n", 0);
    said(" (from --exclude, PORT4ME_EXCLUDE_SITE and PORT4ME_EXCLUDE_UNSAFE)"
         "\nprepend 7-9,3,10 (from PORT4ME_PREPEND and PORT4ME_PREPEND_SITE)\n"
         "1 candidate port\nreserve: claim the port for 30 seconds\n", 0);
  }
  start(); env(P4M_RESERVE, "1");              /* the shortest reserve */
  if (ready(NULL, NULL)) {
    p4m_report_inputs(&cfg, collect, NULL);
    said("reserve: claim the port for 1 second", 0);
  }
  start(); env(P4M_LIST, "2");                 /* a list: no claims lines */
  if (ready(NULL, NULL)) {
    p4m_report_inputs(&cfg, collect, NULL);
    said("reserve", 1);
  }
}

static void t_report_sets(void)
{
  static char full[65536 * 7], cut[P4M_LINE_MAX];
  static uint16_t list[4000];
  p4m_set s;
  unsigned p;
  size_t k, shown = 1;
  const char *more;
  p4m_set_clear(&s);
  CHECK(strcmp(p4m_report_set(&s, cut, sizeof cut), "none") == 0, "empty");
  p4m_set_add(&s, 1); p4m_set_add(&s, 7);
  p4m_set_add_range(&s, 9, 11); p4m_set_add(&s, 65535);
  CHECK(strcmp(p4m_report_set(&s, cut, sizeof cut), "1,7,9-11,65535") == 0,
        "compact: %s", cut);
  p4m_set_clear(&s);
  p4m_set_add_range(&s, 1, 65535);
  CHECK(strcmp(p4m_report_set(&s, cut, sizeof cut), "1-65535") == 0, "all");
  /* 2000 ranges do not fit a line: the first ones, then how many more */
  p4m_set_clear(&s);
  for (p = 2; p <= 4000; p += 2) p4m_set_add(&s, p);
  (void) p4m_report_set(&s, full, sizeof full);
  (void) p4m_report_set(&s, cut, sizeof cut);
  more = strstr(cut, ", ... (");
  CHECK(more != NULL && strlen(cut) < sizeof cut, "no cut: %.60s", cut);
  if (more != NULL) {
    for (k = 0; cut + k < more; k++) if (cut[k] == ',') shown++;
    CHECK(strncmp(full, cut, (size_t) (more - cut)) == 0 &&
          full[more - cut] == ',', "the cut text is not the start");
    CHECK((size_t) atoi(more + 7) == 2000 - shown &&
          strcmp(more + strcspn(more, ")"), ")") == 0,
          "%lu shown, %s", (unsigned long) shown, more);
  }
  /* a range goes in while 24 bytes stay free for ", ... (N more)": in
   * 29 bytes "10" and ",20" leave 24, in 30 bytes 25 */
  p4m_set_clear(&s);
  p4m_set_add(&s, 10); p4m_set_add(&s, 20);
  CHECK(strcmp(p4m_report_set(&s, cut, 29), "10, ... (1 more)") == 0 &&
        strcmp(p4m_report_set(&s, cut + 100, 30), "10,20") == 0,
        "the room kept: '%s', '%s'", cut, cut + 100);
  /* a list keeps its order; consecutive runs are ranges */
  list[0] = 5; list[1] = 6; list[2] = 7; list[3] = 3; list[4] = 9;
  list[5] = 10; list[6] = 65535; list[7] = 1;
  CHECK(strcmp(p4m_report_list(list, 8, cut, sizeof cut),
               "5-7,3,9-10,65535,1") == 0, "list: %s", cut);
  CHECK(strcmp(p4m_report_list(list, 0, cut, sizeof cut), "none") == 0,
        "empty list");
  for (k = 0; k < 4000; k++) list[k] = (uint16_t) (2 * k + 1);
  (void) p4m_report_list(list, 4000, cut, sizeof cut);
  CHECK(strlen(cut) < sizeof cut && strstr(cut, " more)") != NULL,
        "long list not cut: %.60s", cut);
  CHECK(strcmp(p4m_report_time(0, cut, sizeof cut), "1970-01-01 00:00:00")
        == 0, "time 0: %s", cut);
  CHECK(strcmp(p4m_report_time(NOW, cut, sizeof cut), utc(NOW)) == 0,
        "time: %s", cut);
  /* no room for the date (20 bytes): the seconds, cut to the room */
  CHECK(strcmp(p4m_report_time(NOW, cut, 19), "1800000000 s since") == 0,
        "time without room for it: %s", cut);
}

int main(void)
{
  const char *tmp = getenv("TMPDIR");
  setenv("TZ", "UTC", 1);
  tzset();
  snprintf(root, sizeof root, "%s/p4m-modes.XXXXXX",
           tmp != NULL && tmp[0] == '/' ? tmp : "/tmp");
  if (mkdtemp(root) == NULL) { perror(root); return 2; }
  snprintf(dir_a, sizeof dir_a, "%s/a", root);
  snprintf(dir_b, sizeof dir_b, "%s/b", root);
  t_list();
  t_list_interrupted();
  t_search_first_port();
  t_search_passes_over_claims();
  t_no_free_port();
  t_search_polls();
  t_reserve();
  t_reserve_interrupted();
  t_reserve_without_folder();
  t_cleanup_after_unwind();
  t_test_mode();
  t_test_cannot_be_made();
  t_release();
  t_report_inputs();
  t_report_sets();
  free(block);
  remove_claims(root);
  return ctest_done("test_modes");
}
