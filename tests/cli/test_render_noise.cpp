// `render noise` (forward noising) end to end on fashion-ldm: the grid has one row per item
// and a column per timestep after the clean image; the clean column's latent is the VAE's
// posterior mean as `encode` writes it (fashion-ldm's map is fashion-vae-16); every noised
// column follows sqrt(a_t) mu + sqrt(1 - a_t) e with the same e; bad calls exit 2 or 3.
#include <doctest/doctest.h>
#include <stb_image.h>

#include <cmath>

#include "engine/data/npy.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
const std::string kLdm = t::sourcePath("assets/models/fashion-ldm");
const std::string kVae = t::sourcePath("assets/models/fashion-vae-16");
}  // namespace

TEST_CASE("render noise: the clean column is the encoder's mean and the noise grows by the formula") {
  std::string dir = t::tempDir("render-noise");
  auto r = t::runLatentlab("render noise --model " + kLdm + " --items 0,5,9 --t 0,300,900 --seed 3 --no-labels -o " +
                           dir + "/g.png --npy " + dir + "/g.npy --latents " + dir + "/z.npy");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  int w = 0, h = 0, c = 0;
  REQUIRE(stbi_info((dir + "/g.png").c_str(), &w, &h, &c));
  CHECK(w == 2 + 4 * (56 + 2));
  CHECK(h == 2 + 3 * (56 + 2));
  auto img = readNpy(dir + "/g.npy");
  CHECK(img.shape == std::vector<int64_t>{3, 4, 1, 28, 28});
  auto z = readNpy(dir + "/z.npy");
  REQUIRE(z.shape == std::vector<int64_t>{3, 4, 16});

  auto e = t::runLatentlab("encode --model " + kVae + " --data fashion-mnist:test --limit 10 -o " + dir + "/mu.npy");
  REQUIRE_MESSAGE(e.exitCode == 0, e.err);
  auto mu = readNpy(dir + "/mu.npy");
  const float* zs = z.f32();
  const float* ms = mu.f32();
  auto at = [&](int row, int col, int k) { return double(zs[(row * 4 + col) * 16 + k]); };
  // fashion-ldm's schedule (squaredcos_cap_v2, 1000 steps): alpha_bar from its closed form.
  auto alphaBar = [](int tt) {
    auto f = [](double x) { return std::pow(std::cos((x + 0.008) / 1.008 * M_PI / 2), 2); };
    double a = 1;
    for (int s = 0; s <= tt; ++s) a *= 1 - std::min(1 - f((s + 1) / 1000.0) / f(s / 1000.0), 0.999);
    return a;
  };
  const int rows[3] = {0, 5, 9}, ts[3] = {0, 300, 900};
  for (int row = 0; row < 3; ++row) {
    double worstMean = 0, worstFormula = 0;
    for (int k = 0; k < 16; ++k) worstMean = std::max(worstMean, std::abs(at(row, 0, k) - ms[rows[row] * 16 + k]));
    // The noise of column t = 300, in latent units, predicts column t = 900 (and t = 0).
    double a3 = alphaBar(ts[1]);
    for (int k = 0; k < 16; ++k) {
      double noise = (at(row, 2, k) - std::sqrt(a3) * at(row, 0, k)) / std::sqrt(1 - a3);
      for (int col : {1, 3}) {
        double a = alphaBar(ts[col - 1]);
        worstFormula = std::max(worstFormula, std::abs(std::sqrt(a) * at(row, 0, k) + std::sqrt(1 - a) * noise - at(row, col, k)));
      }
    }
    CHECK(worstMean < 1e-4);
    CHECK(worstFormula < 1e-3);
  }
  // More noise, further from the clean image (pixels).
  const float* px = img.f32();
  auto mse = [&](int row, int col) {
    double s = 0;
    for (int i = 0; i < 784; ++i) {
      double d = px[(row * 4 + col) * 784 + i] - px[(row * 4) * 784 + i];
      s += d * d;
    }
    return s / 784;
  };
  for (int row = 0; row < 3; ++row) CHECK(mse(row, 1) < mse(row, 3));
}

TEST_CASE("render noise: usage errors exit 2, bad input exits 3, one line each") {
  std::string dir = t::tempDir("render-noise-bad");
  auto r = t::runLatentlab("render noise --model " + kLdm + " --t 1000 -o " + dir + "/g.png");
  CHECK(r.exitCode == 2);
  CHECK(r.err.find("0..999") != std::string::npos);
  r = t::runLatentlab("render noise --model " + kLdm + " --items 10000 -o " + dir + "/g.png");
  CHECK(r.exitCode == 3);
  CHECK(r.err.find("10000") != std::string::npos);
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  r = t::runLatentlab("render noise --model " + kVae + " -o " + dir + "/g.png");
  CHECK(r.exitCode == 3);
  r = t::runLatentlab("render noise --model " + dir + "/missing -o " + dir + "/g.png");
  CHECK(r.exitCode == 3);
}
