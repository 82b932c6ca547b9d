// A sparse symmetric affinity matrix in compressed rows (the t-SNE P, the UMAP fuzzy graph),
// built from a kNN graph's directed weights. Torch-free plain data.
#pragma once
#include <cstdint>
#include <vector>

namespace latentlab {

struct SparseRows {
  int64_t n = 0;
  std::vector<int64_t> start;  // n + 1 row offsets
  std::vector<int32_t> col;
  std::vector<double> value;
  int64_t nonZeros() const { return int64_t(col.size()); }
};

// Directed weights w[i*k + m] from i to knn[i*k + m] -> the symmetric matrix with entries
// combine(w_ij, w_ji) (a missing direction counts as 0). Rows are sorted by column.
enum class Symmetrize { Sum, FuzzyUnion };  // a + b (t-SNE) or a + b - a*b (UMAP)
SparseRows symmetrize(int64_t n, int k, const std::vector<int32_t>& knn, const std::vector<double>& w, Symmetrize how);

}  // namespace latentlab
