// The VQ-VAE tokeniser (engine/models/vq_vae.h) and its trainer: nearest-code assignment
// equals an independent numpy computation (tools/reference/token_reference.py), token
// indices are in range, the codebook's k-means init and dead-code restarts do what they
// say, and a resumed training run gives the same weights as an uninterrupted one.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <filesystem>

#include "engine/data/npy.h"
#include "engine/data/npy_tensor.h"
#include "engine/data/safetensors.h"
#include "engine/models/vq_bundle.h"
#include "engine/train/vq_trainer.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
VqVaeConfig tinyConfig() {
  VqVaeConfig c;
  c.codebookSize = 16, c.codeDim = 4, c.channels1 = 4, c.channels2 = 8, c.resBlocks = 1;
  return c;
}
}  // namespace

TEST_CASE("nearest-code assignment equals a numpy reference") {
  torch::manual_seed(3);
  VectorQuantizer vq(37, 6);
  auto z = torch::randn({400, 6});
  vq->kmeansInit(z.slice(0, 0, 100), 2, at::detail::createCPUGenerator(5));  // a codebook with real structure
  auto ours = vq->nearest(z);
  std::string tmp = t::tempDir("vq_nearest");
  writeTensorNpy(tmp + "/z.npy", z);
  writeTensorNpy(tmp + "/e.npy", vq->embedding().contiguous());
  auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/reference/token_reference.py") +
                         " nearest " + tmp + "/z.npy " + tmp + "/e.npy " + tmp + "/ref.npy");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto ref = npyToTensor(readNpy(tmp + "/ref.npy"));
  REQUIRE(ref.sizes() == ours.sizes());
  // An index may differ only where two codes are equally near to float32 precision.
  auto e = vq->embedding().to(torch::kDouble);
  auto zd = z.to(torch::kDouble);
  int64_t differ = 0;
  for (int64_t i = 0; i < z.size(0); ++i) {
    int64_t a = ours[i].item<int64_t>(), b = ref[i].item<int64_t>();
    if (a == b) continue;
    ++differ;
    double da = (zd[i] - e[a]).pow(2).sum().item<double>(), db = (zd[i] - e[b]).pow(2).sum().item<double>();
    CHECK(std::abs(da - db) < 1e-5 * std::max(1.0, db));
  }
  CHECK(differ <= 2);
  CHECK(torch::bincount(ours, {}, 37).gt(0).sum().item<int64_t>() > 10);  // not a degenerate codebook
}

TEST_CASE("token indices are in range and decode to images in [0, 1]") {
  torch::manual_seed(1);
  VqVae model(tinyConfig());
  model->eval();
  torch::NoGradGuard ng;
  auto x = torch::rand({5, 1, 28, 28});
  auto idx = model->encode(x);
  CHECK(idx.sizes().vec() == std::vector<int64_t>{5, 7, 7});
  CHECK(idx.min().item<int64_t>() >= 0);
  CHECK(idx.max().item<int64_t>() < 16);
  auto y = model->decode(idx);
  CHECK(y.sizes() == x.sizes());
  CHECK(y.min().item<float>() >= 0.f);
  CHECK(y.max().item<float>() <= 1.f);
}

TEST_CASE("k-means init places codes on the data; dead codes restart on data rows") {
  torch::manual_seed(2);
  VectorQuantizer vq(4, 2);
  // Four tight clusters: k-means must find their centres.
  auto centres = torch::tensor({{0.f, 0.f}, {10.f, 0.f}, {0.f, 10.f}, {10.f, 10.f}});
  auto z = centres.repeat({50, 1}) + 0.01 * torch::randn({200, 2});
  vq->kmeansInit(z, 10, at::detail::createCPUGenerator(1));
  CHECK(vq->initialized());
  for (int c = 0; c < 4; ++c) {
    auto d = (vq->embedding() - centres[c]).pow(2).sum(1).min().item<float>();
    CHECK(d < 0.01f);
  }
  // Only the first cluster in use for a while: the other codes fall below the threshold and
  // restart on rows of the batch.
  auto batch = z.index_select(0, torch::arange(0, 200, 4));  // rows of cluster 0
  for (int i = 0; i < 60; ++i) vq->emaUpdate(batch, vq->nearest(batch), 0.99);
  int restarted = vq->restartDead(batch, 1.0, at::detail::createCPUGenerator(9));
  CHECK(restarted == 3);
  for (int c = 0; c < 4; ++c) CHECK(vq->embedding()[c].norm().item<float>() < 0.2f);  // all now near cluster 0
}

TEST_CASE("train vqvae: a resumed run gives the same weights as an uninterrupted one") {
  torch::set_num_threads(1);
  auto run = [](const std::string& out, int64_t maxBatches, bool resume) {
    VqTrainOptions o;
    o.outDir = out, o.epochs = 1, o.batchSize = 16, o.limit = 64, o.testLimit = 32;
    o.codebookSize = 16, o.codeDim = 4, o.channels = {4, 8}, o.resBlocks = 1;
    o.maxBatches = maxBatches, o.resume = resume;
    return trainVqVae(o);
  };
  std::string a = t::tempDir("vq_train_a"), b = t::tempDir("vq_train_b");
  auto ra = run(a, 0, false);
  CHECK(ra.epochsDone == 1);
  run(b, 2, false);
  auto rb = run(b, 0, true);
  CHECK(rb.epochsDone == 1);
  TensorMap wa = readSafetensors(a + "/vqvae.safetensors"), wb = readSafetensors(b + "/vqvae.safetensors");
  REQUIRE(wa.size() == wb.size());
  for (auto& [name, x] : wa) {
    CAPTURE(name);
    CHECK(torch::equal(x, wb.at(name)));
  }
  auto bundle = loadVqBundle(a);
  CHECK(!bundle->canSample());
  CHECK(bundle->manifest.latentShape == std::vector<int64_t>{7, 7});
  CHECK(std::filesystem::exists(a + "/train_log.csv"));
}
