// A small seeded random generator for the layouts (splitmix64). The same seed gives the same
// stream on every machine and compiler, which std:: distributions do not promise; a layout's
// repeatability rests on it. Never seeded from the clock.
#pragma once
#include <cmath>
#include <cstdint>

namespace latentlab {

class LayoutRng {
 public:
  explicit LayoutRng(uint64_t seed = 1) : m_state(seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull) {}
  uint64_t next() {
    uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform integer in [0, n).
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
  double normal() {  // Box-Muller; one value per call keeps the stream simple
    double u = uniform(), v = uniform();
    if (u < 1e-300) u = 1e-300;
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * v);
  }

 private:
  uint64_t m_state;
};

}  // namespace latentlab
