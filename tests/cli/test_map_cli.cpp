// `latentlab map`: every projection writes an N x 2 float32 layout in data order (labels and
// PNG when asked), the same seed repeats it byte for byte, bad input exits 3 with one line,
// usage errors exit 2.
#include <doctest/doctest.h>

#include <filesystem>

#include "engine/data/npy.h"
#include "test_support.h"

using namespace latentlab;
namespace t = latentlab::test;

namespace {
const std::string kModel = "--model " + t::sourcePath("assets/models/fashion-vae-16") + " --data fashion-mnist:test";
int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}
}  // namespace

TEST_CASE("map writes N x 2 float32 layouts, labels and a PNG; a seed repeats the layout") {
  std::string dir = t::tempDir("map_cli");
  for (const char* p : {"pca", "umap", "tsne"}) {
    CAPTURE(p);
    std::string out = dir + "/" + p + ".npy";
    auto r = t::runLatentlab("map " + kModel + " --limit 300 --epochs 60 --perplexity 20 --projection " +
                             std::string(p) + " -o " + out + " --labels " + dir + "/labels.npy --png " + dir + "/" + p +
                             ".png");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    NpyArray a = readNpy(out);
    CHECK(a.dtype == NpyDtype::Float32);
    CHECK(a.shape == std::vector<int64_t>{300, 2});
    NpyArray l = readNpy(dir + "/labels.npy");
    CHECK(l.shape == std::vector<int64_t>{300});
    CHECK(std::filesystem::file_size(dir + "/" + p + ".png") > 1000);
  }
  auto again = t::runLatentlab("map " + kModel + " --limit 300 --epochs 60 --projection umap -o " + dir + "/again.npy");
  REQUIRE(again.exitCode == 0);
  CHECK(t::readText(dir + "/again.npy") == t::readText(dir + "/umap.npy"));
  auto other = t::runLatentlab("map " + kModel + " --limit 300 --epochs 60 --projection umap --seed 2 -o " + dir + "/other.npy");
  REQUIRE(other.exitCode == 0);
  CHECK(t::readText(dir + "/other.npy") != t::readText(dir + "/umap.npy"));
}

TEST_CASE("map: bad input exits 3 with one line, usage errors exit 2") {
  std::string dir = t::tempDir("map_cli_errors");
  auto unknown = t::runLatentlab("map " + kModel + " --limit 50 --projection isomap -o " + dir + "/a.npy");
  CHECK(unknown.exitCode == 3);
  CHECK(lines(unknown.err) == 1);
  CHECK(unknown.err.find("tsne") != std::string::npos);  // says what would work
  auto perplexity = t::runLatentlab("map " + kModel + " --limit 30 --projection tsne --perplexity 40 -o " + dir + "/b.npy");
  CHECK(perplexity.exitCode == 3);
  CHECK(lines(perplexity.err) == 1);
  CHECK(perplexity.err.find("perplexity") != std::string::npos);
  auto model = t::runLatentlab("map --model " + dir + "/nope --projection pca -o " + dir + "/c.npy");
  CHECK(model.exitCode == 3);
  CHECK(lines(model.err) == 1);
  auto noOut = t::runLatentlab("map " + kModel + " --projection pca");
  CHECK(noOut.exitCode == 2);
  auto badNeighbors = t::runLatentlab("map " + kModel + " --projection umap --neighbors 1 -o " + dir + "/d.npy");
  CHECK(badNeighbors.exitCode == 2);
  CHECK_FALSE(std::filesystem::exists(dir + "/a.npy"));
}
