#include "app/diffusion_requests.h"

#include "app/engine_client.h"
#include "app/panels/panel.h"

namespace latentlab {

void applyDiffusionRequests(const UiRequests& req, EngineClient& engine, const AppState& state) {
  if (req.cancelSample) engine.cancelSample();
  if (req.runSample) {
    engine.sample(req.sample, 0, req.stepSample);
    if (req.runCompare) engine.sample(req.compare, 1);
  } else if (req.stepSample) {
    engine.stepSample();
  }
  if (req.resumeSample) engine.resumeSample();
  if (req.forwardNoise) engine.forwardNoise(req.noiseIndex, req.noiseT, req.noiseSeed, state.dataSpec);
}

}  // namespace latentlab
