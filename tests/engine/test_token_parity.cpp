// The bundled fashion-vq computes the model its description says: an independent PyTorch
// implementation (tools/reference/token_model_reference.py, Debian's python3-torch, with
// nn.MultiheadAttention for the causal attention) gives the same prior logits at every
// position and the same decoded images for the same token grids and classes.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/data/npy.h"
#include "engine/data/npy_tensor.h"
#include "engine/models/vq_bundle.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("bundled fashion-vq: prior logits and decoded images match an independent PyTorch implementation") {
  torch::set_num_threads(1);
  const std::string dir = t::sourcePath("assets/models/fashion-vq");
  auto b = loadVqBundle(dir);
  REQUIRE(b->canSample());
  auto classes = torch::arange(8, torch::kLong).remainder(10);
  auto tokens = sampleTokens(*b->prior, classes, 8, torch::Tensor(), b->recommended, 3);  // realistic grids
  tokens.slice(0, 6, 8).copy_(torch::randint(b->prior->config().vocab, {2, 49}, at::detail::createCPUGenerator(4),
                                             torch::kLong));  // and two random ones
  std::string tmp = t::tempDir("token_parity");
  writeTensorNpy(tmp + "/t.npy", tokens);
  writeTensorNpy(tmp + "/c.npy", classes);
  auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/reference/token_model_reference.py") +
                         " " + dir + " " + tmp + "/t.npy " + tmp + "/c.npy " + tmp + "/logits.npy " + tmp + "/img.npy");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  torch::NoGradGuard ng;
  auto refLogits = npyToTensor(readNpy(tmp + "/logits.npy"));
  auto ours = b->prior->forward(classes, tokens.slice(1, 0, 48));
  REQUIRE(ours.sizes() == refLogits.sizes());
  CHECK((ours - refLogits).abs().max().item<float>() < 1e-3f);
  CHECK(refLogits.std().item<float>() > 0.5f);
  auto refImages = npyToTensor(readNpy(tmp + "/img.npy"));
  auto images = b->decodeTokens(tokens);
  REQUIRE(images.sizes() == refImages.sizes());
  CHECK((images - refImages).abs().max().item<float>() < 1e-4f);
}
