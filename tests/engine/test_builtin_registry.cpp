// The one registry of built-in architectures and the table of model kinds: every entry
// builds from a small config and runs a forward pass of the shape its role implies (shapes
// computed here from the manifest, not asked of the model), every entry has a bundled model
// whose safetensors file holds exactly the network's tensors, and every model kind has
// bundled models that load. A new architecture or kind without a case here fails the test.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <map>

#include "engine/data/safetensors.h"
#include "engine/models/builtin_denoiser.h"
#include "engine/models/builtin_registry.h"
#include "engine/models/bundle.h"
#include "engine/models/conv_classifier.h"
#include "engine/models/gan_bundle.h"
#include "engine/models/model_kinds.h"
#include "engine/models/vq_bundle.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json imageJson(int c, int h, int w) { return {{"channels", c}, {"height", h}, {"width", w}, {"range", {0.0, 1.0}}}; }

// A small model.json per architecture (sizes far below the bundled ones).
std::map<std::string, json> smallManifests() {
  std::map<std::string, json> m;
  json base = {{"format", "latentlab-model/1"}, {"name", "tiny"}, {"image", imageJson(1, 28, 28)}};
  json vae = base;
  vae["kind"] = "autoencoder";
  vae["latent"] = {{"shape", {3}}};
  vae["autoencoder"] = {{"builtin", "conv-vae"},
                        {"config", {{"latent_dim", 3}, {"channels", {4, 8}}, {"hidden", 16}}},
                        {"weights", "vae.safetensors"}};
  m["conv-vae"] = vae;
  json unet = base;
  unet["kind"] = "diffusion";
  unet["conditioning"] = {{"num_classes", 10}};
  unet["denoiser"] = {{"builtin", "unet"},
                      {"config", {{"channels", {8, 16}}, {"emb_dim", 16}, {"attention", true}}},
                      {"weights", "denoiser.safetensors"}};
  m["unet"] = unet;
  json mlp = base;
  mlp["kind"] = "latent-diffusion";
  mlp["latent"] = {{"shape", {4}}};
  mlp["autoencoder"] = "../some-vae";
  mlp["denoiser"] = {{"builtin", "latent-mlp"},
                     {"config", {{"latent_dim", 4}, {"blocks", 1}, {"emb_dim", 8}, {"hidden", 16}}},
                     {"weights", "denoiser.safetensors"}};
  m["latent-mlp"] = mlp;
  json gan = base;
  gan["kind"] = "gan";
  gan["latent"] = {{"shape", {8}}};
  gan["conditioning"] = {{"num_classes", 10}};
  gan["generator"] = {{"builtin", "dcgan-generator"},
                      {"config", {{"latent_dim", 8}, {"num_classes", 10}, {"emb_dim", 4}, {"channels", {8, 8, 4}}}},
                      {"weights", "generator.safetensors"}};
  m["dcgan-generator"] = gan;
  json cls = base;
  cls["kind"] = "classifier";
  cls["classifier"] = {{"builtin", "conv-classifier"},
                       {"config", {{"num_classes", 7}, {"channels", {4, 8}}, {"features", 16}}},
                       {"weights", "classifier.safetensors"}};
  m["conv-classifier"] = cls;
  json vq = base;
  vq["kind"] = "vq-autoregressive";
  vq["latent"] = {{"shape", {7, 7}}};
  vq["autoencoder"] = {{"builtin", "vq-vae"},
                       {"config", {{"codebook_size", 8}, {"code_dim", 3}, {"channels", {4, 6}}, {"res_blocks", 1}}},
                       {"weights", "vqvae.safetensors"}};
  m["vq-vae"] = vq;
  json prior = vq;
  prior["conditioning"] = {{"num_classes", 10}};
  prior["prior"] = {{"builtin", "token-transformer"},
                    {"config", {{"vocab", 8}, {"length", 49}, {"num_classes", 10}, {"d_model", 8}, {"layers", 1}, {"heads", 2}}},
                    {"weights", "prior.safetensors"}};
  m["token-transformer"] = prior;
  return m;
}

