// Animated GIF export (engine/export/gif_writer.h) read back with giflib's own decoder: the
// frame count, size, delay and loop block are what was asked; grey frames come back exactly;
// colour frames with few colours come back exactly with per-frame palettes and close with the
// fixed palette; bad frames are BadInputs; the write is atomic (no temporary left behind).
#include <doctest/doctest.h>
#include <gif_lib.h>

#include <cmath>
#include <filesystem>

#include "engine/export/gif_writer.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
Image greyRamp(int w, int h, int shift) {
  Image im(w, h, 1);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) im.at(x, y)[0] = uint8_t((x * 7 + y * 3 + shift * 11) & 0xff);
  return im;
}
Image colourBlocks(int w, int h, int shift) {
  Image im(w, h, 3);
  const uint8_t colours[4][3] = {{255, 0, 0}, {0, 200, 30}, {20, 40, 250}, {250, 250, 0}};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const uint8_t* c = colours[(x / 5 + y / 5 + shift) % 4];
      std::copy(c, c + 3, im.at(x, y));
    }
  return im;
}
// The number of images giflib's own slurp finds in the file (independent of our reader).
int giflibImageCount(const std::string& path) {
  int err = 0;
  GifFileType* g = DGifOpenFileName(path.c_str(), &err);
  REQUIRE(g != nullptr);
  REQUIRE(DGifSlurp(g) == GIF_OK);
  int n = g->ImageCount;
  DGifCloseFile(g, &err);
  return n;
}
}  // namespace

TEST_CASE("an animated grey GIF reads back with the frames, size, delay and endless loop asked for") {
  std::string dir = t::tempDir("gif");
  std::vector<Image> frames;
  for (int i = 0; i < 7; ++i) frames.push_back(greyRamp(60, 34, i));
  GifOptions o;
  o.delayCs = gifDelayForFps(12.5);
  CHECK(o.delayCs == 8);
  writeGif(dir + "/a.gif", frames, o);
  CHECK(giflibImageCount(dir + "/a.gif") == 7);
  auto g = readGif(dir + "/a.gif");
  CHECK(g.width == 60);
  CHECK(g.height == 34);
  REQUIRE(g.frames.size() == 7);
  CHECK(g.loopCount == 0);  // forever
  CHECK(g.globalColors == 256);
  for (size_t i = 0; i < 7; ++i) {
    CAPTURE(i);
    CHECK(g.delaysCs[i] == 8);
    bool same = true;
    for (int y = 0; y < 34; ++y)
      for (int x = 0; x < 60; ++x)
        for (int c = 0; c < 3; ++c) same = same && g.frames[i].at(x, y)[c] == frames[i].at(x, y)[0];
    CHECK(same);
  }
  // No temporary file left next to it.
  int files = 0;
  for (auto& e : std::filesystem::directory_iterator(dir)) files += e.is_regular_file();
  CHECK(files == 1);
}

TEST_CASE("colour frames: per-frame palettes are exact for few colours, the fixed palette is close") {
  std::string dir = t::tempDir("gif_colour");
  std::vector<Image> frames = {colourBlocks(40, 30, 0), colourBlocks(40, 30, 1), colourBlocks(40, 30, 2)};
  GifOptions o;
  o.loopCount = 3;
  writeGif(dir + "/auto.gif", frames, o);  // Auto: colour -> per-frame palettes
  auto g = readGif(dir + "/auto.gif");
  REQUIRE(g.frames.size() == 3);
  CHECK(g.loopCount == 3);
  CHECK(g.globalColors == 0);
  for (size_t i = 0; i < 3; ++i) CHECK(g.frames[i].pixels == frames[i].pixels);

  o.palette = GifPalette::FixedColor;
  o.loopCount = -1;
  writeGif(dir + "/fixed.gif", frames, o);
  auto f = readGif(dir + "/fixed.gif");
  CHECK(f.loopCount == -1);
  CHECK(f.globalColors == 256);
  int worst = 0;  // the 6-level cube is at most 25.5 from any channel value
  for (size_t i = 0; i < 3; ++i)
    for (size_t p = 0; p < frames[i].pixels.size(); ++p)
      worst = std::max(worst, std::abs(int(f.frames[i].pixels[p]) - int(frames[i].pixels[p])));
  CHECK(worst <= 26);

  o.palette = GifPalette::Gray;  // a colour frame in grey: one channel per pixel, all equal
  writeGif(dir + "/grey.gif", {greyRamp(40, 30, 0)}, o);
  CHECK(readGif(dir + "/grey.gif").frames.size() == 1);
}

TEST_CASE("bad frames and bad files are BadInputs naming the problem") {
  std::string dir = t::tempDir("gif_bad");
  CHECK_THROWS_AS(encodeGif({}), BadInput);
  CHECK_THROWS_WITH_AS(encodeGif({greyRamp(10, 10, 0), greyRamp(11, 10, 0)}), doctest::Contains("frame 1"), BadInput);
  GifOptions o;
  o.delayCs = 0;
  CHECK_THROWS_AS(encodeGif({greyRamp(10, 10, 0)}, o), BadInput);
  CHECK_THROWS_AS(gifDelayForFps(0), UsageError);
  t::writeText(dir + "/x.gif", "GIF89a not really");
  const std::string bad = dir + "/x.gif";
  CHECK_THROWS_WITH_AS(readGif(bad), doctest::Contains(bad.c_str()), BadInput);
  CHECK_THROWS_AS(writeGif("/nonexistent-dir/a.gif", {greyRamp(4, 4, 0)}), BadInput);
}
