/* The fuzz harnesses' invariant check: a failed one aborts, which libFuzzer
 * reports as a crash and saves the input. */
#ifndef P4M_FUZZ_CHECK_H
#define P4M_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                     \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "invariant failed at %s:%d: %s\n", __FILE__,      \
              __LINE__, #cond);                                         \
      abort();                                                          \
    }                                                                   \
  } while (0)

#endif
