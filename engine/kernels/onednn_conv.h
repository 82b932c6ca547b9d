// Channels-last convolutions of the UNet's CPU inference path, run by oneDNN directly
// instead of through LibTorch's convolution. LibTorch 1.13 sends the same call to the same
// oneDNN kernel (brgconv), but around it re-creates descriptors, looks the primitive up by
// hashing its key and reorders the weights into the kernel's blocked layout on every call:
// measured per guided step of fashion-ddpm, that wrapper cost about 0.7 ms per row at
// batch 1 and 0.2 ms per row in micro-batches, on top of 1.2 ms of convolution per row
// (bench/README.md, "Session 6"). Here the primitive and the reordered weights are made once
// per layer and input shape, and a call is one execute().
//
// Same kernels, so the same numbers as LibTorch (tested to 1e-5 in
// tests/engine/test_kernel_onednn_conv.cpp). Built only where Debian's libdnnl-dev is found
// (LATENTLAB_HAVE_ONEDNN); elsewhere, and for anything the cache does not cover (CUDA,
// doubles, autograd, groups, dilation, other layouts), the caller keeps LibTorch.
#pragma once
#include <torch/types.h>

#include <memory>

namespace latentlab {

// False when built without oneDNN, or when LATENTLAB_ONEDNN_CONV=0 in the environment (for
// benchmarks comparing both paths in one binary).
bool onednnConvEnabled();
void setOnednnConvEnabled(bool on);  // process-wide; for benchmarks and tests

// True when OnednnConvCache::run() takes this call: float CPU tensors, x channels-last
// contiguous N x Cin x H x W, weight Cout x Cin x k x k, no autograd wanted.
bool onednnConvApplies(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

// Primitives and packed weights per layer (keyed by its weight tensor) and input shape;
// remade when the weight or bias changes (a training step in between) or is replaced.
// Thread-safe: calls from several threads run concurrently (each brings its own scratch).
class OnednnConvCache {
 public:
  OnednnConvCache();
  ~OnednnConvCache();
  // y = conv2d(x, weight, bias, stride, padding), channels-last. Only when onednnConvApplies().
  torch::Tensor run(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias, int64_t stride,
                    int64_t padding);

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace latentlab
