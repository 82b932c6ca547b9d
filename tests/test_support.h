// Helpers shared by the tests: temporary folders, running the CLI, running Debian's
// python3-torch to produce reference numbers.
#pragma once
#include <string>

namespace latentlab::test {

// A fresh empty folder under the build tree's tests/tmp, unique per call.
std::string tempDir(const std::string& name);

struct RunResult {
  int exitCode = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs a shell command line, capturing stdout and stderr.
RunResult runCommand(const std::string& cmd);
// Runs the latentlab binary with the given arguments (a shell-quoted string).
RunResult runLatentlab(const std::string& args);

// Writes text to a file (tests use it to make fixtures).
void writeText(const std::string& path, const std::string& text);
std::string readText(const std::string& path);

// Absolute path of a file in the source tree, e.g. sourcePath("assets/models/fashion-vae-16").
std::string sourcePath(const std::string& rel);

}  // namespace latentlab::test
