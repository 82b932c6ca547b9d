// Manifest validation: a good manifest parses; each broken field gets a message naming it.
#include <doctest/doctest.h>

#include "engine/models/manifest.h"
#include "engine/util/errors.h"
#include "engine/util/json_strict.h"

using namespace latentlab;
using nlohmann::json;

namespace {
json good() {
  return json::parse(R"({
    "format": "latentlab-model/1", "name": "t", "kind": "autoencoder",
    "image": {"channels": 1, "height": 28, "width": 28, "range": [0, 1]},
    "latent": {"shape": [16]},
    "classes": ["a", "b"],
    "autoencoder": {"builtin": "conv-vae", "config": {"latent_dim": 16}, "weights": "vae.safetensors"}
  })");
}
}  // namespace

TEST_CASE("a valid manifest parses and round-trips through JSON") {
  Manifest m = parseManifest(good(), "m.json");
  CHECK(m.kind == "autoencoder");
  CHECK(m.latentSize() == 16);
  CHECK(m.classes.size() == 2);
  Manifest again = parseManifest(manifestToJson(m), "again");
  CHECK(again.autoencoder->weights == "vae.safetensors");
  CHECK(again.image.height == 28);
}

TEST_CASE("broken manifests name the field and what was expected") {
  struct Case {
    const char* name;
    std::function<void(json&)> edit;
    const char* expect;
  };
  std::vector<Case> cases = {
      {"format", [](json& j) { j["format"] = "latentlab-model/9"; }, "expected \"latentlab-model/1\""},
      {"kind", [](json& j) { j["kind"] = "gan"; }, "\"kind\""},
      {"missing image", [](json& j) { j.erase("image"); }, "missing field \"image\""},
      {"channels", [](json& j) { j["image"]["channels"] = 2; }, "channels"},
      {"range", [](json& j) { j["image"]["range"] = {1, 0}; }, "range"},
      {"latent", [](json& j) { j["latent"]["shape"] = {0}; }, "latent.shape"},
      {"unknown", [](json& j) { j["colour"] = 1; }, "unknown field \"colour\""},
      {"weights escape", [](json& j) { j["autoencoder"]["weights"] = "../../etc/passwd"; }, "inside the bundle"},
      {"no autoencoder", [](json& j) { j.erase("autoencoder"); }, "autoencoder"},
  };
  for (auto& c : cases) {
    CAPTURE(c.name);
    json j = good();
    c.edit(j);
    CHECK_THROWS_WITH_AS(parseManifest(j, "m.json"), doctest::Contains(c.expect), BadInput);
  }
}

TEST_CASE("duplicate keys in JSON are refused, even nested") {
  CHECK_THROWS_WITH_AS(parseJsonStrict(R"({"a": 1, "a": 2})", "f.json"), doctest::Contains("duplicate key \"a\""),
                       BadInput);
  CHECK_THROWS_WITH_AS(parseJsonStrict(R"({"x": {"b": 1, "b": 1}})", "f.json"), doctest::Contains("\"b\""), BadInput);
  CHECK_NOTHROW(parseJsonStrict(R"({"x": {"b": 1}, "y": {"b": 1}})", "f.json"));
  CHECK_THROWS_WITH_AS(parseJsonStrict("{", "f.json"), doctest::Contains("f.json: invalid JSON"), BadInput);
}

TEST_CASE("a diffusion bundle's recommended sampling parses, round-trips and is checked") {
  json j = good();
  j["sampling"] = {{"sampler", "dpmpp-2m"}, {"steps", 40}, {"guidance", 2.5}};
  Manifest m = parseManifest(j, "m.json");
  REQUIRE(m.sampling.has_value());
  CHECK(m.sampling->sampler == "dpmpp-2m");
  CHECK(m.sampling->steps == 40);
  CHECK(m.sampling->guidance == 2.5);
  Manifest again = parseManifest(manifestToJson(m), "again");
  REQUIRE(again.sampling.has_value());
  CHECK(again.sampling->steps == 40);
  CHECK_FALSE(parseManifest(good(), "m.json").sampling.has_value());

  auto refused = [&](json sampling, const char* expect) {
    json k = good();
    k["sampling"] = sampling;
    try {
      parseManifest(k, "m.json");
      FAIL("accepted " << sampling.dump());
    } catch (const BadInput& e) {
      CHECK_MESSAGE(std::string(e.what()).find(expect) != std::string::npos, e.what());
    }
  };
  refused({{"steps", 0}}, "steps");
  refused({{"guidance", -1}}, "guidance");
  refused({{"sampler", 3}}, "sampler");
  refused({{"eta", 0.5}}, "unknown field \"eta\"");
  refused("ddim", "sampling: must be an object");
}
