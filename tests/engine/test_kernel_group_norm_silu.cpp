// The fused group norm + SiLU kernel (engine/kernels/group_norm_silu.*) against LibTorch's
// group_norm then silu on random inputs: odd spatial sizes, 1 to 8 groups, a per-sample
// channel bias, no affine parameters, inputs far from zero mean, in place, channels-first and
// channels-last; to 1e-5. And the UNet of fashion-ddpm, whose inference path uses it (in
// either layout), against its own training path.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/kernels/group_norm_silu.h"
#include "engine/models/builtin_denoiser.h"
#include "engine/models/bundle.h"
#include "engine/models/unet.h"
#include "test_support.h"

using namespace latentlab;

namespace {

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

torch::Tensor reference(const torch::Tensor& x, int64_t groups, const torch::Tensor& gamma, const torch::Tensor& beta,
                        const torch::Tensor& bias) {
  auto in = bias.defined() ? x + bias.unsqueeze(-1).unsqueeze(-1) : x;
  return torch::silu(torch::group_norm(in, groups, gamma, beta, 1e-5));
}

}  // namespace

TEST_CASE("group norm + SiLU matches LibTorch's two operators on random inputs") {
  torch::manual_seed(11);
  torch::NoGradGuard noGrad;
  struct Shape {
    int64_t n, c, h, w, groups;
  };
  for (Shape s : {Shape{1, 32, 28, 28, 8}, Shape{3, 64, 7, 7, 8}, Shape{2, 6, 5, 3, 2}, Shape{1, 3, 1, 1, 1},
                  Shape{4, 16, 17, 1, 4}, Shape{2, 128, 14, 14, 8}})
    for (bool affine : {true, false})
      for (bool withBias : {true, false}) {
        CAPTURE(s.n);
        CAPTURE(s.c);
        CAPTURE(s.h);
        CAPTURE(s.w);
        CAPTURE(affine);
        CAPTURE(withBias);
        // Far from zero mean and unit variance: the statistics must not cancel badly.
        auto x = torch::randn({s.n, s.c, s.h, s.w}) * 3 + 5;
        auto gamma = affine ? torch::randn({s.c}) : torch::Tensor();
        auto beta = affine ? torch::randn({s.c}) : torch::Tensor();
        auto bias = withBias ? torch::randn({s.n, s.c}) * 2 : torch::Tensor();
        REQUIRE(groupNormSiluApplies(x, gamma, beta, bias));
        auto want = reference(x, s.groups, gamma, beta, bias);
        auto got = groupNormSilu(x, s.groups, gamma, beta, 1e-5, bias);
        CHECK(maxDiff(got, want) < 1e-5);
        auto copy = x.clone();
        auto inPlace = groupNormSilu(copy, s.groups, gamma, beta, 1e-5, bias, true);
        CHECK(inPlace.data_ptr() == copy.data_ptr());
        CHECK(maxDiff(inPlace, want) < 1e-5);
      }
}

TEST_CASE("group norm + SiLU on channels-last inputs matches LibTorch and keeps the layout") {
  torch::manual_seed(14);
  torch::NoGradGuard noGrad;
  struct Shape {
    int64_t n, c, h, w, groups;
  };
  // Channel counts that are and are not multiples of the 16-float vector, odd positions.
  for (Shape s : {Shape{2, 32, 28, 28, 8}, Shape{3, 64, 7, 7, 8}, Shape{2, 6, 5, 3, 2}, Shape{1, 17, 3, 5, 1},
                  Shape{4, 48, 9, 1, 4}, Shape{2, 128, 14, 14, 8}, Shape{1, 19, 33, 2, 1}})
    for (bool affine : {true, false})
      for (bool withBias : {true, false}) {
        CAPTURE(s.n);
        CAPTURE(s.c);
        CAPTURE(s.h);
        CAPTURE(s.w);
        CAPTURE(affine);
        CAPTURE(withBias);
        auto x = (torch::randn({s.n, s.c, s.h, s.w}) * 3 + 5).contiguous(at::MemoryFormat::ChannelsLast);
        auto gamma = affine ? torch::randn({s.c}) : torch::Tensor();
        auto beta = affine ? torch::randn({s.c}) : torch::Tensor();
        auto bias = withBias ? torch::randn({s.n, s.c}) * 2 : torch::Tensor();
        REQUIRE(groupNormSiluApplies(x, gamma, beta, bias));
        auto want = reference(x.contiguous(), s.groups, gamma, beta, bias);
        auto got = groupNormSilu(x, s.groups, gamma, beta, 1e-5, bias);
        CHECK(got.is_contiguous(at::MemoryFormat::ChannelsLast));
        CHECK(maxDiff(got, want) < 1e-5);
        auto copy = x.clone();
        auto inPlace = groupNormSilu(copy, s.groups, gamma, beta, 1e-5, bias, true);
        CHECK(inPlace.data_ptr() == copy.data_ptr());
        CHECK(maxDiff(inPlace, want) < 1e-5);
      }
  // Any other strided input (here a transposed one) goes to LibTorch's operators.
  auto t = torch::randn({2, 8, 5, 3}).transpose(2, 3);
  CHECK(!groupNormSiluApplies(t, {}, {}, {}));
  CHECK(maxDiff(groupNormSilu(t, 4, {}, {}, 1e-5), reference(t, 4, {}, {}, {})) < 1e-6);
}

