// A user's TorchScript models through the bundle loader: tiny VAEs (single file with metadata,
// folder form, bare .pt with --image, non-square, mean-only), denoisers (epsilon class-
// conditional, v-prediction, latent pair) and a generator are exported at test time by
// Debian's python3-torch (tools/export/example_models.py), which also writes PyTorch's own
// outputs on fixed inputs; the engine must give the same numbers (1e-5). Then the bad-file
// catalogue: each file is refused with its own message, as a BadInput, before any use.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/data/npy.h"
#include "engine/data/npy_tensor.h"
#include "engine/models/bundle.h"
#include "engine/models/torchscript_archive.h"
#include "engine/models/torchscript_model.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {

// Made once per test binary: ~3 s of python.
const std::string& fixtures() {
  static const std::string dir = [] {
    std::string d = t::tempDir("torchscript_fixtures");
    auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/export/example_models.py") +
                           " " + d);
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    return d;
  }();
  return dir;
}

std::string fx(const std::string& name) { return fixtures() + "/" + name; }
torch::Tensor refNpy(const std::string& name) { return npyToTensor(readNpy(fx(name))); }

float maxDiff(const torch::Tensor& a, const torch::Tensor& b) {
  REQUIRE((a.sizes() == b.sizes()));
  return (a.to(torch::kFloat) - b.to(torch::kFloat)).abs().max().item<float>();
}

void checkVaeParity(ModelBundle& b, const std::string& stem, bool logvar) {
  torch::InferenceMode guard;
  auto [mu, lv] = b.autoencoder->encode(refNpy(stem + "_x.npy"));
  CHECK(maxDiff(mu, refNpy(stem + "_mean.npy")) < 1e-5f);
  if (logvar) CHECK(maxDiff(lv, refNpy(stem + "_logvar.npy")) < 1e-5f);
  CHECK(maxDiff(b.autoencoder->decode(refNpy(stem + "_mean.npy")), refNpy(stem + "_recon.npy")) < 1e-5f);
}

ModelOpenOptions withImage(int c, int h, int w) {
  ModelOpenOptions o;
  o.image = ImageSpec{c, h, w, 0.f, 1.f};
  return o;
}

}  // namespace

TEST_CASE("a TorchScript VAE in one .pt file opens from its metadata and matches PyTorch") {
  auto b = loadBundle(fx("vae.pt"));
  CHECK(b->manifest.kind == "autoencoder");
  CHECK(b->manifest.name == "tiny VAE");
  CHECK((b->manifest.latentShape == std::vector<int64_t>{8}));
  CHECK(b->manifest.image.channels == 3);
  CHECK((b->manifest.classes == std::vector<std::string>{"a", "b", "c"}));
  CHECK(b->autoencoder->parameterCount() > 1000);
  checkVaeParity(*b, "vae", true);
}

TEST_CASE("the folder form (model.json naming a .pt) gives the same network") {
  auto b = loadBundle(fx("vae_folder"));
  CHECK((b->manifest.latentShape == std::vector<int64_t>{8}));
  checkVaeParity(*b, "vae", true);  // same seed, same weights as vae.pt
}

TEST_CASE("non-square and grey images, a latent of rank 3, encode returning the mean only") {
  auto wide = loadBundle(fx("vae_wide.pt"));
  CHECK((wide->manifest.latentShape == std::vector<int64_t>{4, 8, 12}));
  CHECK(wide->manifest.image.width == 48);
  checkVaeParity(*wide, "vae_wide", false);
  {
    torch::InferenceMode guard;
    auto lv = wide->autoencoder->encode(refNpy("vae_wide_x.npy")).second;
    CHECK(lv.max().item<float>() < -20.f);  // deterministic encoder: posterior std ~ 0
  }
  auto tall = loadBundle(fx("vae_tall.pt"));
  CHECK(tall->manifest.image.channels == 1);
  CHECK(tall->manifest.image.height == 64);
  checkVaeParity(*tall, "vae_tall", true);
}

TEST_CASE("a bare .pt opens with the image shape given; the latent shape is found by encode") {
  CHECK_THROWS_WITH_AS(loadBundle(fx("bare.pt")), doctest::Contains("--image 3x32x32"), BadInput);
  auto b = loadBundle(fx("bare.pt"), torch::kCPU, withImage(3, 32, 32));
  CHECK((b->manifest.latentShape == std::vector<int64_t>{5}));
  REQUIRE(b->notes.size() == 2);
  CHECK(b->notes[0].find("assumed [0, 1]") != std::string::npos);
  CHECK(b->notes[1].find("[5]") != std::string::npos);
  checkVaeParity(*b, "bare", true);
  // A wrong shape is refused by the probe with what decode really returned.
  CHECK_THROWS_WITH_AS(loadBundle(fx("bare.pt"), torch::kCPU, withImage(3, 48, 48)),
                       doctest::Contains("encode(...) failed"), BadInput);
  // --image must agree with the metadata of a file that has some.
  CHECK_THROWS_WITH_AS(loadBundle(fx("vae.pt"), torch::kCPU, withImage(1, 32, 32)),
                       doctest::Contains("--image says 1x32x32"), BadInput);
}

