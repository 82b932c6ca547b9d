// The seeds of the trainers' random streams. A run is repeatable from its seed, and a run
// resumed from a checkpoint draws exactly what the uninterrupted run would, because every
// (seed, epoch, batch) has a stream of its own instead of one generator carried along.
#pragma once
#include <cstdint>

namespace latentlab {

// splitmix64's finaliser: nearby inputs give unrelated outputs.
inline uint64_t splitMix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// The seed of batch `batch` of epoch `epoch` of a run seeded `seed`.
inline uint64_t batchSeed(uint64_t seed, uint64_t epoch, uint64_t batch) {
  return splitMix64(splitMix64(seed) ^ (epoch << 32) ^ batch);
}

}  // namespace latentlab
