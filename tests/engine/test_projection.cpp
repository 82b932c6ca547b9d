// The projection registry (every entry: shape, finite, repeatable, its cache key), the grid
// index against a plain scan, and the nonlinear map's inverse (a data point's own position
// gives back its latent; a latent is placed where its point is).
#include <doctest/doctest.h>

#include <atomic>
#include <cmath>
#include <set>

#include "engine/projection/grid_index.h"
#include "engine/projection/map_inverse.h"
#include "engine/projection/projection.h"
#include "engine/util/errors.h"
#include "projection_fixtures.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("every registered projection lays out N x 2 finite points, repeatably") {
  auto s = t::gaussianMixture(300, 8, 3, 4.0, 6);
  std::set<std::string> names;
  for (const auto& e : projections()) {
    CAPTURE(e.name);
    names.insert(e.name);
    CHECK(!e.label.empty());
    CHECK(!e.help.empty());
    CHECK(bool(e.plane) != bool(e.start));  // exact plane xor iterative run
    CHECK(e.iterative == bool(e.start));
    ProjectionParams p;
    p.epochs = 100;
    p.perplexity = 20;
    int published = 0;
    LayoutHooks h;
    h.publishSeconds = 0;
    h.publish = [&](const LayoutRun&) { ++published; };
    auto a = computeLayout(s, e.name, p, h);
    auto b = computeLayout(s, e.name, p);
    REQUIRE(a.size() == size_t(s.count) * 2);
    for (float v : a) CHECK(std::isfinite(v));
    CHECK(a == b);
    if (e.iterative) CHECK(published >= 100);
    if (e.plane) CHECK(a == projectAll(e.plane(s, p), s));
    // The key changes with what the entry reads and only with that.
    ProjectionParams q = p;
    q.seed = 99;
    bool readsSeed = std::count(e.params.begin(), e.params.end(), "seed") > 0;
    CHECK((projectionKey(e.name, q) != projectionKey(e.name, p)) == readsSeed);
  }
  CHECK(names == std::set<std::string>{"pca", "axes", "three-points", "tsne", "umap"});
  CHECK_THROWS_WITH_AS(findProjection("isomap"), doctest::Contains("tsne"), BadInput);
}

TEST_CASE("the grid index picks what a linear scan picks, on random points and queries") {
  LayoutRng rng(12);
  for (int64_t n : {1, 7, 500, 20000}) {
    std::vector<float> uv(size_t(n) * 2);
    for (size_t i = 0; i < uv.size(); ++i) uv[i] = float(i % 2 ? 3 * rng.normal() : 10 * rng.uniform());
    // Some exact duplicates: ties must go to the lower index in both.
    for (int64_t i = 1; i < n; i += 97) uv[2 * size_t(i)] = uv[2 * size_t(i - 1)], uv[2 * size_t(i) + 1] = uv[2 * size_t(i - 1) + 1];
    GridIndex grid;
    grid.build(uv);
    auto hidden = [](int64_t i) { return i % 3 != 0; };
    for (int q = 0; q < 400; ++q) {
      double u = 12 * rng.uniform() - 1, v = 8 * rng.normal();
      double r = q % 4 == 0 ? 1e9 : 0.3 * rng.uniform();
      CAPTURE(n);
      CHECK(grid.nearest(u, v, r) == nearestLinear(uv, u, v, r));
      CHECK(grid.nearest(u, v, r, hidden) == nearestLinear(uv, u, v, r, hidden));
      std::vector<int64_t> idx;
      std::vector<double> d;
      grid.kNearest(u, v, 8, idx, d);
      std::vector<double> all;
      for (int64_t i = 0; i < n; ++i)
        all.push_back(std::hypot(uv[2 * size_t(i)] - u, uv[2 * size_t(i) + 1] - v));
      std::sort(all.begin(), all.end());
      REQUIRE(idx.size() == std::min<size_t>(8, size_t(n)));
      for (size_t m = 0; m < idx.size(); ++m) CHECK(d[m] == doctest::Approx(all[m]));
    }
  }
}

TEST_CASE("the map inverse gives a data point's own latent at its position, and places it back") {
  auto s = t::gaussianMixture(400, 6, 4, 4.0, 15);
  ProjectionParams p;
  p.epochs = 150;
  auto uv = computeLayout(s, "umap", p);
  MapInverse inv(s.z.data(), s.count, s.dim, uv);
  for (int64_t i : {0, 17, 399}) {
    InverseSample at = inv.at(uv[2 * size_t(i)], uv[2 * size_t(i) + 1]);
    CHECK_FALSE(at.snapped);
    REQUIRE(at.latent.size() == size_t(s.dim));
    for (int c = 0; c < s.dim; ++c) CHECK(at.latent[size_t(c)] == doctest::Approx(s.z[size_t(i) * s.dim + c]));
    CHECK(at.latentDistance < 1e-6);
    auto [u, v] = inv.place(s.row(i));
    CHECK(u == doctest::Approx(uv[2 * size_t(i)]));
    CHECK(v == doctest::Approx(uv[2 * size_t(i) + 1]));
  }
  // Between two points: a blend, not a copy; far away: pulled in and marked.
  InverseSample mid = inv.at(0.5 * (uv[0] + uv[2]), 0.5 * (uv[1] + uv[3]));
  CHECK(mid.latentDistance >= 0);
  InverseSample far = inv.at(1e4, 1e4);
  CHECK(far.snapped);
  CHECK(std::hypot(far.u - 1e4, far.v - 1e4) > 1e3);
}
