// `render traverse` end to end: one row per direction, the middle column (0 sigma) is the
// base itself for every row, a direction file along latent axis 3 with sigma 1.5 walks the
// same latents as --dim 3 over 1.5 times the range, a GAN traverses SeFa directions, and
// unknown directions exit 3 (a bad --dim 2), one line each.
#include <doctest/doctest.h>

#include <algorithm>

#include "engine/data/npy.h"
#include "cli_cases.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
const std::string kVae = t::sourcePath("assets/models/fashion-vae-16");
std::vector<float> row(const NpyArray& a, int64_t r) {
  int64_t per = a.count() / a.shape[0];
  return {a.f32() + r * per, a.f32() + (r + 1) * per};
}
}  // namespace

TEST_CASE("traverse rows share the base at 0 sigma; a file direction walks like the axis it holds") {
  std::string dir = t::tempDir("render_traverse");
  // The first 600 test images as IDX files: class and PCA directions without encoding 10,000.
  auto mk = t::runCommand(std::string(PYTHON_WITH_TORCH) + " -c \"import gzip; d='/usr/share/datasets/fashion-mnist/'; "
                          "i=gzip.open(d+'t10k-images-idx3-ubyte.gz').read(); l=gzip.open(d+'t10k-labels-idx1-ubyte.gz').read(); "
                          "open('" + dir + "/img','wb').write(i[:4]+(600).to_bytes(4,'big')+i[8:16+600*784]); "
                          "open('" + dir + "/lab','wb').write(l[:4]+(600).to_bytes(4,'big')+l[8:8+600])\"");
  REQUIRE_MESSAGE(mk.exitCode == 0, mk.err);
  auto r = t::runLatentlab("render traverse --model " + kVae + " --direction \"class:7->9,pca:0,sefa:1\" --data idx:" +
                           dir + "/img," + dir + "/lab --range -2 2 --steps 5 --base item:0 -o " + dir + "/t.png --npy " + dir +
                           "/t.npy");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto a = readNpy(dir + "/t.npy");
  REQUIRE(a.shape == std::vector<int64_t>{15, 1, 28, 28});
  CHECK(row(a, 2) == row(a, 7));
  CHECK(row(a, 2) == row(a, 12));
  CHECK(row(a, 0) != row(a, 4));

  std::string vec = "[0,0,0,1";
  for (int i = 4; i < 16; ++i) vec += ",0";
  t::writeText(dir + "/axis3.json", "{\"format\": \"latentlab-directions/1\", \"directions\": [{\"name\": \"axis 3\", "
                                    "\"vector\": " + vec + "], \"sigma\": 1.5}]}");
  auto f = t::runLatentlab("render traverse --model " + kVae + " --direction " + dir + "/axis3.json --base prior --range -2 2 "
                           "--steps 5 -o " + dir + "/f.png --npy " + dir + "/f.npy");
  REQUIRE_MESSAGE(f.exitCode == 0, f.err);
  auto d = t::runLatentlab("render traverse --model " + kVae + " --dim 3 --range -3 3 --steps 5 -o " + dir + "/d.png --npy " +
                           dir + "/d.npy");
  REQUIRE_MESSAGE(d.exitCode == 0, d.err);
  CHECK(t::maxAbsDiff(readNpy(dir + "/f.npy"), readNpy(dir + "/d.npy")) < 1e-5f);
}

TEST_CASE("a GAN traverses SeFa directions; unknown directions exit 3, a bad --dim 2") {
  std::string dir = t::tempDir("render_traverse_bad");
  auto g = t::runLatentlab("render traverse --model " + t::sourcePath("assets/models/fashion-gan") +
                           " --direction sefa:0,sefa:1 --base class:Bag --steps 3 -o " + dir + "/g.png --npy " + dir + "/g.npy");
  REQUIRE_MESSAGE(g.exitCode == 0, g.err);
  CHECK(readNpy(dir + "/g.npy").shape[0] == 6);
  t::checkOneLineErrors({
      {"render traverse --model " + kVae + " --direction bogus:1 -o " + dir + "/x.png", 3, "bogus:1"},
      {"render traverse --model " + kVae + " --direction pca:16 -o " + dir + "/x.png", 3, "pca:16"},
      {"render traverse --model " + kVae + " --direction " + dir + "/missing.json -o " + dir + "/x.png", 3, "missing.json"},
      {"render traverse --model " + kVae + " --direction \"class:Sneaker->Hat\" -o " + dir + "/x.png", 3, "Hat"},
      {"render traverse --model " + kVae + " --dim 16 -o " + dir + "/x.png", 2, "out of range"},
      {"render traverse --model " + kVae + " -o " + dir + "/x.png", 2, "--direction"},
  });
}
