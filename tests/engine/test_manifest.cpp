// Manifest validation: a good manifest parses; each broken field gets a message naming it.
#include <doctest/doctest.h>

#include "engine/models/manifest.h"
#include "engine/util/errors.h"
#include "engine/util/json_strict.h"
#include "test_support.h"

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
      {"kind", [](json& j) { j["kind"] = "vae"; }, "\"kind\" is \"vae\""},
      {"missing image", [](json& j) { j.erase("image"); }, "missing field \"image\""},
      {"channels", [](json& j) { j["image"]["channels"] = 2; }, "channels"},
      {"range", [](json& j) { j["image"]["range"] = {1, 0}; }, "range"},
      {"latent", [](json& j) { j["latent"]["shape"] = {0}; }, "latent.shape"},
      {"unknown", [](json& j) { j["colour"] = 1; }, "unknown field \"colour\""},
      {"weights escape", [](json& j) { j["autoencoder"]["weights"] = "../../etc/passwd"; }, "inside the bundle"},
      {"no autoencoder", [](json& j) { j.erase("autoencoder"); }, "autoencoder"},
      // A wrong JSON type anywhere is a BadInput naming the field and the expected type (it
      // used to be an nlohmann type_error that ended the GUI in std::terminate).
      {"description number", [](json& j) { j["description"] = 5; }, "\"description\" must be a string, got an integer"},
      {"format number", [](json& j) { j["format"] = 1; }, "\"format\" must be a string"},
      {"name null", [](json& j) { j["name"] = nullptr; }, "\"name\" must be a string, got null"},
      {"image array", [](json& j) { j["image"] = json::array(); }, "image: must be an object, got an array"},
      {"channels string", [](json& j) { j["image"]["channels"] = "1"; }, "\"channels\" must be an integer in 1..4, got a string"},
      {"height huge", [](json& j) { j["image"]["height"] = 18446744073709551615ull; }, "\"height\" must be an integer in 1..4096"},
      {"range strings", [](json& j) { j["image"]["range"] = {"a", 1}; }, "range"},
      {"range beyond float", [](json& j) { j["image"]["range"] = {1e300, 1e301}; }, "range"},
      {"latent number", [](json& j) { j["latent"] = 5; }, "latent: must be an object, got an integer"},
      {"latent.shape string", [](json& j) { j["latent"]["shape"] = "16"; }, "latent.shape must be a non-empty array, got a string"},
      {"latent too large", [](json& j) { j["latent"]["shape"] = {65536, 65536}; }, "latent.shape has more than"},
      {"classes object", [](json& j) { j["classes"] = {{"a", 1}}; }, "classes must be an array of names, got an object"},
      {"class number", [](json& j) { j["classes"] = {1}; }, "got an integer"},
      {"autoencoder number", [](json& j) { j["autoencoder"] = 5; }, "\"autoencoder\" must be an object or a bundle path"},
      {"config array", [](json& j) { j["autoencoder"]["config"] = json::array(); }, "autoencoder.config: must be an object, got an array"},
      {"builtin number", [](json& j) { j["autoencoder"]["builtin"] = 5; }, "autoencoder: field \"builtin\" must be a string"},
      {"torchscript bool", [](json& j) { j["autoencoder"] = {{"torchscript", true}}; }, "\"torchscript\" must be a string, got a boolean"},
      {"denoiser array", [](json& j) { j["denoiser"] = json::array(); }, "denoiser: must be an object, got an array"},
      {"conditioning number", [](json& j) { j["conditioning"] = 5; }, "conditioning: must be an object, got an integer"},
      {"num_classes string", [](json& j) { j["conditioning"] = {{"num_classes", "10"}}; }, "\"num_classes\" must be an integer"},
      {"scheduler string", [](json& j) { j["scheduler"] = "ddpm"; }, "\"scheduler\" must be an object, got a string"},
      {"guidance string", [](json& j) { j["sampling"] = {{"guidance", "3"}}; }, "\"guidance\" must be a number in 0..100, got a string"},
      {"steps float", [](json& j) { j["sampling"] = {{"steps", 2.5}}; }, "\"steps\" must be an integer in 1..100000, got a number"},
  };
  for (auto& c : cases) {
    std::string name = c.name;  // CAPTURE shows a const char* as an address
    CAPTURE(name);
    json j = good();
    c.edit(j);
    CHECK_THROWS_WITH_AS(parseManifest(j, "m.json"), doctest::Contains(c.expect), BadInput);
  }
}

