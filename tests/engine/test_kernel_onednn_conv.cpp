// The UNet's convolutions run by oneDNN directly (engine/kernels/onednn_conv.*) against
// LibTorch's conv2d, the independent reference, on random channels-last inputs: every layer
// shape of fashion-ddpm's UNet (3 x 3, 1 x 1, stride 2, one output channel) plus odd ones (odd
// channel counts and image sizes, a 5 x 5 kernel, padding 0 and 2, no bias), at 1, 2, 7 and
// 16 rows; to 1e-5. Then what the cache must get right: a weight changed in place or
// replaced reaches the next call, shapes past the cache's size still compute, a shape without a
// kernel gets LibTorch's answer, two threads at
// once get their own results, and what it must not take (autograd, channels-first, doubles)
// is refused by onednnConvApplies. Without oneDNN in the build it checks only the refusal.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <thread>

#include "engine/kernels/onednn_conv.h"

using namespace latentlab;

namespace {

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

torch::Tensor channelsLast(const torch::Tensor& t) { return t.contiguous(at::MemoryFormat::ChannelsLast); }

}  // namespace

TEST_CASE("oneDNN convolutions equal LibTorch's conv2d on the UNet's layer shapes and odd ones") {
  if (!onednnConvEnabled()) {
    MESSAGE("built without oneDNN (libdnnl-dev): the UNet uses LibTorch's convolutions; nothing to compare");
    auto x = channelsLast(torch::randn({1, 4, 5, 5}));
    CHECK(!onednnConvApplies(x, torch::randn({4, 4, 3, 3}), {}));
    return;
  }
  torch::manual_seed(5);
  struct Case {
    int64_t cin, cout, h, w, k, stride, padding;
    bool bias;
  };
  const std::vector<Case> cases = {
      {1, 32, 28, 28, 3, 1, 1, true},   {32, 32, 28, 28, 3, 1, 1, true}, {32, 32, 28, 28, 3, 2, 1, true},
      {32, 64, 14, 14, 3, 1, 1, true},  {32, 64, 14, 14, 1, 1, 0, true}, {64, 64, 14, 14, 3, 2, 1, true},
      {128, 64, 7, 7, 3, 1, 1, true},   {128, 64, 7, 7, 1, 1, 0, true},  {64, 32, 14, 14, 3, 1, 1, true},
      {32, 1, 28, 28, 3, 1, 1, true},   {3, 5, 9, 11, 3, 1, 1, false},   {7, 13, 10, 6, 5, 2, 2, true},
      {17, 3, 8, 8, 3, 1, 0, true},     {5, 48, 13, 13, 1, 1, 0, false},
  };
  OnednnConvCache cache;
  torch::InferenceMode guard;
  for (const auto& c : cases)
    for (int64_t n : {1, 2, 7, 16}) {
      INFO("cin ", c.cin, " cout ", c.cout, " h ", c.h, " w ", c.w, " k ", c.k, " stride ", c.stride, " rows ", n);
      auto x = channelsLast(torch::randn({n, c.cin, c.h, c.w}));
      auto w = torch::randn({c.cout, c.cin, c.k, c.k}) / std::sqrt(double(c.cin * c.k * c.k));
      torch::Tensor b = c.bias ? torch::randn({c.cout}) : torch::Tensor();
      REQUIRE(onednnConvApplies(x, w, b));
      auto ours = cache.run(x, w, b, c.stride, c.padding);
      auto ref = torch::conv2d(x.contiguous(), w, b, c.stride, c.padding);
      REQUIRE(ours.sizes() == ref.sizes());
      CHECK(ours.is_contiguous(at::MemoryFormat::ChannelsLast));
      CHECK(maxDiff(ours, ref) < 1e-5);
    }
}

