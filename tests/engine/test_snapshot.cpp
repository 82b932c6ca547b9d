// Training snapshots (engine/train/snapshots.h): one folder per epoch, named for its epoch,
// listed in epoch order (numerically: epoch 10 after epoch 9), only the newest K kept, and
// folders that are not snapshots left alone.
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine/train/snapshots.h"
#include "test_support.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {
std::string fakeBundle(const std::string& name) {
  std::string dir = test::tempDir(name);
  test::writeText(dir + "/model.json", R"({"name": "tiny", "kind": "autoencoder"})");
  test::writeText(dir + "/vae.safetensors", "weights");
  return dir;
}
}  // namespace

TEST_CASE("snapshots: one per epoch, the newest K kept, listed in epoch order") {
  std::string dir = fakeBundle("snapshots-keep");
  for (int e = 1; e <= 5; ++e) {
    test::writeText(dir + "/vae.safetensors", "weights of epoch " + std::to_string(e));
    writeSnapshot(dir, e, 3);
  }
  auto s = listSnapshots(dir);
  REQUIRE(s.size() == 3);
  CHECK(s[0].epoch == 3);
  CHECK(s[1].epoch == 4);
  CHECK(s[2].epoch == 5);
  CHECK(test::readText(s[0].dir + "/vae.safetensors") == "weights of epoch 3");
  CHECK(test::readText(s[2].dir + "/vae.safetensors") == "weights of epoch 5");
  auto j = nlohmann::json::parse(test::readText(s[1].dir + "/model.json"));
  CHECK(j["name"] == "tiny, epoch 4");
  CHECK(j["kind"] == "autoencoder");
  CHECK_FALSE(fs::exists(dir + "/snapshots/epoch-0002"));
}

TEST_CASE("snapshots: numeric order whatever the order of writing; other folders are not snapshots") {
  std::string dir = fakeBundle("snapshots-order");
  for (int e : {10, 2, 9}) writeSnapshot(dir, e, 100);
  fs::create_directories(dir + "/snapshots/epoch-x");
  fs::create_directories(dir + "/snapshots/epoch-0007");  // no model.json: not a snapshot
  fs::create_directories(dir + "/snapshots/notes");
  auto s = listSnapshots(dir);
  REQUIRE(s.size() == 3);
  CHECK(s[0].epoch == 2);
  CHECK(s[1].epoch == 9);
  CHECK(s[2].epoch == 10);
  CHECK(fs::exists(dir + "/snapshots/notes"));
  CHECK(listSnapshots(test::tempDir("snapshots-none")).empty());
}
