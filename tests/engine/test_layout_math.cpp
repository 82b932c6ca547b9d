// The fast numeric pieces under the layouts (bench/README.md, "Maps: the layout speed"):
// fastmath::powf (UMAP's SGD) against std::pow, scalar and four lanes; the grouped
// Barnes-Hut gradient of t-SNE against numpy's exact O(N^2) formula on 1,500 points with
// clusters at very different scales and duplicated points (exact at theta 0, within 1% of the
// largest component at theta 0.5), the same for any thread count; the 4-wide exact kNN
// against a plain double brute force on integer points (exact distances, many ties).
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "engine/projection/fast_math.h"
#include "engine/projection/knn.h"
#include "engine/projection/tsne.h"
#include "projection_fixtures.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("fast pow matches std::pow to 1e-5, and the four-lane version matches the scalar one") {
  double worst = 0;
  int differ = 0;
  for (int i = 0; i <= 4000; ++i) {
    float x = float(std::pow(10.0, -12.0 + 24.0 * i / 4000.0));
    for (float b : {0.5f, 0.79f, 0.895f, 1.0f, 1.58f}) {
      double exact = std::pow(double(x), double(b));
      float f = fastmath::powf(x, b);
      Float4 v = {x, 2 * x, x, 0.5f * x};
      Float4 fv = fastmath::powf(v, b);
      worst = std::max(worst, std::abs(f - exact) / exact);
      differ += fv[0] != f || fv[2] != f;
      CHECK(std::abs(fv[1] - std::pow(2.0 * x, double(b))) <= 1e-5 * std::pow(2.0 * x, double(b)));
    }
  }
  MESSAGE("largest relative error " << worst);
  CHECK(worst < 1e-5);
  CHECK(worst > 0);  // it is an approximation: the test compares two different computations
  CHECK(differ == 0);
}

namespace {
std::vector<float> densify(const SparseRows& p) {
  std::vector<float> d(size_t(p.n * p.n), 0.f);
  for (int64_t i = 0; i < p.n; ++i)
    for (int64_t e = p.start[size_t(i)]; e < p.start[size_t(i) + 1]; ++e)
      d[size_t(i * p.n + p.col[size_t(e)])] = float(p.value[size_t(e)]);
  return d;
}
}  // namespace

TEST_CASE("grouped Barnes-Hut: numpy's exact gradient at theta 0, within 1% at 0.5, any thread count") {
  const int64_t n = 1500;
  auto s = t::gaussianMixture(n, 6, 4, 3.0, 21);
  SparseRows p = tsneAffinities(nearestNeighbors(s.z.data(), n, s.dim, 30), 10);
  // A layout with structure at every scale: clusters 40 apart, one of them 1000x tighter,
  // and ten points doubled exactly (coincident points share one leaf).
  LayoutRng rng(5);
  std::vector<float> y(size_t(n) * 2);
  for (int64_t i = 0; i < n; ++i) {
    int c = s.labels[size_t(i)];
    double spread = c == 3 ? 0.002 : 2.0;
    y[2 * size_t(i)] = float(40 * (c % 2) + spread * rng.normal());
    y[2 * size_t(i) + 1] = float(40 * (c / 2) + spread * rng.normal());
  }
  for (int m = 0; m < 10; ++m) {
    y[2 * size_t(100 + m)] = y[2 * size_t(200 + m)];
    y[2 * size_t(100 + m) + 1] = y[2 * size_t(200 + m) + 1];
  }
  const double exag = 1;
  std::string dir = t::tempDir("layout_math_grad");
  t::saveF32(dir + "/p.npy", densify(p), {n, n});
  t::saveF32(dir + "/y.npy", y, {n, 2});
  t::reference("tsne-grad " + dir + "/p.npy " + dir + "/y.npy 1 " + dir + "/g.npy");
  NpyArray ref = readNpy(dir + "/g.npy");
  REQUIRE(ref.count() == n * 2);
  auto exact = tsneGradient(p, y, exag, 0.0);
  auto bh = tsneGradient(p, y, exag, 0.5);
  double scale = 0, errExact = 0, errBh = 0;
  for (size_t c = 0; c < exact.size(); ++c) {
    REQUIRE(std::isfinite(bh[c]));
    scale = std::max(scale, double(std::abs(ref.f32()[c])));
    errExact = std::max(errExact, std::abs(exact[c] - ref.f32()[c]));
    errBh = std::max(errBh, std::abs(bh[c] - ref.f32()[c]));
  }
  MESSAGE("max |grad| " << scale << ", theta 0 error " << errExact << ", theta 0.5 error " << errBh);
  CHECK(errExact < 1e-5 * scale);
  CHECK(errBh < 0.01 * scale);
  CHECK(errBh > errExact);  // far cells really are summarised at 0.5
  CHECK(tsneGradient(p, y, exag, 0.5, 3) == bh);
}

TEST_CASE("the 4-wide exact kNN equals a plain brute force, ties broken by index, N not a multiple of 4") {
  const int64_t n = 403;
  const int d = 5, k = 12;
  LayoutRng rng(9);
  std::vector<float> x(size_t(n) * d);
  for (auto& v : x) v = float(rng.below(4));  // a 4^5 grid: many equal distances
  KnnOptions exact;
  exact.forceExact = true;
  KnnGraph g = nearestNeighbors(x.data(), n, d, k, exact);
  int64_t wrong = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::vector<std::pair<double, int32_t>> all;
    for (int64_t j = 0; j < n; ++j) {
      if (j == i) continue;
      double s = 0;
      for (int c = 0; c < d; ++c) s += std::pow(double(x[size_t(i * d + c)]) - x[size_t(j * d + c)], 2);
      all.push_back({s, int32_t(j)});
    }
    std::sort(all.begin(), all.end());
    for (int m = 0; m < k; ++m) {
      wrong += g.index[size_t(i * k + m)] != all[size_t(m)].second;
      wrong += std::abs(g.dist[size_t(i * k + m)] - std::sqrt(all[size_t(m)].first)) > 1e-6;
    }
  }
  CHECK(wrong == 0);
}
