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