TEST_CASE("group norm + SiLU: large inputs saturate like silu, a constant group normalises to silu(beta)") {
  torch::NoGradGuard noGrad;
  auto x = torch::zeros({1, 2, 2, 2});
  x[0][0] = torch::tensor({{-1e4f, 1e4f}, {0.f, 3.f}});
  auto gamma = torch::full({2}, 50.f), beta = torch::tensor({0.5f, -0.25f});
  CHECK(maxDiff(groupNormSilu(x, 2, gamma, beta, 1e-5), reference(x, 2, gamma, beta, {})) < 1e-4);
  // Channel 1 is all zeros: normalised to 0, then beta, then silu.
  auto y = groupNormSilu(x, 2, gamma, beta, 1e-5);
  CHECK(maxDiff(y[0][1], torch::full({2, 2}, -0.25f * (1 / (1 + std::exp(0.25f))))) < 1e-6);
}

TEST_CASE("group norm + SiLU leaves autograd, doubles and bad shapes to LibTorch") {
  torch::manual_seed(12);
  auto x = torch::randn({2, 8, 3, 3}), gamma = torch::randn({8}).requires_grad_(true), beta = torch::randn({8});
  CHECK(!groupNormSiluApplies(x, gamma, beta, {}));
  auto y = groupNormSilu(x, 4, gamma, beta, 1e-5);
  y.sum().backward();
  CHECK(gamma.grad().defined());
  torch::NoGradGuard noGrad;
  auto xd = x.to(torch::kDouble);
  CHECK(!groupNormSiluApplies(xd, {}, {}, {}));
  CHECK(maxDiff(groupNormSilu(xd, 4, {}, {}, 1e-5), reference(xd, 4, {}, {}, {})) < 1e-12);
  CHECK_THROWS(groupNormSilu(x, 3, {}, {}, 1e-5));  // 8 channels in 3 groups
}

TEST_CASE("fashion-ddpm's UNet: the fused inference path gives the training path's output in both layouts") {
  auto b = loadBundle(latentlab::test::sourcePath("assets/models/fashion-ddpm"));
  torch::manual_seed(13);
  auto x = torch::randn({3, 1, 28, 28});
  auto t = torch::tensor({10.f, 500.f, 999.f});
  auto cls = torch::tensor({0, 7, 10}, torch::kLong);
  torch::Tensor fused, fusedFirst, plain;
  {
    torch::InferenceMode guard;
    fused = b->denoiser->forward(x, t, cls);  // the automatic layout: channels-last on the CPU
    setUNetInferenceLayout(UNetLayout::ChannelsFirst);
    fusedFirst = b->denoiser->forward(x, t, cls);
    setUNetInferenceLayout(UNetLayout::Auto);
  }
  CHECK(fused.is_contiguous());
  CHECK(maxDiff(fused, fusedFirst) < 1e-5);
  {
    // Parameters that want gradients take LibTorch's operators (the training path).
    auto* builtin = dynamic_cast<torch::nn::Module*>(&dynamic_cast<latentlab::BuiltinDenoiser&>(*b->denoiser).module());
    for (auto& p : builtin->parameters()) p.set_requires_grad(true);
    plain = b->denoiser->forward(x, t, cls).detach();
  }
  CHECK(maxDiff(fused, plain) < 1e-5);
  CHECK(fused.abs().max().item<double>() > 0.1);  // a real output, not zeros
}

TEST_CASE("fashion-ddpm's UNet: weights changed in place (a training step) reach the channels-last path") {
  auto b = loadBundle(latentlab::test::sourcePath("assets/models/fashion-ddpm"));
  auto& net = dynamic_cast<latentlab::BuiltinDenoiser&>(*b->denoiser).module();
  torch::manual_seed(15);
  auto x = torch::randn({2, 1, 28, 28});
  auto t = torch::tensor({100.f, 700.f});
  auto cls = torch::tensor({2, 10}, torch::kLong);
  auto run = [&](UNetLayout layout) {
    torch::InferenceMode guard;
    setUNetInferenceLayout(layout);
    auto y = b->denoiser->forward(x, t, cls);
    setUNetInferenceLayout(UNetLayout::Auto);
    return y;
  };
  auto before = run(UNetLayout::ChannelsLast);  // caches the channels-last weight copies
  {
    torch::NoGradGuard noGrad;  // as an optimiser step does
    for (auto& p : net.parameters()) p.mul_(0.9).add_(0.01);
  }
  auto afterLast = run(UNetLayout::ChannelsLast), afterFirst = run(UNetLayout::ChannelsFirst);
  CHECK(maxDiff(afterLast, afterFirst) < 1e-5);
  CHECK(maxDiff(afterLast, before) > 1e-3);
}
