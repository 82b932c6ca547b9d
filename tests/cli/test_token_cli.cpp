// `latentlab render tokens` end to end on the bundled fashion-vq: a PNG of the predictable
// grid size, --npy / --tokens-npy arrays of the right shapes and ranges, the same seed gives
// the same file, --steps writes one strip per sample, and bad calls exit 2 or 3 with a line
// naming the problem.
#include <doctest/doctest.h>
#include <stb_image.h>

#include <nlohmann/json.hpp>

#include "engine/data/npy.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
const std::string kModel = t::sourcePath("assets/models/fashion-vq");
std::pair<int, int> pngSize(const std::string& path) {
  int w = 0, h = 0, c = 0;
  if (!stbi_info(path.c_str(), &w, &h, &c)) return {0, 0};
  return {w, h};
}
int gridSide(int cells, int scale = 2) { return 2 + cells * (28 * scale + 2); }
}  // namespace

TEST_CASE("render tokens: grid, arrays, seeds and steps") {
  std::string tmp = t::tempDir("token_cli");
  auto r = t::runLatentlab("render tokens --model " + kModel + " --class all --count 20 --temperature 0.8 --top-k 0 "
                           "--top-p 0.95 --seed 1 --threads 1 --no-labels -o " + tmp + "/a.png --npy " + tmp +
                           "/a.npy --tokens-npy " + tmp + "/t.npy");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  CHECK(pngSize(tmp + "/a.png") == std::make_pair(gridSide(2), gridSide(10)));  // 2 per class, a row per class
  NpyArray x = readNpy(tmp + "/a.npy");
  CHECK(x.shape == std::vector<int64_t>{20, 1, 28, 28});
  NpyArray tok = readNpy(tmp + "/t.npy");
  CHECK(tok.shape == std::vector<int64_t>{20, 7, 7});
  REQUIRE(tok.dtype == NpyDtype::Int64);
  const int64_t* v = tok.i64();
  for (int64_t i = 0; i < 20 * 49; ++i) {
    REQUIRE(v[i] >= 0);
    REQUIRE(v[i] < 128);
  }
  auto again = t::runLatentlab("render tokens --model " + kModel + " --class all --count 20 --temperature 0.8 "
                               "--top-k 0 --top-p 0.95 --seed 1 --threads 1 --no-labels -o " + tmp + "/b.png");
  REQUIRE(again.exitCode == 0);
  CHECK(t::readText(tmp + "/a.png") == t::readText(tmp + "/b.png"));

  auto steps = t::runLatentlab("render tokens --model " + kModel + " --class 3 --count 2 --steps --columns 8 --seed 2 "
                               "--threads 1 --no-labels -o " + tmp + "/s.png");
  REQUIRE_MESSAGE(steps.exitCode == 0, steps.err);
  CHECK(pngSize(tmp + "/s.png") == std::make_pair(gridSide(8), gridSide(2)));
  auto beam = t::runLatentlab("render tokens --model " + kModel + " --class 0 --count 1 --beam 2 --threads 1 -o " +
                              tmp + "/beam.png");
  CHECK_MESSAGE(beam.exitCode == 0, beam.err);
}

TEST_CASE("render tokens: bad calls") {
  std::string tmp = t::tempDir("token_cli_bad");
  auto missing = t::runLatentlab("render tokens --model " + tmp + "/nope -o " + tmp + "/x.png");
  CHECK(missing.exitCode == 3);
  CHECK(missing.err.find("nope") != std::string::npos);
  auto notTokens = t::runLatentlab("render tokens --model " + t::sourcePath("assets/models/fashion-vae-16") + " -o " +
                                   tmp + "/x.png");
  CHECK(notTokens.exitCode == 3);
  CHECK(notTokens.err.find("vq-autoregressive") != std::string::npos);
  auto badClass = t::runLatentlab("render tokens --model " + kModel + " --class 12 -o " + tmp + "/x.png");
  CHECK(badClass.exitCode == 2);
  auto badCount = t::runLatentlab("render tokens --model " + kModel + " --class all --count 15 -o " + tmp + "/x.png");
  CHECK(badCount.exitCode == 2);
}

TEST_CASE("info on the token bundle lists both networks") {
  auto r = t::runLatentlab("info --json --model " + t::sourcePath("assets/models/fashion-vq"));
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["kind"] == "vq-autoregressive");
  CHECK(j["latent_shape"] == std::vector<int64_t>{7, 7});
  // Parameter counts of the two weight files, as assets/README.md states them (0.45 M, 1.84 M).
  CHECK(j["networks"]["vq-vae"].get<int64_t>() > 400000);
  CHECK(j["networks"]["prior"].get<int64_t>() > 1800000);
  CHECK(j["parameters"].get<int64_t>() == j["networks"]["vq-vae"].get<int64_t>() + j["networks"]["prior"].get<int64_t>());
}
