/* conditions.c - see conditions.h. */
#define R_NO_REMAP
#define STRICT_R_HEADERS
#include <R.h>
#include <Rinternals.h>
#include "conditions.h"

static SEXP utf8(const char *s)
{
  return s == NULL ? R_NilValue : Rf_ScalarString(Rf_mkCharCE(s, CE_UTF8));
}

/* Evaluate fun(args...) in port4me's namespace. */
static void call_ns(SEXP call)
{
  SEXP ns = PROTECT(R_FindNamespace(PROTECT(Rf_mkString("port4me"))));
  Rf_eval(call, ns);
  UNPROTECT(2);
}

void p4m_raise(const p4m_error *e)
{
  static const char *const kinds[] = {
    "", "invalid", "no_port", "system", "interrupt", "bug"
  };
  SEXP call;
  if (e->kind < P4M_E_INVALID || e->kind > P4M_E_SYSTEM)
    Rf_error("port4me: internal error (%s): %s", kinds[e->kind < 0 ||
             e->kind > P4M_E_BUG ? 0 : e->kind], e->message);
  call = PROTECT(Rf_allocVector(LANGSXP, 6));
  SETCAR(call, Rf_install("p4m_stop"));
  SETCADR(call, PROTECT(Rf_mkString(kinds[e->kind])));
  SETCADDR(call, PROTECT(utf8(e->message)));
  SETCADDDR(call, PROTECT(utf8(e->source)));
  SETCAD4R(call, PROTECT(e->kind == P4M_E_SYSTEM ? Rf_ScalarInteger(e->err)
                         : R_NilValue));
  SETCAR(CDR(CDR(CDR(CDR(CDR(call))))),
         PROTECT(e->kind == P4M_E_SYSTEM && e->step != NULL
                 ? Rf_mkString(e->step) : R_NilValue));
  call_ns(call);
  UNPROTECT(6);
  Rf_error("%s", e->message);   /* not reached: p4m_stop() signals */
}

void p4m_message(const char *line)
{
  SEXP call = PROTECT(Rf_lang2(Rf_install("p4m_debug"), PROTECT(utf8(line))));
  call_ns(call);
  UNPROTECT(2);
}
