// torch::cat({a, b}, 1) for two 4-D channels-last tensors (the UNet's skip connections in its
// batched inference layout): per position, a's channels then b's, two short copies. LibTorch
// 1.13 concatenates channels-last tensors along the channel dimension element by element
// through its strided path. Any other operands (channels-first, CUDA, autograd, different
// dtypes or sizes) go to torch::cat unchanged. Never keeps state between calls.
#pragma once
#include <torch/types.h>

namespace latentlab {

// True when catChannels() would use the copy loop for these operands.
bool catChannelsApplies(const torch::Tensor& a, const torch::Tensor& b);
// N x (Ca + Cb) x H x W, channels-last when the loop applies; torch::cat(..., 1) otherwise.
torch::Tensor catChannels(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace latentlab
