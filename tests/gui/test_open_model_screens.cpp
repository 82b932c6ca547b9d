// A bare TorchScript file in the real window under Xvfb (issue 11): given with --model alone,
// the window shows the image-shape dialog and waits (the screenshot has it, inside the
// window); with --image and data resized by "@CxHxW" it opens and maps every item; a bad
// --image is one line, exit 3. The model is made at test time by Debian's python3-torch
// (tools/export/example_models.py).
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_support.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

const std::string& fixtures() {
  static const std::string dir = [] {
    std::string d = test::tempDir("open_model_screens");
    auto r = test::runCommand(std::string(PYTHON_WITH_TORCH) + " " +
                              test::sourcePath("tools/export/example_models.py") + " " + d + " bare");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    r = test::runCommand(std::string(PYTHON_WITH_TORCH) + " -c \"import numpy as np; np.save('" + d +
                         "/grey.npy', np.random.default_rng(2).integers(0, 256, (40, 28, 28), dtype=np.uint8))\"");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    return d;
  }();
  return dir;
}

test::RunResult shot(const std::string& args, const std::string& png) {
  return test::runCommand("xvfb-run -a -s \"-screen 0 1280x800x24\" " + std::string(LATENTLAB_BIN) + " " + args +
                          " --device cpu --size 1280 800 --screenshot " + png);
}

}  // namespace

TEST_CASE("a bare .pt given alone: the window asks for its image shape and waits") {
  std::string png = fixtures() + "/ask.png";
  auto r = shot("--model " + fixtures() + "/bare.pt", png);
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  REQUIRE(fs::exists(png));
  auto side = nlohmann::json::parse(test::readText(png + ".json"));
  REQUIRE(side.contains("open-model/shape-dialog"));
  auto d = side["open-model/shape-dialog"];
  CHECK(d[0].get<double>() > 0);  // inside the window, not off-screen
  CHECK(d[1].get<double>() > 0);
  CHECK(d[0].get<double>() + d[2].get<double>() < 1280);
  CHECK(d[1].get<double>() + d[3].get<double>() < 800);
  CHECK(side["points"] == 0);  // nothing opened behind the user's back
  CHECK(side["messages"].empty());
}

TEST_CASE("a bare .pt with --image on data resized to its shape opens and maps every item") {
  std::string png = fixtures() + "/open.png";
  auto r = shot("--model " + fixtures() + "/bare.pt --image 3x32x32 --data npy:" + fixtures() + "/grey.npy@3x32x32", png);
  REQUIRE_MESSAGE(r.exitCode == 0, r.err);
  auto side = nlohmann::json::parse(test::readText(png + ".json"));
  CHECK(!side.contains("open-model/shape-dialog"));
  CHECK(side["model"] == fixtures() + "/bare.pt");
  CHECK(side["points"] == 40);
  CHECK(side["cursor_latent"].size() == 5);  // the fixture's latent, found by encode
  CHECK(side.contains("decoded"));

  // Refused before a window opens: no X server needed.
  r = test::runLatentlab("--model " + fixtures() + "/bare.pt --image 3x32 --screenshot " + fixtures() + "/bad.png");
  CHECK(r.exitCode == 3);
  CHECK(r.err == "latentlab: --image: \"3x32\" is not an image shape; expected CxHxW, e.g. 3x32x32\n");
  CHECK(!fs::exists(fixtures() + "/bad.png"));
}
