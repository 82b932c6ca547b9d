// The CLI end to end: every render command writes a PNG of the predictable size, --npy
// writes the expected array, encode writes latents and labels, info --json agrees with the
// bundle's files, eval's numbers agree with an independent PyTorch computation, and bad
// calls exit 2 or 3 with one line on stderr naming what is wrong.
#include <doctest/doctest.h>
#include <stb_image.h>

#include <nlohmann/json.hpp>

#include "engine/data/npy.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
const std::string kModel = t::sourcePath("assets/models/fashion-vae-16");

std::pair<int, int> pngSize(const std::string& path) {
  int w = 0, h = 0, c = 0;
  if (!stbi_info(path.c_str(), &w, &h, &c)) return {0, 0};
  return {w, h};
}
// Grid geometry without labels (engine/data/grid.h): pad 2, cells 28*scale.
int gridSide(int cells, int scale = 2) { return 2 + cells * (28 * scale + 2); }
int lineCount(const std::string& s) { return int(std::count(s.begin(), s.end(), '\n')); }

// Trainable parameters in a weight file, read from its own header (safetensors: an 8-byte
// little-endian length, then JSON with each tensor's shape); BatchNorm statistics are buffers.
int64_t weightFileParameters(const std::string& path) {
  std::string raw = t::readText(path);
  REQUIRE(raw.size() > 8);
  uint64_t headerLen = 0;
  for (int i = 7; i >= 0; --i) headerLen = headerLen << 8 | uint8_t(raw[size_t(i)]);
  auto header = nlohmann::json::parse(raw.substr(8, headerLen));
  int64_t params = 0;
  for (auto& [name, info] : header.items()) {
    if (name == "__metadata__" || name.find("running_") != std::string::npos ||
        name.find("num_batches_tracked") != std::string::npos)
      continue;
    int64_t n = 1;
    for (auto d : info.at("shape")) n *= d.get<int64_t>();
    params += n;
  }
  return params;
}
}  // namespace

TEST_CASE("render recon writes inputs and reconstructions; --npy holds the reconstructions in order") {
  std::string dir = t::tempDir("recon");
  auto r = t::runLatentlab("render recon --model " + kModel + " --data fashion-mnist:test --count 6 --no-labels -o " +
                           dir + "/r.png --npy " + dir + "/r.npy");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK(pngSize(dir + "/r.png") == std::make_pair(gridSide(6), gridSide(2)));
  auto a = readNpy(dir + "/r.npy");
  CHECK(a.shape == std::vector<int64_t>{6, 1, 28, 28});
  float lo = 1, hi = 0;
  for (int64_t i = 0; i < a.count(); ++i) lo = std::min(lo, a.f32()[i]), hi = std::max(hi, a.f32()[i]);
  CHECK(lo >= 0.f);
  CHECK(hi <= 1.f);
  CHECK(hi > 0.5f);
}

