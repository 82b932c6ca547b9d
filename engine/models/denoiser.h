// What a sampler needs from a diffusion network, whatever its architecture: built-in
// modules (unet, latent-mlp) and, later, TorchScript adapters implement this.
// forward() must not keep state between calls: samplers may call it in any order.
#pragma once
#include <torch/types.h>

namespace latentlab {

class Denoiser {
 public:
  virtual ~Denoiser() = default;
  // x_t: N x sample shape; t: N float timesteps in training units [0, num_train_timesteps);
  // classes: N int64 labels in 0..numClasses() where numClasses() is the null (unconditional)
  // class, or an undefined tensor for unconditional models. Returns the model output
  // (epsilon, v or x0 per the schedule's prediction_type), shaped like x_t.
  virtual torch::Tensor forward(const torch::Tensor& xt, const torch::Tensor& t, const torch::Tensor& classes) = 0;
  // Both halves of classifier-free guidance in one call: rows [0, n) are x_t with `classes`,
  // rows [n, 2n) the same x_t with the null class. A network may share the work that does
  // not depend on the class between the halves (the UNet does); the default is one plain
  // call on the doubled batch. t: n timesteps.
  virtual torch::Tensor forwardGuided(const torch::Tensor& xt, const torch::Tensor& t, const torch::Tensor& classes);
  virtual int numClasses() const = 0;  // 0 = unconditional
  virtual int64_t parameterCount() const = 0;
  virtual void to(torch::Device device) = 0;
};

}  // namespace latentlab
