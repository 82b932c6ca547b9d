// The built-in denoisers (unet, latent-mlp), their bundles (save, strict load, latent
// diffusion naming its VAE bundle), and the diffusion training loop's checkpoint/resume.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <filesystem>

#include "engine/data/safetensors.h"
#include "engine/diffusion/diffusion_model.h"
#include "engine/models/builtin_denoiser.h"
#include "engine/models/bundle.h"
#include "engine/models/unet.h"
#include "engine/train/diffusion_trainer.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "test_support.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

Manifest unetManifest() {
  Manifest m;
  m.name = "test unet";
  m.kind = "diffusion";
  m.image = {1, 28, 28, -1.f, 1.f};
  m.numClasses = 10;
  m.denoiser = NetworkSpec{"unet", {{"channels", {8, 16, 16}}, {"emb_dim", 32}}, "denoiser.safetensors", ""};
  m.scheduler = {{"beta_schedule", "linear"}, {"timestep_spacing", "trailing"}};
  return m;
}

}  // namespace

TEST_CASE("unet maps N x 1 x 28 x 28 to the same shape and depends on t and the class") {
  torch::manual_seed(0);
  auto d = makeBuiltinDenoiser(unetManifest(), "test");
  // Zero-initialised residual outputs make a fresh net ignore its conditioning; perturb.
  {
    torch::NoGradGuard g;
    for (auto& p : d->module().parameters()) p.add_(0.05 * torch::randn_like(p));
  }
  auto x = torch::randn({3, 1, 28, 28});
  auto t = torch::tensor({10.f, 500.f, 999.f});
  auto cls = torch::tensor({0, 9, 10}, torch::kLong);  // 10 = the null class
  auto out = d->forward(x, t, cls);
  CHECK(out.sizes() == x.sizes());
  CHECK(torch::isfinite(out).all().item<bool>());
  CHECK(!torch::allclose(out, d->forward(x, torch::tensor({20.f, 500.f, 999.f}), cls)));
  CHECK(!torch::allclose(out, d->forward(x, t, torch::tensor({1, 9, 10}, torch::kLong))));
  // An undefined class tensor means the null class.
  CHECK(torch::allclose(d->forward(x, t, torch::full({3}, 10, torch::kLong)), d->forward(x, t, torch::Tensor())));
  CHECK(d->numClasses() == 10);
}

TEST_CASE("unet configs that cannot work are refused naming the field") {
  Manifest m = unetManifest();
  m.denoiser->config = {{"channels", {8, 16, 16, 16}}};  // 28 is not divisible by 8
  CHECK_THROWS_WITH_AS(makeBuiltinDenoiser(m, "x"), doctest::Contains("divisible by 8"), BadInput);
  m.denoiser->config = {{"channels", "wide"}};
  CHECK_THROWS_WITH_AS(makeBuiltinDenoiser(m, "x"), doctest::Contains("config.channels"), BadInput);
  m = unetManifest();
  m.denoiser->builtin = "transformer";
  CHECK_THROWS_WITH_AS(makeBuiltinDenoiser(m, "x"), doctest::Contains("\"unet\" or \"latent-mlp\""), BadInput);
}

TEST_CASE("a saved unet bundle loads back with identical outputs, and bad weights are refused") {
  std::string dir = test::tempDir("unet-bundle");
  torch::manual_seed(1);
  auto d = makeBuiltinDenoiser(unetManifest(), "test");
  d->module().eval();
  saveDenoiserBundle(dir, unetManifest(), *d);
  auto b = loadBundle(dir);
  REQUIRE(b->denoiser);
  torch::NoGradGuard g;
  auto x = torch::randn({2, 1, 28, 28});
  auto t = torch::tensor({3.f, 700.f});
  auto cls = torch::tensor({4, 10}, torch::kLong);
  CHECK(torch::equal(b->denoiser->forward(x, t, cls), d->forward(x, t, cls)));
  DiffusionModel model(b);
  CHECK(model.sampleShape() == std::vector<int64_t>{1, 28, 28});
  CHECK(model.schedule().config().timestepSpacing == "trailing");
  CHECK(model.sampling().sampler == "ddim");  // no "sampling" in model.json: the general defaults
  CHECK(model.sampling().steps == 50);
  {
    // A recommended sampler the registry does not know is refused when the model loads.
    Manifest m = unetManifest();
    m.sampling = SamplingDefaults{"no-such-sampler", 20, 2.0};
    std::string bad = test::tempDir("unet-bad-sampling");
    saveDenoiserBundle(bad, m, *d);
    CHECK_THROWS_WITH_AS(DiffusionModel(loadBundle(bad)), doctest::Contains("sampling"), BadInput);
    m.sampling = SamplingDefaults{"dpmpp-2m", 20, 2.0};
    saveDenoiserBundle(bad, m, *d);
    CHECK(DiffusionModel(loadBundle(bad)).sampling().sampler == "dpmpp-2m");
  }
  auto img = model.toImages(torch::tensor({-1.f, 0.f, 3.f}).reshape({1, 1, 1, 3}));
  CHECK(torch::equal(img.flatten(), torch::tensor({0.f, 0.5f, 1.f})));  // [-1, 1] -> [0, 1], clamped

  // A tensor with the wrong shape: the loader names it.
  auto tensors = readSafetensors(dir + "/denoiser.safetensors");
  tensors["conv_in.weight"] = torch::zeros({3, 3});
  writeSafetensors(dir + "/denoiser.safetensors", tensors);
  CHECK_THROWS_WITH_AS(loadBundle(dir), doctest::Contains("conv_in.weight"), BadInput);
}

