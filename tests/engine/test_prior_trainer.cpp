// train prior: on a tiny VQ-VAE (trained here for a few batches) a resumed prior run gives
// the same weights as an uninterrupted one, the bundle it writes is complete (VQ-VAE + prior,
// loadable, able to sample) and the test loss is recorded per epoch.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <filesystem>

#include "engine/data/safetensors.h"
#include "engine/models/vq_bundle.h"
#include "engine/train/prior_trainer.h"
#include "engine/train/vq_trainer.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("train prior: resume equals an uninterrupted run; the bundle samples") {
  torch::set_num_threads(1);
  std::string vq = t::tempDir("prior_vq");
  VqTrainOptions v;
  v.outDir = vq, v.epochs = 1, v.batchSize = 32, v.limit = 64, v.testLimit = 16;
  v.codebookSize = 16, v.codeDim = 4, v.channels = {4, 8}, v.resBlocks = 1;
  trainVqVae(v);
  auto run = [&](const std::string& out, int64_t maxBatches, bool resume) {
    PriorTrainOptions o;
    o.vqDir = vq, o.outDir = out, o.epochs = 2, o.batchSize = 16, o.limit = 48, o.testLimit = 16;
    o.dModel = 16, o.layers = 1, o.heads = 2, o.warmupSteps = 2;
    o.maxBatches = maxBatches, o.resume = resume;
    return trainPrior(o);
  };
  std::string a = t::tempDir("prior_a"), b = t::tempDir("prior_b");
  auto ra = run(a, 0, false);
  CHECK(ra.epochsDone == 2);
  CHECK(ra.testLoss > 0);
  run(b, 4, false);  // stops inside the second epoch
  auto rb = run(b, 0, true);
  CHECK(rb.epochsDone == 2);
  TensorMap wa = readSafetensors(a + "/prior.safetensors"), wb = readSafetensors(b + "/prior.safetensors");
  REQUIRE(wa.size() == wb.size());
  for (auto& [name, x] : wa) {
    CAPTURE(name);
    CHECK(torch::equal(x, wb.at(name)));
  }
  auto bundle = loadVqBundle(a);
  REQUIRE(bundle->canSample());
  CHECK(bundle->numClasses() == 10);
  auto tokens = sampleTokens(*bundle->prior, torch::arange(10, torch::kLong), 10, torch::Tensor(), bundle->recommended, 1);
  CHECK(tokens.max().item<int64_t>() < 16);
  CHECK(bundle->decodeTokens(tokens).size(0) == 10);
  CHECK(t::readText(a + "/train_log.csv").find("test_loss") != std::string::npos);
}
