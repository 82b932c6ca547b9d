// Image <-> tensor conversion: HWC uint8 <-> NCHW float in a model's value range.
#pragma once
#include <torch/types.h>

#include <vector>

#include "engine/data/dataset.h"
#include "engine/data/image.h"

namespace latentlab {

// Images [begin, end) of the data set as N x C x H x W float in [lo, hi].
torch::Tensor datasetToTensor(const Dataset& d, int64_t begin, int64_t end, float lo = 0.f, float hi = 1.f);
torch::Tensor imagesToTensor(const std::vector<Image>& images, float lo = 0.f, float hi = 1.f);
// N x C x H x W in [lo, hi] (clamped) -> N images.
std::vector<Image> tensorToImages(const torch::Tensor& t, float lo = 0.f, float hi = 1.f);

// Throws BadInput(what + ...) when the tensor holds NaN or Inf.
void checkFinite(const torch::Tensor& t, const std::string& what);

}  // namespace latentlab
