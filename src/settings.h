/* Environment variables of port4me (SPEC sections 3-5), read with getenv()
 * so that a call reads them without allocating anything in R. */
#ifndef P4M_SETTINGS_H
#define P4M_SETTINGS_H

/* The value of a variable, or NULL when it is unset or empty. */
const char *p4m_env(const char *name);

/* The value of a variable, `unset` when it is unset (an empty value is
 * returned as ""). */
const char *p4m_env_or(const char *name, const char *unset);

/* A whole number in min..max from a variable; -1 when unset or empty.
 * Anything else is an R error naming the variable. */
double p4m_env_count(const char *name, double min, double max);

/* _PORT4ME_CHECK_AVAILABLE_PORTS_: 1 for "any", 0 when unset or empty. */
int p4m_env_check_any(void);

/* PORT4ME_DEBUG: true/false (also TRUE, 1, yes / FALSE, 0, no). */
int p4m_env_debug(void);

/* The account name from the operating system, or NULL. */
const char *p4m_account_name(void);

/* Default expansions of {chrome} and {firefox}. */
extern const char p4m_unsafe_chrome[];
extern const char p4m_unsafe_firefox[];

#endif