TEST_CASE("render sample, interp and traverse write grids of the expected size") {
  std::string dir = t::tempDir("render");
  auto s = t::runLatentlab("render sample --model " + kModel + " --count 12 --cols 6 --seed 3 --no-labels -o " + dir +
                           "/s.png --npy " + dir + "/s.npy");
  REQUIRE_MESSAGE(s.exitCode == 0, s.err);
  CHECK(pngSize(dir + "/s.png") == std::make_pair(gridSide(6), gridSide(2)));
  CHECK(readNpy(dir + "/s.npy").shape == std::vector<int64_t>{12, 1, 28, 28});

  // Same seed, same samples.
  auto s2 = t::runLatentlab("render sample --model " + kModel + " --count 12 --cols 6 --seed 3 -o " + dir +
                            "/s2.png --npy " + dir + "/s2.npy");
  REQUIRE(s2.exitCode == 0);
  CHECK(readNpy(dir + "/s.npy").data == readNpy(dir + "/s2.npy").data);

  auto i = t::runLatentlab("render interp --model " + kModel + " --from 0 --to 1 --steps 8 --mode slerp --no-labels -o " +
                           dir + "/i.png --npy " + dir + "/i.npy --scale 1");
  REQUIRE_MESSAGE(i.exitCode == 0, i.err);
  CHECK(pngSize(dir + "/i.png") == std::make_pair(gridSide(8, 1), gridSide(1, 1)));
  CHECK(readNpy(dir + "/i.npy").shape == std::vector<int64_t>{8, 1, 28, 28});

  auto tr = t::runLatentlab("render traverse --model " + kModel + " --dim 0 3 --range -2 2 --steps 5 --no-labels -o " +
                            dir + "/t.png");
  REQUIRE_MESSAGE(tr.exitCode == 0, tr.err);
  CHECK(pngSize(dir + "/t.png") == std::make_pair(gridSide(5), gridSide(2)));

  // Labels add margins, never remove cells.
  auto lab = t::runLatentlab("render traverse --model " + kModel + " --dim 1 --steps 5 -o " + dir + "/tl.png");
  REQUIRE(lab.exitCode == 0);
  CHECK(pngSize(dir + "/tl.png").first > gridSide(5));
  CHECK(pngSize(dir + "/tl.png").second > gridSide(1));
}

TEST_CASE("encode writes N x latent float32 and int64 labels") {
  std::string dir = t::tempDir("encode");
  auto r = t::runLatentlab("encode --model " + kModel + " --data fashion-mnist:test --limit 300 -o " + dir +
                           "/z.npy --labels " + dir + "/y.npy");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto z = readNpy(dir + "/z.npy");
  CHECK(z.shape == std::vector<int64_t>{300, 16});
  auto y = readNpy(dir + "/y.npy");
  CHECK(y.dtype == NpyDtype::Int64);
  CHECK(y.shape == std::vector<int64_t>{300});
  CHECK(y.i64()[0] == 9);  // the first test image is an ankle boot (checked against Python in test_idx)
}

TEST_CASE("info --json describes the bundle as its files do") {
  auto r = t::runLatentlab("info --model " + kModel + " --json --device cpu --threads 2");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto j = nlohmann::json::parse(r.out);  // the whole of stdout is one JSON document
  auto manifest = nlohmann::json::parse(t::readText(kModel + "/model.json"));
  CHECK(j.at("name") == manifest.at("name"));
  CHECK(j.at("kind") == "autoencoder");
  CHECK(j.at("latent_shape") == nlohmann::json::array({16}));
  CHECK(j.at("image").at("channels") == 1);
  CHECK(j.at("image").at("height") == 28);
  CHECK(j.at("image").at("width") == 28);
  CHECK(j.at("image").at("range") == nlohmann::json::array({0.0, 1.0}));
  CHECK(j.at("classes") == manifest.at("classes"));
  CHECK(j.at("training").at("decoder_sigma") == manifest.at("training").at("decoder_sigma"));
  CHECK(j.at("device") == "cpu");
  CHECK(j.at("threads") == 2);
  CHECK(!j.at("torch_version").get<std::string>().empty());
  int64_t params = weightFileParameters(kModel + "/vae.safetensors");
  CHECK(params > 100000);
  CHECK(j.at("parameters") == params);
  CHECK(j.at("networks") == nlohmann::json({{"autoencoder", params}}));
}

TEST_CASE("info --json counts each bundled model's parameters as its weight file holds them") {
  for (std::string name : {"fashion-ddpm", "fashion-ldm", "fashion-classifier", "fashion-gan", "fashion-vae-2"}) {
    CAPTURE(name);
    std::string dir = t::sourcePath("assets/models/" + name);
    auto manifest = nlohmann::json::parse(t::readText(dir + "/model.json"));
    std::string network;  // the bundle's own network: the one whose weights it holds
    for (const char* n : {"denoiser", "classifier", "generator", "autoencoder"})
      if (manifest.contains(n) && manifest[n].is_object()) network = n;
    REQUIRE(!network.empty());
    auto r = t::runLatentlab("info --json --device cpu --model " + dir);
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j.at("kind") == manifest.at("kind"));
    int64_t params = weightFileParameters(dir + "/" + manifest[network].at("weights").get<std::string>());
    CHECK(params > 1000);
    CHECK(j.at("parameters") == params);
    CHECK(j.at("networks").at(network) == params);
  }
}

