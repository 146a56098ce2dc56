/* The one registration table of the package's native routines.  The
   package is compiled with $(C_VISIBILITY) (src/Makevars): no symbol but
   R_init_port4me leaves the library, so calls between its files are direct
   (no PLT), and its names cannot clash with another library's. */
#define R_NO_REMAP
#define STRICT_R_HEADERS
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>
#include <R_ext/Visibility.h>
#include "port4me.h"
#include "freeport.h"

static const R_CallMethodDef call_methods[] = {
  {"R_port4me", (DL_FUNC) (void (*)(void)) &R_port4me, 4},
  {"R_port4me_cli", (DL_FUNC) (void (*)(void)) &R_port4me_cli, 1},
  {"R_port4me_table", (DL_FUNC) (void (*)(void)) &R_port4me_table, 0},
  {"R_port4me_show", (DL_FUNC) (void (*)(void)) &R_port4me_show, 1},
  {"R_port4me_hash", (DL_FUNC) (void (*)(void)) &R_port4me_hash, 1},
  {NULL, NULL, 0}
};

void attribute_visible R_init_port4me(DllInfo *dll)
{
  R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
  R_useDynamicSymbols(dll, FALSE);
  R_forceSymbols(dll, TRUE);
  p4m_net_init();
}

void R_unload_port4me(DllInfo *dll)
{
  (void) dll;
  p4m_net_cleanup();
}
