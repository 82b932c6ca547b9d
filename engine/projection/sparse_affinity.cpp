#include "engine/projection/sparse_affinity.h"

#include <algorithm>
#include <tuple>

namespace latentlab {

SparseRows symmetrize(int64_t n, int k, const std::vector<int32_t>& knn, const std::vector<double>& w, Symmetrize how) {
  // Every directed edge appears twice, once in each row; equal (row, col) pairs are then
  // merged: their two halves are w_ij and w_ji.
  struct Half {
    int32_t row, col;
    double forward, backward;  // w_row->col, w_col->row
  };
  std::vector<Half> halves;
  halves.reserve(size_t(n) * k * 2);
  for (int64_t i = 0; i < n; ++i)
    for (int m = 0; m < k; ++m) {
      int32_t j = knn[size_t(i) * k + m];
      double v = w[size_t(i) * k + m];
      if (j == i || v == 0) continue;
      halves.push_back({int32_t(i), j, v, 0});
      halves.push_back({j, int32_t(i), 0, v});
    }
  std::sort(halves.begin(), halves.end(),
            [](const Half& a, const Half& b) { return std::tie(a.row, a.col) < std::tie(b.row, b.col); });
  SparseRows s;
  s.n = n;
  s.start.assign(size_t(n) + 1, 0);
  for (size_t e = 0; e < halves.size();) {
    size_t f = e;
    double a = 0, b = 0;
    while (f < halves.size() && halves[f].row == halves[e].row && halves[f].col == halves[e].col) {
      a += halves[f].forward;
      b += halves[f].backward;
      ++f;
    }
    double v = how == Symmetrize::Sum ? a + b : a + b - a * b;
    if (v != 0) {
      s.col.push_back(halves[e].col);
      s.value.push_back(v);
      ++s.start[size_t(halves[e].row) + 1];
    }
    e = f;
  }
  for (int64_t i = 0; i < n; ++i) s.start[size_t(i) + 1] += s.start[size_t(i)];
  return s;
}

}  // namespace latentlab
