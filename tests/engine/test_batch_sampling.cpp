// Batched sampling is a shortcut and must show the same picture: a batch of samples run
// together (cut into CPU micro-batches or not) gives, row by row, the images of each
// sample run alone from the same starting noise, for both bundled diffusion models and
// with classifier-free guidance. Few steps keep it short; every step goes through the
// guided denoiser call, so a row mixed up with another or a chunk boundary would show.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/diffusion/denoise_run.h"
#include "engine/diffusion/diffusion_model.h"
#include "engine/diffusion/guidance.h"
#include "engine/models/bundle.h"
#include "test_support.h"

using namespace latentlab;

namespace {

struct ChunkGuard {  // restores the process-wide micro-batch size
  int64_t saved = denoiserChunkElements();
  ~ChunkGuard() { setDenoiserChunkElements(saved); }
};

torch::Tensor sample(DiffusionModel& model, const torch::Tensor& start, const torch::Tensor& classes,
                     const std::string& sampler) {
  auto s = makeSampler(sampler, model.schedule(), model.samplerOptions(0.0));
  s->setSteps(4);
  DenoiseRun run;
  run.guidance = 3.0;
  run.classes = classes;
  SeededNoise noise(7);  // unused by the deterministic samplers; required by the interface when noisy
  run.noise = noise.stepNoise();
  return model.toImages(runDenoise(model.denoiser(), *s, start * s->initNoiseScale(), run));
}

void checkBatchedEqualsAlone(const std::string& bundle, int64_t n, int64_t chunkElements, const std::string& sampler) {
  CAPTURE(bundle);
  CAPTURE(chunkElements);
  CAPTURE(sampler);
  torch::InferenceMode guard;
  DiffusionModel model(loadBundle(latentlab::test::sourcePath(bundle)));
  std::vector<int64_t> shape = {n};
  for (auto d : model.sampleShape()) shape.push_back(d);
  SeededNoise noise(42);
  auto start = noise.draw(shape, torch::TensorOptions(torch::kFloat));
  auto classes = torch::arange(n, torch::kLong).remainder(model.numClasses() + 1);  // the null class included
  ChunkGuard restore;
  setDenoiserChunkElements(chunkElements);
  auto batched = sample(model, start, classes, sampler);
  REQUIRE(batched.size(0) == n);
  setDenoiserChunkElements(0);
  auto whole = sample(model, start, classes, sampler);
  CHECK((batched - whole).abs().max().item<double>() < 1e-5);
  for (int64_t i = 0; i < n; ++i) {
    auto alone = sample(model, start.slice(0, i, i + 1), classes.slice(0, i, i + 1), sampler);
    CAPTURE(i);
    CHECK((batched.slice(0, i, i + 1) - alone).abs().max().item<double>() < 1e-5);
  }
  // The rows really differ (a batch that repeated its first row would pass the rest).
  CHECK((batched[0] - batched[1]).abs().max().item<double>() > 1e-2);
}

}  // namespace

TEST_CASE("the micro-batch size follows the sample size and never cuts a GPU batch") {
  ChunkGuard restore;
  setDenoiserChunkElements(64 * 784);
  CHECK(denoiserChunkRows(torch::zeros({1000, 1, 28, 28})) == 64);
  CHECK(denoiserChunkRows(torch::zeros({10, 1, 28, 28})) == 10);
  CHECK(denoiserChunkRows(torch::zeros({5000, 16})) == 3136);
  CHECK(denoiserChunkRows(torch::zeros({3, 1, 300, 300})) == 1);  // at least one row
  setDenoiserChunkElements(0);
  CHECK(denoiserChunkRows(torch::zeros({1000, 1, 28, 28})) == 1000);
}

TEST_CASE("fashion-ddpm: batched guided sampling gives each sample's own images (to 1e-5)") {
  // 2 x 784 elements = one sample per guided call (its class and null halves): 5 calls.
  checkBatchedEqualsAlone("assets/models/fashion-ddpm", 5, 2 * 784, "ddim");
  checkBatchedEqualsAlone("assets/models/fashion-ddpm", 5, 6 * 784, "dpmpp-2m");  // 3 per call: 3 + 2 rows
}

TEST_CASE("fashion-ldm: batched guided sampling gives each sample's own images (to 1e-5)") {
  checkBatchedEqualsAlone("assets/models/fashion-ldm", 7, 4 * 16, "ddim");  // 2 per guided call, the last alone
  checkBatchedEqualsAlone("assets/models/fashion-ldm", 7, denoiserChunkElements(), "euler");  // the default: uncut
}
