#include "engine/explore/latent_plane.h"

#include <algorithm>
#include <cmath>

#include "engine/explore/explorer.h"
#include "engine/util/errors.h"

namespace latentlab {

// Above this many dimensions the Jacobi sweeps below take minutes (a VQ model's 1568-value
// grid of code vectors: O(d^3) per sweep); LAPACK's eigh through LibTorch takes about a
// second (engine/explore/latent_plane_eigh.cpp).
constexpr int kJacobiMaxDim = 96;
LatentPlane pcaPlaneByEigh(const LatentSet& set);

namespace {
// Eigenvectors have an arbitrary sign; fix it so the same data always gives the same map.
void fixSign(std::vector<float>& v) {
  size_t big = 0;
  for (size_t i = 1; i < v.size(); ++i)
    if (std::abs(v[i]) > std::abs(v[big])) big = i;
  if (v[big] < 0)
    for (auto& x : v) x = -x;
}

double dot(const float* a, const float* b, int n) {
  double s = 0;
  for (int i = 0; i < n; ++i) s += double(a[i]) * b[i];
  return s;
}

// Eigen-decomposition of a symmetric n x n matrix (row-major) by cyclic Jacobi rotations.
// Latents are small (n <= a few hundred), so this is plenty and keeps the file torch-free.
void jacobiEigen(std::vector<double>& a, int n, std::vector<double>& values, std::vector<double>& vectors) {
  vectors.assign(size_t(n) * n, 0.0);
  for (int i = 0; i < n; ++i) vectors[size_t(i) * n + i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (int p = 0; p < n; ++p)
      for (int q = p + 1; q < n; ++q) off += a[size_t(p) * n + q] * a[size_t(p) * n + q];
    if (off < 1e-22) break;
    for (int p = 0; p < n; ++p) {
      for (int q = p + 1; q < n; ++q) {
        double apq = a[size_t(p) * n + q];
        if (std::abs(apq) < 1e-300) continue;
        double app = a[size_t(p) * n + p], aqq = a[size_t(q) * n + q];
        double theta = (aqq - app) / (2 * apq);
        double t = (theta >= 0 ? 1 : -1) / (std::abs(theta) + std::sqrt(theta * theta + 1));
        double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (int k = 0; k < n; ++k) {  // rotate columns p, q
          double akp = a[size_t(k) * n + p], akq = a[size_t(k) * n + q];
          a[size_t(k) * n + p] = c * akp - s * akq;
          a[size_t(k) * n + q] = s * akp + c * akq;
        }
        for (int k = 0; k < n; ++k) {  // rotate rows p, q
          double apk = a[size_t(p) * n + k], aqk = a[size_t(q) * n + k];
          a[size_t(p) * n + k] = c * apk - s * aqk;
          a[size_t(q) * n + k] = s * apk + c * aqk;
        }
        for (int k = 0; k < n; ++k) {
          double vkp = vectors[size_t(k) * n + p], vkq = vectors[size_t(k) * n + q];
          vectors[size_t(k) * n + p] = c * vkp - s * vkq;
          vectors[size_t(k) * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  values.resize(size_t(n));
  for (int i = 0; i < n; ++i) values[size_t(i)] = a[size_t(i) * n + i];
}
}  // namespace

bool LatentPlane::valid() const {
  size_t n = origin.size();
  if (n == 0 || axisU.size() != n || axisV.size() != n) return false;
  for (size_t i = 0; i < n; ++i)
    if (!std::isfinite(origin[i]) || !std::isfinite(axisU[i]) || !std::isfinite(axisV[i])) return false;
  double uu = dot(axisU.data(), axisU.data(), int(n)), vv = dot(axisV.data(), axisV.data(), int(n));
  double uv = dot(axisU.data(), axisV.data(), int(n));
  return uu > 0 && vv > 0 && uu * vv - uv * uv > 1e-9 * uu * vv;
}

std::vector<float> LatentPlane::toLatent(double u, double v) const {
  std::vector<float> z(origin.size());
  for (size_t i = 0; i < z.size(); ++i) z[i] = float(origin[i] + u * axisU[i] + v * axisV[i]);
  return z;
}

std::pair<double, double> LatentPlane::project(const float* z) const {
  int n = dim();
  std::vector<float> d(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) d[size_t(i)] = z[i] - origin[size_t(i)];
  double uu = dot(axisU.data(), axisU.data(), n), vv = dot(axisV.data(), axisV.data(), n);
  double uv = dot(axisU.data(), axisV.data(), n);
  double bu = dot(axisU.data(), d.data(), n), bv = dot(axisV.data(), d.data(), n);
  double det = uu * vv - uv * uv;
  if (det == 0) return {0, 0};
  return {(vv * bu - uv * bv) / det, (uu * bv - uv * bu) / det};
}

LatentPlane pcaPlane(const LatentSet& set) {
  int d = set.dim;
  if (set.count < 3 || d < 2) throw BadInput("PCA needs at least 3 encoded points and a latent of 2 or more dimensions");
  if (d == 2) {
    LatentPlane p = axesPlane(2);
    p.mode = "pca";
    return p;
  }
  if (d > kJacobiMaxDim) {
    LatentPlane p = pcaPlaneByEigh(set);
    fixSign(p.axisU);
    fixSign(p.axisV);
    return p;
  }
  std::vector<double> mean(size_t(d), 0.0);
  for (int64_t i = 0; i < set.count; ++i)
    for (int k = 0; k < d; ++k) mean[size_t(k)] += set.row(i)[k];
  for (auto& m : mean) m /= double(set.count);
  std::vector<double> cov(size_t(d) * d, 0.0), c(static_cast<size_t>(d));
  for (int64_t i = 0; i < set.count; ++i) {
    const float* z = set.row(i);
    for (int k = 0; k < d; ++k) c[size_t(k)] = z[k] - mean[size_t(k)];
    for (int a = 0; a < d; ++a)
      for (int b = a; b < d; ++b) cov[size_t(a) * d + b] += c[size_t(a)] * c[size_t(b)];
  }
  for (int a = 0; a < d; ++a)
    for (int b = a; b < d; ++b) cov[size_t(b) * d + a] = cov[size_t(a) * d + b] /= double(set.count - 1);
  std::vector<double> values, vectors;
  jacobiEigen(cov, d, values, vectors);
  std::vector<int> order(static_cast<size_t>(d));
  for (int i = 0; i < d; ++i) order[size_t(i)] = i;
  std::sort(order.begin(), order.end(), [&](int x, int y) { return values[size_t(x)] > values[size_t(y)]; });
  LatentPlane p;
  p.mode = "pca";
  p.origin.assign(mean.begin(), mean.end());
  p.axisU.resize(size_t(d));
  p.axisV.resize(size_t(d));
  for (int k = 0; k < d; ++k) {
    p.axisU[size_t(k)] = float(vectors[size_t(k) * d + order[0]]);
    p.axisV[size_t(k)] = float(vectors[size_t(k) * d + order[1]]);
  }
  fixSign(p.axisU);
  fixSign(p.axisV);
  return p;
}

LatentPlane planeThroughPoints(const std::vector<float>& a, const std::vector<float>& b,
                               const std::vector<float>& c) {
  if (a.size() != b.size() || a.size() != c.size() || a.empty())
    throw BadInput("plane through points: the three latents differ in size");
  LatentPlane p;
  p.mode = "points";
  p.origin = a;
  p.axisU.resize(a.size());
  p.axisV.resize(a.size());
  for (size_t i = 0; i < a.size(); ++i) {
    p.axisU[i] = b[i] - a[i];
    p.axisV[i] = c[i] - a[i];
  }
  if (!p.valid()) throw BadInput("plane through points: the three points lie on one line; pick three that do not");
  return p;
}

LatentPlane axesPlane(int dim, int i, int j) {
  if (dim < 2 || i < 0 || j < 0 || i >= dim || j >= dim || i == j)
    throw BadInput("axes plane: dimensions " + std::to_string(i) + "," + std::to_string(j) +
                   " do not fit a latent of size " + std::to_string(dim));
  LatentPlane p;
  p.mode = "axes";
  p.origin.assign(size_t(dim), 0.f);
  p.axisU.assign(size_t(dim), 0.f);
  p.axisV.assign(size_t(dim), 0.f);
  p.axisU[size_t(i)] = 1.f;
  p.axisV[size_t(j)] = 1.f;
  return p;
}

std::vector<float> projectAll(const LatentPlane& plane, const LatentSet& set) {
  std::vector<float> out(size_t(set.count) * 2);
  for (int64_t i = 0; i < set.count; ++i) {
    auto [u, v] = plane.project(set.row(i));
    out[size_t(i) * 2] = float(u);
    out[size_t(i) * 2 + 1] = float(v);
  }
  return out;
}

}  // namespace latentlab
