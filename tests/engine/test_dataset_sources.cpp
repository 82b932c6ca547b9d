// Data sources other than the Debian set: image folders (sub-folders = classes) and npy.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "engine/data/dataset.h"
#include "engine/data/grid.h"
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

TEST_CASE("npy arrays that parse but are not images are refused by the data set") {
  std::string dir = t::tempDir("npyds-bad");
  auto u8 = [&](const std::string& name, std::vector<int64_t> shape) {
    NpyArray a;
    a.dtype = NpyDtype::UInt8;
    a.shape = shape;
    a.data.resize(size_t(a.count()));
    writeNpy(dir + "/" + name, a);
    return "npy:" + dir + "/" + name;
  };
  struct Case {
    const char* name;
    std::string spec;
    const char* expect;
  };
  std::vector<int64_t> ids = {1, 2};
  writeNpy(dir + "/i64.npy", makeNpyI64({1, 1, 2}, ids.data()));
  std::vector<Case> cases = {
      {"side-too-large", u8("wide.npy", {1, 1, 70000}), "image size 1x70000"},
      {"zero-width", u8("zero.npy", {2, 5, 0}), "image size 5x0"},
      {"two-channels", u8("c2.npy", {1, 2, 3, 3}), "1 or 3 channels"},
      {"rank-two", u8("r2.npy", {3, 3}), "N x H x W"},
      {"no-images", u8("none.npy", {0, 3, 3}), "empty"},
      {"int64", "npy:" + dir + "/i64.npy", "not int64"},
  };
  for (auto& c : cases) {
    std::string name = c.name;  // CAPTURE shows a const char* as an address
    CAPTURE(name);
    CHECK_THROWS_WITH_AS(openDataset(c.spec), doctest::Contains(c.expect), BadInput);
  }
}

namespace {
// A PNG signature and an IHDR chunk declaring w x h grey pixels (no data: enough for the
// header check, which must refuse before anything is decoded or allocated).
std::string pngHeader(uint32_t w, uint32_t h) {
  std::string b = "\x89PNG\r\n\x1a\n";
  b += std::string("\0\0\0\x0dIHDR", 8);
  for (uint32_t v : {w, h})
    for (int s = 24; s >= 0; s -= 8) b += char((v >> s) & 0xff);
  b += std::string("\x08\0\0\0\0", 5);  // 8-bit grey, no interlace
  b += std::string(4, '\0');            // CRC (stb does not check it)
  return b;
}

// SOI, then a DHT segment whose one table declares `codes` codes (and holds them).
std::string jpegWithDht(int codes) {
  std::string table(1, '\0');  // class 0, id 0
  int left = codes;
  for (int i = 0; i < 16; ++i) {
    int n = i < 15 ? std::min(left, 255) : left;
    table += char(n), left -= n;
  }
  table += std::string(size_t(codes), '\x01');
  size_t len = table.size() + 2;
  return std::string("\xff\xd8\xff\xc4", 4) + char(len >> 8) + char(len & 0xff) + table;
}

// A file the fuzzers found, committed under tests/fuzz/corpus/.
std::string fuzzFile(const std::string& rel) { return t::readText(t::sourcePath("tests/fuzz/corpus/" + rel)); }

// The corpus's valid progressive JPEG with the DHT segment at byte `offset` turned into a
// comment (COM, 0xFE), so a later scan names a Huffman table nobody defined.
std::string progressiveWithoutDht(size_t offset) {
  std::string b = fuzzFile("image/progressive.jpg");
  REQUIRE(b.size() > offset + 1);
  REQUIRE(uint8_t(b[offset]) == 0xff);
  REQUIRE(uint8_t(b[offset + 1]) == 0xc4);
  b[offset + 1] = char(0xfe);
  return b;
}
}  // namespace

