#include "app/widgets/open_external.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>

extern char** environ;

namespace latentlab {

std::string findProgram(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string dir = p.substr(start, end - start);
    if (!dir.empty()) {
      std::string full = dir + "/" + program;
      if (::access(full.c_str(), X_OK) == 0) return full;
    }
    start = end + 1;
  }
  return "";
}

bool openExternal(const std::string& target, std::string* error) {
  std::string prog = findProgram("xdg-open");
  if (prog.empty()) {
    if (error) *error = "xdg-open is not installed (Debian package xdg-utils): open " + target + " by hand";
    return false;
  }
  pid_t pid = 0;
  char* argv[] = {const_cast<char*>(prog.c_str()), const_cast<char*>(target.c_str()), nullptr};
  int rc = posix_spawn(&pid, prog.c_str(), nullptr, nullptr, argv, environ);
  if (rc != 0) {
    if (error) *error = "cannot start xdg-open: " + std::string(std::strerror(rc));
    return false;
  }
  // Reaped in the background so no zombie is left and the UI never waits for it.
  std::thread([pid] {
    int status = 0;
    waitpid(pid, &status, 0);
  }).detach();
  return true;
}

}  // namespace latentlab
