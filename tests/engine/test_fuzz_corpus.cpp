// Every file of the fuzz corpus (tests/fuzz/corpus/<target>/) through the real readers:
// seeds, written by independent writers (numpy, PIL, plain struct packing, our bundles),
// must be accepted; crash-* files, inputs the fuzzers found, and bad-* files, hand-made
// broken inputs, must be refused with a BadInput naming the file. A new crash file is covered here without editing this test.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <map>

#include "engine/data/idx.h"
#include "engine/data/image_io.h"
#include "engine/models/torchscript_archive.h"
#include "engine/data/npy.h"
#include "engine/data/safetensors.h"
#include "engine/models/manifest.h"
#include "engine/util/errors.h"
#include "engine/util/json_strict.h"
#include "test_support.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {
// Sessions are an app format (tests/app/test_session.cpp); the other targets read here.
const std::map<std::string, std::function<void(const std::string&)>>& readers() {
  static const std::map<std::string, std::function<void(const std::string&)>> r = {
      {"idx", [](const std::string& p) { (void)readIdx(p); }},
      {"npy", [](const std::string& p) { (void)readNpy(p); }},
      {"safetensors", [](const std::string& p) { (void)readSafetensors(p); }},
      {"manifest", [](const std::string& p) { (void)parseManifest(readJsonFile(p), p); }},
      {"image", [](const std::string& p) { (void)loadImageFile(p); }},
      {"torchscript_archive", [](const std::string& p) { (void)scanTorchScriptArchive(p); }},
  };
  return r;
}
}  // namespace

TEST_CASE("fuzz corpus: seeds are read, crash files are refused with a message naming them") {
  int seeds = 0, crashes = 0;
  for (auto& [target, read] : readers()) {
    fs::path dir = latentlab::test::sourcePath("tests/fuzz/corpus/" + target);
    REQUIRE_MESSAGE(fs::is_directory(dir), dir.string());
    for (auto& entry : fs::directory_iterator(dir)) {
      std::string path = entry.path().string();
      CAPTURE(path);
      // crash-*: inputs a fuzzer crashed on; bad-*: hand-made inputs a reader must refuse.
      std::string name = entry.path().filename().string();
      if (name.rfind("crash-", 0) == 0 || name.rfind("bad-", 0) == 0) {
        ++crashes;
        try {
          read(path);
          FAIL("accepted a crash file");
        } catch (const BadInput& e) {
          CHECK_MESSAGE(std::string(e.what()).find(path) != std::string::npos, e.what());
        }
      } else {
        ++seeds;
        CHECK_NOTHROW(read(path));
      }
    }
  }
  CHECK(seeds >= 20);
  CHECK(crashes >= 2);
}
