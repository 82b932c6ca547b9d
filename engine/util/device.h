// Device choice and thread setup. CUDA when the linked LibTorch has it (and "auto"/"cuda"
// asks for it), else CPU. Intra-op threads are set explicitly: LibTorch's default here is
// half the cores, and a sleeping multi-thread OpenMP pool hurts interactive frame pacing.
#pragma once
#include <torch/types.h>

#include <string>

namespace latentlab {

torch::Device pickDevice(const std::string& request);  // auto | cpu | cuda; throws UsageError
int defaultEngineThreads();                            // cores - 1, at least 1
void setEngineThreads(int n);
std::string blasDescription();  // which libblas.so.3 the process uses (read from /proc/self/maps)

}  // namespace latentlab
