// The batch-1 convolution kernels of the VAE decoder (engine/kernels/small_conv.*) against
// LibTorch's conv2d / conv_transpose2d (+ silu / sigmoid) on random inputs: odd image sizes,
// odd and even channel counts on both sides (the vectorised-over-outputs path at 16, 32, 48
// and 64 outputs, with tiles cut by the image edge; the dot-product path for any other count),
// strides 1 to 3, paddings 0 to 2,
// kernels 1 to 5; to 1e-5. Then the decoder itself: one latent through the kernels equals the
// same latent decoded by LibTorch's operators (a batch of two takes them), also after the
// weights are changed in place.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/kernels/small_conv.h"
#include "engine/models/conv_vae.h"

using namespace latentlab;

namespace {

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

torch::Tensor toHwc(const torch::Tensor& nchw) { return nchw.squeeze(0).permute({1, 2, 0}).contiguous(); }

torch::Tensor activate(const torch::Tensor& y, SmallConvActivation act) {
  if (act == SmallConvActivation::Silu) return torch::silu(y);
  if (act == SmallConvActivation::Sigmoid) return torch::sigmoid(y);
  return y;
}

}  // namespace

TEST_CASE("small convolutions and transposed convolutions match LibTorch on random inputs") {
  torch::manual_seed(31);
  struct Case {
    int64_t cin, cout, h, w, k, stride, padding;
    bool transposed;
  };
  const std::vector<Case> cases = {
      {64, 32, 7, 7, 4, 2, 1, true},   // the decoder's dec1
      {32, 32, 14, 14, 3, 1, 1, false},  // dec2
      {32, 1, 14, 14, 4, 2, 1, true},  // dec3
      {32, 3, 14, 14, 4, 2, 1, true},  // an RGB decoder's last layer
      {5, 16, 9, 11, 3, 1, 1, false},   {3, 64, 6, 5, 5, 2, 2, false}, {7, 24, 5, 8, 3, 2, 0, false},
      {13, 9, 7, 3, 1, 1, 0, false},    {17, 2, 8, 9, 3, 3, 1, false}, {33, 5, 5, 7, 3, 2, 2, true},
      {9, 40, 3, 4, 4, 2, 1, true},     {64, 32, 1, 1, 4, 2, 1, true}, {1, 8, 4, 6, 2, 2, 0, true},
      {20, 1, 6, 6, 5, 1, 2, true},     {11, 48, 5, 9, 3, 1, 1, false}, {6, 32, 3, 2, 4, 3, 1, true},
  };
  for (const auto& c : cases)
    for (auto act : {SmallConvActivation::None, SmallConvActivation::Silu, SmallConvActivation::Sigmoid}) {
      CAPTURE(c.cin);
      CAPTURE(c.cout);
      CAPTURE(c.h);
      CAPTURE(c.w);
      CAPTURE(c.k);
      CAPTURE(c.stride);
      CAPTURE(c.padding);
      CAPTURE(c.transposed);
      auto x = torch::randn({1, c.cin, c.h, c.w}) * 2;
      auto weight = c.transposed ? torch::randn({c.cin, c.cout, c.k, c.k}) : torch::randn({c.cout, c.cin, c.k, c.k});
      weight = weight / std::sqrt(double(c.cin * c.k * c.k));
      auto bias = torch::randn({c.cout});
      auto ref = c.transposed ? torch::conv_transpose2d(x, weight, bias, c.stride, c.padding)
                              : torch::conv2d(x, weight, bias, c.stride, c.padding);
      ref = activate(ref, act);
      auto packed = packSmallConv(weight, bias, c.transposed, c.stride, c.padding);
      auto y = smallConvHwc(packed, toHwc(x), act);
      REQUIRE(y.sizes() == toHwc(ref).sizes());
      CHECK(maxDiff(y, toHwc(ref)) < 1e-5);
    }
  // No bias = zeros.
  auto x = torch::randn({1, 6, 5, 5});
  auto weight = torch::randn({10, 6, 3, 3});
  auto y = smallConvHwc(packSmallConv(weight, {}, false, 1, 1), toHwc(x));
  CHECK(maxDiff(y, toHwc(torch::conv2d(x, weight, {}, 1, 1))) < 1e-5);
  CHECK_THROWS(smallConvHwc(packSmallConv(weight, {}, false, 1, 1), toHwc(torch::randn({1, 5, 5, 5}))));
}

TEST_CASE("conv VAE decode of one latent through the kernels equals LibTorch's decode") {
  torch::manual_seed(32);
  ConvVae vae(ConvVaeConfig{});  // fashion-vae-16's shape: 64 x 7 x 7 -> 32 x 14 x 14 -> 1 x 28 x 28
  vae->eval();
  auto check = [&] {
    torch::InferenceMode guard;
    auto z = torch::randn({1, vae->config().latentDim});
    auto one = vae->decode(z);                        // batch 1: the kernels
    auto two = vae->decode(torch::cat({z, z * 0.5}));  // batch 2: LibTorch's operators
    REQUIRE(one.sizes() == two.slice(0, 0, 1).sizes());
    CHECK(one.is_contiguous());
    CHECK(maxDiff(one, two.slice(0, 0, 1)) < 1e-5);
    CHECK(one.std().item<double>() > 1e-3);  // a real image, not a constant
  };
  check();
  {
    torch::NoGradGuard noGrad;  // as an optimiser step does: the packed copies must follow
    for (auto& p : vae->parameters()) p.mul_(1.3).add_(0.01);
  }
  check();
}
