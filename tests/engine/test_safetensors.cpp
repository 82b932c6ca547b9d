// safetensors: round trip, Python interop, and refusal of malformed files.
#include <doctest/doctest.h>
#include <torch/torch.h>

#include "engine/data/safetensors.h"
#include "engine/util/errors.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
// Builds a raw safetensors file from a header string and a data section.
std::string rawFile(const std::string& header, size_t dataBytes) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = char(n >> (8 * i));
  return out + header + std::string(dataBytes, '\0');
}
std::string write(const std::string& name, const std::string& bytes) {
  std::string p = t::tempDir("st") + "/" + name;
  t::writeText(p, bytes);
  return p;
}
}  // namespace

TEST_CASE("tensors of several dtypes round-trip exactly") {
  TensorMap m;
  m["a.weight"] = torch::randn({3, 4});
  m["b"] = torch::arange(10, torch::kInt64);
  m["c"] = torch::tensor({1, 2, 3}, torch::kUInt8);
  m["empty"] = torch::zeros({0, 5});
  std::string p = t::tempDir("st") + "/rt.safetensors";
  writeSafetensors(p, m);
  auto r = readSafetensors(p);
  REQUIRE(r.size() == 4);
  CHECK(torch::equal(r["a.weight"], m["a.weight"]));
  CHECK(torch::equal(r["b"], m["b"]));
  CHECK((r["c"].scalar_type() == torch::kUInt8));
  CHECK((r["empty"].sizes() == m["empty"].sizes()));
}

TEST_CASE("a file written by a plain-Python safetensors writer reads back its values") {
  std::string p = t::tempDir("st-py") + "/py.safetensors";
  // An independent writer of the published format (8-byte LE length, JSON header, data).
  std::string py =
      "import json,struct,numpy as np\n"
      "a=np.arange(6,dtype=np.float32).reshape(2,3)*0.25\n"
      "h=json.dumps({'w':{'dtype':'F32','shape':[2,3],'data_offsets':[0,24]},'__metadata__':{'k':'v'}}).encode()\n"
      "open('" + p + "','wb').write(struct.pack('<Q',len(h))+h+a.tobytes())\n";
  std::string script = t::tempDir("st-py") + "/w.py";
  t::writeText(script, py);
  REQUIRE(t::runCommand(std::string(PYTHON_WITH_TORCH) + " " + script).exitCode == 0);
  auto r = readSafetensors(p);
  REQUIRE(r.count("w"));
  CHECK(r["w"][1][2].item<float>() == doctest::Approx(1.25));
}

TEST_CASE("malformed safetensors are refused with a reason") {
  struct Case {
    const char* name;
    std::string bytes;
    const char* expect;
  };
  std::vector<Case> cases = {
      {"empty", "", "empty"},
      {"short", "abc", "truncated"},
      {"header-longer-than-file", rawFile("{}", 0).replace(0, 1, "\x7f"), "longer than the file"},
      {"out-of-file", rawFile(R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8), "outside"},
      {"overlap",
       rawFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
               12),
       "overlapping"},
      {"duplicate-key",
       rawFile(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})",
               4),
       "duplicate"},
      {"shape-dtype-mismatch", rawFile(R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8), "needs 12"},
      {"bad-dtype", rawFile(R"({"w":{"dtype":"Q7","shape":[1],"data_offsets":[0,1]}})", 1), "not supported"},
      {"not-json", rawFile("{not json", 0), "invalid JSON"},
      {"negative-shape", rawFile(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4), "non-negative"},
      {"float-shape", rawFile(R"({"w":{"dtype":"F32","shape":[2.5],"data_offsets":[0,4]}})", 4), "non-negative"},
      // 2^32 x 2^32 x 4 wraps to 0 elements: the old check passed it with no data and torch
      // was then asked for a 2^66-element tensor.
      {"shape-product-wraps",
       rawFile(R"({"w":{"dtype":"F32","shape":[4294967296,4294967296,4],"data_offsets":[0,0]}})", 0), "too large"},
      {"shape-huge-dimension",
       rawFile(R"({"w":{"dtype":"U8","shape":[0,18446744073709551615],"data_offsets":[0,0]}})", 0), "too large"},
      // b is empty and sorts between a and c, which overlap: neighbour-only checks missed it.
      {"overlap-behind-empty",
       rawFile(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
               R"("c":{"dtype":"F32","shape":[2],"data_offsets":[6,14]}})",
               16),
       "overlapping"},
      {"bool-not-0-or-1", rawFile(R"({"m":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}})", 0) + "\x01\x02",
       "neither 0 nor 1"},
      {"metadata-not-object", rawFile(R"({"__metadata__":5})", 0), "__metadata__ must be an object"},
      {"dtype-not-string", rawFile(R"({"w":{"dtype":5,"shape":[1],"data_offsets":[0,1]}})", 1), "dtype must be a string"},
      {"shape-not-array", rawFile(R"({"w":{"dtype":"U8","shape":1,"data_offsets":[0,1]}})", 1), "shape must be an array"},
      {"offsets-not-pair", rawFile(R"({"w":{"dtype":"U8","shape":[1],"data_offsets":[0]}})", 1), "[begin, end]"},
      {"offsets-reversed", rawFile(R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[1,0]}})", 1), "outside"},
      {"tensor-not-object", rawFile(R"({"w":[1,2]})", 0), "needs dtype, shape and data_offsets"},
      {"header-not-object", rawFile("[1]", 0), "not a JSON object"},
      {"header-nested-too-deep", rawFile(std::string(300, '[') + std::string(300, ']'), 0), "nested deeper"},
      {"header-length-2^63", std::string("\0\0\0\0\0\0\0\x80{}", 10), "longer than the file"},
  };
  for (auto& c : cases) {
    std::string name = c.name;  // CAPTURE shows a const char* as an address
    CAPTURE(name);
    std::string p = write(c.name, c.bytes);
    try {
      readSafetensors(p);
      FAIL("accepted a malformed file");
    } catch (const BadInput& e) {
      std::string msg = e.what();
      CHECK(msg.find(p) != std::string::npos);
      CHECK(msg.find(c.expect) != std::string::npos);
    }
  }
}

TEST_CASE("NaN weights are refused") {
  TensorMap m;
  m["w"] = torch::tensor({1.f, NAN, 2.f});
  std::string p = t::tempDir("st") + "/nan.safetensors";
  writeSafetensors(p, m);
  CHECK_THROWS_WITH_AS(readSafetensors(p), doctest::Contains("NaN"), BadInput);
}
