// UMAP (McInnes, Healy, Melville 2018): the fuzzy simplicial set of the kNN graph (per point
// rho = distance to the nearest neighbour, sigma by bisection so the memberships sum to
// log2(k); fuzzy union a + b - ab), the curve 1 / (1 + a d^2b) fitted to min_dist, and SGD
// over the edges, each sampled in proportion to its weight, with negative sampling and a
// linearly decaying learning rate. Starts from the PCA plane scaled to [0, 10]. Defaults
// follow umap-learn 0.5. Torch-free.
#pragma once
#include <cstdint>
#include <vector>

#include "engine/projection/knn.h"
#include "engine/projection/layout_run.h"
#include "engine/projection/rng.h"
#include "engine/projection/sparse_affinity.h"

namespace latentlab {

struct UmapParams {
  int neighbors = 15;  // including the point itself, as umap-learn counts
  double minDist = 0.1, spread = 1.0;
  int epochs = 0;  // 0: 500 up to 2,000 points, else 200 (umap-learn: 500 up to 10,000)
  double learningRate = 1.0;
  int negativeSamples = 5;
  double repulsion = 1.0;
  uint64_t seed = 1;
  KnnOptions knn;
};

// a, b of 1 / (1 + a d^(2b)) fitted (least squares on 300 points in [0, 3 spread]) to 1 below
// min_dist and exp(-(d - min_dist) / spread) above.
void fitAB(double minDist, double spread, double& a, double& b);
// Per point rho (nearest non-zero distance) and sigma; dist is n x k including self at 0.
void smoothKnnDistances(const std::vector<float>& dist, int64_t n, int k, std::vector<double>& sigma,
                        std::vector<double>& rho);
// The symmetric fuzzy graph from a kNN graph whose first column is each point itself.
SparseRows fuzzyGraph(const std::vector<int32_t>& index, const std::vector<float>& dist, int64_t n, int k);

class UmapRun : public LayoutRun {
 public:
  UmapRun(const float* x, int64_t n, int d, const UmapParams& params);
  void prepare(const CancelToken& cancel, const std::function<void(double, const std::string&)>& progress) override;
  bool prepared() const override { return m_prepared; }
  void epoch() override;
  int epochsDone() const override { return m_epoch; }
  int epochs() const override { return m_epochs; }
  const std::vector<float>& layout() const override { return m_y; }
  std::string phase() const override { return "UMAP"; }
  const SparseRows& graph() const { return m_graph; }
  double a() const { return m_a; }
  double b() const { return m_b; }

 private:
  UmapParams m_params;
  int64_t m_n;
  int m_d;
  int m_epochs;
  std::vector<float> m_x, m_y;
  SparseRows m_graph;
  std::vector<int32_t> m_head, m_tail;
  std::vector<double> m_perSample, m_nextSample, m_perNegative, m_nextNegative;
  double m_a = 1, m_b = 1;
  LayoutRng m_rng;
  bool m_prepared = false;
  int m_epoch = 0;
};

}  // namespace latentlab
