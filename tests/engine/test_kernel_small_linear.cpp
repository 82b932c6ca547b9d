// The hand-written matrix-vector kernel (engine/kernels/small_linear.*) against LibTorch's
// own linear on random inputs: odd sizes (tails shorter than a vector, one input, one
// output), 1 to 4 rows, with and without bias, to 1e-5; and the cases it must leave to
// LibTorch (more rows, strided or double tensors, autograd, CUDA) give LibTorch's result.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/kernels/small_linear.h"

using namespace latentlab;

namespace {

double maxDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

}  // namespace

TEST_CASE("small linear kernel matches torch::linear on random inputs of odd sizes") {
  torch::manual_seed(3);
  torch::NoGradGuard noGrad;
  for (int64_t in : {1, 7, 15, 16, 17, 33, 512, 3136})
    for (int64_t out : {1, 5, 64, 3136})
      for (int64_t rows = 1; rows <= kSmallLinearMaxRows; ++rows)
        for (bool withBias : {true, false}) {
          CAPTURE(in);
          CAPTURE(out);
          CAPTURE(rows);
          CAPTURE(withBias);
          // Weights scaled as a trained layer's (outputs of order 1), so 1e-5 is a real bound.
          auto w = torch::randn({out, in}) / std::sqrt(double(in));
          auto b = withBias ? torch::randn({out}) : torch::Tensor();
          auto x = torch::randn({rows, in});
          REQUIRE(smallLinearApplies(x, w, b));
          auto y = smallLinear(x, w, b);
          CHECK(y.sizes() == torch::IntArrayRef({rows, out}));
          CHECK(maxDiff(y, torch::linear(x, w, b)) < 1e-5);
          // And against a double-precision reference, independent of either float order.
          auto ref = torch::linear(x.to(torch::kDouble), w.to(torch::kDouble), withBias ? b.to(torch::kDouble) : b);
          CHECK(maxDiff(y.to(torch::kDouble), ref) < 1e-5);
        }
}

TEST_CASE("small linear kernel: the raw entry point writes exactly rows x out values") {
  torch::manual_seed(4);
  auto w = torch::randn({3, 5}), x = torch::randn({2, 5}), b = torch::randn({3});
  auto y = torch::full({3, 3}, 7.f);  // one spare row that must stay untouched
  smallLinearKernel(x.data_ptr<float>(), 2, w.data_ptr<float>(), b.data_ptr<float>(), 5, 3, y.data_ptr<float>());
  CHECK(maxDiff(y.slice(0, 0, 2), torch::linear(x, w, b)) < 1e-5);
  CHECK(y[2].eq(7.f).all().item<bool>());
}

TEST_CASE("small linear leaves what it does not cover to LibTorch, with LibTorch's result") {
  torch::manual_seed(5);
  auto w = torch::randn({6, 9}), b = torch::randn({6});
  {
    torch::NoGradGuard noGrad;
    auto many = torch::randn({kSmallLinearMaxRows + 1, 9});
    CHECK(!smallLinearApplies(many, w, b));
    CHECK(torch::equal(smallLinear(many, w, b), torch::linear(many, w, b)));
    auto strided = torch::randn({9, 2}).t();  // 2 x 9, not contiguous
    CHECK(!smallLinearApplies(strided, w, b));
    CHECK(torch::equal(smallLinear(strided, w, b), torch::linear(strided, w, b)));
    auto xd = torch::randn({1, 9}, torch::kDouble);
    CHECK(!smallLinearApplies(xd, w.to(torch::kDouble), b.to(torch::kDouble)));
    CHECK(!smallLinearApplies(torch::randn({1, 8}), w, b));  // wrong width: LibTorch's error message
    CHECK_THROWS(smallLinear(torch::randn({1, 8}), w, b));
  }
  // Training: a weight that wants gradients keeps autograd's graph.
  auto wg = w.clone().requires_grad_(true);
  auto x = torch::randn({1, 9});
  CHECK(!smallLinearApplies(x, wg, b));
  auto y = smallLinear(x, wg, b);
  y.sum().backward();
  REQUIRE(wg.grad().defined());
  CHECK(maxDiff(wg.grad(), x.expand({6, 9})) < 1e-6);
  {
    torch::InferenceMode inference;  // the engine's workers: the kernel applies
    CHECK(smallLinearApplies(x, wg, b));
    CHECK(maxDiff(smallLinear(x, wg, b), torch::linear(x, wg, b)) < 1e-5);
  }
  if (torch::cuda::is_available()) {  // the same call on CUDA tensors runs LibTorch's CUDA linear
    torch::NoGradGuard noGrad;
    auto xc = x.cuda(), wc = w.cuda(), bc = b.cuda();
    CHECK(!smallLinearApplies(xc, wc, bc));
    CHECK(maxDiff(smallLinear(xc, wc, bc).cpu(), torch::linear(x, w, b)) < 1e-5);
  }
}
