/* claims-platform.h - the platform layer under claims.c (internal).
 *
 * claims.c holds the claim format, the expiry rules and the public
 * functions; these few calls are all it needs from the system.  They are
 * implemented in claims-posix.c and in claims-win.c (each compiles to
 * nothing on the other platform).  Every call that fails fills e with
 * P4M_E_SYSTEM, the system's error number (0 for a refusal by policy) and
 * the step, and returns -1.  `c` is the caller's p4m_claims: c->dir names
 * the folder in messages (and, on Windows, in the calls), c->h_dir and
 * c->h_lock are the handles. */
#ifndef P4M_CLAIMS_PLATFORM_H
#define P4M_CLAIMS_PLATFORM_H

#include "claims.h"

#define P4M_NO_HANDLE ((intptr_t) -1)
#define P4M_LOCK_NAME ".lock"

/* The steps named in errors (claims.h) */
#define P4M_STEP_OPEN   "open claims folder"
#define P4M_STEP_CHECK  "check claims folder"
#define P4M_STEP_CREATE "create claims folder"
#define P4M_STEP_LOCK   "lock claims folder"
#define P4M_STEP_READ   "read claim"
#define P4M_STEP_WRITE  "write claim"
#define P4M_STEP_REMOVE "remove claim"

/* Length of the root of the absolute path p ("/", "C:\", "\\server\share\"),
 * 0 when p is not absolute; and whether ch separates components. */
size_t p4m_cp_root_len(const char *p);
int p4m_cp_is_sep(char ch);

/* Open c->dir (normalised by claims.c) by the trusted path of claims.h into
 * c->h_dir; create = 1 makes the missing components (mode 0700).
 * 0 opened; 1 c->dir or a parent does not exist (create = 0 only); -1. */
int p4m_cp_open_dir(p4m_claims *c, int create, p4m_error *e);

/* Open (creating it if needed) the file ".lock" of the open folder into
 * c->h_lock: 0 or -1.  Then try to lock it once: 0 locked, 1 another
 * process holds it, -1.  Refresh its modification time: 0 or -1.  Closing
 * the handle (p4m_cp_close) drops the lock. */
int p4m_cp_lock_open(p4m_claims *c, p4m_error *e);
int p4m_cp_lock_try(const p4m_claims *c, p4m_error *e);
int p4m_cp_lock_touch(const p4m_claims *c, p4m_error *e);
void p4m_cp_close(intptr_t h);   /* nothing when h is P4M_NO_HANDLE */
void p4m_cp_sleep_ms(int ms);    /* (may return early on a signal) */
/* The error number of "the lock wait timed out" */
int p4m_cp_timed_out(void);

/* The entry `name` of the open folder.
 * p4m_cp_entry_read(): P4M_ENTRY_MISSING; P4M_ENTRY_OTHER (a folder, a
 * symbolic link, a device, a file of another user, one that cannot be
 * opened: not a claim); P4M_ENTRY_FILE with its first bytes in buf (up to
 * size, *n of them; a longer file gives *n = size); or -1.
 * p4m_cp_entry_create(): creates it exclusively with text[0..len): 0; 1 it
 * exists; -1.
 * p4m_cp_entry_remove(): 0 removed (or already gone); 1 it cannot be
 * removed (a folder that is not empty, ...); -1. */
enum { P4M_ENTRY_MISSING = 0, P4M_ENTRY_OTHER = 1, P4M_ENTRY_FILE = 2 };
int p4m_cp_entry_read(const p4m_claims *c, const char *name, char *buf,
                      size_t size, size_t *n, p4m_error *e);
int p4m_cp_entry_create(const p4m_claims *c, const char *name,
                        const char *text, size_t len, p4m_error *e);
int p4m_cp_entry_remove(const p4m_claims *c, const char *name, p4m_error *e);

/* This process's id, as written into its claims. */
unsigned long p4m_cp_pid(void);

/* Helpers in claims.c for the platform files.
 * p4m_cp_fail_sys(): a system call failed with err on `what` (the folder,
 * a component on its path, an entry); p4m_cp_fail_policy(): the folder is
 * refused (step "check claims folder") because `what` on its path is
 * `why`.  Both fill e and return -1.  p4m_cp_path(): "<c->dir><sep><name>"
 * into buf, returns buf. */
#ifdef _WIN32
# define P4M_SEP "\\"
#else
# define P4M_SEP "/"
#endif
int p4m_cp_fail_sys(p4m_error *e, int err, const char *step,
                    const char *what, const p4m_claims *c);
int p4m_cp_fail_policy(p4m_error *e, const char *what, const char *why,
                       const p4m_claims *c);
const char *p4m_cp_path(char *buf, size_t n, const p4m_claims *c,
                        const char *name);

/* (in claims.c, for p4m_claims_host()) Make the host name in buf (n bytes)
 * safe as a folder name: characters other than letters, digits, '-', '.'
 * and '_' become '_'; "", "." and ".." become "localhost". */
void p4m_host_clean(char *buf, size_t n);

#endif