std::vector<int64_t> cat(int64_t n, std::vector<int64_t> rest) {
  rest.insert(rest.begin(), n);
  return rest;
}

// The input of the role's main forward pass and the output shape it must give, from the
// manifest alone.
std::pair<std::vector<int64_t>, std::vector<int64_t>> roleShapes(ArchRole role, const Manifest& m, int64_t n,
                                                                  int64_t classifierClasses) {
  std::vector<int64_t> image = {m.image.channels, m.image.height, m.image.width};
  switch (role) {
    case ArchRole::Autoencoder:
    case ArchRole::Generator: return {{n, m.latentSize()}, cat(n, image)};
    case ArchRole::Denoiser: {
      auto s = m.kind == "latent-diffusion" ? m.latentShape : image;
      return {cat(n, s), cat(n, s)};
    }
    case ArchRole::Classifier: return {cat(n, image), {n, classifierClasses}};
    case ArchRole::Tokenizer: return {{n, m.latentSize()}, cat(n, image)};  // token indices -> image
    case ArchRole::Prior: return {{n, m.latentSize()}, {n, m.latentSize(), m.prior->config["vocab"].get<int64_t>()}};
  }
  return {};
}

std::vector<std::string> bundledModelDirs() {
  std::vector<std::string> out;
  for (auto& e : fs::directory_iterator(t::sourcePath("assets/models")))
    if (fs::exists(e.path() / "model.json")) out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

int64_t numelSum(const std::vector<torch::Tensor>& ts) {
  int64_t n = 0;
  for (auto& x : ts) n += x.numel();
  return n;
}

}  // namespace

TEST_CASE("every built-in architecture builds from a small config and runs a forward pass of its role's shape") {
  auto small = smallManifests();
  REQUIRE(builtinArchitectures().size() >= 5);
  for (const auto& arch : builtinArchitectures()) {
    CAPTURE(arch.name);
    CHECK(!arch.description.empty());
    REQUIRE_MESSAGE(small.count(arch.name), "add a small manifest for this architecture to the test");
    Manifest m = parseManifest(small[arch.name], "tiny/model.json");
    const NetworkSpec* spec = roleSpec(m, arch.role);
    REQUIRE(spec != nullptr);
    CHECK(spec->builtin == arch.name);
    CHECK(&requireBuiltin(arch.role, arch.name, "x") == &arch);
    auto net = arch.make(m, "tiny/model.json");
    REQUIRE(net);
    net->eval();
    int64_t classes = arch.role == ArchRole::Classifier ? spec->config["num_classes"].get<int64_t>() : 0;
    auto [in, out] = roleShapes(arch.role, m, 2, classes);
    torch::NoGradGuard ng;
    torch::Tensor y = arch.forward(*net, torch::zeros(in));
    CHECK(y.sizes().vec() == out);
    CHECK(torch::isfinite(y).all().item<bool>());
    if (arch.role == ArchRole::Denoiser) {
      auto d = arch.makeDenoiser(m, "tiny/model.json");
      CHECK(d->parameterCount() == numelSum(d->module().parameters()));
      CHECK(d->forward(torch::zeros(in), torch::zeros({2}), torch::Tensor()).sizes().vec() == out);
    }
  }
}

TEST_CASE("an unknown builtin name lists that role's architectures; a config error names the field") {
  auto small = smallManifests();
  for (ArchRole role : {ArchRole::Autoencoder, ArchRole::Denoiser, ArchRole::Generator, ArchRole::Classifier,
                        ArchRole::Tokenizer, ArchRole::Prior}) {
    std::string msg;
    try {
      requireBuiltin(role, "nope", "m/model.json");
    } catch (const BadInput& e) {
      msg = e.what();
    }
    CAPTURE(msg);
    CHECK(msg.rfind(std::string("m/model.json: ") + roleField(role) + ".builtin is \"nope\", expected \"", 0) == 0);
    for (const auto& a : builtinArchitectures())
      CHECK((msg.find("\"" + a.name + "\"") != std::string::npos) == (a.role == role));
  }
  // The historic messages, word for word (tests and users rely on them).
  CHECK_THROWS_WITH_AS(requireBuiltin(ArchRole::Denoiser, "x", "w"),
                       "w: denoiser.builtin is \"x\", expected \"unet\" or \"latent-mlp\"", BadInput);
  CHECK_THROWS_WITH_AS(requireBuiltin(ArchRole::Autoencoder, "x", "w"),
                       "w: autoencoder.builtin is \"x\", expected \"conv-vae\"", BadInput);
  json vae = small["conv-vae"];
  vae["latent"]["shape"] = {5};
  Manifest m = parseManifest(vae, "w");
  CHECK_THROWS_WITH_AS(requireBuiltin(ArchRole::Autoencoder, "conv-vae", "w").make(m, "w"),
                       "w: latent.shape must be [3] to match autoencoder.config.latent_dim", BadInput);
}

