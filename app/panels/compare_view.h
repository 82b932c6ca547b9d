// The Diffusion panel's "Compare" tab: the same seed and class run twice, differing in one
// setting (the sampler, or the guidance scale), shown side by side at the same step. When
// it is switched on, Run starts both runs (the second queued after the first).
#pragma once
#include <string>

#include "app/panels/diffusion_settings.h"
#include "app/panels/panel.h"

namespace latentlab {

class CompareView {
 public:
  enum class Vary { Sampler, Guidance };
  void draw(PanelContext& ctx, const DiffusionSettings& settings);
  bool enabled() const { return m_enabled; }
  void setEnabled(bool on) { m_enabled = on; }
  void setVary(Vary v) { m_vary = v; }
  // Run B: run A's settings with the one compared setting changed.
  SampleRequest requestB(const DiffusionSettings& a) const;

 private:
  bool m_enabled = false;
  Vary m_vary = Vary::Guidance;
  std::string m_samplerB = "euler";
  float m_guidanceB = 1.f;
  int m_shown = -1;  // step shown in both columns; -1 = the newest both have
};

}  // namespace latentlab
