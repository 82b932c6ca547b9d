// Bad input at start-up with --screenshot: one line on stderr naming what is wrong, exit 3,
// no picture, never a crash (a manifest with a number for "description" used to end in
// std::terminate). Without --screenshot the window opens instead (tests/gui/test_soak.cpp
// starts on a broken bundle and checks the window).
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_support.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {
test::RunResult shot(const std::string& args, const std::string& png) {
  return test::runCommand("xvfb-run -a -s \"-screen 0 1280x800x24\" " + std::string(LATENTLAB_BIN) + " " + args +
                          " --device cpu --screenshot " + png);
}
int lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}
}  // namespace

TEST_CASE("--screenshot with a bad model or manifest exits 3 with one line, and writes nothing") {
  std::string dir = test::tempDir("startup-errors");
  std::string bad = dir + "/described";
  fs::copy(test::sourcePath("assets/models/fashion-vae-2"), bad, fs::copy_options::recursive);
  auto m = nlohmann::json::parse(test::readText(bad + "/model.json"));
  m["description"] = 5;
  test::writeText(bad + "/model.json", m.dump(2));

  auto r = shot("--model " + bad, dir + "/a.png");
  CHECK(r.exitCode == 3);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.rfind("latentlab: ", 0) == 0);
  CHECK(r.err.find("description") != std::string::npos);
  CHECK(!fs::exists(dir + "/a.png"));

  r = shot("--model " + dir + "/nowhere", dir + "/b.png");
  CHECK(r.exitCode == 3);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.find("nowhere") != std::string::npos);
  CHECK(!fs::exists(dir + "/b.png"));

  // Weights that fail only when loaded (after the window opened): still exit 3, one line.
  std::string cut = dir + "/cut";
  fs::copy(test::sourcePath("assets/models/fashion-vae-2"), cut, fs::copy_options::recursive);
  for (auto& f : fs::directory_iterator(cut))
    if (f.path().extension() == ".safetensors") fs::resize_file(f.path(), fs::file_size(f.path()) / 2);
  r = shot("--model " + cut, dir + "/c.png");
  CHECK(r.exitCode == 3);
  CHECK(lines(r.err) == 1);
  CHECK(r.err.find("safetensors") != std::string::npos);
  CHECK(!fs::exists(dir + "/c.png"));
}
