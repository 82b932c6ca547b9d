// The DCGAN discriminator used only while training a GAN (never exported in a bundle).
// Two 4x4 stride-2 convs with LeakyReLU(0.2) -> fc to discFeatures (LeakyReLU) = phi(x);
// output psi(phi(x)) + <embed(y), phi(x)>: the projection discriminator (Miyato & Koyama),
// so the class enters as a learned direction in feature space. No normalisation layers:
// the trainer's R1 penalty keeps it smooth (spectral norm is not in LibTorch's C++ API).
// Input images in [0, 1], mapped to [-1, 1] inside.
#pragma once
#include <torch/nn.h>

#include "engine/models/gan_generator.h"

namespace latentlab {

class GanDiscriminatorImpl : public torch::nn::Module {
 public:
  explicit GanDiscriminatorImpl(const GanConfig& cfg);
  // Returns N logits (real > 0). classes ignored when unconditional.
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& classes);

 private:
  GanConfig m_cfg;
  torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
  torch::nn::Linear m_fc{nullptr}, m_out{nullptr};
  torch::nn::Embedding m_embed{nullptr};
};
TORCH_MODULE(GanDiscriminator);

}  // namespace latentlab
