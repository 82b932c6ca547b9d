// libFuzzer target: session file bytes -> loadSession (app/session.cpp). A loaded session
// saved again must load with no warnings: everything loadSession accepts is a valid state.
// Only reads app/session.*; a crash found here is reported to its owner.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "app/session.h"
#include "engine/util/json_strict.h"
#include "fuzz_check.h"

using namespace latentlab;

namespace {
// One file per process, named after the input tag so refusals name it; in memory (tmpfs)
// where there is one, since a disk write per input makes the target 100x slower.
const std::string& inputPath() {
  static const std::string path = [] {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : tmp && *tmp ? tmp : "/tmp";
    return dir + "/" + fuzz::kWhere + "-" + std::to_string(::getpid()) + ".json";
  }();
  static const bool cleanup = [] { return std::atexit([] { std::remove(path.c_str()); }) == 0; }();
  (void)cleanup;
  return path;
}

void writeInput(const std::string& path, const uint8_t* data, size_t size) {
  // Plain write, no fsync: this runs thousands of times a second.
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(data, 1, size, f) != size) fuzz::broken("cannot write the input file");
  std::fclose(f);
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  writeInput(inputPath(), data, size);
  AppState state;
  try {
    loadSession(inputPath(), state);
  } catch (const BadInput& e) {
    fuzz::checkRefusal(e);
    return 0;
  }
  // What saveSession writes (without its fsync, too slow here), read back as loadSession does.
  AppState reloaded;
  std::vector<std::string> warnings;
  try {
    warnings = sessionFromJson(parseJsonStrict(sessionToJson(state).dump(2), "saved session"), reloaded);
  } catch (const BadInput& e) {
    std::fprintf(stderr, "%s\n", e.what());
    fuzz::broken("a saved session does not load");
  }
  for (auto& w : warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (!warnings.empty()) fuzz::broken("a saved session loads with warnings");
  return 0;
}
