// Helpers of the CLI tests: tables of bad command lines that must each fail with their exit
// code and one line on stderr naming what was wrong, and the largest difference of two .npy
// arrays of the same shape.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "engine/data/npy.h"
#include "test_support.h"

namespace latentlab::test {

inline int lineCount(const std::string& s) { return int(std::count(s.begin(), s.end(), '\n')); }

struct CliErrorCase {
  std::string args;    // after `latentlab`
  int code;            // 2 usage, 3 bad input
  std::string expect;  // a part of the one stderr line
};

// Runs every case: its exit code, exactly one line on stderr, and that line names `expect`.
inline void checkOneLineErrors(const std::vector<CliErrorCase>& cases) {
  for (auto& c : cases) {
    CAPTURE(c.args);
    auto x = runLatentlab(c.args);
    CHECK(x.exitCode == c.code);
    CHECK(lineCount(x.err) == 1);
    CHECK(x.err.find(c.expect) != std::string::npos);
  }
}

// max |a - b| over two float32 arrays of one shape (REQUIREd).
inline float maxAbsDiff(const NpyArray& a, const NpyArray& b) {
  REQUIRE(a.shape == b.shape);
  float worst = 0;
  for (int64_t i = 0; i < a.count(); ++i) worst = std::max(worst, std::fabs(a.f32()[i] - b.f32()[i]));
  return worst;
}

}  // namespace latentlab::test
