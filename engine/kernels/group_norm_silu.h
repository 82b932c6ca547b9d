// silu(group_norm(x + bias)) in two passes over the activations, for the UNet's residual
// blocks at inference: LibTorch runs the per-sample embedding add, the group norm and the
// SiLU as three operators, each writing a fresh tensor (bench/README.md, "Batched sampling":
// together a quarter of a batched denoiser step). Here one pass gathers per-channel sums
// (the bias enters the statistics analytically), a second writes the result, in place when
// asked. Anything it does not cover (CUDA, non-float, strided, autograd) runs the LibTorch
// operators unchanged. Never keeps state between calls.
#pragma once
#include <torch/types.h>

namespace latentlab {

// x: N x C x ... (C divisible by groups), contiguous or 4-D channels-last (the UNet's batched
// inference layout, engine/models/unet.cpp; the result keeps x's layout); gamma, beta: C (may be undefined = 1 and 0);
// bias: N x C added to every position of (n, c) before the norm, or undefined.
// inPlace: x may be overwritten with the result (the caller no longer needs it).
torch::Tensor groupNormSilu(const torch::Tensor& x, int64_t groups, const torch::Tensor& gamma,
                            const torch::Tensor& beta, double eps, const torch::Tensor& bias = {}, bool inPlace = false);
// True when groupNormSilu would use the fused kernel for these operands.
bool groupNormSiluApplies(const torch::Tensor& x, const torch::Tensor& gamma, const torch::Tensor& beta,
                          const torch::Tensor& bias);

}  // namespace latentlab
