// y = x W^T + b for a handful of rows of x (a latent decoded under the cursor): a
// matrix-vector product that reads each weight once, at the memory system's speed.
// LibTorch's addmm treats one row as a general GEMM and ran the 512 x 3136 layer of
// fashion-vae-16 at ~10 GB/s of weights where a plain read of them runs at ~24 GB/s
// (bench/README.md, "Decode at batch 1"). Anything the kernel does not cover (more rows,
// CUDA or non-float tensors, autograd wanting a graph) goes to torch::linear unchanged.
// Never allocates more than its output; never called on the GUI thread (it is engine work).
#pragma once
#include <torch/types.h>

namespace latentlab {

constexpr int64_t kSmallLinearMaxRows = 4;

// True when smallLinear() would use the kernel for these operands.
bool smallLinearApplies(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);
// The layer's output: the kernel when it applies, torch::linear otherwise. bias may be undefined.
torch::Tensor smallLinear(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);

// The raw kernel (exposed for tests): out[r][o] = bias[o] + sum_i w[o][i] x[r][i], for
// rows r < rows <= kSmallLinearMaxRows; w row-major out x in; bias may be null.
void smallLinearKernel(const float* x, int64_t rows, const float* w, const float* bias, int64_t in, int64_t out,
                       float* y);

}  // namespace latentlab
