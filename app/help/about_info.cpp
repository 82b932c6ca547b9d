#include "app/help/about_info.h"

#include "app/export/text_raster.h"

#include <imgui.h>
#include <torch/cuda.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

namespace latentlab {

std::string blasKind(const std::string& path) {
  std::string file = std::filesystem::path(path).filename().string();
  bool blasFile = file.find("blas") != std::string::npos || file.find("libmkl") != std::string::npos;
  if (!blasFile) return "";
  std::string folder = std::filesystem::path(path).parent_path().filename().string();
  if (path.find("openblas") != std::string::npos) {
    // Debian keeps the OpenBLAS variants in folders named after their threading.
    return folder.find("openblas") != std::string::npos ? "OpenBLAS (" + folder + ")" : "OpenBLAS";
  }
  if (path.find("blis") != std::string::npos) return "BLIS";
  if (path.find("atlas") != std::string::npos) return "ATLAS";
  if (path.find("mkl") != std::string::npos) return "MKL";
  if (file.rfind("libblas.so", 0) == 0 || file.rfind("libcblas.so", 0) == 0)
    return "reference BLAS (netlib, slow: install libopenblas0)";
  return "";
}

std::string blasFromMaps(const std::string& mapsText) {
  std::istringstream in(mapsText);
  std::string line, out;
  std::set<std::string> seen;
  while (std::getline(in, line)) {
    auto pos = line.find('/');
    if (pos == std::string::npos) continue;
    std::string path = line.substr(pos);
    std::string kind = blasKind(path);
    if (kind.empty() || !seen.insert(path).second) continue;
    out += (out.empty() ? "" : "; ") + kind + " " + path;
  }
  return out;
}

std::string AboutInfo::text() const {
  std::ostringstream s;
  s << "LatentLab: " << version << "\n"
    << "LibTorch: " << torchVersion << "\n"
    << "Dear ImGui: " << imguiVersion << "\n"
    << "BLAS: " << blas << "\n"
    << "Device: " << device << "\n"
    << "Threads: " << torchThreads << " LibTorch intra-op, " << engineWorkers << " engine workers, " << cores
    << " CPU cores\n"
    << "Export labels: " << labelFont << "\n";
  return s.str();
}

AboutInfo collectAbout(const std::string& deviceRequest, int engineWorkers) {
  AboutInfo a;
  a.torchVersion = TORCH_VERSION;
  a.imguiVersion = ImGui::GetVersion();
  std::ifstream maps("/proc/self/maps");
  std::stringstream buf;
  buf << maps.rdbuf();
  a.blas = blasFromMaps(buf.str());
  if (a.blas.empty()) {
    // Not loaded yet (or not readable): what Debian would load, from the alternatives link.
    std::error_code ec;
    auto target = std::filesystem::canonical("/etc/alternatives/libblas.so.3-x86_64-linux-gnu", ec);
    a.blas = ec ? "unknown" : blasKind(target.string()) + " " + target.string() + " (not loaded yet)";
  }
  bool cuda = torch::cuda::is_available();
  std::string req = deviceRequest.empty() ? "auto" : deviceRequest;
  std::string used = req == "cpu" ? "cpu" : cuda ? "cuda (" + std::to_string(torch::cuda::device_count()) + " GPU)" : "cpu";
  a.device = req + " -> " + used + (cuda ? "" : " (this LibTorch sees no CUDA device)");
  a.torchThreads = torch::get_num_threads();
  a.cores = int(std::thread::hardware_concurrency());
  a.engineWorkers = engineWorkers;
  const TextRaster& font = defaultTextRaster();
  a.labelFont = font.ok() ? TextRaster::kDefaultFont : font.error();
  return a;
}

}  // namespace latentlab
