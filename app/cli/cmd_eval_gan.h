// `latentlab eval --model GAN_DIR`: the GAN half of `eval` (cmd_eval.cpp dispatches here by
// kind). Class accuracy and Frechet distance of class-conditional samples at each truncation
// psi, next to held-out real images. Only formats: the work is in engine/eval/gan_eval.
#pragma once
#include <string>
#include <vector>

#include "app/cli/cli_common.h"
#include "engine/eval/gan_eval.h"

namespace latentlab::cli {

struct GanEvalCli {
  std::string model, data = "fashion-mnist:test", classifier, reference = "fashion-mnist:train";
  int64_t limit = 0, referenceCount = 0;  // 0 = as many as the count
  GanEvalOptions eval;
  bool json = false;
  EngineOptions engine;
  ProgressFn progress;
};

int runGanEval(const GanEvalCli& o);

}  // namespace latentlab::cli
