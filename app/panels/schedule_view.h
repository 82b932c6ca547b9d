// The Diffusion panel's "Schedule" tab: alpha_bar(t) and SNR(t) of the model's noise
// schedule on log axes, with the timesteps of the current settings marked and the step the
// Denoise timeline shows highlighted.
#pragma once
#include <cstdint>
#include <vector>

#include "app/panels/diffusion_settings.h"
#include "app/panels/panel.h"

namespace latentlab {

class ScheduleView {
 public:
  // `shownTimestep`: the timestep of the step on the Denoise timeline, -1 for none.
  void draw(PanelContext& ctx, const DiffusionSettings& settings, int64_t shownTimestep);

 private:
  int m_cachedSteps = -1;
  const void* m_cachedModel = nullptr;
  std::vector<int64_t> m_timesteps;
};

}  // namespace latentlab
