#include "app/model_probe.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/models/manifest.h"
#include "engine/models/model_file.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace {

std::mutex g_exeMutex;
std::optional<std::string> g_exe;

std::string defaultExecutable() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec || self.filename() != "latentlab") return "";
  return self.string();
}

std::string lastLine(const std::string& s) {
  size_t end = s.find_last_not_of("\n ");
  if (end == std::string::npos) return "";
  size_t start = s.rfind('\n', end);
  return s.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

std::string gib(uint64_t b) { return std::to_string(b >> 30) + " GiB"; }

}  // namespace

bool holdsTorchScript(const std::string& path) {
  if (isModelFile(path)) return true;
  try {
    Manifest m = readManifest(path);
    for (const auto* n : {&m.autoencoder, &m.denoiser, &m.generator})
      if (*n && !(*n)->torchscript.empty()) return true;
  } catch (const std::exception&) {
  }
  return false;
}

void setProbeExecutable(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_exeMutex);
  g_exe = path;
}

std::string probeExecutable() {
  std::lock_guard<std::mutex> lock(g_exeMutex);
  if (!g_exe) g_exe = defaultExecutable();
  return *g_exe;
}

ProbeOutcome runModelProbe(const std::string& path, const std::string& image, const ProbeLimits& limits) {
  ProbeOutcome out;
  std::string exe = probeExecutable();
  if (exe.empty()) return out;
  out.ran = true;
  std::vector<std::string> args = {exe, "probe", path, "--in-process", "--json"};
  std::string shape = image;
  if (auto given = rememberedBareImageShape(path); shape.empty() && given)  // a bare file the window asked about
    shape = std::to_string(given->channels) + "x" + std::to_string(given->height) + "x" + std::to_string(given->width);
  if (!shape.empty()) args.insert(args.end(), {"--image", shape});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    out.message = path + ": cannot start the model probe (" + std::strerror(errno) + ")";
    return out;
  }
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]), close(fds[1]);
    out.message = path + ": cannot start the model probe (" + std::strerror(errno) + ")";
    return out;
  }
  if (pid == 0) {
    // The child: only async-signal-safe calls until exec (the parent may have threads).
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    struct rlimit mem = {rlim_t(limits.memoryBytes), rlim_t(limits.memoryBytes)};
    setrlimit(RLIMIT_AS, &mem);
    struct rlimit core = {0, 0};
    setrlimit(RLIMIT_CORE, &core);  // a crash is reported, not dumped
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(fds[1]);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(limits.seconds);
  int status = 0;
  bool done = false, timedOut = false;
  while (!done) {
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0)
      if (text.size() < (1u << 20)) text.append(buf, size_t(n));
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) {
      done = true;
    } else if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      done = timedOut = true;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) text.append(buf, size_t(n));
  close(fds[0]);

  if (timedOut) {
    out.message = path + ": refused: loading and running the model took longer than " +
                  std::to_string(int(limits.seconds)) + " s";
  } else if (WIFSIGNALED(status)) {
    out.message = path + ": refused: the model crashed LibTorch while loading or running (signal " +
                  std::to_string(WTERMSIG(status)) + ", " + strsignal(WTERMSIG(status)) + ")";
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
    out.ran = false;  // a usage error: this executable has no `probe` (an older binary); not checked
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    try {
      out.report = nlohmann::json::parse(text);
      out.ok = true;
    } catch (const std::exception&) {
      out.message = path + ": the model probe printed no report";
    }
  } else {
    std::string line = lastLine(text);
    const std::string prefix = "latentlab: ";
    if (line.compare(0, prefix.size(), prefix) == 0) line = line.substr(prefix.size());
    if (line.find("bad_alloc") != std::string::npos || line.find("memory") != std::string::npos)
      line = path + ": refused: the model needs more than " + gib(limits.memoryBytes) + " of memory (" + line + ")";
    out.message = line.empty() ? path + ": the model probe failed (exit " + std::to_string(WEXITSTATUS(status)) + ")"
                               : line;
  }
  return out;
}

}  // namespace latentlab
