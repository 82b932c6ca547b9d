// NPY read/write: round trips, files written by numpy, and refused files.
#include <doctest/doctest.h>

#include <cstring>

#include "engine/data/npy.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

TEST_CASE("float32, uint8 and int64 arrays round-trip") {
  std::string dir = t::tempDir("npy");
  std::vector<float> f = {1.5f, -2.f, 3.25f, 0.f, 7.f, 8.f};
  writeNpy(dir + "/f.npy", makeNpyF32({2, 3}, f.data()));
  auto a = readNpy(dir + "/f.npy");
  CHECK(a.dtype == NpyDtype::Float32);
  CHECK(a.shape == std::vector<int64_t>{2, 3});
  CHECK(std::memcmp(a.f32(), f.data(), 24) == 0);
  std::vector<int64_t> l = {9, -1, 1LL << 40};
  writeNpy(dir + "/l.npy", makeNpyI64({3}, l.data()));
  auto b = readNpy(dir + "/l.npy");
  CHECK(b.dtype == NpyDtype::Int64);
  CHECK(b.i64()[2] == (1LL << 40));
}

TEST_CASE("numpy reads what we write and we read what numpy writes") {
  std::string dir = t::tempDir("npy-py");
  std::vector<float> f = {0.5f, 1.5f, 2.5f, 3.5f};
  writeNpy(dir + "/ours.npy", makeNpyF32({2, 2}, f.data()));
  auto r = t::runCommand(std::string(PYTHON_WITH_TORCH) + " -c \"import numpy as np;a=np.load('" + dir +
                         "/ours.npy');print(a.shape, a.dtype, a.sum());np.save('" + dir +
                         "/theirs.npy', np.arange(12, dtype=np.float32).reshape(3,4)*0.5);np.save('" + dir +
                         "/u8.npy', np.arange(6, dtype=np.uint8));np.save('" + dir +
                         "/f8.npy', np.zeros(3));np.save('" + dir +
                         "/fortran.npy', np.asfortranarray(np.ones((2,3),dtype=np.float32)))\"");
  REQUIRE(r.exitCode == 0);
  CHECK(r.out.find("(2, 2) float32 8.0") != std::string::npos);
  auto a = readNpy(dir + "/theirs.npy");
  CHECK(a.shape == std::vector<int64_t>{3, 4});
  CHECK(a.f32()[11] == doctest::Approx(5.5));
  auto u = readNpy(dir + "/u8.npy");
  CHECK(u.dtype == NpyDtype::UInt8);
  CHECK(u.data[5] == 5);
  CHECK_THROWS_WITH_AS(readNpy(dir + "/f8.npy"), doctest::Contains("<f8"), BadInput);
  CHECK_THROWS_WITH_AS(readNpy(dir + "/fortran.npy"), doctest::Contains("Fortran"), BadInput);
}

TEST_CASE("broken npy files are refused") {
  std::string dir = t::tempDir("npy-bad");
  std::vector<float> f = {1, 2, 3, 4};
  auto good = encodeNpy(makeNpyF32({4}, f.data()));
  auto write = [&](const std::string& name, const std::vector<uint8_t>& b) {
    t::writeText(dir + "/" + name, std::string(b.begin(), b.end()));
    return dir + "/" + name;
  };
  CHECK_THROWS_WITH_AS(readNpy(write("empty.npy", {})), doctest::Contains("empty"), BadInput);
  auto magic = good;
  magic[1] = 'X';
  CHECK_THROWS_WITH_AS(readNpy(write("magic.npy", magic)), doctest::Contains("magic"), BadInput);
  auto trunc = std::vector<uint8_t>(good.begin(), good.end() - 3);
  CHECK_THROWS_WITH_AS(readNpy(write("trunc.npy", trunc)), doctest::Contains("truncated"), BadInput);
  auto longHeader = good;
  longHeader[8] = 0xff, longHeader[9] = 0xff;
  CHECK_THROWS_WITH_AS(readNpy(write("hdr.npy", longHeader)), doctest::Contains("longer than the file"), BadInput);
  std::vector<float> nan = {1, std::nanf(""), 3, 4};
  CHECK_THROWS_WITH_AS(readNpy(write("nan.npy", encodeNpy(makeNpyF32({4}, nan.data())))),
                       doctest::Contains("NaN"), BadInput);
  CHECK_THROWS_WITH_AS(readNpy(dir + "/missing.npy"), doctest::Contains("missing.npy"), BadInput);
}

