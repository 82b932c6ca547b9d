// `latentlab lesson` exit codes without a window: a step past the last is a usage error (2)
// naming the step count; a broken lesson file is one line naming the file and the field (3);
// a missing file is 3; --all-steps without --screenshot is 2. None of these opens a window.
#include <doctest/doctest.h>

#include <algorithm>

#include "test_support.h"

namespace t = latentlab::test;

namespace {
int lineCount(const std::string& s) { return int(std::count(s.begin(), s.end(), '\n')); }
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("lesson: --step past the last step is a usage error") {
  std::string lesson = t::sourcePath("assets/lessons/01-latent-space.json");
  auto r = t::runLatentlab("lesson " + lesson + " --step 99 --screenshot /nonexistent/x.png");
  CHECK(r.exitCode == 2);
  CHECK(lineCount(r.err) == 1);
  CHECK(has(r.err, "--step 99"));
  CHECK(has(r.err, "has 11 steps"));
  auto zero = t::runLatentlab("lesson " + lesson + " --step 0");
  CHECK(zero.exitCode == 2);
  auto all = t::runLatentlab("lesson " + lesson + " --all-steps");
  CHECK(all.exitCode == 2);
  CHECK(has(all.err, "--all-steps needs --screenshot"));
}

TEST_CASE("lesson: a broken file is one line naming the file and the field, exit 3") {
  std::string dir = t::tempDir("lesson-cli");
  t::writeText(dir + "/bad.json", R"({"format": "latentlab-lesson/1", "title": "x", "model": "m",
    "steps": [{"title": "a", "text": "b"}, {"title": "c", "text": "d", "diffusion": {"samplr": "ddim"}}]})");
  auto r = t::runLatentlab("lesson " + dir + "/bad.json --screenshot " + dir + "/x.png");
  CHECK(r.exitCode == 3);
  CHECK(lineCount(r.err) == 1);
  CHECK(has(r.err, dir + "/bad.json: steps[1].diffusion.samplr: unknown field"));
  auto missing = t::runLatentlab("lesson " + dir + "/none.json");
  CHECK(missing.exitCode == 3);
  CHECK(lineCount(missing.err) == 1);
  CHECK(has(missing.err, "none.json"));
}
