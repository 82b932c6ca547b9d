// Data sources other than the Debian set: image folders (sub-folders = classes) and npy.
#include <doctest/doctest.h>

#include <filesystem>

#include "engine/data/dataset.h"
#include "engine/data/image_io.h"
#include "engine/data/npy.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;
namespace fs = std::filesystem;

namespace {
Image solid(int w, int h, uint8_t v) { return Image(w, h, 1, v); }
}  // namespace

TEST_CASE("a folder with sub-folders becomes a labelled data set, classes sorted by name") {
  std::string dir = t::tempDir("folder");
  fs::create_directories(dir + "/boots");
  fs::create_directories(dir + "/bags");
  writePng(dir + "/boots/1.png", solid(8, 8, 200));
  writePng(dir + "/boots/2.png", solid(8, 8, 100));
  writePng(dir + "/bags/1.png", solid(8, 8, 50));
  Dataset d = openDataset(dir);
  CHECK(d.count == 3);
  CHECK(d.classNames == std::vector<std::string>{"bags", "boots"});
  CHECK(d.label(0) == 0);
  CHECK(d.label(2) == 1);
  CHECK(d.image(1).pixels[0] == 200);
}

TEST_CASE("mixed image sizes are an error unless a resize size is given") {
  std::string dir = t::tempDir("mixed");
  writePng(dir + "/a.png", solid(8, 8, 10));
  writePng(dir + "/b.png", solid(12, 6, 10));
  CHECK_THROWS_WITH_AS(openDataset(dir), doctest::Contains("differs"), BadInput);
  DatasetOptions o;
  o.resizeWidth = o.resizeHeight = 16;
  Dataset d = openDataset(dir, o);
  CHECK(d.width == 16);
  CHECK(d.count == 2);
}

TEST_CASE("a broken image file is named in the error") {
  std::string dir = t::tempDir("broken");
  t::writeText(dir + "/x.png", "not a png at all");
  CHECK_THROWS_WITH_AS(openDataset(dir), doctest::Contains("x.png"), BadInput);
}

TEST_CASE("npy images: uint8 N x H x W and float32 N x C x H x W in [0,1]") {
  std::string dir = t::tempDir("npyds");
  std::vector<float> v(2 * 4 * 4, 0.5f);
  writeNpy(dir + "/f.npy", makeNpyF32({2, 1, 4, 4}, v.data()));
  Dataset d = openDataset("npy:" + dir + "/f.npy");
  CHECK(d.count == 2);
  CHECK(d.pixels[0] == 128);
  std::vector<float> bad(16, 3.f);
  writeNpy(dir + "/b.npy", makeNpyF32({1, 4, 4}, bad.data()));
  CHECK_THROWS_WITH_AS(openDataset("npy:" + dir + "/b.npy"), doctest::Contains("[0,1]"), BadInput);
}
