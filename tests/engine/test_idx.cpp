// IDX reader: good files, the real Fashion-MNIST set, and a catalogue of broken files.
#include <doctest/doctest.h>
#include <zlib.h>

#include "engine/data/dataset.h"
#include "engine/data/idx.h"
#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "test_support.h"

using namespace latentlab;
using latentlab::test::runCommand;

namespace {
std::vector<uint8_t> idxBytes(uint8_t type, std::vector<uint32_t> dims, size_t payload) {
  std::vector<uint8_t> b = {0, 0, type, uint8_t(dims.size())};
  for (auto d : dims) b.insert(b.end(), {uint8_t(d >> 24), uint8_t(d >> 16), uint8_t(d >> 8), uint8_t(d)});
  for (size_t i = 0; i < payload; ++i) b.push_back(uint8_t(i * 7));
  return b;
}
std::string writeBytes(const std::string& name, const std::vector<uint8_t>& b) {
  std::string p = latentlab::test::tempDir("idx") + "/" + name;
  latentlab::test::writeText(p, std::string(b.begin(), b.end()));
  return p;
}
}  // namespace

TEST_CASE("a well-formed IDX array parses with its dims and data") {
  auto a = parseIdx(idxBytes(0x08, {3, 2, 2}, 12), "mem");
  CHECK(a.dims == std::vector<uint32_t>{3, 2, 2});
  REQUIRE(a.data.size() == 12);
  CHECK(a.data[5] == uint8_t(35));
}

TEST_CASE("gzip-compressed IDX reads the same as raw") {
  auto raw = idxBytes(0x08, {4, 3}, 12);
  std::string path = latentlab::test::tempDir("idxgz") + "/a.gz";
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, raw.data(), unsigned(raw.size()));
  gzclose(f);
  auto a = readIdx(path);
  CHECK(a.dims == std::vector<uint32_t>{4, 3});
  CHECK(a.data == std::vector<uint8_t>(raw.begin() + 12, raw.end()));
}

TEST_CASE("broken IDX files are refused with a message naming the file") {
  struct Case {
    const char* name;
    std::vector<uint8_t> bytes;
    const char* expect;
  };
  auto truncated = idxBytes(0x08, {10, 28, 28}, 100);
  auto trailing = idxBytes(0x08, {2, 2}, 5);
  auto wrongMagic = idxBytes(0x08, {2}, 2);
  wrongMagic[0] = 0x50;
  std::vector<Case> cases = {
      {"empty", {}, "empty"},
      {"short-header", {0, 0, 8}, "truncated"},
      {"wrong-magic", wrongMagic, "magic"},
      {"float-dtype", idxBytes(0x0D, {2}, 8), "not supported"},
      {"declared-larger", truncated, "truncated"},
      {"trailing-bytes", trailing, "trailing"},
      {"rank-zero", {0, 0, 8, 0}, "rank"},
      {"header-cut", {0, 0, 8, 3, 0, 0}, "truncated"},
      // 131072 x 131072 x 2^30 = 2^64 wraps to 0: 16 bytes with no data were accepted.
      {"dims-wrap-to-zero", idxBytes(0x08, {131072, 131072, 1u << 30}, 0), "too large"},
      // 111620 x 49477 x 3340214413 = 2^64 + 4: four data bytes passed the old check.
      {"dims-wrap-to-small", idxBytes(0x08, {111620, 49477, 3340214413u}, 4), "too large"},
      {"dims-huge-no-wrap", idxBytes(0x08, {0xffffffffu, 0xffffffffu}, 0), "too large"},
      {"int32-dtype-named-in-hex", idxBytes(0x0C, {1}, 4), "0x0C"},
      {"rank-five", idxBytes(0x08, {1, 1, 1, 1, 1}, 1), "rank 5"},
  };
  for (auto& c : cases) {
    std::string name = c.name;  // CAPTURE shows a const char* as an address
    CAPTURE(name);
    std::string path = writeBytes(c.name, c.bytes);
    try {
      readIdx(path);
      FAIL("accepted a broken file");
    } catch (const BadInput& e) {
      std::string msg = e.what();
      CHECK(msg.find(path) != std::string::npos);
      CHECK(msg.find(c.expect) != std::string::npos);
    }
  }
}

