// `render interp` end to end: a path through item, class-mean and prior endpoints has
// (n - 1) * (K - 1) + 1 frames whose ends are the endpoints' own decodes (render decode of
// the same latents), the GIF holds those frames (ping-pong adds the way back) at the asked
// delay and loops, a diffusion model's --seeds run starts at the plain sample of seed A and
// ends at seed B's, a GAN's --seeds slerps its prior, and bad endpoints exit 3 naming them.
#include <doctest/doctest.h>
#include <stb_image.h>

#include <algorithm>

#include "engine/data/npy.h"
#include "engine/export/gif_writer.h"
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

TEST_CASE("a three-endpoint path: frames, ends equal to the endpoints' decodes, GIF read back") {
  std::string dir = t::tempDir("render_interp");
  auto r = t::runLatentlab("render interp --model " + kVae + " --from item:3 --via prior:5 --to item:8 --steps 4 --slerp -o " +
                           dir + "/i.png --npy " + dir + "/i.npy --gif " + dir + "/i.gif --fps 20 --gif-scale 2 --ping-pong");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto a = readNpy(dir + "/i.npy");  // one grid row per segment: 2 x 4 cells
  REQUIRE(a.shape == std::vector<int64_t>{8, 1, 28, 28});
  // The segments meet: the end of row one is the start of row two (prior:5).
  CHECK(row(a, 3) == row(a, 4));
  // item:3 decoded alone: render interp's first frame is the reconstruction of item 3.
  auto rec = t::runLatentlab("render recon --model " + kVae + " --count 9 -o " + dir + "/r.png --npy " + dir + "/r.npy");
  REQUIRE_MESSAGE(rec.exitCode == 0, rec.err);
  auto rr = readNpy(dir + "/r.npy");
  auto close = [](const std::vector<float>& x, const std::vector<float>& y) {
    float w = 0;
    for (size_t i = 0; i < x.size(); ++i) w = std::max(w, std::fabs(x[i] - y[i]));
    return w < 1e-4f;
  };
  CHECK(close(row(a, 0), row(rr, 3)));
  CHECK(close(row(a, 7), row(rr, 8)));
  auto g = readGif(dir + "/i.gif");
  CHECK(g.frames.size() == size_t(7 + 5));  // 7 path frames, then 5 back without the ends
  CHECK(g.width == 56);
  CHECK(g.height == 56);
  CHECK(g.loopCount == 0);
  CHECK(g.delaysCs[0] == 5);
  CHECK(g.frames[7].pixels == g.frames[5].pixels);  // first frame back = the one before the end
}

TEST_CASE("diffusion --seeds: the path starts at seed A's plain sample and ends at seed B's") {
  std::string dir = t::tempDir("render_interp_seeds");
  std::string ldm = t::sourcePath("assets/models/fashion-ldm");
  auto r = t::runLatentlab("render interp --model " + ldm + " --seeds 2,9 --steps 3 --sample-steps 6 --sampler ddim --class 3 "
                           "--no-labels -o " + dir + "/s.png --npy " + dir + "/s.npy --gif " + dir + "/s.gif");
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto s = readNpy(dir + "/s.npy");
  REQUIRE(s.shape[0] == 3);
  CHECK(readGif(dir + "/s.gif").frames.size() == 3);
  for (auto [seed, at] : {std::pair<int, int>{2, 0}, {9, 2}}) {
    CAPTURE(seed);
    auto d = t::runLatentlab("render denoise --model " + ldm + " --seed " + std::to_string(seed) +
                             " --steps 6 --sampler ddim --class 3 --count 1 -o " + dir + "/d.png --npy " + dir + "/d.npy");
    REQUIRE_MESSAGE(d.exitCode == 0, d.err);
    auto dn = readNpy(dir + "/d.npy");
    // render denoise's npy holds every step; its last image is the final sample.
    int64_t per = 28 * 28;
    std::vector<float> last(dn.f32() + dn.count() - per, dn.f32() + dn.count());
    auto mine = row(s, at);
    float w = 0;
    for (size_t i = 0; i < mine.size(); ++i) w = std::max(w, std::fabs(mine[i] - last[i]));
    CHECK(w <= 1.f / 255.f + 1e-6f);  // our frames pass through 8-bit images
  }
}

TEST_CASE("a GAN interpolates between prior seeds; bad endpoints exit 3 and usage errors 2, one line each") {
  std::string dir = t::tempDir("render_interp_bad");
  std::string gan = t::sourcePath("assets/models/fashion-gan");
  auto g = t::runLatentlab("render interp --model " + gan + " --seeds 1,2 --steps 5 --class Sneaker -o " + dir + "/g.png");
  REQUIRE_MESSAGE(g.exitCode == 0, g.err);
  t::checkOneLineErrors({
      {"render interp --model " + kVae + " --from bogus --to 1 -o " + dir + "/x.png", 3, "bogus"},
      {"render interp --model " + kVae + " --from class-mean:Hat --to 1 -o " + dir + "/x.png", 3, "Hat"},
      {"render interp --model " + kVae + " --from 0 --to " + dir + "/no.npy -o " + dir + "/x.png", 3, "no.npy"},
      {"render interp --model " + kVae + " --from 0 -o " + dir + "/x.png", 2, "--to"},
      {"render interp --model " + kVae + " --seeds 1 -o " + dir + "/x.png", 2, "--seeds"},
      {"render interp --model " + kVae + " --from 0 --to 1 --steps 1 -o " + dir + "/x.png", 2, "steps"},
  });
}