TEST_CASE("eval of an autoencoder matches an independent PyTorch computation") {
  // tools/reference/vae_eval.py: the same network re-implemented in PyTorch, images read
  // straight from the IDX file, sums in float64.
  const int n = 200;
  auto ref = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/reference/vae_eval.py") + " " +
                           kModel + " " + std::to_string(n));
  REQUIRE_MESSAGE(ref.exitCode == 0, ref.err);
  auto want = nlohmann::json::parse(ref.out);
  auto e = t::runLatentlab("eval --model " + kModel + " --limit " + std::to_string(n) + " --json --device cpu");
  REQUIRE_MESSAGE(e.exitCode == 0, e.err);
  auto got = nlohmann::json::parse(e.out);
  CHECK(got.at("count") == n);
  CHECK(got.at("data") == "fashion-mnist:test");
  // float32 networks in two implementations: agreement to 1e-5 relative is the honest bound.
  auto close = [](const nlohmann::json& a, const nlohmann::json& b) {
    return doctest::Approx(b.get<double>()).epsilon(1e-5) == a.get<double>();
  };
  for (const char* key : {"mse_per_pixel", "kl", "decoder_sigma", "recon_nll", "elbo"}) {
    CAPTURE(key);
    CHECK(close(got.at(key), want.at(key)));
  }
  REQUIRE(got.at("kl_per_dim").size() == 16);
  for (size_t i = 0; i < 16; ++i) {
    CAPTURE(i);
    CHECK(close(got.at("kl_per_dim")[i], want.at("kl_per_dim")[i]));
  }
  // A trained 16-d VAE reconstructs far better than the mean image (about 0.09 per pixel).
  CHECK(got.at("mse_per_pixel").get<double>() < 0.02);
}

TEST_CASE("usage errors exit 2, bad input exits 3, each with one line on stderr") {
  std::string dir = t::tempDir("bad");
  struct Case {
    std::string args;
    int code;
    std::string expect;
  };
  t::writeText(dir + "/model.json", "{ not json");
  std::vector<Case> cases = {
      {"render recon --count 3 -o " + dir + "/x.png", 2, "--model"},
      {"render sample --model " + kModel + " --count -4 -o " + dir + "/x.png", 2, "count"},
      {"render bogus --model " + kModel, 2, "unknown render command \"bogus\""},
      {"render recon --model /nonexistent -o " + dir + "/x.png", 3, "/nonexistent"},
      {"render recon --model " + dir + " -o " + dir + "/x.png", 3, "model.json"},
      {"render recon --model " + kModel + " --data idx:/nope.gz -o " + dir + "/x.png", 3, "/nope.gz"},
      {"render interp --model " + kModel + " --from 0 --to 99999 -o " + dir + "/x.png", 3, "out of range"},
      {"render traverse --model " + kModel + " --dim 16 -o " + dir + "/x.png", 2, "out of range"},
      {"encode --model " + kModel + " --data npy:" + dir + "/model.json -o " + dir + "/z.npy", 3, "magic"},
      {"info --model " + kModel + " --device tpu", 2, "--device"},
  };
  for (auto& c : cases) {
    CAPTURE(c.args);
    auto r = t::runLatentlab(c.args);
    CHECK(r.exitCode == c.code);
    CHECK(lineCount(r.err) == 1);
    CHECK(r.err.find(c.expect) != std::string::npos);
    CHECK(r.err.find("terminate") == std::string::npos);
  }
}
