// The DCGAN generator and discriminator: shapes and range, seeded sampling repeats exactly,
// truncation (psi = 0 is the mean latent's image); a few training batches stay finite and a
// run interrupted and resumed gives the same weights as an uninterrupted one.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <filesystem>

#include "engine/data/safetensors.h"
#include "engine/models/gan_bundle.h"
#include "engine/models/gan_discriminator.h"
#include "engine/models/gan_generator.h"
#include "engine/train/gan_trainer.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {

GanConfig smallConfig(int numClasses) {
  GanConfig c;
  c.latentDim = 8, c.numClasses = numClasses, c.embDim = 4;
  c.channels0 = 16, c.channels1 = 8, c.channels2 = 4;
  c.discChannels1 = 8, c.discChannels2 = 16, c.discFeatures = 16;
  return c;
}

GanTrainOptions smallRun(const std::string& out, int epochs) {
  GanTrainOptions o;
  o.outDir = out;
  o.limit = 96;  // 3 batches of 32 per epoch
  o.batchSize = 32;
  o.epochs = epochs;
  o.latentDim = 8;
  o.channels = {16, 8, 4};
  o.discChannels = {8, 16, 16};
  o.seed = 5;
  o.device = "cpu";
  return o;
}

void checkSameTensors(const std::string& a, const std::string& b) {
  auto x = readSafetensors(a), y = readSafetensors(b);
  REQUIRE(x.size() == y.size());
  for (auto& [name, tensor] : x) {
    CAPTURE(name);
    REQUIRE(y.count(name));
    CHECK(torch::equal(tensor, y[name]));
  }
}

}  // namespace

TEST_CASE("the generator makes N x 1 x 28 x 28 images in [0, 1], conditional or not") {
  torch::set_num_threads(1);
  for (int classes : {10, 0}) {
    CAPTURE(classes);
    torch::manual_seed(3);
    GanGenerator g(smallConfig(classes));
    g->eval();
    // Large z pushes pre-activations far out: the output must still be bounded.
    auto z = torch::randn({6, 8}) * 50;
    torch::Tensor c = classes ? torch::arange(6, torch::kLong) : torch::Tensor();
    auto x = g->forward(z, c);
    CHECK(x.sizes() == torch::IntArrayRef({6, 1, 28, 28}));
    CHECK(x.min().item<float>() >= 0.f);
    CHECK(x.max().item<float>() <= 1.f);
    GanDiscriminator d(smallConfig(classes));
    CHECK(d->forward(x, c).sizes() == torch::IntArrayRef({6}));
  }
}

TEST_CASE("the class changes the image; the same z and class give the same image") {
  torch::manual_seed(4);
  GanGenerator g(smallConfig(10));
  g->eval();
  auto z = torch::randn({1, 8}).expand({2, 8}).contiguous();
  auto x = g->forward(z, torch::tensor({3, 7}, torch::kLong));
  // The class embedding is random at initialisation, so two classes differ.
  CHECK(!torch::allclose(x[0], x[1]));
  auto y = g->forward(z, torch::tensor({3, 7}, torch::kLong));
  CHECK(torch::equal(x, y));
}

TEST_CASE("truncation scales z toward 0; psi = 0 gives the mean latent's image") {
  auto z = torch::tensor({1.0f, -2.0f, 4.0f}).view({1, 3});
  CHECK(torch::allclose(truncateLatent(z, 0.5), torch::tensor({0.5f, -1.0f, 2.0f}).view({1, 3})));
  CHECK(torch::equal(truncateLatent(z, 1.0), z));
  CHECK_THROWS_AS(truncateLatent(z, 1.5), UsageError);
  CHECK_THROWS_AS(truncateLatent(z, -0.1), UsageError);

  torch::manual_seed(6);
  GanBundle b;
  b.generator = GanGenerator(smallConfig(10));
  b.generator->eval();
  auto classes = torch::tensor({2, 2, 5}, torch::kLong);
  auto zs = b.sampleLatents(3, 11);
  auto atZero = b.generate(zs, classes, 0.0);
  auto mean = b.generate(torch::zeros({3, 8}), classes, 1.0);
  CHECK(torch::allclose(atZero, mean));
  CHECK(torch::allclose(atZero[0], atZero[1]));  // same class: same image whatever z was
}

TEST_CASE("seeded latents repeat exactly and differ between seeds") {
  GanBundle b;
  b.generator = GanGenerator(smallConfig(10));
  auto a = b.sampleLatents(5, 42), c = b.sampleLatents(5, 42), d = b.sampleLatents(5, 43);
  CHECK(a.sizes() == torch::IntArrayRef({5, 8}));
  CHECK(torch::equal(a, c));
  CHECK(!torch::equal(a, d));
}

TEST_CASE("a few training batches stay finite, write a bundle, and resume matches an uninterrupted run") {
  torch::set_num_threads(1);
  std::string straight = t::tempDir("gan_straight"), resumed = t::tempDir("gan_resumed");
  // 2 epochs x 3 batches in one go.
  auto res = trainGan(smallRun(straight, 2));
  CHECK(res.epochsDone == 2);
  CHECK(std::isfinite(res.dLoss));
  CHECK(std::isfinite(res.gLoss));
  CHECK(res.dLoss > 0);  // softplus terms are positive
  // The same run stopped after 4 batches (inside epoch 2) and resumed.
  auto o = smallRun(resumed, 2);
  o.maxBatches = 4;
  auto partial = trainGan(o);
  CHECK(partial.epochsDone == 1);
  o.maxBatches = 0;
  o.resume = true;
  auto rest = trainGan(o);
  CHECK(rest.epochsDone == 2);
  for (const char* f : {"generator.safetensors", "discriminator.safetensors", "ema.safetensors"})
    checkSameTensors(straight + "/checkpoint/" + f, resumed + "/checkpoint/" + f);
  checkSameTensors(straight + "/generator.safetensors", resumed + "/generator.safetensors");
  CHECK(std::filesystem::exists(straight + "/model.json"));
  CHECK(std::filesystem::exists(straight + "/train_log.csv"));
  CHECK(!std::filesystem::exists(straight + "/checkpoint.tmp"));
  CHECK(!std::filesystem::exists(straight + "/checkpoint.old"));

  auto w = readSafetensors(straight + "/generator.safetensors");
  for (auto& [name, tensor] : w) {
    CAPTURE(name);
    CHECK(torch::isfinite(tensor).all().item<bool>());
  }
}

TEST_CASE("resuming with another batch size or seed is refused") {
  torch::set_num_threads(1);
  std::string dir = t::tempDir("gan_resume_mismatch");
  auto o = smallRun(dir, 1);
  o.maxBatches = 1;
  trainGan(o);
  o.resume = true;
  o.batchSize = 16;
  CHECK_THROWS_AS(trainGan(o), UsageError);
  o.batchSize = 32;
  o.seed = 6;
  CHECK_THROWS_AS(trainGan(o), UsageError);
}

TEST_CASE("cancelling stops GAN training with Cancelled") {
  std::atomic<bool> flag{true};
  CHECK_THROWS_AS(trainGan(smallRun(t::tempDir("gan_cancel"), 1), {}, CancelToken{&flag}), Cancelled);
}
