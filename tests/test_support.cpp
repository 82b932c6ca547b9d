#include "test_support.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace latentlab::test {

std::string tempDir(const std::string& name) {
  static std::atomic<int> counter{0};
  fs::path p = fs::path(LATENTLAB_TEST_TMP) / (name + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

RunResult runCommand(const std::string& cmd) {
  std::string errFile = tempDir("stderr") + "/err.txt";
  RunResult r;
  FILE* p = ::popen((cmd + " 2>" + errFile).c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = readText(errFile);
  return r;
}

RunResult runLatentlab(const std::string& args) { return runCommand(std::string(LATENTLAB_BIN) + " " + args); }

void writeText(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
}

std::string readText(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string sourcePath(const std::string& rel) { return std::string(LATENTLAB_SOURCE_DIR) + "/" + rel; }

}  // namespace latentlab::test
