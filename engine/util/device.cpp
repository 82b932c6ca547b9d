#include "engine/util/device.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <fstream>
#include <thread>

#include "engine/util/errors.h"

namespace latentlab {

torch::Device pickDevice(const std::string& request) {
  if (request == "cpu") return torch::kCPU;
  bool cuda = torch::cuda::is_available();
  if (request == "cuda") {
    if (!cuda) throw UsageError("--device cuda: this LibTorch build has no usable CUDA device");
    return torch::kCUDA;
  }
  if (request == "auto" || request.empty()) return cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  throw UsageError("--device must be auto, cpu or cuda (got \"" + request + "\")");
}

int defaultEngineThreads() {
  int cores = int(std::thread::hardware_concurrency());
  return std::max(1, cores - 1);
}

void setEngineThreads(int n) {
  torch::set_num_threads(std::max(1, n));
}

std::string blasDescription() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    auto pos = line.find('/');
    if (pos == std::string::npos) continue;
    std::string path = line.substr(pos);
    if (path.find("libblas") != std::string::npos || path.find("libopenblas") != std::string::npos)
      return path;
  }
  return "unknown";
}

}  // namespace latentlab
