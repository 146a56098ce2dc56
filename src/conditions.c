#define R_NO_REMAP
#define STRICT_R_HEADERS
#include <R.h>
#include <Rinternals.h>
#include "conditions.h"

static SEXP utf8_string(const char *s)
{
  return Rf_ScalarString(Rf_mkCharCE(s, CE_UTF8));
}

void p4m_raise(const char *cls, const char *source, const char *detail)
{
  SEXP ns, call, a_cls, a_detail, a_source;
  ns = PROTECT(R_FindNamespace(PROTECT(Rf_mkString("port4me"))));
  a_cls = PROTECT(Rf_mkString(cls));
  a_detail = PROTECT(utf8_string(detail));
  a_source = PROTECT(source ? Rf_mkString(source) : R_NilValue);
  call = PROTECT(Rf_lang4(Rf_install("p4m_stop"), a_cls, a_detail, a_source));
  Rf_eval(call, ns);
  UNPROTECT(6);
  Rf_error("%s", detail);  /* not reached: p4m_stop() signals an error */
}
