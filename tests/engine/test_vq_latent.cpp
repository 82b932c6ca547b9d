// A VQ model's latent face (engine/tokens/vq_latent.h through engine/explore/explorer.h):
// fashion-vq opens as a 7 x 7 x 32 grid of code vectors; encoding two test images gives their
// quantised code vectors, a lerp / slerp path between them, the nearest code of every cell
// and the decoded images (continuous and snapped to the codebook) all equal an independent
// PyTorch implementation (tools/reference/token_model_reference.py latent, Debian's
// python3-torch) to 1e-4. SeFa is refused with its reason; prior samples are token grids.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <cmath>

#include "engine/data/dataset.h"
#include "engine/data/image_tensor.h"
#include "engine/data/npy.h"
#include "engine/data/npy_tensor.h"
#include "engine/data/safetensors.h"
#include "engine/explore/explorer.h"
#include "engine/latent/latent_path.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
const std::string kVq = t::sourcePath("assets/models/fashion-vq");

torch::Tensor flat(const std::vector<float>& v) {
  return torch::from_blob(const_cast<float*>(v.data()), {int64_t(v.size())}, torch::kFloat32).clone();
}
float maxDiff(const std::vector<float>& a, const torch::Tensor& ref) {
  REQUIRE(int64_t(a.size()) == ref.numel());
  return (flat(a) - ref.flatten().to(torch::kFloat32)).abs().max().item<float>();
}
}  // namespace

TEST_CASE("fashion-vq opens through the latent face as a 7 x 7 x 32 grid of code vectors") {
  torch::set_num_threads(1);
  auto m = ExploreModel::load(kVq, "cpu");
  const ModelInfo& i = m->info();
  CHECK(i.kind == "vq-autoregressive");
  CHECK((i.latentShape == std::vector<int64_t>{7, 7, 32}));
  CHECK(i.latentDim == 1568);
  CHECK(i.hasEncoder);
  CHECK(i.codebookSize == 128);
  CHECK(i.conditional == 0);
  CHECK(i.prior == "tokens");
  CHECK(m->snapToCodebook());  // the default: decode token grids the model can produce
  // Its weights are the VQ-VAE's and the prior's, counted here from the files (QA: the Model
  // panel said 0.45M, the VQ-VAE alone, where `info` says 2.30M).
  int64_t stored = 0;
  for (const char* f : {"/vqvae.safetensors", "/prior.safetensors"})
    for (const auto& [name, tensor] : readSafetensors(kVq + f)) stored += tensor.numel();
  CHECK(i.parameterCount + i.bufferValueCount == stored);
  CHECK(i.parameterCount > 2000000);  // the prior's 1.84M are parameters
  // SeFa has no linear layer to use: the reason, not a crash.
  try {
    m->firstLinearWeight();
    FAIL("expected BadInput");
  } catch (const BadInput& e) {
    CHECK(std::string(e.what()).find("3x3 convolution") != std::string::npos);
  }
  // The VQ calls on a model that is not one are one-line BadInputs.
  auto vae = ExploreModel::load(t::sourcePath("assets/models/fashion-vae-16"), "cpu");
  CHECK_FALSE(vae->snapToCodebook());
  CHECK_THROWS_AS(vae->setSnapToCodebook(true), BadInput);
  CHECK_THROWS_AS(vae->tokensOf(std::vector<float>(16, 0.f)), BadInput);
}

TEST_CASE("VQ latent: encode, path, nearest codes and decodes match an independent PyTorch implementation") {
  torch::set_num_threads(1);
  auto m = ExploreModel::load(kVq, "cpu");
  DatasetOptions first;
  first.limit = 2;  // items 0 and 1 of the test set: an ankle boot and a pullover
  Dataset data = openDataset("fashion-mnist:test", first);
  REQUIRE(data.count == 2);
  std::string tmp = t::tempDir("vq_latent");
  writeTensorNpy(tmp + "/x.npy", datasetToTensor(data, 0, 2, 0.f, 1.f));
  // 6 frames (t = 0, 0.2, ..., 1): no frame at t = 0.5, where a lerp between two codes is
  // exactly as near to both and the nearest code is a tie decided by rounding.
  const int steps = 6;
  auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/reference/token_model_reference.py") +
                         " latent " + kVq + " " + tmp + "/x.npy " + std::to_string(steps) + " " + tmp + "/");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto ref = [&](const std::string& name) { return npyToTensor(readNpy(tmp + "/" + name + ".npy")); };

  LatentSet set = m->encode(data);
  REQUIRE(set.dim == 1568);
  CHECK(set.klPerDim.empty());  // a VQ encoder gives no variance
  CHECK(maxDiff(set.z, ref("codes")) < 1e-4f);
  // Encoded latents are code vectors already: snapping leaves them as they are.
  CHECK(maxDiff(m->snapped(set.z, 2), ref("codes")) < 1e-4f);

  std::vector<int> ids = {-1, -1};
  int changedMid = 0;
  for (auto mode : {InterpMode::Lerp, InterpMode::Slerp}) {
    std::string name = mode == InterpMode::Lerp ? "lerp" : "slerp";
    CAPTURE(name);
    auto path = latentPath({set.latent(0), set.latent(1)}, steps, {mode});
    CHECK(maxDiff(path, ref("path_" + name)) < 1e-4f);
    auto tokens = m->tokensOf(path, steps);
    auto refTokens = ref("tokens_" + name).to(torch::kLong).flatten();
    REQUIRE(int64_t(tokens.size()) == refTokens.numel());
    int same = 0;
    for (size_t k = 0; k < tokens.size(); ++k) same += tokens[k] == refTokens[int64_t(k)].item<int64_t>();
    CHECK(same == int(tokens.size()));
    // Inside the path some cells snap to tokens of neither end.
    for (int c = 0; c < 49; ++c) {
      int mid = tokens[size_t(2 * 49 + c)];
      changedMid += mid != tokens[size_t(c)] && mid != tokens[size_t(5 * 49 + c)];
    }
    std::vector<int> rowIds(steps, -1);
    m->setSnapToCodebook(false);
    auto cont = m->decodeValues(path, steps, rowIds);
    CHECK(maxDiff(cont, ref("images_" + name + "_cont")) < 1e-4f);
    m->setSnapToCodebook(true);
    auto snap = m->decodeValues(path, steps, rowIds);
    CHECK(maxDiff(snap, ref("images_" + name + "_snap")) < 1e-4f);
    // The switch matters between codes (not at the ends, which are codes already).
    auto c = flat(cont).view({steps, -1}), s = flat(snap).view({steps, -1});
    CHECK((c[2] - s[2]).abs().max().item<float>() > 0.05f);
    CHECK((c[0] - s[0]).abs().max().item<float>() < 1e-5f);
  }
  CHECK(changedMid > 0);
}

TEST_CASE("VQ latent: prior samples are token grids the transformer draws, the same for the same seed") {
  torch::set_num_threads(1);
  auto m = ExploreModel::load(kVq, "cpu");
  auto a = m->priorSample(2, 7), b = m->priorSample(2, 7), c = m->priorSample(2, 8);
  REQUIRE(a.size() == 2 * 1568u);
  CHECK(a == b);
  CHECK(a != c);
  auto snapped = m->snapped(a, 2);  // every cell is a codebook row already
  double worst = 0;
  for (size_t k = 0; k < a.size(); ++k) worst = std::max(worst, double(std::fabs(a[k] - snapped[k])));
  CHECK(worst < 1e-6);
}
