// The Frechet distance and the evaluation classifier: FD against closed forms (diagonal
// covariances; 2 x 2 full covariances, where tr sqrt(S1 S2) = sqrt(tr(S1 S2) + 2 sqrt(det))),
// against numpy at test time (eigenvalues of the non-symmetric product S1 S2, a different
// route from ours), FD(X, X) = 0 even for singular covariances, batch accumulation, the
// classifier's shapes and bundle round trip, and the accuracy function.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <cmath>

#include "engine/data/npy_tensor.h"
#include "engine/models/conv_classifier.h"
#include "engine/eval/frechet.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;

namespace {

GaussianStats population(torch::Tensor mean, torch::Tensor cov) {
  GaussianStats s;
  s.mean = mean.to(torch::kDouble);
  s.cov = cov.to(torch::kDouble);
  s.count = 1000;
  return s;
}

// A random symmetric positive definite D x D matrix.
torch::Tensor randomSpd(int64_t d, at::Generator& g) {
  auto a = torch::randn({d, d}, g, torch::kDouble);
  return a.mm(a.t()) / double(d) + 0.1 * torch::eye(d, torch::kDouble);
}

}  // namespace

TEST_CASE("Frechet distance of diagonal Gaussians matches the closed form") {
  auto g = at::detail::createCPUGenerator(7);
  auto mu1 = torch::randn({6}, g, torch::kDouble), mu2 = torch::randn({6}, g, torch::kDouble);
  auto v1 = torch::rand({6}, g, torch::kDouble) + 0.1,
       v2 = torch::rand({6}, g, torch::kDouble) + 0.1;
  double expected =
      (mu1 - mu2).pow(2).sum().item<double>() + (v1.sqrt() - v2.sqrt()).pow(2).sum().item<double>();
  double fd = frechetDistance(population(mu1, torch::diag(v1)), population(mu2, torch::diag(v2)));
  CHECK(fd == doctest::Approx(expected).epsilon(1e-10));
  // Symmetric in its arguments.
  CHECK(frechetDistance(population(mu2, torch::diag(v2)), population(mu1, torch::diag(v1))) ==
        doctest::Approx(expected).epsilon(1e-10));
}

TEST_CASE("Frechet distance of full 2 x 2 covariances matches the closed form") {
  auto g = at::detail::createCPUGenerator(11);
  for (int trial = 0; trial < 5; ++trial) {
    auto s1 = randomSpd(2, g), s2 = randomSpd(2, g);
    auto mu1 = torch::randn({2}, g, torch::kDouble), mu2 = torch::randn({2}, g, torch::kDouble);
    auto p = s1.mm(s2);
    double trSqrt =
        std::sqrt(p.trace().item<double>() + 2 * std::sqrt(torch::det(p).item<double>()));
    double expected = (mu1 - mu2).pow(2).sum().item<double>() + s1.trace().item<double>() +
                      s2.trace().item<double>() - 2 * trSqrt;
    CHECK(frechetDistance(population(mu1, s1), population(mu2, s2)) ==
          doctest::Approx(expected).epsilon(1e-9));
  }
}

TEST_CASE("sqrtPsd squares back to its input") {
  auto g = at::detail::createCPUGenerator(3);
  auto s = randomSpd(12, g);
  auto r = sqrtPsd(s);
  CHECK(torch::allclose(r.mm(r), s, 1e-9, 1e-10));
  CHECK(torch::allclose(r, r.t()));
}

TEST_CASE("Frechet distance of sample features matches numpy") {
  auto g = at::detail::createCPUGenerator(5);
  // Correlated, non-commuting covariances: features = z A + b.
  auto a = torch::randn({300, 16}, g, torch::kDouble).mm(torch::randn({16, 16}, g, torch::kDouble));
  auto b =
      torch::randn({250, 16}, g, torch::kDouble).mm(torch::randn({16, 16}, g, torch::kDouble)) +
      0.5;
  std::string dir = test::tempDir("frechet-numpy");
  writeTensorNpy(dir + "/a.npy", a.to(torch::kFloat).contiguous());
  writeTensorNpy(dir + "/b.npy", b.to(torch::kFloat).contiguous());
  std::string script = dir + "/fd.py";
  test::writeText(
      script,
      "import sys, numpy as np\n"
      "a = np.load(sys.argv[1]).astype(np.float64); b = np.load(sys.argv[2]).astype(np.float64)\n"
      "m1, m2 = a.mean(0), b.mean(0)\n"
      "s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)\n"
      "ev = np.linalg.eigvals(s1 @ s2)\n"
      "tr = np.sqrt(np.clip(ev.real, 0, None)).sum()\n"
      "print(repr(float(((m1 - m2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * tr)))\n");
  auto r = test::runCommand(std::string(PYTHON_WITH_TORCH) + " " + script + " " + dir + "/a.npy " +
                            dir + "/b.npy");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  double expected = std::stod(r.out);
  // Ours reads the same float32 values the reference read.
  auto fa = a.to(torch::kFloat), fb = b.to(torch::kFloat);
  double fd = frechetDistance(gaussianStats(fa), gaussianStats(fb));
  CHECK(expected > 1.0);
  CHECK(fd == doctest::Approx(expected).epsilon(1e-7));

  // Batch-by-batch accumulation gives the same statistics as one pass.
  FeatureMoments mom;
  for (int64_t i = 0; i < 300; i += 64) mom.add(fa.slice(0, i, std::min<int64_t>(300, i + 64)));
  auto batched = mom.stats();
  auto whole = gaussianStats(fa);
  CHECK(batched.count == 300);
  CHECK(torch::allclose(batched.mean, whole.mean, 1e-10, 1e-12));
  CHECK(torch::allclose(batched.cov, whole.cov, 1e-8, 1e-10));
  CHECK(frechetDistance(batched, gaussianStats(fb)) == doctest::Approx(expected).epsilon(1e-7));
}

