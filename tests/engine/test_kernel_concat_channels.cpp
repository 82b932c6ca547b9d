// Concatenating channels-last tensors along the channels (engine/kernels/concat_channels.*,
// the UNet's skip connections) against torch::cat on random inputs of odd sizes; anything
// else is torch::cat's own result.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/kernels/concat_channels.h"

using namespace latentlab;

TEST_CASE("catChannels matches torch::cat on channels-last inputs of odd sizes") {
  torch::manual_seed(21);
  torch::NoGradGuard noGrad;
  struct Shape {
    int64_t n, ca, cb, h, w;
  };
  for (Shape s : {Shape{2, 64, 32, 28, 28}, Shape{3, 1, 7, 5, 3}, Shape{1, 13, 2, 1, 9}, Shape{4, 128, 64, 7, 7}}) {
    CAPTURE(s.ca);
    CAPTURE(s.cb);
    auto a = torch::randn({s.n, s.ca, s.h, s.w}).contiguous(at::MemoryFormat::ChannelsLast);
    auto b = torch::randn({s.n, s.cb, s.h, s.w}).contiguous(at::MemoryFormat::ChannelsLast);
    REQUIRE(catChannelsApplies(a, b));
    auto got = catChannels(a, b);
    CHECK(got.is_contiguous(at::MemoryFormat::ChannelsLast));
    CHECK(torch::equal(got, torch::cat({a.contiguous(), b.contiguous()}, 1)));
  }
}

TEST_CASE("catChannels leaves channels-first, mismatched and autograd inputs to torch::cat") {
  torch::manual_seed(22);
  auto a = torch::randn({2, 3, 4, 5}), b = torch::randn({2, 6, 4, 5});
  CHECK(!catChannelsApplies(a.contiguous(), b));  // channels-first: torch::cat's fast path
  CHECK(torch::equal(catChannels(a, b), torch::cat({a, b}, 1)));
  auto aLast = a.contiguous(at::MemoryFormat::ChannelsLast);
  CHECK(!catChannelsApplies(aLast, torch::randn({2, 6, 4, 4}).contiguous(at::MemoryFormat::ChannelsLast)));
  CHECK(!catChannelsApplies(aLast, b.to(torch::kDouble).contiguous(at::MemoryFormat::ChannelsLast)));
  auto g = torch::randn({2, 3, 4, 5}).contiguous(at::MemoryFormat::ChannelsLast).requires_grad_(true);
  auto bLast = b.contiguous(at::MemoryFormat::ChannelsLast);
  CHECK(!catChannelsApplies(g, bLast));
  auto y = catChannels(g, bLast);
  y.sum().backward();
  CHECK(g.grad().defined());
}
