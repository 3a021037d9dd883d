// CHECK-style assertions for broken internal invariants (never for bad user
// input, which gets an absl::Status). Debian's Abseil has no absl/log.
#ifndef TBP_CORE_UTIL_CHECK_H_
#define TBP_CORE_UTIL_CHECK_H_

#include <cstdio>
#include <cstdlib>

#define TBP_CHECK(cond)                                                    \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::fprintf(stderr, "%s:%d: internal invariant failed: %s\n",       \
                   __FILE__, __LINE__, #cond);                             \
      std::abort();                                                        \
    }                                                                      \
  } while (0)

#endif  // TBP_CORE_UTIL_CHECK_H_