TEST_CASE("FD(X, X) is zero, also for singular covariances; a shift adds its squared length") {
  auto g = at::detail::createCPUGenerator(9);
  for (int64_t n : {500, 20}) {  // 20 rows in 64 dimensions: a rank-19 covariance
    INFO("rows " << n);
    auto x = torch::relu(torch::randn({n, 64}, g, torch::kFloat));
    auto s = gaussianStats(x);
    double scale = s.cov.trace().item<double>();
    CHECK(std::abs(frechetDistance(s, s)) <
          1e-6 * scale);  // round-off in near-zero eigenvalues only
    auto shift = torch::randn({64}, g, torch::kFloat);
    double fd = frechetDistance(s, gaussianStats(x + shift));
    CHECK(fd ==
          doctest::Approx(shift.to(torch::kDouble).pow(2).sum().item<double>()).epsilon(1e-6));
  }
  FeatureMoments one;
  one.add(torch::zeros({1, 4}));
  CHECK_THROWS_AS((void)one.stats(), BadInput);
  CHECK_THROWS_AS(
      (void)frechetDistance(gaussianStats(torch::rand({5, 3})), gaussianStats(torch::rand({5, 4}))),
      BadInput);
}

TEST_CASE("classifier: shapes, bundle round trip, refusal of other bundles") {
  torch::manual_seed(1);
  ConvClassifierConfig cfg;
  cfg.channels1 = 4, cfg.channels2 = 8, cfg.features = 24, cfg.numClasses = 10;
  ConvClassifier model(cfg);
  model->eval();
  auto x = torch::rand({5, 1, 28, 28});
  auto f = model->features(x);
  CHECK(f.sizes() == torch::IntArrayRef({5, 24}));
  CHECK(f.min().item<float>() >= 0.f);  // after ReLU
  auto logits = model->forward(x);
  CHECK(logits.sizes() == torch::IntArrayRef({5, 10}));

  std::string dir = test::tempDir("classifier-bundle") + "/cls";
  Manifest m;
  m.name = "test classifier";
  m.image = {1, 28, 28, 0.f, 1.f};
  saveClassifierBundle(dir, m, model);
  auto loaded = loadClassifierBundle(dir);
  CHECK(loaded->manifest.kind == "classifier");
  CHECK(loaded->model->config().features == 24);
  CHECK(torch::allclose(loaded->model->forward(x), logits));
  CHECK_THROWS_WITH_AS(loadClassifierBundle(test::sourcePath("assets/models/fashion-vae-16")),
                       doctest::Contains("classifier bundle is needed"), BadInput);
  CHECK_THROWS_AS(loadClassifierBundle(dir + "/missing"), BadInput);
}

TEST_CASE("classAccuracy counts arg-max hits") {
  auto logits = torch::tensor({0.1, 0.9, 0.0,   // 1
                               2.0, -1.0, 0.5,  // 0
                               0.0, 0.0, 3.0,   // 2
                               0.3, 0.2, 0.1},  // 0
                              torch::kFloat)
                    .reshape({4, 3});
  CHECK(classAccuracy(logits, torch::tensor({1, 0, 2, 0}, torch::kLong)) == doctest::Approx(1.0));
  CHECK(classAccuracy(logits, torch::tensor({1, 0, 2, 2}, torch::kLong)) == doctest::Approx(0.75));
  CHECK(classAccuracy(logits, torch::tensor({0, 1, 0, 1}, torch::kLong)) == doctest::Approx(0.0));
  CHECK_THROWS_AS((void)classAccuracy(logits, torch::tensor({1, 0}, torch::kLong)), BadInput);
}
