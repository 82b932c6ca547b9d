#include "engine/projection/map_inverse.h"

#include <algorithm>
#include <cmath>

#include "engine/projection/knn.h"
#include "engine/projection/rng.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {
double latentDist(const float* a, const float* b, int d) {
  double s = 0;
  for (int i = 0; i < d; ++i) s += (double(a[i]) - b[i]) * (double(a[i]) - b[i]);
  return std::sqrt(s);
}
}  // namespace

MapInverse::MapInverse(const float* latents, int64_t n, int dim, std::vector<float> uv, int k)
    : m_z(latents, latents + size_t(n) * dim), m_uv(std::move(uv)), m_n(n), m_dim(dim), m_k(std::max(1, k)) {
  if (n < 2 || int64_t(m_uv.size()) != 2 * n) throw BadInput("map inverse: the layout and the latents differ in size");
  m_grid.build(m_uv);
  // Scales from a fixed sample of points: the median distance to the k-th map neighbour
  // (beyond a few of those a position is off the data) and the median latent distance
  // between map neighbours.
  LayoutRng rng(7);
  std::vector<double> reach, step;
  std::vector<int64_t> idx;
  std::vector<double> d;
  for (int s = 0; s < 200; ++s) {
    int64_t i = int64_t(rng.below(uint64_t(n)));
    m_grid.kNearest(m_uv[2 * size_t(i)], m_uv[2 * size_t(i) + 1], m_k + 1, idx, d);
    if (d.size() < 2) continue;
    reach.push_back(d.back());
    step.push_back(latentDist(m_z.data() + size_t(i) * dim, m_z.data() + size_t(idx[1]) * dim, dim));
  }
  auto median = [](std::vector<double>& v) {
    if (v.empty()) return 0.0;
    std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  m_snapRadius = 3 * median(reach);
  m_latentStep = median(step);
}

InverseSample MapInverse::at(double u, double v) const {
  InverseSample s;
  s.u = u;
  s.v = v;
  s.typicalLatentStep = m_latentStep;
  std::vector<int64_t> idx;
  std::vector<double> d;
  m_grid.kNearest(u, v, 1, idx, d);
  if (idx.empty()) return s;
  s.mapDistance = d[0];
  if (m_snapRadius > 0 && d[0] > m_snapRadius) {
    // Off the data: blend at the point of the data's edge toward the cursor instead of
    // extrapolating latents nobody encoded.
    double nu = m_uv[2 * size_t(idx[0])], nv = m_uv[2 * size_t(idx[0]) + 1];
    double t = m_snapRadius / d[0];
    s.u = nu + (u - nu) * t;
    s.v = nv + (v - nv) * t;
    s.snapped = true;
  }
  m_grid.kNearest(s.u, s.v, m_k, idx, d);
  s.neighbors = idx;
  s.latent.assign(size_t(m_dim), 0.f);
  if (d[0] < 1e-9 * (1 + m_snapRadius)) {  // on a data point: its own latent
    s.latent.assign(m_z.begin() + long(idx[0]) * m_dim, m_z.begin() + long(idx[0] + 1) * m_dim);
  } else {
    std::vector<double> acc(size_t(m_dim), 0.0);
    double total = 0;
    for (size_t m = 0; m < idx.size(); ++m) {
      double w = 1.0 / (d[m] * d[m]);
      total += w;
      const float* z = m_z.data() + size_t(idx[m]) * m_dim;
      for (int c = 0; c < m_dim; ++c) acc[size_t(c)] += w * z[c];
    }
    for (int c = 0; c < m_dim; ++c) s.latent[size_t(c)] = float(acc[size_t(c)] / total);
  }
  std::vector<int32_t> li;
  std::vector<float> ld;
  nearestRows(m_z.data(), m_n, m_dim, s.latent.data(), 1, li, ld);
  s.latentDistance = ld.empty() ? 0 : ld[0];
  return s;
}

std::pair<double, double> MapInverse::place(const float* latent) const {
  std::vector<int32_t> idx;
  std::vector<float> d;
  nearestRows(m_z.data(), m_n, m_dim, latent, m_k, idx, d);
  if (d[0] < 1e-12f) return {m_uv[2 * size_t(idx[0])], m_uv[2 * size_t(idx[0]) + 1]};
  double u = 0, v = 0, total = 0;
  for (size_t m = 0; m < idx.size(); ++m) {
    double w = 1.0 / (double(d[m]) * d[m]);
    total += w;
    u += w * m_uv[2 * size_t(idx[m])];
    v += w * m_uv[2 * size_t(idx[m]) + 1];
  }
  return {u / total, v / total};
}

}  // namespace latentlab
