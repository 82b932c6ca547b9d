// End to end: `latentlab train diffusion` makes a tiny model, `latentlab render denoise`
// samples it into a grid PNG (size from the grid geometry), the final .npy and the
// trajectory; a seed reproduces a run; usage errors exit 2 and bad input exits 3.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "engine/data/npy.h"
#include "test_support.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

// Width and height from a PNG's IHDR chunk (big-endian at bytes 16..23).
std::pair<int, int> pngSize(const std::string& path) {
  std::string b = test::readText(path);
  REQUIRE(b.size() > 24);
  REQUIRE(b.substr(1, 3) == "PNG");
  auto be = [&](size_t o) {
    return (int(uint8_t(b[o])) << 24) | (int(uint8_t(b[o + 1])) << 16) | (int(uint8_t(b[o + 2])) << 8) | int(uint8_t(b[o + 3]));
  };
  return {be(16), be(20)};
}

const std::string& tinyModel() {
  static const std::string dir = [] {
    std::string d = test::tempDir("denoise-model") + "/model";
    auto r = test::runLatentlab("train diffusion --model-type unet --limit 64 --epochs 1 --batch 32 --channels 8,16 "
                                "--emb-dim 16 --no-attention --threads 1 --device cpu --seed 2 -o " + d);
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    return d;
  }();
  return dir;
}

}  // namespace

TEST_CASE("render denoise writes the grid, the final samples and the trajectory") {
  std::string out = test::tempDir("denoise-out");
  auto r = test::runLatentlab("render denoise --model " + tinyModel() + " --seed 4 --steps 6 --sampler ddpm --class all "
                              "--count 10 --columns 4 --scale 1 --no-labels --threads 1 -o " + out + "/grid.png --npy " +
                              out + "/final.npy --trajectory " + out + "/traj.npy");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  // 10 rows x 4 columns of 28 x 28 cells with 2-pixel padding.
  auto [w, h] = pngSize(out + "/grid.png");
  CHECK(w == 2 + 4 * (28 + 2));
  CHECK(h == 2 + 10 * (28 + 2));
  NpyArray fin = readNpy(out + "/final.npy");
  CHECK(fin.dtype == NpyDtype::Float32);
  CHECK(fin.shape == std::vector<int64_t>{10, 1, 28, 28});
  auto [lo, hi] = std::minmax_element(fin.f32(), fin.f32() + fin.count());
  CHECK(*lo >= 0.f);
  CHECK(*hi <= 1.f);
  NpyArray traj = readNpy(out + "/traj.npy");
  CHECK(traj.shape == std::vector<int64_t>{7, 10, 1, 28, 28});

  // With labels the grid grows by its label margins only.
  auto r2 = test::runLatentlab("render denoise --model " + tinyModel() + " --steps 3 --count 2 --class 3 --columns 8 "
                               "--threads 1 -o " + out + "/labelled.png");
  REQUIRE_MESSAGE(r2.exitCode == 0, r2.err);
  auto [w2, h2] = pngSize(out + "/labelled.png");
  CHECK(w2 > 2 + 4 * (28 * 2 + 2));  // 4 columns (steps + 1), scale 2, plus a row-label margin
  CHECK(h2 > 2 + 2 * (28 * 2 + 2));
}

TEST_CASE("render denoise is reproducible under a seed, for every sampler") {
  std::string out = test::tempDir("denoise-seed");
  for (std::string sampler : {"ddpm", "ddim", "euler", "dpmpp-2m"}) {
    auto run = [&](int seed, const std::string& name) {
      auto r = test::runLatentlab("render denoise --model " + tinyModel() + " --steps 4 --count 2 --class 1 --eta 0.5 "
                                  "--threads 1 --sampler " + sampler + " --seed " + std::to_string(seed) + " -o " + out +
                                  "/g.png --npy " + out + "/" + name);
      REQUIRE_MESSAGE(r.exitCode == 0, r.err);
      return test::readText(out + "/" + name);
    };
    INFO(sampler);
    auto a = run(1, "a.npy"), b = run(1, "b.npy"), c = run(2, "c.npy");
    CHECK(a == b);
    CHECK(a != c);
  }
}

TEST_CASE("render denoise: usage errors exit 2, bad input exits 3 with one line") {
  std::string out = test::tempDir("denoise-err") + "/g.png";
  for (std::string args : {"--sampler heun", "--class 10", "--class all --count 7", "--steps 0", "--steps 5000",
                           "--eta 2"}) {
    INFO(args);
    auto r = test::runLatentlab("render denoise --model " + tinyModel() + " " + args + " -o " + out);
    CHECK(r.exitCode == 2);
    CHECK(!r.err.empty());
  }
  CHECK(test::runLatentlab("render denoise -o " + out).exitCode == 2);  // --model missing

  std::string notModel = test::tempDir("denoise-notmodel");
  auto r = test::runLatentlab("render denoise --model " + notModel + " -o " + out);
  CHECK(r.exitCode == 3);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);

  // A diffusion manifest with a broken scheduler names the key.
  std::string broken = test::tempDir("denoise-broken");
  for (auto& f : fs::directory_iterator(tinyModel()))
    if (f.is_regular_file()) fs::copy_file(f.path(), broken + "/" + f.path().filename().string());
  std::string json = test::readText(broken + "/model.json");
  auto pos = json.find("\"linear\"");
  REQUIRE(pos != std::string::npos);
  json.replace(pos, 8, "\"cosine\"");
  test::writeText(broken + "/model.json", json);
  r = test::runLatentlab("render denoise --model " + broken + " -o " + out);
  CHECK(r.exitCode == 3);
  CHECK(r.err.find("beta_schedule") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
}

TEST_CASE("train diffusion: usage errors exit 2") {
  std::string out = test::tempDir("train-diff-err");
  CHECK(test::runLatentlab("train diffusion --model-type gan -o " + out).exitCode == 2);
  CHECK(test::runLatentlab("train diffusion --model-type latent-mlp -o " + out).exitCode == 2);  // no --vae
  auto r = test::runLatentlab("train diffusion --model-type latent-mlp --vae " + out + "/missing -o " + out + "/m");
  CHECK(r.exitCode == 3);
}
