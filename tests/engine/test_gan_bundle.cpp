// GAN bundles: save/load round trip gives the same images, bad model.json fields are named
// in a BadInput, GAN eval checks its options and measures what it should on known cases;
// the bundled fashion-gan meets the class-accuracy bound (loosely, 500 samples).
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <filesystem>

#include "engine/data/dataset.h"
#include "engine/eval/gan_eval.h"
#include "engine/models/gan_bundle.h"
#include "engine/util/errors.h"
#include "engine/util/json_strict.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;
namespace fs = std::filesystem;

namespace {

GanConfig tinyConfig() {
  GanConfig c;
  c.latentDim = 8, c.numClasses = 10, c.embDim = 4;
  c.channels0 = 8, c.channels1 = 8, c.channels2 = 4;
  return c;
}

std::string savedTiny(const std::string& name, double truncation = -1) {
  std::string dir = t::tempDir(name);
  torch::manual_seed(9);
  GanGenerator g(tinyConfig());
  g->eval();
  Manifest m;
  m.name = "tiny";
  m.classes = fashionMnistClasses();
  saveGanBundle(dir, m, g, truncation);
  return dir;
}

// Rewrites one field of model.json and expects loading to fail naming `expect`.
void expectBadField(const std::string& dir, const std::function<void(nlohmann::json&)>& edit, const std::string& expect) {
  auto j = readJsonFile(dir + "/model.json");
  edit(j);
  t::writeText(dir + "/model.json", j.dump(2));
  try {
    loadGanBundle(dir);
    FAIL("loaded a bad bundle; expected an error naming " << expect);
  } catch (const BadInput& e) {
    CAPTURE(e.what());
    CHECK(std::string(e.what()).find(expect) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("a saved GAN bundle loads and generates the same images") {
  torch::set_num_threads(1);
  std::string dir = savedTiny("gan_roundtrip", 0.7);
  CHECK(isGanBundle(dir));
  CHECK(!isGanBundle(t::tempDir("gan_empty")));
  auto b = loadGanBundle(dir);
  CHECK(b->manifest.kind == "gan");
  CHECK(b->latentDim() == 8);
  CHECK(b->numClasses() == 10);
  CHECK(b->truncation == doctest::Approx(0.7));
  auto j = readJsonFile(dir + "/model.json");
  CHECK(j["latent"]["prior"] == "normal");
  CHECK(j["latent"]["shape"] == nlohmann::json::array({8}));

  torch::manual_seed(9);
  GanGenerator same(tinyConfig());
  same->eval();
  auto z = b->sampleLatents(4, 1);
  auto classes = torch::tensor({0, 3, 6, 9}, torch::kLong);
  torch::NoGradGuard ng;
  CHECK(torch::equal(b->generate(z, classes, 1.0), same->forward(z, classes)));
  CHECK(torch::equal(b->generate(z, classes, 0.5), same->forward(z * 0.5, classes)));
}

TEST_CASE("bad GAN manifests are refused with the field named") {
  using J = nlohmann::json;
  expectBadField(savedTiny("gan_bad1"), [](J& j) { j["generator"]["builtin"] = "stylegan"; }, "generator.builtin");
  expectBadField(savedTiny("gan_bad2"), [](J& j) { j["latent"]["shape"] = {16}; }, "latent.shape");
  expectBadField(savedTiny("gan_bad3"), [](J& j) { j["truncation"] = 2; }, "truncation");
  expectBadField(savedTiny("gan_bad4"), [](J& j) { j["generator"]["weights"] = "../x.safetensors"; }, "plain name");
  expectBadField(savedTiny("gan_bad5"), [](J& j) { j["generator"]["config"]["channels"] = {8, 8}; }, "channels");
  expectBadField(savedTiny("gan_bad6"), [](J& j) { j["latent"]["prior"] = "uniform"; }, "prior");
  expectBadField(savedTiny("gan_bad7"), [](J& j) { j.erase("generator"); }, "generator");
  expectBadField(savedTiny("gan_bad8"), [](J& j) { j["conditioning"]["num_classes"] = 5; }, "num_classes");
  std::string dir = savedTiny("gan_bad9");
  fs::remove(dir + "/generator.safetensors");
  CHECK_THROWS_AS(loadGanBundle(dir), BadInput);
}

TEST_CASE("GAN eval refuses bad options") {
  auto b = loadGanBundle(savedTiny("gan_eval_opts"));
  auto c = std::make_shared<ClassifierBundle>();
  Dataset empty;
  c->manifest.image = {1, 28, 28, 0.f, 1.f};
  c->model = ConvClassifier(ConvClassifierConfig{});
  GanEvalOptions o;
  o.count = 15;  // not a multiple of 10 classes
  CHECK_THROWS_AS(evaluateGan(*b, *c, empty, empty, o), UsageError);
  o.count = 20;
  o.truncations = {1.2};
  CHECK_THROWS_AS(evaluateGan(*b, *c, empty, empty, o), UsageError);
  o.truncations = {};
  CHECK_THROWS_AS(evaluateGan(*b, *c, empty, empty, o), UsageError);
}

TEST_CASE("the bundled fashion-gan: class accuracy >= 0.85 on 500 samples at its recommended truncation") {
  std::string dir = t::sourcePath("assets/models/fashion-gan");
  if (!fs::exists(dir + "/model.json")) {
    MESSAGE("assets/models/fashion-gan not bundled yet");
    return;
  }
  torch::set_num_threads(1);
  auto gan = loadGanBundle(dir);
  auto classifier = loadClassifierBundle(t::sourcePath("assets/models/fashion-classifier"));
  DatasetOptions lim;
  lim.limit = 1000;
  Dataset test = openDataset("fashion-mnist:test", lim);
  Dataset reference = openDataset("fashion-mnist:train", lim);
  GanEvalOptions o;
  o.count = 500;
  o.truncations = {gan->truncation, 1.0};
  auto e = evaluateGan(*gan, *classifier, test, reference, o);
  REQUIRE(e.rows.size() == 2);
  CHECK(e.rows[0].classAccuracy >= 0.85);
  // Held-out real images are closer to the test set than any generator's samples.
  CHECK(e.fdReference < e.rows[0].fdSamples);
  CHECK(e.rows[1].fdSamples < 100);
}
