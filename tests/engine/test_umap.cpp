// UMAP: a and b equal scipy's curve_fit for the published curve, the fuzzy graph's
// membership strengths equal a numpy transcription of the published formulas (smooth kNN
// rho/sigma, fuzzy union), clusters separate, a seed repeats the layout and another seed
// changes it, pause/resume equals an uninterrupted run.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/projection/umap.h"
#include "engine/util/errors.h"
#include "projection_fixtures.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("a, b fitted to min_dist equal scipy's curve_fit") {
  for (double minDist : {0.0, 0.1, 0.5}) {
    double a, b;
    fitAB(minDist, 1.0, a, b);
    auto [ra, rb] = t::twoNumbers(t::reference("umap-ab " + std::to_string(minDist) + " 1.0"));
    MESSAGE("min_dist " << minDist << ": a " << a << " (scipy " << ra << "), b " << b << " (scipy " << rb << ")");
    CHECK(a == doctest::Approx(ra).epsilon(1e-4));
    CHECK(b == doctest::Approx(rb).epsilon(1e-4));
  }
}

TEST_CASE("the fuzzy graph's memberships equal the published formulas (numpy)") {
  auto s = t::gaussianMixture(250, 8, 4, 2.0, 9);
  const int k = 12;
  KnnGraph g = nearestNeighbors(s.z.data(), s.count, s.dim, k - 1);
  std::vector<int64_t> idx(size_t(s.count) * k);
  std::vector<float> dist(size_t(s.count) * k);
  std::vector<int32_t> idx32(idx.size());
  for (int64_t i = 0; i < s.count; ++i) {
    idx32[size_t(i * k)] = int32_t(i);
    idx[size_t(i * k)] = i;
    for (int m = 1; m < k; ++m) {
      idx32[size_t(i * k + m)] = g.index[size_t(i * (k - 1) + m - 1)];
      idx[size_t(i * k + m)] = idx32[size_t(i * k + m)];
      dist[size_t(i * k + m)] = g.dist[size_t(i * (k - 1) + m - 1)];
    }
  }
  SparseRows graph = fuzzyGraph(idx32, dist, s.count, k);
  std::string dir = t::tempDir("umap_graph");
  writeNpy(dir + "/idx.npy", makeNpyI64({s.count, k}, idx.data()));
  t::saveF32(dir + "/dist.npy", dist, {s.count, k});
  t::reference("umap-graph " + dir + "/idx.npy " + dir + "/dist.npy " + dir + "/g.npy");
  NpyArray ref = readNpy(dir + "/g.npy");
  std::vector<float> mine(size_t(s.count * s.count), 0.f);
  for (int64_t i = 0; i < s.count; ++i)
    for (int64_t e = graph.start[size_t(i)]; e < graph.start[size_t(i) + 1]; ++e)
      mine[size_t(i * s.count + graph.col[size_t(e)])] = float(graph.value[size_t(e)]);
  double worst = 0;
  int64_t nonZero = 0;
  for (size_t e = 0; e < mine.size(); ++e) {
    worst = std::max(worst, double(std::abs(mine[e] - ref.f32()[e])));
    nonZero += ref.f32()[e] != 0;
  }
  CHECK(nonZero == graph.nonZeros());
  CHECK(worst < 1e-5);
}

TEST_CASE("clusters separate; the seed repeats the layout; pause/resume changes nothing") {
  auto s = t::gaussianMixture(500, 10, 5, 6.0, 4);
  UmapParams p;
  p.epochs = 150;
  UmapRun a(s.z.data(), s.count, s.dim, p), b(s.z.data(), s.count, s.dim, p);
  runLayout(a, {});
  CHECK(t::knnAccuracy(a.layout(), s.labels) == doctest::Approx(1.0));
  LayoutHooks h;
  int calls = 0;
  h.stop = [&] { return ++calls % 9 == 0; };
  while (!runLayout(b, h)) {
  }
  CHECK(a.layout() == b.layout());
  p.seed = 2;
  UmapRun c(s.z.data(), s.count, s.dim, p);
  runLayout(c, {});
  CHECK(c.layout() != a.layout());
}

TEST_CASE("bad parameters are refused") {
  auto s = t::gaussianMixture(40, 4, 2, 3.0, 2);
  UmapParams p;
  p.neighbors = 1;
  CHECK_THROWS_AS(UmapRun(s.z.data(), s.count, s.dim, p), BadInput);
  p.neighbors = 15;
  p.minDist = 2;
  CHECK_THROWS_WITH_AS(UmapRun(s.z.data(), s.count, s.dim, p), doctest::Contains("min-dist"), BadInput);
}
