#include "engine/models/gan_discriminator.h"

namespace latentlab {

namespace nn = torch::nn;

GanDiscriminatorImpl::GanDiscriminatorImpl(const GanConfig& cfg) : m_cfg(cfg) {
  const int flat = cfg.discChannels2 * (cfg.imageHeight / 4) * (cfg.imageWidth / 4);
  m_conv1 = register_module(
      "conv1", nn::Conv2d(nn::Conv2dOptions(cfg.imageChannels, cfg.discChannels1, 4).stride(2).padding(1)));
  m_conv2 = register_module(
      "conv2", nn::Conv2d(nn::Conv2dOptions(cfg.discChannels1, cfg.discChannels2, 4).stride(2).padding(1)));
  m_fc = register_module("fc", nn::Linear(flat, cfg.discFeatures));
  m_out = register_module("out", nn::Linear(cfg.discFeatures, 1));
  if (cfg.numClasses > 0) m_embed = register_module("embed", nn::Embedding(cfg.numClasses, cfg.discFeatures));
}

torch::Tensor GanDiscriminatorImpl::forward(const torch::Tensor& x, const torch::Tensor& classes) {
  auto h = torch::leaky_relu(m_conv1(2.0 * x - 1.0), 0.2);
  h = torch::leaky_relu(m_conv2(h), 0.2);
  auto phi = torch::leaky_relu(m_fc(h.flatten(1)), 0.2);
  auto out = m_out(phi).squeeze(1);
  if (m_cfg.numClasses > 0) out = out + (m_embed(classes) * phi).sum(1);
  return out;
}

}  // namespace latentlab
