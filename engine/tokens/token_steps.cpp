#include "engine/tokens/token_steps.h"

#include <torch/torch.h>

namespace latentlab {

TokenStepFn TokenSteps::recorder() {
  return [this](int64_t position, const torch::Tensor& soFar) {
    if (!m_tokens.defined()) m_tokens = torch::zeros({soFar.size(0), m_length}, torch::kLong);
    m_tokens.slice(1, 0, position + 1).copy_(soFar.to(torch::kCPU));
  };
}

torch::Tensor TokenSteps::partial(int64_t after, const torch::Tensor& fill) const {
  auto f = fill.to(torch::kCPU, torch::kLong).view({1, m_length});
  const int64_t n = m_tokens.defined() ? m_tokens.size(0) : 0;
  auto out = f.expand({n, m_length}).clone();
  if (n > 0 && after > 0) out.slice(1, 0, std::min(after, m_length)).copy_(m_tokens.slice(1, 0, std::min(after, m_length)));
  return out;
}

}  // namespace latentlab
