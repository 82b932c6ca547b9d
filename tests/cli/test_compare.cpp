// `render compare` end to end: a model compared with itself gives an all-black difference map
// and a zero mean (a VAE on the same latents, a diffusion model on the same seeds), two snapshots of a tiny `train vae --snapshots` run (epoch order, each a
// loadable bundle) differ, and incompatible pairs (latent size, a model without a latent) are
// one line and exit 3; one model only is a usage error.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "engine/data/image_io.h"
#include "engine/models/manifest.h"
#include "engine/train/snapshots.h"
#include "cli_cases.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
const std::string kVae2 = t::sourcePath("assets/models/fashion-vae-2");
bool has(const std::string& s, const std::string& p) { return s.find(p) != std::string::npos; }
}  // namespace

TEST_CASE("render compare: a model with itself gives a zero difference map") {
  std::string dir = t::tempDir("compare-self");
  auto r = t::runLatentlab("render compare --model " + kVae2 + " --model " + kVae2 + " --seed 3 --count 4 --no-labels -o " + dir +
                           "/g.png --device cpu");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK(has(r.out, "4 rows: mean |A-B| 0.000000, largest pixel difference 0.000000"));
  Image g = loadImageFile(dir + "/g.png");
  // Grid geometry without labels: pad 2, cells 28 * 2 = 56 px, 3 columns (A, B, |A-B|), 4 rows.
  REQUIRE(g.width == 2 + 3 * 58);
  REQUIRE(g.height == 2 + 4 * 58);
  int heatSum = 0, aDiffersFromB = 0, aBright = 0;
  for (int row = 0; row < 4; ++row)
    for (int y = 0; y < 56; ++y)
      for (int x = 0; x < 56; ++x) {
        const int py = 2 + row * 58 + y;
        const uint8_t* a = g.at(2 + x, py);
        const uint8_t* b = g.at(2 + 58 + x, py);
        const uint8_t* h = g.at(2 + 116 + x, py);
        heatSum += h[0] + h[1] + h[2];
        aDiffersFromB += a[0] != b[0];
        aBright += a[0] > 60;
      }
  CHECK(heatSum == 0);
  CHECK(aDiffersFromB == 0);
  CHECK(aBright > 500);  // A's cells hold decoded clothes, not an empty grid
}

TEST_CASE("render compare: a diffusion model with itself, same seeds and sampler, gives a zero difference") {
  std::string dir = t::tempDir("compare-ddpm");
  const std::string ddpm = t::sourcePath("assets/models/fashion-ddpm");
  auto r = t::runLatentlab("render compare --model " + ddpm + " --model " + ddpm + " --count 2 --steps 3 --class Trouser -o " + dir +
                           "/g.png --device cpu");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK(has(r.out, "2 rows: mean |A-B| 0.000000, largest pixel difference 0.000000"));
  CHECK(has(r.err, "3 steps"));
  CHECK(loadImageFile(dir + "/g.png").width > 3 * 56);
}

TEST_CASE("render compare: snapshots of a tiny run load in epoch order and differ from each other") {
  std::string out = t::tempDir("compare-snapshots") + "/run";
  // 3 epochs of 128 images in batches of 64: 6 optimizer steps in all.
  auto tr = t::runLatentlab("train vae --data fashion-mnist:test --limit 128 --batch 64 --epochs 3 --latent-dim 2 --hidden 32 "
                            "--snapshots 2 --threads 1 -o " + out);
  REQUIRE_MESSAGE(tr.exitCode == 0, tr.err);
  auto snaps = listSnapshots(out);
  REQUIRE(snaps.size() == 2);
  CHECK(snaps[0].epoch == 2);
  CHECK(snaps[1].epoch == 3);
  for (const Snapshot& s : snaps) {
    Manifest m = readManifest(s.dir);
    CHECK(m.training["epochs"] == s.epoch);
    CHECK(has(m.name, "epoch " + std::to_string(s.epoch)));
  }
  std::string dir = t::tempDir("compare-snapshots-grid");
  auto r = t::runLatentlab("render compare --model " + snaps[0].dir + " --model " + snaps[1].dir + " --items 0,1,2 -o " + dir +
                           "/g.png --device cpu");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK(has(r.out, "3 rows: mean |A-B| "));
  CHECK_FALSE(has(r.out, "mean |A-B| 0.000000"));
  CHECK(loadImageFile(dir + "/g.png").width > 4 * 56);  // data, A, B, |A-B|
}

TEST_CASE("render compare: incompatible models are one line and exit 3; one model is a usage error") {
  std::string dir = t::tempDir("compare-bad");
  auto latent = t::runLatentlab("render compare --model " + kVae2 + " --model " + t::sourcePath("assets/models/fashion-vae-16") +
                                " -o " + dir + "/x.png --device cpu");
  CHECK(latent.exitCode == 3);
  CHECK(t::lineCount(latent.err) == 1);
  CHECK(has(latent.err, "different sizes (2 vs 16)"));
  auto pixel = t::runLatentlab("render compare --model " + kVae2 + " --model " + t::sourcePath("assets/models/fashion-ddpm") +
                               " -o " + dir + "/x.png --device cpu");
  CHECK(pixel.exitCode == 3);
  CHECK(t::lineCount(pixel.err) == 1);
  CHECK(has(pixel.err, "is a diffusion model and"));
  auto gan = t::runLatentlab("render compare --model " + kVae2 + " --model " + t::sourcePath("assets/models/fashion-gan") +
                             " --items 0 -o " + dir + "/x.png --device cpu");
  CHECK(gan.exitCode == 3);
  CHECK(t::lineCount(gan.err) == 1);
  auto one = t::runLatentlab("render compare --model " + kVae2 + " -o " + dir + "/x.png");
  CHECK(one.exitCode == 2);
  CHECK_FALSE(std::ifstream(dir + "/x.png").good());
}
