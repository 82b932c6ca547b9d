// Interpolation math: endpoints, lerp midpoint, slerp norms, traversal spacing, multi-endpoint paths.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/latent/interpolate.h"
#include "engine/util/errors.h"

#include <cmath>

using namespace latentlab;

TEST_CASE("both modes start at a and end at b") {
  torch::manual_seed(3);
  auto a = torch::randn({16}), b = torch::randn({16});
  for (auto mode : {InterpMode::Lerp, InterpMode::Slerp}) {
    auto z = interpolate(a, b, 7, mode);
    REQUIRE(z.sizes() == torch::IntArrayRef({7, 16}));
    CHECK(torch::allclose(z[0], a, 1e-5, 1e-6));
    CHECK(torch::allclose(z[6], b, 1e-5, 1e-6));
  }
}

TEST_CASE("the lerp midpoint is the mean of the endpoints") {
  auto a = torch::tensor({1.f, -2.f, 4.f}), b = torch::tensor({3.f, 6.f, 0.f});
  auto z = interpolate(a, b, 3, InterpMode::Lerp);
  CHECK(torch::allclose(z[1], torch::tensor({2.f, 2.f, 2.f})));
}

TEST_CASE("slerp keeps the norm between the endpoints' norms; for equal norms it stays constant") {
  torch::manual_seed(5);
  auto a = torch::randn({16}), b = torch::randn({16});
  b = b / b.norm() * a.norm();
  auto z = interpolate(a, b, 11, InterpMode::Slerp);
  auto norms = z.norm(2, 1);
  CHECK(torch::allclose(norms, torch::full({11}, a.norm().item<float>()), 1e-4, 1e-5));
  // Lerp shrinks in the middle, which is why slerp exists.
  auto mid = interpolate(a, b, 3, InterpMode::Lerp)[1].norm().item<float>();
  CHECK(mid < a.norm().item<float>() * 0.999f);
}

TEST_CASE("slerp of unequal norms stays between them, and handles parallel vectors") {
  auto a = torch::tensor({2.f, 0.f}), b = torch::tensor({0.f, 1.f});
  auto n = interpolate(a, b, 9, InterpMode::Slerp).norm(2, 1);
  CHECK(n.min().item<float>() >= 1.f - 1e-5f);
  CHECK(n.max().item<float>() <= 2.f + 1e-5f);
  auto p = interpolate(a, a * 3, 3, InterpMode::Slerp);
  CHECK(torch::allclose(p[1], a * 2));
}

TEST_CASE("traverse walks evenly along a direction") {
  auto base = torch::tensor({1.f, 1.f, 1.f});
  auto z = traverse(base, axisDirection(3, 1), -2, 2, 5);
  CHECK(torch::allclose(z.select(1, 1), torch::tensor({-1.f, 0.f, 1.f, 2.f, 3.f})));
  CHECK(torch::allclose(z.select(1, 0), torch::ones({5})));
  CHECK_THROWS(axisDirection(3, 3));
}

TEST_CASE("a path through several endpoints has each endpoint exactly and (n - 1) * (K - 1) + 1 rows") {
  std::vector<std::vector<float>> ends = {{1, 0, 0}, {0, 2, 0}, {0, 0, 3}, {1, 1, 1}};
  const int k = 5;
  auto p = latentPath(ends, k, {InterpMode::Lerp, InterpMode::Slerp, InterpMode::Lerp});
  REQUIRE(latentPathRows(4, k) == 13);
  REQUIRE(p.size() == size_t(13 * 3));
  for (size_t e = 0; e < ends.size(); ++e)
    for (size_t c = 0; c < 3; ++c) CHECK(p[(e * (k - 1)) * 3 + c] == ends[e][c]);
  // Segment 0 is lerp: its midpoint is the mean; segment 1 is slerp between norms 2 and 3.
  CHECK(p[2 * 3 + 0] == doctest::Approx(0.5));
  CHECK(p[2 * 3 + 1] == doctest::Approx(1.0));
  for (int r = 4; r <= 8; ++r) {
    double n = std::sqrt(double(p[size_t(r) * 3]) * p[size_t(r) * 3] + double(p[size_t(r) * 3 + 1]) * p[size_t(r) * 3 + 1] +
                         double(p[size_t(r) * 3 + 2]) * p[size_t(r) * 3 + 2]);
    CHECK(n >= 2.0 - 1e-6);
    CHECK(n <= 3.0 + 1e-6);
  }
  CHECK_THROWS_AS(latentPath({{1, 2}}, 3, {InterpMode::Lerp}), UsageError);
  CHECK_THROWS_AS(latentPath(ends, 1, {InterpMode::Lerp}), UsageError);
  CHECK_THROWS_AS(latentPath(ends, 3, {InterpMode::Lerp, InterpMode::Lerp}), UsageError);
  CHECK_THROWS_AS(latentPath({{1, 2}, {1, 2, 3}}, 3, {InterpMode::Lerp}), BadInput);
}

TEST_CASE("slerp paths keep the norm of equal-norm endpoints and agree with the tensor slerp") {
  torch::manual_seed(9);
  std::vector<std::vector<float>> ends;
  for (int i = 0; i < 3; ++i) {
    auto v = torch::randn({32});
    v = v / v.norm() * 5.0;
    ends.emplace_back(v.data_ptr<float>(), v.data_ptr<float>() + 32);
  }
  auto p = latentPath(ends, 9, {InterpMode::Slerp});
  REQUIRE(p.size() == size_t(17 * 32));
  for (int r = 0; r < 17; ++r) {
    double n = 0;
    for (int c = 0; c < 32; ++c) n += double(p[size_t(r) * 32 + c]) * p[size_t(r) * 32 + c];
    CHECK(std::sqrt(n) == doctest::Approx(5.0).epsilon(1e-5));
  }
  auto a = torch::tensor(ends[0]), b = torch::tensor(ends[1]);
  auto ref = slerp(a, b, 0.375);
  auto ours = slerpLatent(ends[0], ends[1], 0.375);
  for (int c = 0; c < 32; ++c) CHECK(ours[size_t(c)] == doctest::Approx(ref[c].item<float>()).epsilon(1e-5));
}