TEST_CASE("IDX arrays that parse but are not images are refused by the data set") {
  std::string labels = writeBytes("labels-3", idxBytes(0x08, {3}, 3));
  struct Case {
    const char* name;
    std::vector<uint8_t> bytes;
    const char* expect;
  };
  std::vector<Case> cases = {
      {"side-too-large", idxBytes(0x08, {1, 1, 70000}, 70000), "image size 1x70000"},
      {"zero-height", idxBytes(0x08, {2, 0, 5}, 0), "image size 0x5"},
      {"rank-two", idxBytes(0x08, {2, 5}, 10), "rank-3"},
      {"label-count", idxBytes(0x08, {2, 2, 2}, 8), "3 labels for 2 images"},
  };
  for (auto& c : cases) {
    std::string name = c.name;  // CAPTURE shows a const char* as an address
    CAPTURE(name);
    std::string path = writeBytes(c.name, c.bytes);
    CHECK_THROWS_WITH_AS(openDataset("idx:" + path + "," + labels), doctest::Contains(c.expect), BadInput);
  }
}

TEST_CASE("a gzip bomb is refused at the decompressed-size cap") {
  std::vector<uint8_t> zeros(1 << 20, 0);
  std::string path = latentlab::test::tempDir("idxgz") + "/bomb.gz";
  gzFile f = gzopen(path.c_str(), "wb9");
  gzwrite(f, zeros.data(), unsigned(zeros.size()));
  gzclose(f);
  CHECK(readMaybeGzip(path).size() == zeros.size());
  CHECK_THROWS_WITH_AS(readMaybeGzip(path, 100000), doctest::Contains("decompresses to more than"), BadInput);
}

TEST_CASE("a truncated gzip stream is refused") {
  auto raw = idxBytes(0x08, {100, 100}, 10000);
  std::string path = latentlab::test::tempDir("idxgz") + "/t.gz";
  gzFile f = gzopen(path.c_str(), "wb");
  gzwrite(f, raw.data(), unsigned(raw.size()));
  gzclose(f);
  std::string all = latentlab::test::readText(path);
  latentlab::test::writeText(path, all.substr(0, all.size() / 2));
  CHECK_THROWS_AS(readIdx(path), BadInput);
}

TEST_CASE("Fashion-MNIST test split: 10,000 images in file order, labels match Python's reading") {
  Dataset d = openDataset("fashion-mnist:test");
  CHECK(d.count == 10000);
  CHECK(d.width == 28);
  CHECK(d.height == 28);
  CHECK(d.classNames.size() == 10);
  // Reference: Python's gzip reads the same files independently.
  auto r = runCommand(std::string(PYTHON_WITH_TORCH) +
                      " -c \"import gzip;b=gzip.open('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz')"
                      ".read();i=gzip.open('/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz').read();"
                      "print(*b[8:18]);print(sum(i[16:16+784]))\"");
  REQUIRE(r.exitCode == 0);
  std::istringstream in(r.out);
  for (int k = 0; k < 10; ++k) {
    int label;
    in >> label;
    CHECK(d.label(k) == label);
  }
  long sum0 = 0, expectSum;
  in >> expectSum;
  for (int p = 0; p < 784; ++p) sum0 += d.pixels[size_t(p)];
  CHECK(sum0 == expectSum);
}

TEST_CASE("unknown data specs and missing files give a clear error") {
  CHECK_THROWS_WITH_AS(openDataset("fashion-mnist:valid"), doctest::Contains("unknown split"), BadInput);
  CHECK_THROWS_WITH_AS(openDataset("idx:/nonexistent/file"), doctest::Contains("/nonexistent/file"), BadInput);
  CHECK_THROWS_WITH_AS(openDataset("no-such-thing"), doctest::Contains("not a data set"), BadInput);
}
