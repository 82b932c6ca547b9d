// t-SNE: the input affinities P equal scikit-learn's (same perplexity calibration), the
// Barnes-Hut gradient equals the exact formula (numpy) at theta 0 and is close at 0.5,
// separated clusters stay separated, a seed repeats the layout exactly, a paused and resumed
// run equals an uninterrupted one, and Cancel stops a run.
#include <doctest/doctest.h>

#include <cmath>

#include "engine/projection/tsne.h"
#include "engine/util/errors.h"
#include "projection_fixtures.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
std::vector<float> densify(const SparseRows& p) {
  std::vector<float> d(size_t(p.n) * size_t(p.n), 0.f);
  for (int64_t i = 0; i < p.n; ++i)
    for (int64_t e = p.start[size_t(i)]; e < p.start[size_t(i) + 1]; ++e)
      d[size_t(i) * size_t(p.n) + size_t(p.col[size_t(e)])] = float(p.value[size_t(e)]);
  return d;
}

TsneParams quick(int epochs) {
  TsneParams p;
  p.epochs = epochs;
  p.perplexity = 20;
  return p;
}
}  // namespace

TEST_CASE("P matches scikit-learn's _joint_probabilities_nn for the same perplexity") {
  auto s = t::gaussianMixture(300, 10, 4, 2.0, 5);
  const double perplexity = 12;
  KnnGraph g = nearestNeighbors(s.z.data(), s.count, s.dim, int(3 * perplexity + 1));
  SparseRows p = tsneAffinities(g, perplexity);
  std::string dir = t::tempDir("tsne_p");
  t::saveF32(dir + "/x.npy", s.z, {s.count, s.dim});
  t::reference("tsne-p " + dir + "/x.npy " + std::to_string(perplexity) + " " + dir + "/p.npy");
  NpyArray ref = readNpy(dir + "/p.npy");
  REQUIRE(ref.count() == s.count * s.count);
  auto mine = densify(p);
  double worst = 0, total = 0, largest = 0;
  for (size_t e = 0; e < mine.size(); ++e) {
    worst = std::max(worst, double(std::abs(mine[e] - ref.f32()[e])));
    largest = std::max(largest, double(ref.f32()[e]));
    total += mine[e];
  }
  MESSAGE("largest P " << largest << ", largest difference " << worst);
  CHECK(total == doctest::Approx(1.0).epsilon(1e-6));
  // Both calibrate to an entropy tolerance of 1e-5 from float32 distances.
  CHECK(worst < 1e-5 * largest);
}

TEST_CASE("the Barnes-Hut gradient is the exact KL gradient at theta 0, and close at 0.5") {
  auto s = t::gaussianMixture(200, 8, 3, 2.0, 8);
  KnnGraph g = nearestNeighbors(s.z.data(), s.count, s.dim, 31);
  SparseRows p = tsneAffinities(g, 10);
  LayoutRng rng(4);
  std::vector<float> y(size_t(s.count) * 2);
  for (auto& v : y) v = float(3 * rng.normal());
  const double exag = 4;
  std::string dir = t::tempDir("tsne_grad");
  t::saveF32(dir + "/p.npy", densify(p), {s.count, s.count});
  t::saveF32(dir + "/y.npy", y, {s.count, 2});
  t::reference("tsne-grad " + dir + "/p.npy " + dir + "/y.npy 4 " + dir + "/g.npy");
  NpyArray ref = readNpy(dir + "/g.npy");
  auto exact = tsneGradient(p, y, exag, 0.0);
  auto bh = tsneGradient(p, y, exag, 0.5);
  double scale = 0, errExact = 0, errBh = 0;
  for (size_t c = 0; c < exact.size(); ++c) {
    scale = std::max(scale, double(std::abs(ref.f32()[c])));
    errExact = std::max(errExact, std::abs(exact[c] - ref.f32()[c]));
    errBh = std::max(errBh, std::abs(bh[c] - ref.f32()[c]));
  }
  MESSAGE("max |grad| " << scale << ", theta 0 error " << errExact << ", theta 0.5 error " << errBh);
  CHECK(errExact < 1e-5 * scale);
  CHECK(errBh < 0.05 * scale);
  CHECK(errBh > errExact);  // the approximation is really used at 0.5
}

TEST_CASE("well-separated clusters end up separated") {
  auto s = t::gaussianMixture(600, 10, 6, 8.0, 21);
  TsneRun run(s.z.data(), s.count, s.dim, quick(400));
  runLayout(run, {});
  CHECK(run.finished());
  CHECK(t::knnAccuracy(run.layout(), s.labels) == doctest::Approx(1.0));
}

TEST_CASE("a seed repeats the layout; pause and resume give the uninterrupted layout") {
  auto s = t::gaussianMixture(300, 6, 3, 3.0, 2);
  TsneRun a(s.z.data(), s.count, s.dim, quick(120)), b(s.z.data(), s.count, s.dim, quick(120));
  runLayout(a, {});
  int stops = 0;
  LayoutHooks h;
  h.stop = [&] { return b.epochsDone() % 7 == 3 && ++stops % 2 == 1; };  // pause now and then
  while (!runLayout(b, h)) {
  }
  CHECK(stops > 5);
  CHECK(a.layout() == b.layout());
  TsneParams other = quick(120);
  other.perplexity = 25;
  TsneRun c(s.z.data(), s.count, s.dim, other);
  runLayout(c, {});
  CHECK(c.layout() != a.layout());
}

TEST_CASE("Cancel stops a run between epochs") {
  auto s = t::gaussianMixture(300, 6, 3, 3.0, 2);
  TsneRun run(s.z.data(), s.count, s.dim, quick(1000));
  std::atomic<bool> flag{false};
  LayoutHooks h;
  h.cancel = CancelToken{&flag};
  h.publishSeconds = 0;
  h.publish = [&](const LayoutRun& r) {
    if (r.epochsDone() >= 10) flag = true;
  };
  CHECK_THROWS_AS(runLayout(run, h), Cancelled);
  CHECK(run.epochsDone() < 20);
}

TEST_CASE("bad perplexity is refused with the allowed range") {
  auto s = t::gaussianMixture(30, 4, 2, 3.0, 2);
  TsneParams p;
  p.perplexity = 50;
  CHECK_THROWS_WITH_AS(TsneRun(s.z.data(), s.count, s.dim, p), doctest::Contains("perplexity"), BadInput);
}
