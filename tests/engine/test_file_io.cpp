// Whole-file reads refuse files above their cap before reading them (a sparse 5 GiB file
// costs no disk and no time), and also while reading files whose size is unknown.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>

#include "engine/util/errors.h"
#include "engine/util/file_io.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("a file above the cap is refused by its size, naming the file, its size and the cap") {
  std::string path = t::tempDir("fileio") + "/huge.bin";
  FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f);
  REQUIRE(::ftruncate(fileno(f), off_t(5) << 30) == 0);  // sparse: no blocks written
  std::fclose(f);
  try {
    readFileBytes(path);
    FAIL("read a 5 GiB file");
  } catch (const BadInput& e) {
    std::string msg = e.what();
    CHECK_MESSAGE(msg.find(path) != std::string::npos, msg);
    CHECK_MESSAGE(msg.find("5.0 GiB (5368709120 bytes)") != std::string::npos, msg);
    CHECK_MESSAGE(msg.find("4.0 GiB limit") != std::string::npos, msg);
  }
  CHECK_THROWS_WITH_AS(readMaybeGzip(path), doctest::Contains("2.0 GiB limit"), BadInput);
  std::remove(path.c_str());
}

TEST_CASE("the cap is exact: cap bytes pass, one more is refused") {
  std::string path = t::tempDir("fileio") + "/eleven.bin";
  t::writeText(path, "hello world");
  CHECK(readFileBytes(path, 11).size() == 11);
  CHECK_THROWS_WITH_AS(readFileBytes(path, 10), doctest::Contains("11 bytes"), BadInput);
}

TEST_CASE("a device with no end is refused at the cap while reading") {
  CHECK_THROWS_WITH_AS(readFileBytes("/dev/zero", 1 << 20), doctest::Contains("more than 1.0 MiB"), BadInput);
}

TEST_CASE("sizes in messages read like sizes") {
  CHECK(formatBytes(0) == "0 bytes");
  CHECK(formatBytes(1) == "1 byte");
  CHECK(formatBytes(1023) == "1023 bytes");
  CHECK(formatBytes(1536) == "1.5 KiB");
  CHECK(formatBytes(uint64_t(64) << 20) == "64.0 MiB");
  CHECK(formatBytes(~uint64_t(0)) == "16.0 EiB");
}

TEST_CASE("a missing file and a folder are named") {
  std::string dir = t::tempDir("fileio");
  CHECK_THROWS_WITH_AS(readFileBytes(dir + "/nope"), doctest::Contains("nope: cannot open"), BadInput);
  CHECK_THROWS_WITH_AS(readFileBytes(dir), doctest::Contains("is a folder"), BadInput);
}