TEST_CASE("a gan manifest needs a generator and a latent shape; truncation is checked and round-trips") {
  json j = good();
  j["kind"] = "gan";
  j.erase("autoencoder");
  j["generator"] = {{"builtin", "dcgan"}, {"config", {{"latent_dim", 16}}}, {"weights", "g.safetensors"}};
  j["truncation"] = 0.7;
  Manifest m = parseManifest(j, "m.json");
  REQUIRE(m.generator.has_value());
  CHECK(m.generator->builtin == "dcgan");
  CHECK(m.truncation == 0.7);
  Manifest again = parseManifest(manifestToJson(m), "again");
  CHECK(again.kind == "gan");
  CHECK(again.truncation == 0.7);
  CHECK(again.generator->weights == "g.safetensors");
  CHECK(parseManifest(good(), "m.json").truncation == 1.0);

  auto refused = [&](std::function<void(json&)> edit, const char* expect) {
    json k = j;
    edit(k);
    CHECK_THROWS_WITH_AS(parseManifest(k, "m.json"), doctest::Contains(expect), BadInput);
  };
  refused([](json& k) { k.erase("generator"); }, "needs a \"generator\"");
  refused([](json& k) { k.erase("latent"); }, "gan model needs latent.shape");
  refused([](json& k) { k["truncation"] = 1.5; }, "\"truncation\" must be a number in 0..1, got 1.5");
  refused([](json& k) { k["truncation"] = "0.5"; }, "got a string");
  refused([](json& k) { k["generator"]["weights"] = "/abs.safetensors"; }, "inside the bundle");
}

TEST_CASE("the manifest itself must be an object") {
  CHECK_THROWS_WITH_AS(parseManifest(json::array(), "m.json"), doctest::Contains("must be a JSON object, got an array"),
                       BadInput);
  CHECK_THROWS_WITH_AS(parseManifest(json(), "m.json"), doctest::Contains("got null"), BadInput);
}

TEST_CASE("a model.json with \"description\": 5 is a BadInput naming the file and the field") {
  std::string dir = latentlab::test::tempDir("manifest");
  json j = good();
  j["description"] = 5;
  latentlab::test::writeText(dir + "/model.json", j.dump());
  std::string expect = dir + "/model.json: field \"description\" must be a string";
  CHECK_THROWS_WITH_AS(readManifest(dir), doctest::Contains(expect.c_str()), BadInput);
}

TEST_CASE("JSON nested deeper than the limit is refused, the limit itself is read") {
  auto nested = [](int depth) { return std::string(size_t(depth), '[') + std::string(size_t(depth), ']'); };
  CHECK_NOTHROW(parseJsonStrict(nested(kMaxJsonDepth), "f.json"));
  CHECK_THROWS_WITH_AS(parseJsonStrict(nested(kMaxJsonDepth + 1), "f.json"), doctest::Contains("nested deeper"),
                       BadInput);
  CHECK_THROWS_WITH_AS(parseJsonStrict(nested(100000), "f.json"), doctest::Contains("f.json: JSON nested deeper"),
                       BadInput);
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
  CHECK_FALSE(again.sampling->useClippedModelOutput);
  CHECK_FALSE(parseManifest(good(), "m.json").sampling.has_value());
  CHECK_FALSE(manifestToJson(parseManifest(good(), "m.json")).contains("sampling"));
  j["sampling"]["use_clipped_model_output"] = true;
  CHECK(parseManifest(manifestToJson(parseManifest(j, "m.json")), "again").sampling->useClippedModelOutput);

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
  refused({{"use_clipped_model_output", 1}}, "\"use_clipped_model_output\" must be true or false");
  refused("ddim", "sampling: must be an object");
}

TEST_CASE("jsonAs reads only values that fit the type, never converting out of range") {
  CHECK(jsonAs<int>(json(5)) == 5);
  CHECK(jsonAs<int>(json(-5)) == -5);
  CHECK_FALSE(jsonAs<int>(json(int64_t(1) << 40)).has_value());
  CHECK_FALSE(jsonAs<int>(json(2.5)).has_value());
  CHECK_FALSE(jsonAs<int64_t>(json(3.3e70)).has_value());  // nlohmann's get<int64_t>() is UB here
  CHECK_FALSE(jsonAs<int64_t>(json(uint64_t(1) << 63)).has_value());
  CHECK(jsonAs<uint64_t>(json(uint64_t(1) << 63)) == (uint64_t(1) << 63));
  CHECK_FALSE(jsonAs<uint32_t>(json(-1)).has_value());
  CHECK(jsonAs<double>(json(7)) == 7.0);
  CHECK(jsonAs<float>(json(0.25)) == 0.25f);
  CHECK_FALSE(jsonAs<float>(json(1e300)).has_value());  // finite double, not a float
  CHECK_FALSE(jsonAs<double>(json("1")).has_value());
  CHECK_FALSE(jsonAs<bool>(json(1)).has_value());
  CHECK(jsonAs<std::string>(json("x")) == "x");
  CHECK(jsonAs<std::vector<int64_t>>(json::parse("[1, 2, 3]")) == std::vector<int64_t>{1, 2, 3});
  CHECK_FALSE(jsonAs<std::vector<int64_t>>(json::parse("[1, 3.3e70]")).has_value());
  CHECK_FALSE(jsonAs<std::vector<int>>(json(5)).has_value());
  auto notes = jsonAs<std::map<std::string, bool>>(json::parse(R"({"a": true, "b": false})"));
  REQUIRE(notes.has_value());
  CHECK(notes->at("a"));
  CHECK_FALSE(jsonAs<std::map<std::string, bool>>(json::parse(R"({"a": 1})")).has_value());
}
