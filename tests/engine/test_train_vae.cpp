// A short training run lowers the loss; resuming from a checkpoint gives exactly the same
// weights as an uninterrupted run; the written bundle loads.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/data/safetensors.h"
#include "engine/models/bundle.h"
#include "engine/train/vae_trainer.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
VaeTrainOptions small(const std::string& out, int epochs) {
  VaeTrainOptions o;
  o.outDir = out;
  o.limit = 512;
  o.epochs = epochs;
  o.latentDim = 4;
  o.batchSize = 64;
  o.channels1 = 16, o.channels2 = 32, o.hidden = 64;
  o.seed = 7;
  return o;
}
}  // namespace

TEST_CASE("training on a small subset lowers the loss and writes a loadable bundle") {
  torch::set_num_threads(1);
  std::string out = t::tempDir("train");
  auto res = trainVae(small(out, 10));
  CHECK(res.epochsDone == 10);
  CHECK(res.finalLoss < res.firstEpochLoss);
  // Predicting the mean image gives about 0.09 on Fashion-MNIST; a learning VAE goes well below.
  CHECK(res.finalMse < 0.06);
  auto b = loadBundle(out);
  REQUIRE(b->autoencoder);
  CHECK(b->manifest.latentSize() == 4);
  CHECK(b->manifest.classes.size() == 10);
}

TEST_CASE("an interrupted run resumed from its checkpoint matches an uninterrupted one") {
  torch::set_num_threads(1);
  std::string straight = t::tempDir("straight"), resumed = t::tempDir("resumed");
  trainVae(small(straight, 2));
  trainVae(small(resumed, 1));
  auto o = small(resumed, 2);
  o.resume = true;
  auto res = trainVae(o);
  CHECK(res.epochsDone == 2);
  auto a = readSafetensors(straight + "/vae.safetensors");
  auto b = readSafetensors(resumed + "/vae.safetensors");
  REQUIRE(a.size() == b.size());
  for (auto& [name, tensor] : a) {
    CAPTURE(name);
    CHECK(torch::allclose(tensor, b[name], 1e-5, 1e-6));
  }
}

TEST_CASE("cancelling stops training with Cancelled") {
  std::atomic<bool> flag{true};
  CHECK_THROWS_AS(trainVae(small(t::tempDir("cancel"), 1), {}, CancelToken{&flag}), Cancelled);
}
