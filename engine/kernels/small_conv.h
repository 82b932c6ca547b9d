// Convolutions and transposed convolutions of one small image (batch 1), for the VAE decoder
// under the cursor (engine/models/conv_vae.cpp): at 7 x 7, 14 x 14 and 28 x 28 LibTorch
// sends these to its im2col / col2im paths, about 190 us for three layers of 3.5 M
// multiply-adds (bench/README.md, "Decode at batch 1"). Here activations are H x W x C
// (channels last) and the weights are packed once, tap-major, so that each output pixel is
// a few vectorised multiply-adds per input channel over all output channels (or, for a layer
// with few output channels, dot products over the input channels). An activation can follow
// in the same pass. CPU, float, inference only; the caller keeps LibTorch for anything else.
#pragma once
#include <torch/types.h>

#include <mutex>
#include <unordered_map>

namespace latentlab {

enum class SmallConvActivation { None, Silu, Sigmoid };

// A layer's weights in the kernel's layout. Conv2d weight: Cout x Cin x k x k; ConvTranspose2d
// weight: Cin x Cout x k x k (LibTorch's layouts). Square kernels, no dilation, no groups,
// no output padding.
struct PackedSmallConv {
  int64_t cin = 0, cout = 0, k = 0, stride = 1, padding = 0;
  bool transposed = false;
  bool wide = false;     // 16, 32, 48 or 64 outputs: vectorised over them (weights k x k x Cin x Cout),
                         // else dot products over the input channels (k x k x Cout x Cin)
  torch::Tensor weight;  // packed, contiguous float
  torch::Tensor bias;    // Cout, zeros when the layer has none
  int64_t outSize(int64_t in) const {
    return transposed ? (in - 1) * stride - 2 * padding + k : (in + 2 * padding - k) / stride + 1;
  }
};

PackedSmallConv packSmallConv(const torch::Tensor& weight, const torch::Tensor& bias, bool transposed, int64_t stride,
                              int64_t padding);

// x: H x W x Cin float, contiguous (one image, channels last). Returns OH x OW x Cout.
torch::Tensor smallConvHwc(const PackedSmallConv& p, const torch::Tensor& x,
                           SmallConvActivation act = SmallConvActivation::None);

// Packed copies of a module's weights, made once and remade when the weight changes (a
// training step) or is replaced. Thread-safe.
class SmallConvCache {
 public:
  PackedSmallConv get(const torch::Tensor& weight, const torch::Tensor& bias, bool transposed, int64_t stride,
                             int64_t padding);

 private:
  struct Entry {
    torch::Tensor source;
    int64_t version = -1;
    PackedSmallConv packed;
  };
  std::mutex m_mutex;
  std::unordered_map<const void*, Entry> m_entries;
};

}  // namespace latentlab
