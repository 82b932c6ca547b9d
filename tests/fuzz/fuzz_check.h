// What every fuzz target asserts: an input is either accepted or refused with a BadInput
// whose message names the input (`where`). Any other exception escapes and libFuzzer
// reports it as a crash; so do sanitizer reports, leaks, timeouts and huge allocations.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "engine/util/errors.h"

namespace latentlab::fuzz {

// The name each target gives its input; every refusal must mention it.
inline constexpr const char* kWhere = "fuzz-input";

// A property of an accepted input that does not hold: report and abort (a crash to libFuzzer).
[[noreturn]] inline void broken(const char* what) {
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

inline void checkRefusal(const BadInput& e) {
  if (!std::strstr(e.what(), kWhere)) {
    std::fprintf(stderr, "refusal does not name the input: %s\n", e.what());
    std::abort();
  }
}

}  // namespace latentlab::fuzz
