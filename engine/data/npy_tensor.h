// Tensor <-> NPY conversion (float32 / int64 / uint8 CPU tensors).
#pragma once
#include <torch/types.h>

#include <string>

#include "engine/data/npy.h"

namespace latentlab {

NpyArray tensorToNpy(const torch::Tensor& t);  // float -> float32, integer -> int64, uint8 stays
void writeTensorNpy(const std::string& path, const torch::Tensor& t);  // atomic
torch::Tensor npyToTensor(const NpyArray& a);

}  // namespace latentlab
