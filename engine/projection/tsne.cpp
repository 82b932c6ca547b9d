#include "engine/projection/tsne.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/explore/explorer.h"
#include "engine/explore/latent_plane.h"
#include "engine/util/errors.h"

namespace latentlab {

std::vector<double> conditionalAffinities(const std::vector<float>& d2, int64_t n, int k, double perplexity,
                                          std::vector<double>* betas) {
  std::vector<double> p(size_t(n) * k);
  if (betas) betas->assign(size_t(n), 1.0);
  const double target = std::log(perplexity), inf = std::numeric_limits<double>::infinity();
  for (int64_t i = 0; i < n; ++i) {
    const float* d = d2.data() + size_t(i) * k;
    double* row = p.data() + size_t(i) * k;
    double beta = 1, lo = -inf, hi = inf;
    for (int iter = 0; iter < 100; ++iter) {
      double sum = 0;
      for (int m = 0; m < k; ++m) sum += row[m] = std::exp(-double(d[m]) * beta);
      if (sum == 0) sum = 1e-8;
      double weighted = 0;
      for (int m = 0; m < k; ++m) {
        row[m] /= sum;
        weighted += double(d[m]) * row[m];
      }
      double diff = std::log(sum) + beta * weighted - target;  // entropy - log(perplexity)
      if (std::abs(diff) <= 1e-5) break;
      if (diff > 0) {
        lo = beta;
        beta = hi == inf ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo == -inf ? beta / 2 : (beta + lo) / 2;
      }
    }
    if (betas) (*betas)[size_t(i)] = beta;
  }
  return p;
}

SparseRows tsneAffinities(const KnnGraph& g, double perplexity) {
  std::vector<float> d2(g.dist.size());
  for (size_t e = 0; e < d2.size(); ++e) d2[e] = g.dist[e] * g.dist[e];
  std::vector<double> w = conditionalAffinities(d2, g.n, g.k, perplexity);
  SparseRows p = symmetrize(g.n, g.k, g.index, w, Symmetrize::Sum);
  double total = 0;
  for (double v : p.value) total += v;
  for (double& v : p.value) v /= std::max(total, 1e-300);
  return p;
}

TsneEdges upperEdges(const SparseRows& p) {
  TsneEdges e;
  for (int64_t i = 0; i < p.n; ++i)
    for (int64_t k = p.start[size_t(i)]; k < p.start[size_t(i) + 1]; ++k)
      if (p.col[size_t(k)] > i) {
        e.from.push_back(int32_t(i));
        e.to.push_back(p.col[size_t(k)]);
        e.p.push_back(float(p.value[size_t(k)]));
      }
  return e;
}

std::vector<double> tsneGradient(const TsneEdges& edges, const std::vector<float>& y, double exaggeration,
                                 double theta, int threads) {
  const int64_t n = int64_t(y.size() / 2);
  QuadTree tree;
  tree.build(y.data(), n);
  const size_t count = static_cast<size_t>(n);
  std::vector<double> negX(count, 0.0), negY(count, 0.0), rowQ(count, 0.0);
  tree.repulsion(theta, negX.data(), negY.data(), rowQ.data(), threads);
  // Attraction: each pair once, pulling both ends (P is symmetric), in float like the repulsion.
  std::vector<float> pull(count * 2, 0.f);
  const float exag = float(exaggeration);
  const size_t pairs = edges.p.size();
  for (size_t e = 0; e < pairs; ++e) {
    const size_t i = size_t(edges.from[e]), j = size_t(edges.to[e]);
    const float dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
    const float w = edges.p[e] * exag / (1 + dx * dx + dy * dy);
    pull[2 * i] += w * dx;
    pull[2 * i + 1] += w * dy;
    pull[2 * j] -= w * dx;
    pull[2 * j + 1] -= w * dy;
  }
  double sumQ = 0;  // summed in data order: the same for any thread count
  for (double q : rowQ) sumQ += q;
  sumQ = std::max(sumQ, 1e-300);
  std::vector<double> grad(count * 2);
  for (size_t i = 0; i < count; ++i) {
    grad[2 * i] = 4 * (double(pull[2 * i]) - negX[i] / sumQ);
    grad[2 * i + 1] = 4 * (double(pull[2 * i + 1]) - negY[i] / sumQ);
  }
  return grad;
}

std::vector<double> tsneGradient(const SparseRows& p, const std::vector<float>& y, double exaggeration, double theta,
                                 int threads) {
  return tsneGradient(upperEdges(p), y, exaggeration, theta, threads);
}

std::vector<float> pcaLayout(const float* x, int64_t n, int d) {
  LatentSet set;
  set.count = n;
  set.dim = d;
  set.z.assign(x, x + size_t(n) * d);
  if (d == 1) {
    std::vector<float> y(size_t(n) * 2, 0.f);
    for (int64_t i = 0; i < n; ++i) y[2 * size_t(i)] = x[i];
    return y;
  }
  return projectAll(pcaPlane(set), set);
}

TsneRun::TsneRun(const float* x, int64_t n, int d, const TsneParams& params)
    : m_params(params), m_n(n), m_d(d), m_x(x, x + size_t(n) * d) {
  if (n < 5) throw BadInput("t-SNE needs at least 5 points, got " + std::to_string(n));
  if (!(params.perplexity >= 1) || params.perplexity > double(n - 1) / 3)
    throw BadInput("t-SNE: perplexity " + std::to_string(params.perplexity) + " must be between 1 and (N - 1) / 3 = " +
                   std::to_string(double(n - 1) / 3) + " for " + std::to_string(n) + " points");
  if (params.epochs < 1) throw BadInput("t-SNE: epochs must be at least 1");
  m_params.exaggerationEpochs = std::min(params.exaggerationEpochs, params.epochs / 4);
  // scikit-learn's start: the PCA plane, scaled so the first coordinate has std 1e-4.
  m_y = pcaLayout(x, n, d);
  double mean = 0, var = 0;
  for (int64_t i = 0; i < n; ++i) mean += m_y[2 * size_t(i)];
  mean /= double(n);
  for (int64_t i = 0; i < n; ++i) var += (m_y[2 * size_t(i)] - mean) * (m_y[2 * size_t(i)] - mean);
  double sd = std::sqrt(var / double(n));
  LayoutRng rng(params.seed);
  for (auto& v : m_y) v = float(sd > 0 ? v / sd * 1e-4 : 1e-4 * rng.normal());
  m_update.assign(m_y.size(), 0.0);
  m_gains.assign(m_y.size(), 1.0);
  m_learningRate = params.learningRate > 0 ? params.learningRate : std::max(double(n) / params.exaggeration / 4, 50.0);
}

void TsneRun::prepare(const CancelToken& cancel, const std::function<void(double, const std::string&)>& progress) {
  int k = int(std::min<int64_t>(m_n - 1, int64_t(3 * m_params.perplexity + 1)));
  KnnOptions ko = m_params.knn;
  ko.seed = m_params.seed;
  KnnGraph g = nearestNeighbors(m_x.data(), m_n, m_d, k, ko, cancel, [&](double f, const std::string& m) {
    if (progress) progress(0.9 * f, m);
  });
  if (progress) progress(0.9, "input affinities (perplexity " + std::to_string(int(m_params.perplexity)) + ")");
  m_p = tsneAffinities(g, m_params.perplexity);
  m_edges = upperEdges(m_p);
  m_x.clear();
  m_x.shrink_to_fit();
  m_prepared = true;
}

std::string TsneRun::phase() const {
  return m_epoch < m_params.exaggerationEpochs ? "t-SNE (early exaggeration)" : "t-SNE";
}

void TsneRun::epoch() {
  if (!m_prepared) throw BadInput("t-SNE: prepare() before epoch()");
  bool early = m_epoch < m_params.exaggerationEpochs;
  double momentum = early ? 0.5 : 0.8;
  auto grad = tsneGradient(m_edges, m_y, early ? m_params.exaggeration : 1.0, m_params.theta, m_params.threads);
  for (size_t c = 0; c < m_y.size(); ++c) {
    // Delta-bar-delta gains: grow while the step keeps its direction, shrink when it flips.
    bool flip = m_update[c] * grad[c] < 0;
    m_gains[c] = std::max(flip ? m_gains[c] + 0.2 : m_gains[c] * 0.8, 0.01);
    m_update[c] = momentum * m_update[c] - m_learningRate * m_gains[c] * grad[c];
    m_y[c] = float(m_y[c] + m_update[c]);
  }
  ++m_epoch;
}

}  // namespace latentlab
