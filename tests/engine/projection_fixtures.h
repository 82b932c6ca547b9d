// Fixtures shared by the projection tests: a seeded Gaussian mixture with known clusters,
// .npy round trips for the Python reference (tools/reference/projection_reference.py), and
// a 10-NN leave-one-out accuracy of a 2-D layout.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "engine/data/npy.h"
#include "engine/explore/explorer.h"
#include "engine/projection/rng.h"
#include "test_support.h"

namespace latentlab::test {

// n points in `dim` dims around `clusters` centres drawn N(0, spread^2); unit noise.
inline LatentSet gaussianMixture(int64_t n, int dim, int clusters, double spread, uint64_t seed) {
  LayoutRng rng(seed);
  std::vector<double> centres(size_t(clusters) * dim);
  for (auto& c : centres) c = spread * rng.normal();
  LatentSet s;
  s.count = n;
  s.dim = dim;
  s.z.resize(size_t(n) * dim);
  s.labels.resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    int c = int(i % clusters);
    s.labels[size_t(i)] = c;
    for (int k = 0; k < dim; ++k) s.z[size_t(i) * dim + k] = float(centres[size_t(c) * dim + k] + rng.normal());
  }
  for (int c = 0; c < clusters; ++c) s.classNames.push_back("c" + std::to_string(c));
  return s;
}

inline void saveF32(const std::string& path, const std::vector<float>& v, std::vector<int64_t> shape) {
  writeNpy(path, makeNpyF32(std::move(shape), v.data()));
}

inline void saveLabels(const std::string& path, const std::vector<int>& labels) {
  std::vector<int64_t> l(labels.begin(), labels.end());
  writeNpy(path, makeNpyI64({int64_t(l.size())}, l.data()));
}

inline std::string reference(const std::string& args) {
  auto r = runCommand(std::string(PYTHON_WITH_TORCH) + " " + sourcePath("tools/reference/projection_reference.py") + " " +
                      args);
  if (r.exitCode != 0) throw std::runtime_error("reference failed: " + r.err);
  return r.out;
}

// Two numbers printed by the reference (trustworthiness, accuracy).
inline std::pair<double, double> twoNumbers(const std::string& text) {
  std::istringstream in(text);
  double a = -1, b = -1;
  in >> a >> b;
  return {a, b};
}

// Leave-one-out 10-NN majority vote in the layout (ties to the lower class), brute force.
inline double knnAccuracy(const std::vector<float>& y, const std::vector<int>& labels, int k = 10) {
  int64_t n = int64_t(labels.size());
  int classes = *std::max_element(labels.begin(), labels.end()) + 1;
  int64_t right = 0;
  std::vector<std::pair<double, int64_t>> d(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double dx = y[2 * size_t(i)] - y[2 * size_t(j)], dy = y[2 * size_t(i) + 1] - y[2 * size_t(j) + 1];
      d[size_t(j)] = {j == i ? 1e300 : dx * dx + dy * dy, j};
    }
    std::partial_sort(d.begin(), d.begin() + k, d.end());
    std::vector<int> votes(size_t(classes), 0);
    for (int m = 0; m < k; ++m) ++votes[size_t(labels[size_t(d[size_t(m)].second)])];
    int best = int(std::max_element(votes.begin(), votes.end()) - votes.begin());
    right += best == labels[size_t(i)];
  }
  return double(right) / double(n);
}

}  // namespace latentlab::test
