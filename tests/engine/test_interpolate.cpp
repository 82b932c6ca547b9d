// Interpolation math: endpoints, lerp midpoint, slerp norms, traversal spacing.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/latent/interpolate.h"

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
