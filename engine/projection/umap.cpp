#include "engine/projection/umap.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/projection/fast_math.h"
#include "engine/projection/tsne.h"
#include "engine/util/errors.h"

namespace latentlab {

void fitAB(double minDist, double spread, double& a, double& b) {
  const int m = 300;
  std::vector<double> xs(m), ys(m);
  for (int i = 0; i < m; ++i) {
    xs[size_t(i)] = 3 * spread * i / (m - 1);
    ys[size_t(i)] = xs[size_t(i)] < minDist ? 1.0 : std::exp(-(xs[size_t(i)] - minDist) / spread);
  }
  // Levenberg-Marquardt on (a, b) from (1, 1), as scipy's curve_fit does.
  auto residuals = [&](double pa, double pb, std::vector<double>& r, std::vector<double>* ja, std::vector<double>* jb) {
    double sse = 0;
    for (int i = 0; i < m; ++i) {
      double x = xs[size_t(i)];
      double p = x > 0 ? std::pow(x, 2 * pb) : 0.0;
      double f = 1 / (1 + pa * p);
      r[size_t(i)] = f - ys[size_t(i)];
      sse += r[size_t(i)] * r[size_t(i)];
      if (ja) {
        (*ja)[size_t(i)] = -p * f * f;
        (*jb)[size_t(i)] = x > 0 ? -pa * p * 2 * std::log(x) * f * f : 0.0;
      }
    }
    return sse;
  };
  a = 1;
  b = 1;
  std::vector<double> r(m), ja(m), jb(m), r2(m);
  double sse = residuals(a, b, r, &ja, &jb), lambda = 1e-3;
  for (int iter = 0; iter < 200; ++iter) {
    double aa = 0, ab = 0, bb = 0, ga = 0, gb = 0;
    for (int i = 0; i < m; ++i) {
      aa += ja[size_t(i)] * ja[size_t(i)];
      ab += ja[size_t(i)] * jb[size_t(i)];
      bb += jb[size_t(i)] * jb[size_t(i)];
      ga += ja[size_t(i)] * r[size_t(i)];
      gb += jb[size_t(i)] * r[size_t(i)];
    }
    bool improved = false;
    for (int tries = 0; tries < 30 && !improved; ++tries) {
      double m00 = aa * (1 + lambda), m11 = bb * (1 + lambda), det = m00 * m11 - ab * ab;
      if (det == 0) break;
      double da = -(m11 * ga - ab * gb) / det, db = -(m00 * gb - ab * ga) / det;
      double s2 = residuals(a + da, b + db, r2, nullptr, nullptr);
      if (s2 < sse) {
        a += da;
        b += db;
        improved = std::abs(sse - s2) > 1e-15 * (1 + sse);
        sse = residuals(a, b, r, &ja, &jb);
        lambda = std::max(lambda / 10, 1e-12);
        if (!improved) return;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) return;
  }
}

void smoothKnnDistances(const std::vector<float>& dist, int64_t n, int k, std::vector<double>& sigma,
                        std::vector<double>& rho) {
  const double target = std::log2(double(k)), inf = std::numeric_limits<double>::infinity();
  sigma.assign(size_t(n), 1.0);
  rho.assign(size_t(n), 0.0);
  double meanAll = 0;
  for (float v : dist) meanAll += v;
  meanAll /= double(std::max<size_t>(1, dist.size()));
  for (int64_t i = 0; i < n; ++i) {
    const float* d = dist.data() + size_t(i) * k;
    double meanRow = 0;
    for (int m = 0; m < k; ++m) meanRow += d[m];
    meanRow /= k;
    for (int m = 0; m < k; ++m)
      if (d[m] > 0) {  // local connectivity 1: the nearest non-zero distance
        rho[size_t(i)] = d[m];
        break;
      }
    double lo = 0, hi = inf, mid = 1;
    for (int iter = 0; iter < 64; ++iter) {
      double sum = 0;
      for (int m = 1; m < k; ++m) {
        double t = d[m] - rho[size_t(i)];
        sum += t > 0 ? std::exp(-t / mid) : 1.0;
      }
      if (std::abs(sum - target) < 1e-5) break;
      if (sum > target) {
        hi = mid;
        mid = (lo + hi) / 2;
      } else {
        lo = mid;
        mid = hi == inf ? mid * 2 : (lo + hi) / 2;
      }
    }
    double floor = 1e-3 * (rho[size_t(i)] > 0 ? meanRow : meanAll);
    sigma[size_t(i)] = std::max(mid, floor);
  }
}

SparseRows fuzzyGraph(const std::vector<int32_t>& index, const std::vector<float>& dist, int64_t n, int k) {
  std::vector<double> sigma, rho;
  smoothKnnDistances(dist, n, k, sigma, rho);
  std::vector<double> w(size_t(n) * k);
  for (int64_t i = 0; i < n; ++i)
    for (int m = 0; m < k; ++m) {
      size_t e = size_t(i) * k + m;
      double t = dist[e] - rho[size_t(i)];
      w[e] = index[e] == i ? 0.0 : (t <= 0 || sigma[size_t(i)] == 0) ? 1.0 : std::exp(-t / sigma[size_t(i)]);
    }
  return symmetrize(n, k, index, w, Symmetrize::FuzzyUnion);
}

UmapRun::UmapRun(const float* x, int64_t n, int d, const UmapParams& params)
    : m_params(params), m_n(n), m_d(d), m_x(x, x + size_t(n) * d), m_rng(params.seed) {
  if (params.neighbors < 2 || params.neighbors > n)
    throw BadInput("UMAP: neighbours " + std::to_string(params.neighbors) + " must be between 2 and the number of points (" +
                   std::to_string(n) + ")");
  if (!(params.minDist >= 0) || !(params.minDist <= params.spread))
    throw BadInput("UMAP: min-dist " + std::to_string(params.minDist) + " must be between 0 and the spread (" +
                   std::to_string(params.spread) + ")");
  // umap-learn runs 500 epochs up to 10,000 points; from 2,000 on, 200 score the same
  // (bench/README.md: trustworthiness and 10-NN accuracy within 0.01 at 10,000) in 2/5 the time.
  m_epochs = params.epochs > 0 ? params.epochs : (n > 2000 ? 200 : 500);
  fitAB(params.minDist, params.spread, m_a, m_b);
  // PCA start scaled into [0, 10] on each axis (umap-learn rescales every start this way).
  m_y = pcaLayout(x, n, d);
  for (int c = 0; c < 2; ++c) {
    float lo = m_y[size_t(c)], hi = lo;
    for (int64_t i = 0; i < n; ++i) {
      lo = std::min(lo, m_y[2 * size_t(i) + c]);
      hi = std::max(hi, m_y[2 * size_t(i) + c]);
    }
    for (int64_t i = 0; i < n; ++i) {
      float& v = m_y[2 * size_t(i) + c];
      v = hi > lo ? 10.f * (v - lo) / (hi - lo) : float(10 * m_rng.uniform());
    }
  }
}

void UmapRun::prepare(const CancelToken& cancel, const std::function<void(double, const std::string&)>& progress) {
  int k = m_params.neighbors;
  KnnOptions ko = m_params.knn;
  ko.seed = m_params.seed;
  KnnGraph g = nearestNeighbors(m_x.data(), m_n, m_d, k - 1, ko, cancel, [&](double f, const std::string& m) {
    if (progress) progress(0.9 * f, m);
  });
  if (progress) progress(0.9, "fuzzy simplicial set");
  // umap-learn's neighbour lists start with the point itself at distance 0.
  std::vector<int32_t> index(size_t(m_n) * k);
  std::vector<float> dist(size_t(m_n) * k);
  for (int64_t i = 0; i < m_n; ++i) {
    index[size_t(i) * k] = int32_t(i);
    dist[size_t(i) * k] = 0;
    for (int m = 0; m < k - 1; ++m) {
      index[size_t(i) * k + m + 1] = g.index[size_t(i) * (k - 1) + m];
      dist[size_t(i) * k + m + 1] = g.dist[size_t(i) * (k - 1) + m];
    }
  }
  m_graph = fuzzyGraph(index, dist, m_n, k);
  double maxW = 0;
  for (double v : m_graph.value) maxW = std::max(maxW, v);
  // Edges too weak to be sampled once in the whole run are dropped; the others are sampled
  // every maxW / w epochs, negatives negativeSamples times as often.
  for (int64_t i = 0; i < m_n; ++i)
    for (int64_t e = m_graph.start[size_t(i)]; e < m_graph.start[size_t(i) + 1]; ++e) {
      double w = m_graph.value[size_t(e)];
      if (w < maxW / m_epochs) continue;
      m_head.push_back(int32_t(i));
      m_tail.push_back(m_graph.col[size_t(e)]);
      double per = maxW / w;
      m_perSample.push_back(per);
      m_nextSample.push_back(per);
      m_perNegative.push_back(per / m_params.negativeSamples);
      m_nextNegative.push_back(per / m_params.negativeSamples);
    }
  m_x.clear();
  m_x.shrink_to_fit();
  m_prepared = true;
}

void UmapRun::epoch() {
  if (!m_prepared) throw BadInput("UMAP: prepare() before epoch()");
  // The SGD loop as umap-learn's numba kernel does it: float arithmetic, one pow per pair
  // (d^(2b-2) = d^(2b) / d^2), a multiply-shift draw for the negatives (no 64-bit modulo), no
  // allocations. This loop is nearly all of a run's time (bench/README.md).
  const float a = float(m_a), b = float(m_b), gamma = float(m_params.repulsion);
  const float alpha = float(m_params.learningRate * (1.0 - double(m_epoch) / m_epochs));
  const float twoAB = 2 * a * b, twoGammaB = 2 * gamma * b;
  const double n = m_epoch;
  const uint64_t count = uint64_t(m_n);
  auto clip = [](float v) { return v < -4.f ? -4.f : (v > 4.f ? 4.f : v); };
  auto clip4 = [](Float4 v) {
    v = v < -4.f ? Float4{} - 4.f : v;
    return v > 4.f ? Float4{} + 4.f : v;
  };
  float* y = m_y.data();
  const size_t edges = m_head.size();
  for (size_t e = 0; e < edges; ++e) {
    if (m_nextSample[e] > n) continue;
    const int32_t head = m_head[e];
    float* cur = y + 2 * size_t(head);
    float* other = y + 2 * size_t(m_tail[e]);
    float dx = cur[0] - other[0], dy = cur[1] - other[1];
    float d2 = dx * dx + dy * dy;
    float coeff = 0;
    if (d2 > 0) {
      float pd = fastmath::powf(d2, b);
      coeff = -twoAB * (pd / d2) / (a * pd + 1);
    }
    float gx = clip(coeff * dx) * alpha, gy = clip(coeff * dy) * alpha;
    cur[0] += gx;
    cur[1] += gy;
    other[0] -= gx;
    other[1] -= gy;
    m_nextSample[e] += m_perSample[e];
    int negatives = int((n - m_nextNegative[e]) / m_perNegative[e]);
    // The negatives of one edge all push from the same position and their sum is applied
    // once (umap-learn applies them one by one): the pairs are then independent and are
    // computed four at a time. Draws stay in order, so the layout only depends on the seed.
    const float cx = cur[0], cy = cur[1];
    float sx = 0, sy = 0;
    for (int s = 0; s < negatives; s += 4) {
      const int lanes = std::min(4, negatives - s);
      uint64_t k[4] = {uint64_t(head), uint64_t(head), uint64_t(head), uint64_t(head)};
      Float4 nx = {cx, cx, cx, cx}, ny = nx, live = {0, 0, 0, 0};
      for (int l = 0; l < lanes; ++l) {
        k[l] = ((m_rng.next() >> 32) * count) >> 32;  // uniform in [0, n) for n < 2^32
        nx[l] = y[2 * size_t(k[l])];
        ny[l] = y[2 * size_t(k[l]) + 1];
        live[l] = 1.f;
      }
      Float4 ex = cx - nx, ey = cy - ny, e2 = ex * ex + ey * ey;
      Int4 zero = e2 <= 0.f;
      e2 = zero ? Float4{} + 1.f : e2;  // coincident pairs are handled below
      Float4 c = twoGammaB / ((0.001f + e2) * (a * fastmath::powf(e2, b) + 1.f));
      Float4 rx = clip4(c * ex) * live, ry = clip4(c * ey) * live;
      for (int l = 0; l < lanes; ++l) {
        if (zero[l]) {  // on top of each other: a full push (nothing for the point itself)
          rx[l] = ry[l] = int64_t(k[l]) == head ? 0.f : 4.f;
        }
      }
      sx += (rx[0] + rx[1]) + (rx[2] + rx[3]);
      sy += (ry[0] + ry[1]) + (ry[2] + ry[3]);
    }
    cur[0] = cx + sx * alpha;
    cur[1] = cy + sy * alpha;
    m_nextNegative[e] += negatives * m_perNegative[e];
  }
  ++m_epoch;
}

}  // namespace latentlab
