// t-SNE (van der Maaten 2014, Barnes-Hut): input affinities from a kNN graph with each
// point's Gaussian calibrated to the perplexity by binary search, symmetrised; gradient
// descent with early exaggeration, momentum and per-coordinate gains, the repulsion summed
// over a quadtree. Defaults follow scikit-learn 1.2's TSNE (PCA start scaled to std 1e-4,
// learning rate max(N / exaggeration / 4, 50), 250 exaggerated epochs of 1000). Torch-free.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/projection/knn.h"
#include "engine/projection/quadtree.h"
#include "engine/projection/rng.h"
#include "engine/projection/layout_run.h"
#include "engine/projection/sparse_affinity.h"

namespace latentlab {

struct TsneParams {
  double perplexity = 30;
  int epochs = 1000;
  double learningRate = 0;  // 0: auto
  double exaggeration = 12;
  int exaggerationEpochs = 250;  // capped at epochs / 4
  double theta = 0.5;            // Barnes-Hut accuracy (0 = exact)
  uint64_t seed = 1;             // breaks ties of the PCA start; the kNN graph's seed
  int threads = 1;               // gradient threads (the layout does not depend on it)
  KnnOptions knn;
};

// Row i of the conditional P_{j|i} over its k neighbours, for squared distances d2 (n x k):
// the Gaussian precision beta_i is found by bisection so the row's entropy is log(perplexity).
std::vector<double> conditionalAffinities(const std::vector<float>& d2, int64_t n, int k, double perplexity,
                                          std::vector<double>* betas = nullptr);
// Symmetrised, normalised P (sums to 1) from a kNN graph with Euclidean distances.
SparseRows tsneAffinities(const KnnGraph& g, double perplexity);
// The KL gradient 4 * sum_j (exaggeration * p_ij - q_ij) q_ij Z (y_i - y_j) for layout y (n x 2),
// P symmetric (as tsneAffinities makes it).
std::vector<double> tsneGradient(const SparseRows& p, const std::vector<float>& y, double exaggeration, double theta,
                                 int threads = 1);
// The pairs i < j of a symmetric P with p_ij as float: the attraction visits each pair once.
struct TsneEdges {
  std::vector<int32_t> from, to;
  std::vector<float> p;
};
TsneEdges upperEdges(const SparseRows& p);
std::vector<double> tsneGradient(const TsneEdges& edges, const std::vector<float>& y, double exaggeration,
                                 double theta, int threads = 1);

class TsneRun : public LayoutRun {
 public:
  // x: n x d row-major, copied.
  TsneRun(const float* x, int64_t n, int d, const TsneParams& params);
  void prepare(const CancelToken& cancel, const std::function<void(double, const std::string&)>& progress) override;
  bool prepared() const override { return m_prepared; }
  void epoch() override;
  int epochsDone() const override { return m_epoch; }
  int epochs() const override { return m_params.epochs; }
  const std::vector<float>& layout() const override { return m_y; }
  std::string phase() const override;
  const SparseRows& affinities() const { return m_p; }

 private:
  TsneParams m_params;
  int64_t m_n;
  int m_d;
  std::vector<float> m_x, m_y;
  std::vector<double> m_update, m_gains;
  SparseRows m_p;
  TsneEdges m_edges;
  bool m_prepared = false;
  int m_epoch = 0;
  double m_learningRate = 0;
};

// The two leading principal components of x (n x d) as an n x 2 layout (signs fixed so the
// largest loading is positive), the start of t-SNE and UMAP.
std::vector<float> pcaLayout(const float* x, int64_t n, int d);

}  // namespace latentlab
