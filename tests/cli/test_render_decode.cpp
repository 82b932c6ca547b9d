// `render decode` end to end: latents made outside LatentLab decode to exactly what an
// independent PyTorch implementation of the VAE decodes them to (tools/reference/
// decode_latents.py), a GAN decodes with per-row classes from --labels, and bad files or
// shapes exit 3 (usage errors 2) with one line naming the file.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "engine/data/npy.h"
#include "cli_cases.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
const std::string kVae = t::sourcePath("assets/models/fashion-vae-16");
}  // namespace

TEST_CASE("render decode matches an independent PyTorch decoder on latents made in Python") {
  std::string dir = t::tempDir("render_decode");
  auto mk = t::runCommand(std::string(PYTHON_WITH_TORCH) + " -c \"import numpy as np; np.random.seed(4); np.save('" + dir +
                          "/z.npy', np.random.randn(7, 16).astype(np.float32))\"");
  REQUIRE_MESSAGE(mk.exitCode == 0, mk.err);
  auto r = t::runLatentlab("render decode --model " + kVae + " --latents " + dir + "/z.npy --cols 7 -o " + dir +
                           "/d.png --npy " + dir + "/d.npy --device cpu");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto ref = t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + t::sourcePath("tools/reference/decode_latents.py") + " " +
                           kVae + " " + dir + "/z.npy " + dir + "/ref.npy");
  REQUIRE_MESSAGE(ref.exitCode == 0, ref.err);
  auto a = readNpy(dir + "/d.npy");
  REQUIRE(a.shape == std::vector<int64_t>{7, 1, 28, 28});
  CHECK(t::maxAbsDiff(a, readNpy(dir + "/ref.npy")) < 1e-4f);
}

TEST_CASE("render decode of a GAN takes one class per row; bad inputs exit 3, usage 2") {
  std::string dir = t::tempDir("render_decode_gan");
  std::string gan = t::sourcePath("assets/models/fashion-gan");
  auto mk = t::runCommand(std::string(PYTHON_WITH_TORCH) + " -c \"import numpy as np; np.save('" + dir +
                          "/z.npy', np.zeros((2, 64), np.float32)); np.save('" + dir +
                          "/y.npy', np.array([1, 8], np.int64)); np.save('" + dir + "/bad.npy', np.zeros((2, 5), np.float32))\"");
  REQUIRE_MESSAGE(mk.exitCode == 0, mk.err);
  auto r = t::runLatentlab("render decode --model " + gan + " --latents " + dir + "/z.npy --labels " + dir + "/y.npy -o " +
                           dir + "/g.png --npy " + dir + "/g.npy");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto same = t::runLatentlab("render decode --model " + gan + " --latents " + dir + "/z.npy --class Trouser -o " + dir +
                              "/t.png --npy " + dir + "/t.npy");
  REQUIRE_MESSAGE(same.exitCode == 0, same.err);
  auto g = readNpy(dir + "/g.npy"), tr = readNpy(dir + "/t.npy");
  const size_t per = 28 * 28;
  // Row 0 is class 1 (Trouser) both times; row 1 (Bag) differs from a trouser.
  CHECK(std::equal(g.f32(), g.f32() + per, tr.f32()));
  CHECK(!std::equal(g.f32() + per, g.f32() + 2 * per, tr.f32() + per));

  t::checkOneLineErrors({
      {"render decode --model " + kVae + " --latents " + dir + "/bad.npy -o " + dir + "/x.png", 3, "bad.npy"},
      {"render decode --model " + kVae + " --latents " + dir + "/none.npy -o " + dir + "/x.png", 3, "none.npy"},
      {"render decode --model " + gan + " --latents " + dir + "/z.npy --class Hat -o " + dir + "/x.png", 3, "Hat"},
      {"render decode --model " + kVae + " -o " + dir + "/x.png", 2, "--latents"},
  });
}