TEST_CASE("image files that are not PNG/JPEG or declare absurd sizes are refused, naming the file") {
  struct Case {
    const char* name;
    std::string bytes;
    const char* expect;
  };
  std::vector<Case> cases = {
      {"gif.png", "GIF89a\x01\0\x01\0\0\0\0", "not a PNG or JPEG"},
      {"bmp.png", "BM" + std::string(60, '\0'), "not a PNG or JPEG"},
      {"empty.png", "", "empty image file"},
      {"huge.png", pngHeader(5000, 4000), "5000x4000 not supported"},
      {"zero.png", pngHeader(0, 7), "not a readable PNG/JPEG"},
      {"header-only.png", pngHeader(4, 4), "cannot decode"},
      {"jpeg-cut.jpg", "\xff\xd8\xff\xe0", "corrupt JPEG (segment length cut off)"},
      // Huffman counts adding up to 300: Debian's stb_image 2.27 writes past its 256-entry table.
      {"dht-300-codes.jpg", jpegWithDht(300), "Huffman table with 300 codes, more than 256"},
      {"dht-cut.jpg", jpegWithDht(10).substr(0, 12), "segment longer than the file"},
      // Found by fuzz_image (tests/fuzz/corpus/image/): the same overflow, in a cut-off DHT.
      {"crash-jpeg-dht-counts", fuzzFile("image/crash-jpeg-dht-counts"), "segment longer than the file"},
      // A scan using a table no DHT defined: stb decodes with uninitialised tables and reads
      // past its symbol arrays (stb_image.h:2115; found by fuzz_image on progressive files).
      // Offsets: the DC table 0 segment, and the AC table 0 segment before the second scan.
      {"no-dc-table.jpg", progressiveWithoutDht(177), "scan uses DC Huffman table 0 that no DHT defines"},
      {"no-ac-table.jpg", progressiveWithoutDht(239), "scan uses AC Huffman table 0 that no DHT defines"},
      // An IDAT declaring 2 GB in a tiny file: stb allocated the 2 GB before reading.
      {"idat-2gb.png", pngHeader(4, 4) + std::string("\x7f\xf0\0\0IDAT", 8), "chunk 'IDAT' of 2146435072 bytes"},
      // Found by fuzz_image: the same in a palette image (a 2 GB realloc under ASan).
      {"crash-png-idat-length", fuzzFile("image/crash-png-idat-length"), "is longer than the file"},
      // Found by fuzz_image: a zero-length IDAT (stb's memcpy(NULL, .., 0)), then a garbage chunk.
      {"crash-png-empty-idat", fuzzFile("image/crash-png-empty-idat"), "chunk '????' of 1000411589 bytes"},
  };
  for (auto& c : cases) {
    std::string name = c.name;  // CAPTURE shows a const char* as an address
    CAPTURE(name);
    std::string dir = t::tempDir("img-bad");
    t::writeText(dir + "/" + c.name, c.bytes);
    try {
      loadImageFile(dir + "/" + c.name);
      FAIL("accepted a broken image");
    } catch (const BadInput& e) {
      std::string msg = e.what();
      CHECK_MESSAGE(msg.find(c.name) != std::string::npos, msg);
      CHECK_MESSAGE(msg.find(c.expect) != std::string::npos, msg);
    }
  }
}

TEST_CASE("PNG encoding refuses images whose sizes do not fit stb's ints") {
  Image img(2, 2, 1);
  img.width = 1 << 20;  // pixels no longer match the size
  CHECK_THROWS_WITH_AS(encodePng(img), doctest::Contains("too large or inconsistent"), BadInput);
  CHECK(!encodePng(Image(3, 2, 3, 7)).empty());
}

TEST_CASE("a grid too large for an image is refused instead of wrapping an int") {
  std::vector<Image> images(4, Image(28, 28, 1));
  GridOptions o;
  o.cols = 2;
  Image g = makeGrid(images, o);
  CHECK(g.width == 2 + 2 * (56 + 2));  // pad + cols x (cell + pad), the layout makeGrid documents
  o.scale = 40000;                      // 28 x 40000 x 2 columns: over 2^31 pixels wide
  CHECK_THROWS_WITH_AS(makeGrid(images, o), doctest::Contains("too large"), BadInput);
}