TEST_CASE("every built-in architecture has a bundled model; its weights file holds exactly the network's tensors") {
  auto dirs = bundledModelDirs();
  REQUIRE(!dirs.empty());
  for (const auto& arch : builtinArchitectures()) {
    CAPTURE(arch.name);
    int found = 0;
    for (const auto& dir : dirs) {
      Manifest m = readManifest(dir);
      const NetworkSpec* spec = roleSpec(m, arch.role);
      if (!spec || spec->builtin != arch.name) continue;
      CAPTURE(dir);
      ++found;
      auto net = arch.make(m, dir + "/model.json");
      const std::string weights = dir + "/" + spec->weights;
      TensorMap stored = readSafetensors(weights);
      int64_t storedNumel = 0;
      for (auto& [name, x] : stored) storedNumel += x.numel();
      CHECK(numelSum(net->parameters()) + numelSum(net->buffers()) == storedNumel);
      CHECK(net->named_parameters().size() + net->named_buffers().size() == stored.size());
      loadModuleWeights(*net, weights);  // strict: every name and shape must match
      net->eval();
      auto [in, out] = roleShapes(arch.role, m, 1, std::max<int64_t>(m.numClasses, int64_t(m.classes.size())));
      torch::NoGradGuard ng;
      CHECK(arch.forward(*net, torch::zeros(in)).sizes().vec() == out);
    }
    CHECK_MESSAGE(found > 0, "no bundled model in assets/models uses this architecture");
  }
}

TEST_CASE("every model kind: its bundled models load, through the GUI's loader when the GUI opens the kind") {
  std::map<std::string, std::function<void(const std::string&)>> loaders = {
      {"autoencoder", [](const std::string& d) { CHECK(loadBundle(d)->autoencoder); }},
      {"diffusion", [](const std::string& d) { CHECK(loadBundle(d)->denoiser); }},
      {"latent-diffusion",
       [](const std::string& d) {
         auto b = loadBundle(d);
         CHECK(b->denoiser);
         CHECK(b->autoencoder);
       }},
      {"classifier", [](const std::string& d) { CHECK(loadClassifierBundle(d)->model); }},
      {"gan", [](const std::string& d) { CHECK(loadGanBundle(d)->generator); }},
      {"vq-autoregressive", [](const std::string& d) { CHECK(loadVqBundle(d)->canSample()); }},
  };
  auto dirs = bundledModelDirs();
  for (const auto& kind : modelKinds()) {
    CAPTURE(kind.name);
    CHECK(std::string(kind.needs).size() > 0);
    REQUIRE_MESSAGE(loaders.count(kind.name), "add a loader for this kind to the test");
    CHECK(findModelKind(kind.name) == &kind);
    int found = 0;
    for (const auto& dir : dirs) {
      if (readManifest(dir).kind != kind.name) continue;
      CAPTURE(dir);
      ++found;
      loaders[kind.name](dir);
      if (kind.guiOpens) CHECK_NOTHROW(loadBundle(dir));
    }
    CHECK_MESSAGE(found > 0, "no bundled model of this kind in assets/models");
  }
  CHECK(findModelKind("vae") == nullptr);
  CHECK(quotedAlternatives(modelKindNames()) ==
        "\"autoencoder\", \"diffusion\", \"latent-diffusion\", \"classifier\", \"gan\" or \"vq-autoregressive\"");
}