TEST_CASE("TorchScript denoisers (epsilon + class, v-prediction, latent pair) match PyTorch") {
  {
    auto b = loadBundle(fx("denoiser.pt"));
    CHECK(b->manifest.kind == "diffusion");
    CHECK(b->denoiser->numClasses() == 10);
    torch::InferenceMode guard;
    auto out = b->denoiser->forward(refNpy("denoiser_x.npy"), refNpy("denoiser_t.npy"), refNpy("denoiser_c.npy"));
    CHECK(maxDiff(out, refNpy("denoiser_out.npy")) < 1e-5f);
  }
  {
    auto b = loadBundle(fx("denoiser_v.pt"));
    CHECK(b->manifest.scheduler["prediction_type"] == "v_prediction");
    CHECK(b->denoiser->numClasses() == 0);
    torch::InferenceMode guard;
    auto out = b->denoiser->forward(refNpy("denoiser_v_x.npy"), refNpy("denoiser_v_t.npy"), torch::Tensor());
    CHECK(maxDiff(out, refNpy("denoiser_v_out.npy")) < 1e-5f);
  }
  {
    auto b = loadBundle(fx("ldm.pt"));
    CHECK(b->manifest.kind == "latent-diffusion");
    REQUIRE(b->autoencoder);  // vae.pt, named by the metadata relative to ldm.pt
    CHECK((b->manifest.latentShape == std::vector<int64_t>{8}));
    CHECK(b->manifest.denoiser->config.value("latent_scale", -1.0) == 1.0);  // config beside torchscript
    torch::InferenceMode guard;
    auto out = b->denoiser->forward(refNpy("ldm_x.npy"), refNpy("ldm_t.npy"), torch::Tensor());
    CHECK(maxDiff(out, refNpy("ldm_out.npy")) < 1e-5f);
  }
}

TEST_CASE("a TorchScript generator opens from one file and matches PyTorch") {
  auto b = loadBundle(fx("generator.pt"));
  CHECK(b->manifest.kind == "gan");
  CHECK(b->manifest.numClasses == 10);
  TorchScriptGenerator g(TorchScriptModule::load(fx("generator.pt")), 10);
  torch::InferenceMode guard;
  CHECK(maxDiff(g.forward(refNpy("generator_z.npy"), refNpy("generator_c.npy")), refNpy("generator_out.npy")) < 1e-5f);
}

TEST_CASE("the bad-file catalogue: each is refused with its own message") {
  struct Case {
    const char* file;
    const char* message;
  };
  const Case cases[] = {
      {"random.pt", "not a zip file"},
      {"empty.pt", "empty file"},
      {"truncated.pt", "damaged or truncated"},
      {"bomb.pt", "zip bomb"},
      {"traversal.pt", "leaves the archive's folder"},
      {"pickle.pt", "a pickle saved with torch.save"},
      {"state_dict.pt", "a torch.save file (a state_dict"},
      {"from_file.pt", "aten::from_file (reads a file)"},
      {"writes_file.pt", "aten::save (writes a file)"},
      {"nan_weights.pt", "holds NaN or Inf"},
      {"wrong_shape.pt", "decode of 2 latents returned shape [2, 3, 16, 16], expected [2, 3, 32, 32]"},
      {"int_output.pt", "has dtype Long, expected a float tensor"},
      {"nan_output.pt", "decode's output holds NaN or Inf"},
      {"wrong_range.pt", "far outside image.range"},
      {"no_decode.pt", "no decode method"},
      {"wrong_arity.pt", "decode takes 2 arguments, expected decode(z)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.file);
    CHECK_THROWS_WITH_AS(loadBundle(fx(c.file), torch::kCPU, withImage(3, 32, 32)), doctest::Contains(c.message),
                         BadInput);
  }
  // The state_dict / pickle messages point at the way out.
  CHECK_THROWS_WITH_AS(loadBundle(fx("state_dict.pt")), doctest::Contains("tools/export"), BadInput);
}

TEST_CASE("the operator denylist is written down, and the graph walk sees through submodule calls") {
  std::vector<std::string> ops;
  for (const auto& d : deniedOperators()) ops.push_back(d.op);
  CHECK((ops == std::vector<std::string>{"aten::from_file", "aten::save"}));
  // Past the pre-scan (its text scan would refuse first): the loaded graph is refused too.
  ArchiveScan skipTextScan;
  CHECK_THROWS_WITH_AS(TorchScriptModule::load(fx("from_file.pt"), &skipTextScan),
                       doctest::Contains("method encode calls aten::from_file"), BadInput);
  CHECK_NOTHROW(TorchScriptModule::load(fx("vae.pt")));
}

TEST_CASE("the archive pre-scan on bytes in memory (what the fuzz target runs)") {
  std::string data = t::readText(fx("vae.pt"));
  ArchiveScan s = scanTorchScriptBytes(data.data(), data.size(), "mem");
  CHECK(s.prefix == "vae");
  CHECK(s.hasMetadata);
  CHECK(s.metadata.find("\"kind\": \"autoencoder\"") != std::string::npos);
  CHECK_THROWS_WITH_AS(scanTorchScriptBytes(data.data(), data.size() / 2, "mem"), doctest::Contains("mem: "), BadInput);
  ArchiveLimits tight;
  tight.maxTotalBytes = 1000;
  CHECK_THROWS_WITH_AS(scanTorchScriptBytes(data.data(), data.size(), "mem", tight), doctest::Contains("more than"),
                       BadInput);
}
