// What Help > About shows: the LatentLab version, LibTorch and Dear ImGui versions, which
// BLAS the process really loaded (OpenBLAS or the slow reference one: read from
// /proc/self/maps, else from Debian's libblas.so.3 alternative), the device and threads.
// Collected on demand; never changes engine settings.
#pragma once
#include <string>

#ifndef LATENTLAB_VERSION
#define LATENTLAB_VERSION "0.1.0"
#endif

namespace latentlab {

struct AboutInfo {
  std::string version = LATENTLAB_VERSION;
  std::string torchVersion;  // e.g. "1.13.0"
  std::string imguiVersion;
  std::string blas;          // e.g. "OpenBLAS (openblas-openmp) /usr/lib/.../libblas.so.3"
  std::string device;        // the request and what it means here: "auto -> cpu (no CUDA)"
  int torchThreads = 0;      // LibTorch intra-op threads
  int cores = 0;
  int engineWorkers = 0;     // the app's worker threads (filled in by the caller)
  std::string labelFont;     // the font exported pictures are labelled with, or why there is none

  // "Key: value" lines, for the window and for Copy (bug reports).
  std::string text() const;
};

// `deviceRequest`: AppState::device ("auto", "cpu", "cuda").
AboutInfo collectAbout(const std::string& deviceRequest, int engineWorkers);

// Which BLAS a library path is: "OpenBLAS (openblas-pthread)", "reference BLAS (netlib)",
// "BLIS", "ATLAS", "MKL", or "" when the path is no BLAS.
std::string blasKind(const std::string& path);
// The BLAS libraries mapped in a /proc/<pid>/maps text, described and joined with "; ".
std::string blasFromMaps(const std::string& mapsText);

}  // namespace latentlab