namespace {
// A .npy v1 file with this header text (padded like numpy does) and `dataBytes` zero bytes.
std::vector<uint8_t> npyWithHeader(std::string header, size_t dataBytes, int major = 1) {
  size_t prefix = major == 1 ? 10 : 12;
  header += std::string((64 - (prefix + header.size() + 1) % 64) % 64, ' ') + "\n";
  std::vector<uint8_t> b = {0x93, 'N', 'U', 'M', 'P', 'Y', uint8_t(major), 0};
  for (size_t i = 0; i < prefix - 8; ++i) b.push_back(uint8_t(header.size() >> (8 * i)));
  b.insert(b.end(), header.begin(), header.end());
  b.resize(b.size() + dataBytes, 0);
  return b;
}
std::string f4(const std::string& shape) {
  return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
}
}  // namespace

// Each row is a file a review or a fuzzer produced (tests/fuzz/corpus/npy holds the fuzzer's
// ones too). All must be a BadInput whose message names the problem, never a crash or a
// huge allocation.
TEST_CASE("hostile npy headers are refused with a reason") {
  struct Case {
    const char* name;
    std::vector<uint8_t> bytes;
    const char* expect;
  };
  std::vector<Case> cases = {
      // 3 * 6148914691236517206 wraps to 2 in 64 bits: 8 data bytes made the old check pass.
      {"product-wraps", npyWithHeader(f4("(3, 1, 6148914691236517206, 1)"), 8), "too large"},
      {"20-digit-dimension", npyWithHeader(f4("(99999999999999999999,)"), 0), "too large for a 64-bit integer"},
      {"zero-hides-huge-dimension", npyWithHeader(f4("(0, 4611686018427387904)"), 0), "too large"},
      {"huge-but-no-wrap", npyWithHeader(f4("(65536, 65536, 65536)"), 0), "too large"},
      {"negative-dimension", npyWithHeader(f4("(-1,)"), 4), "non-negative integers"},
      {"letters-in-shape", npyWithHeader(f4("(3x4)"), 48), "non-negative integers"},
      {"unclosed-shape", npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (3, ", 0), "non-negative"},
      {"unknown-key", npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", 4),
       "unexpected key 'x'"},
      {"duplicate-descr", npyWithHeader("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", 4),
       "'descr' twice"},
      {"no-shape", npyWithHeader("{'descr': '<f4', 'fortran_order': False}", 4), "no 'shape'"},
      {"no-descr", npyWithHeader("{'fortran_order': False, 'shape': (1,)}", 4), "no 'descr'"},
      {"structured-dtype", npyWithHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", 4),
       "structured"},
      {"big-endian", npyWithHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (1,)}", 4), "'>f4' not supported"},
      {"fortran-not-bool", npyWithHeader("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", 4), "True or False"},
      {"not-a-dict", npyWithHeader("descr <f4", 0), "not a dict literal"},
      {"unterminated-string", npyWithHeader("{'descr: <f4", 0), "unterminated"},
      {"text-after-dict", npyWithHeader(f4("(1,)") + " junk", 4), "after the dict"},
      {"trailing-data", npyWithHeader(f4("(1,)"), 8), "4 trailing bytes"},
      {"header-too-long", npyWithHeader(f4("(1,)") + std::string(70000, ' '), 4, 2), "more than 65536"},
      {"version-9", npyWithHeader(f4("(1,)"), 4, 9), "version 9"},
  };
  for (auto& c : cases) {
    std::string name = c.name;  // CAPTURE shows a const char* as an address
    CAPTURE(name);
    try {
      parseNpy(c.bytes, "bad.npy");
      FAIL("accepted a broken file");
    } catch (const BadInput& e) {
      std::string msg = e.what();
      CHECK_MESSAGE(msg.find("bad.npy") != std::string::npos, msg);
      CHECK_MESSAGE(msg.find(c.expect) != std::string::npos, msg);
    }
  }
}

TEST_CASE("headers numpy writes in other spellings are read") {
  // Double quotes, no trailing comma, tabs, a Python 2 long suffix and a scalar shape.
  auto a = parseNpy(npyWithHeader("{\"descr\": \"<i8\",\t\"fortran_order\": False, \"shape\": (2L,)}", 16), "ok.npy");
  CHECK(a.dtype == NpyDtype::Int64);
  CHECK(a.shape == std::vector<int64_t>{2});
  auto s = parseNpy(npyWithHeader(f4("()"), 4), "scalar.npy");
  CHECK(s.shape.empty());
  CHECK(s.data.size() == 4);
  auto v2 = parseNpy(npyWithHeader(f4("(3,)"), 12, 2), "v2.npy");
  CHECK(v2.shape == std::vector<int64_t>{3});
}
