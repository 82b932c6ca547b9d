// Pieces shared by the `latentlab bench` files: options, timing helpers, the diffusion
// bench (app/cli/cmd_bench_diffusion.cpp) and the PyTorch side-by-side
// (app/cli/cmd_bench_python.cpp). Never asserts a speed: it measures and reports.
#pragma once
#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/cli_common.h"
#include "engine/models/bundle.h"

namespace latentlab::cli {

struct BenchOptions {
  std::string model;
  bool json = false;
  int repeats = 300;            // decode repetitions (autoencoders), step repetitions / 6 (diffusion)
  std::vector<int> batches;     // diffusion: per-image step cost at these batch sizes
  std::vector<int64_t> chunkElements;  // diffusion scan: micro-batch sizes to compare (0 = uncut)
  std::vector<std::string> unetLayouts;  // diffusion scan: UNet inference layouts to compare (auto, first, last)
  int encodeCount = 10000;      // test images encoded (a tiny count keeps `bench --json` tests fast)
  bool python = true;           // run bench/python_reference.py and report *_python_ratio fields
  EngineOptions engine;
};

double percentile(std::vector<double> v, double p);
double msSince(std::chrono::steady_clock::time_point t0);

int benchDiffusion(std::shared_ptr<ModelBundle> b, const BenchOptions& o);

// Runs bench/python_reference.py on the same bundle and settings; returns its JSON, or a
// JSON object {"error": "..."} when Python with torch is not there (the engine figures
// are still reported; the *_python_ratio fields are then left out).
nlohmann::json runPythonReference(const BenchOptions& o, const std::string& kind);
// For every engine figure with a counterpart in `py`: `<key>_python` (PyTorch's value) and
// `<key>_python_ratio` (PyTorch time / engine time: > 1 means the engine is faster).
void addPythonRatios(nlohmann::json& engine, const nlohmann::json& py, const std::vector<std::string>& keys);

}  // namespace latentlab::cli
