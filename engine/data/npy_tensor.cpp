#include "engine/data/npy_tensor.h"

#include <torch/torch.h>

#include <cstring>

namespace latentlab {

NpyArray tensorToNpy(const torch::Tensor& t0) {
  torch::Tensor t = t0.detach().to(torch::kCPU);
  NpyArray a;
  if (t.scalar_type() == torch::kUInt8) a.dtype = NpyDtype::UInt8;
  else if (t.is_floating_point()) a.dtype = NpyDtype::Float32, t = t.to(torch::kFloat32);
  else a.dtype = NpyDtype::Int64, t = t.to(torch::kInt64);
  t = t.contiguous();
  a.shape = t.sizes().vec();
  a.data.resize(size_t(t.numel()) * t.element_size());
  if (!a.data.empty()) std::memcpy(a.data.data(), t.data_ptr(), a.data.size());
  return a;
}

void writeTensorNpy(const std::string& path, const torch::Tensor& t) { writeNpy(path, tensorToNpy(t)); }

torch::Tensor npyToTensor(const NpyArray& a) {
  torch::ScalarType st = a.dtype == NpyDtype::Float32 ? torch::kFloat32
                         : a.dtype == NpyDtype::Int64 ? torch::kInt64
                                                      : torch::kUInt8;
  auto t = torch::empty(a.shape, torch::TensorOptions().dtype(st));
  if (!a.data.empty()) std::memcpy(t.data_ptr(), a.data.data(), a.data.size());
  return t;
}

}  // namespace latentlab