TEST_CASE("latent diffusion loads the VAE bundle it names and decodes latent samples") {
  std::string root = test::tempDir("ldm");
  ConvVaeConfig vc;
  vc.latentDim = 4, vc.channels1 = 4, vc.channels2 = 8, vc.hidden = 16;
  ConvVae vae(vc);
  Manifest vm;
  vm.name = "tiny vae";
  vm.kind = "autoencoder";
  vm.image = {1, 28, 28, 0.f, 1.f};
  vm.latentShape = {4};
  vm.autoencoder = NetworkSpec{"conv-vae", {}, "vae.safetensors", ""};
  saveConvVaeBundle(root + "/vae", vm, vae);

  Manifest m;
  m.name = "tiny ldm";
  m.kind = "latent-diffusion";
  m.image = vm.image;
  m.latentShape = {4};
  m.autoencoderBundle = "../vae";
  m.numClasses = 3;
  m.denoiser = NetworkSpec{"latent-mlp", {{"hidden", 16}, {"blocks", 2}, {"emb_dim", 8}, {"latent_scale", 2.0}},
                           "denoiser.safetensors", ""};
  auto d = makeBuiltinDenoiser(m, "test");
  saveDenoiserBundle(root + "/ldm", m, *d);
  auto b = loadBundle(root + "/ldm");
  REQUIRE(b->autoencoder);
  REQUIRE(b->denoiser);
  DiffusionModel model(b);
  CHECK(model.isLatent());
  torch::NoGradGuard g;
  auto z = torch::randn({5, 4});
  CHECK(model.denoiser().forward(z, torch::full({5}, 10.f), torch::zeros({5}, torch::kLong)).sizes() == z.sizes());
  CHECK(torch::allclose(model.toLatent(z), z / 2.0));
  auto img = model.toImages(z);
  CHECK(img.sizes() == torch::IntArrayRef{5, 1, 28, 28});
  CHECK(torch::allclose(img, vae->decode(z / 2.0)));

  // Naming a folder that is not an autoencoder (here: itself) is refused, not recursed into.
  m.autoencoderBundle = ".";
  saveDenoiserBundle(root + "/ldm", m, *d);
  CHECK_THROWS_WITH_AS(loadBundle(root + "/ldm"), doctest::Contains("autoencoder bundle"), BadInput);
  // A wrong latent size.
  m.autoencoderBundle = "../vae";
  m.latentShape = {5};
  m.denoiser->config["latent_dim"] = 5;
  auto d5 = makeBuiltinDenoiser(m, "test");
  saveDenoiserBundle(root + "/ldm", m, *d5);
  CHECK_THROWS_WITH_AS(loadBundle(root + "/ldm"), doctest::Contains("latent.shape"), BadInput);
}

TEST_CASE("diffusion training: checkpoints, a bundle per epoch, and resume equals an uninterrupted run") {
  auto opts = [](const std::string& dir) {
    DiffusionTrainOptions o;
    o.outDir = dir;
    o.device = "cpu";
    o.limit = 64;
    o.batchSize = 32;
    o.epochs = 2;
    o.channels = {8, 16};
    o.embDim = 16;
    o.attention = false;
    o.seed = 5;
    return o;
  };
  std::string a = test::tempDir("train-a"), b = test::tempDir("train-b");
  auto ra = trainDiffusion(opts(a));
  CHECK(ra.epochsDone == 2);
  CHECK(ra.secondsPerBatch > 0);
  CHECK(std::isfinite(ra.finalLoss));
  CHECK(fs::exists(a + "/model.json"));
  CHECK(fs::exists(a + "/checkpoint/state.json"));
  auto log = test::readText(a + "/train_log.csv");
  CHECK(std::count(log.begin(), log.end(), '\n') == 3);  // header + 2 epochs

  auto ob = opts(b);
  ob.maxBatches = 3;  // stops inside the second epoch
  auto rb1 = trainDiffusion(ob);
  CHECK(rb1.epochsDone == 1);
  ob.maxBatches = 0;
  ob.resume = true;
  auto rb2 = trainDiffusion(ob);
  CHECK(rb2.epochsDone == 2);
  auto wa = readSafetensors(a + "/denoiser.safetensors"), wb = readSafetensors(b + "/denoiser.safetensors");
  REQUIRE(wa.size() == wb.size());
  for (auto& [name, t] : wa) {
    INFO(name);
    CHECK(torch::allclose(t, wb.at(name), 1e-5, 1e-6));
  }
  auto bundle = loadBundle(a);
  CHECK(bundle->manifest.kind == "diffusion");
  CHECK(bundle->manifest.training.value("epochs", 0) == 2);
  CHECK(bundle->manifest.numClasses == 10);
}
