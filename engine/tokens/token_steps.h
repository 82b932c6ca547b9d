// Records a sampling run position by position (engine/tokens/token_sampling.h's onStep), so
// the grid after any number of tokens can be shown: `render tokens --steps` and the Tokens
// view's timeline. Positions not yet sampled are filled from a given grid (e.g. the tokens
// of a blank image), never guessed.
#pragma once
#include <torch/types.h>

#include "engine/tokens/token_sampling.h"

namespace latentlab {

class TokenSteps {
 public:
  explicit TokenSteps(int64_t length) : m_length(length) {}
  TokenStepFn recorder();  // pass to sampleTokens; keeps the latest tokens
  // N x length: the first `after` tokens of the run, the rest from `fill` (length int64).
  torch::Tensor partial(int64_t after, const torch::Tensor& fill) const;
  const torch::Tensor& tokens() const { return m_tokens; }

 private:
  int64_t m_length;
  torch::Tensor m_tokens;  // N x length, filled up to the last recorded position
};

}  // namespace latentlab
