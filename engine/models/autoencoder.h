// What the rest of the engine needs from an encoder/decoder, whatever its architecture:
// built-in modules and (later) TorchScript adapters implement this.
#pragma once
#include <torch/types.h>

#include <memory>
#include <utility>

namespace latentlab {

class Autoencoder {
 public:
  virtual ~Autoencoder() = default;
  // x: N x C x H x W in the model's value range -> (mu, logvar), each N x latent...
  virtual std::pair<torch::Tensor, torch::Tensor> encode(const torch::Tensor& x) = 0;
  // z: N x latent... -> images in the model's value range.
  virtual torch::Tensor decode(const torch::Tensor& z) = 0;
  virtual int64_t parameterCount() const = 0;
  // Values in buffers (register_buffer): a TorchScript model may keep its weights there
  // (a PCA basis, running statistics) instead of in parameters. Built-in modules have none.
  virtual int64_t bufferValueCount() const { return 0; }
  virtual void to(torch::Device device) = 0;
};

}  // namespace latentlab
