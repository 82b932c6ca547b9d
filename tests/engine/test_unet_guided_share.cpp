// Classifier-free guidance's two halves share the UNet's class-independent start (conv_in and
// the first block's norm1 + conv1, engine/models/unet.h): forwardGuided(x, t, c) must give
// what one plain call on the doubled batch [x; x] with classes [c; null] gives, to 1e-5, on
// every path (channels-last, channels-first, the training path) and for an odd row count.
// The reference here is the independent plain forward (itself tested against the training
// path in test_kernel_group_norm_silu.cpp) and, on the training path, LibTorch's operators.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/models/builtin_denoiser.h"
#include "engine/models/bundle.h"
#include "engine/models/unet.h"
#include "test_support.h"

using namespace latentlab;

namespace {

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

TEST_CASE("fashion-ddpm's UNet: the guided halves computed together equal one call on the doubled batch") {
  auto b = loadBundle(latentlab::test::sourcePath("assets/models/fashion-ddpm"));
  auto& d = *b->denoiser;
  const int nullClass = d.numClasses();
  REQUIRE(nullClass == 10);
  torch::manual_seed(21);
  for (int64_t n : {1, 3, 8}) {
    CAPTURE(n);
    auto x = torch::randn({n, 1, 28, 28});
    auto t = torch::full({n}, 400.f) + torch::arange(n).to(torch::kFloat) * 37;
    auto cls = torch::randint(0, nullClass, {n}, torch::kLong);
    auto x2 = torch::cat({x, x}), t2 = torch::cat({t, t}), c2 = torch::cat({cls, torch::full_like(cls, nullClass)});
    for (auto layout : {UNetLayout::Auto, UNetLayout::ChannelsFirst}) {
      torch::InferenceMode guard;
      setUNetInferenceLayout(layout);
      auto shared = d.forwardGuided(x, t, cls), plain = d.forward(x2, t2, c2);
      setUNetInferenceLayout(UNetLayout::Auto);
      REQUIRE(shared.sizes() == plain.sizes());
      CHECK(maxDiff(shared, plain) < 1e-5);
      // The halves differ (the class matters), so rows were not merely copied.
      CHECK(maxDiff(shared.slice(0, 0, n), shared.slice(0, n, 2 * n)) > 1e-3);
    }
  }
  // The training path (parameters that want gradients) goes through LibTorch on the doubled batch.
  auto x = torch::randn({2, 1, 28, 28});
  auto t = torch::tensor({10.f, 999.f});
  auto cls = torch::tensor({4, 9}, torch::kLong);
  torch::Tensor fast;
  {
    torch::InferenceMode guard;
    fast = d.forwardGuided(x, t, cls);
  }
  auto& net = dynamic_cast<BuiltinDenoiser&>(d).module();
  for (auto& p : net.parameters()) p.set_requires_grad(true);
  auto trained = d.forwardGuided(x, t, cls);
  CHECK(trained.requires_grad());
  CHECK(maxDiff(fast, trained.detach()) < 1e-5);
}

TEST_CASE("the latent MLP's guided call is the plain call on the doubled batch") {
  auto b = loadBundle(latentlab::test::sourcePath("assets/models/fashion-ldm"));
  auto& d = *b->denoiser;
  torch::manual_seed(22);
  torch::InferenceMode guard;
  auto x = torch::randn({5, 16});
  auto t = torch::full({5}, 250.f);
  auto cls = torch::tensor({0, 1, 2, 3, 9}, torch::kLong);
  auto plain = d.forward(torch::cat({x, x}), torch::cat({t, t}), torch::cat({cls, torch::full_like(cls, d.numClasses())}));
  CHECK(maxDiff(d.forwardGuided(x, t, cls), plain) < 1e-5);
}
