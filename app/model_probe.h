// The first load of a user's TorchScript model, run in a child process with memory and time
// limits (`latentlab probe FILE --in-process --json`, started from this same binary), so a
// file that crashes LibTorch, eats all memory or never returns costs a message, not the app.
// `info`, `probe` and the window's model loader call runModelProbe() before loading a
// TorchScript model in-process. Torch-free; never throws for what the child does.
#pragma once
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace latentlab {

struct ProbeLimits {
  uint64_t memoryBytes = uint64_t(8) << 30;  // address space of the child (LibTorch maps ~1 GiB)
  double seconds = 120;
};

struct ProbeOutcome {
  bool ran = false;      // false: no probe executable (a test binary), nothing checked
  bool ok = false;
  std::string message;   // why it was refused, one line naming the file
  nlohmann::json report; // what `probe --json` printed (kind, shapes, parameters, ms per call)
};

// A model path that holds TorchScript: a .pt file, or a bundle folder whose model.json names one.
bool holdsTorchScript(const std::string& path);

// The executable to run the probe with: this program when it is `latentlab`, else "" (tests,
// which may set LATENTLAB_BIN's path here). Empty = runModelProbe() does nothing.
void setProbeExecutable(const std::string& path);
std::string probeExecutable();

// Runs `<exe> probe PATH --in-process --json [--image IMAGE]` under the limits; an empty IMAGE
// takes the shape remembered for a bare file (rememberBareImageShape, engine/models/model_file.h).
ProbeOutcome runModelProbe(const std::string& path, const std::string& image = "", const ProbeLimits& limits = {});

}  // namespace latentlab