TEST_CASE("the oneDNN cache follows weight changes, many shapes and concurrent calls") {
  if (!onednnConvEnabled()) return;
  torch::manual_seed(9);
  OnednnConvCache cache;
  // Normal tensors, as a module's parameters are: inference tensors keep no version counter.
  auto w = torch::randn({16, 8, 3, 3}) * 0.1, b = torch::randn({16});
  auto x = channelsLast(torch::randn({2, 8, 12, 12}));
  torch::InferenceMode guard;
  auto first = cache.run(x, w, b, 1, 1);
  // Changed in place (a training step between two calls): the packed copy must be remade.
  w.mul_(-2.0);
  b.add_(1.0);
  CHECK(maxDiff(cache.run(x, w, b, 1, 1), torch::conv2d(x, w, b, 1, 1)) < 1e-5);
  CHECK(maxDiff(cache.run(x, w, b, 1, 1), first) > 1e-2);
  // Replaced by another tensor at the same place in the module: keyed by the new one.
  auto w2 = torch::randn({16, 8, 3, 3}) * 0.1;
  CHECK(maxDiff(cache.run(x, w2, b, 1, 1), torch::conv2d(x, w2, b, 1, 1)) < 1e-5);
  // More input shapes than the cache keeps per layer: old ones are dropped, every result right.
  for (int64_t n = 1; n <= 12; ++n) {
    auto xn = channelsLast(torch::randn({n, 8, 6 + n % 3, 7}));
    CHECK(maxDiff(cache.run(xn, w2, b, 1, 1), torch::conv2d(xn, w2, b, 1, 1)) < 1e-5);
  }
  // A shape with no kernel (here: a 5 x 5 kernel on a 2 x 2 image, nothing to compute) gets
  // LibTorch's answer, here its error, not a crash or garbage; the layer keeps working after.
  auto tiny = channelsLast(torch::randn({1, 8, 2, 2}));
  auto w5 = torch::randn({16, 8, 5, 5});
  CHECK_THROWS_AS(cache.run(tiny, w5, b, 1, 0), c10::Error);
  CHECK_THROWS_AS(cache.run(tiny, w5, b, 1, 0), c10::Error);  // remembered as LibTorch's, same answer
  auto big = channelsLast(torch::randn({1, 8, 6, 6}));
  CHECK(maxDiff(cache.run(big, w5, b, 1, 0), torch::conv2d(big, w5, b, 1, std::vector<int64_t>{0, 0})) < 1e-5);
  // Two threads on the same layer and shape: each gets its own input's result.
  auto xa = channelsLast(torch::randn({4, 8, 12, 12})), xb = channelsLast(torch::randn({4, 8, 12, 12}));
  torch::Tensor ya, yb;
  auto work = [&](const torch::Tensor& in, torch::Tensor& out) {
    torch::InferenceMode g;
    for (int i = 0; i < 50; ++i) out = cache.run(in, w2, b, 1, 1);
  };
  std::thread ta(work, std::cref(xa), std::ref(ya)), tb(work, std::cref(xb), std::ref(yb));
  ta.join(), tb.join();
  CHECK(maxDiff(ya, torch::conv2d(xa, w2, b, 1, 1)) < 1e-5);
  CHECK(maxDiff(yb, torch::conv2d(xb, w2, b, 1, 1)) < 1e-5);
}

TEST_CASE("what the oneDNN path does not take is left to LibTorch") {
  auto x = channelsLast(torch::randn({2, 4, 6, 6}));
  auto w = torch::randn({4, 4, 3, 3});
  CHECK(!onednnConvApplies(x.contiguous(), w, {}));  // channels-first input
  CHECK(!onednnConvApplies(x.to(torch::kDouble), w.to(torch::kDouble), {}));
  CHECK(!onednnConvApplies(x, torch::randn({4, 3, 3, 3}), {}));  // channel counts disagree
  CHECK(!onednnConvApplies(x, w, torch::randn({5})));             // bias of the wrong size
  auto wg = w.clone().set_requires_grad(true);
  CHECK(!onednnConvApplies(x, wg, {}));  // autograd wants a graph
  {
    torch::NoGradGuard noGrad;
    CHECK(onednnConvApplies(x, wg, {}) == onednnConvEnabled());
  }
  setOnednnConvEnabled(false);
  CHECK(!onednnConvApplies(x, w, {}));
  setOnednnConvEnabled(true);
}
