// k nearest neighbours of every row of an N x D float matrix (Euclidean), self excluded:
// exact (blocked brute force) below `exactBelow` points, where it is faster than building a
// graph, approximate through Debian's hnswlib above. The same input and seed give the same
// graph. Torch-free; never touches the GUI.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/jobs/progress.h"

namespace latentlab {

struct KnnGraph {
  int64_t n = 0;
  int k = 0;
  std::vector<int32_t> index;  // n x k, nearest first
  std::vector<float> dist;     // n x k Euclidean distances, ascending
  bool exact = true;           // false: found with hnswlib
};

struct KnnOptions {
  // bench/README.md: the 4-wide brute force wins below about this size at 16-d (exact 0.38 s,
  // hnswlib 0.92 s at 10,000 points, k 14); for d > 16 the bound shrinks by sqrt(16 / d).
  int64_t exactBelow = 20000;
  // efConstruction 100: 70,000 latents build in 4.9 s instead of 8.2 with recall@14 0.998 (was 0.999)
  int M = 16, efConstruction = 100, efSearch = 0;  // efSearch 0: max(3k, 64)
  uint64_t seed = 1;
  bool forceExact = false, forceApprox = false;  // tests and the bench compare both
};

// Throws BadInput when k < 1 or k >= n.
KnnGraph nearestNeighbors(const float* x, int64_t n, int d, int k, const KnnOptions& opts = {},
                          const CancelToken& cancel = {},
                          const std::function<void(double, const std::string&)>& progress = {});

// The k nearest rows of x to one query (exact), nearest first; for placing a new point.
void nearestRows(const float* x, int64_t n, int d, const float* query, int k, std::vector<int32_t>& index,
                 std::vector<float>& dist);

}  // namespace latentlab
