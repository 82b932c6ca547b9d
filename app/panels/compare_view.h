// The Diffusion panel's "Compare" tab: the same seed and class run twice, differing in one
// setting (the sampler, or the guidance scale), shown side by side at the same step. When
// it is switched on, Run starts both runs (the second queued after the first).
#pragma once
#include <string>

#include "app/panels/diffusion_settings.h"
#include "app/panels/panel.h"
#include "app/sample_track.h"

namespace latentlab {

class CompareView {
 public:
  enum class Vary { Sampler, Guidance };
  void draw(PanelContext& ctx, const DiffusionSettings& settings);
  bool enabled() const { return m_enabled; }
  void setEnabled(bool on) { m_enabled = on; }
  void setVary(Vary v) { m_vary = v; }
  void setSamplerB(const std::string& name) { m_samplerB = name; }
  // Run B: run A's settings with the one compared setting changed.
  SampleRequest requestB(const DiffusionSettings& a) const;
  // A column's heading as last drawn (k = 0 for A, 1 for B): the settings its pictures were
  // made with, and, when the controls now say otherwise, what the next Run will use.
  struct Label {
    std::string ran, pending;
  };
  const Label& label(int k) const { return m_labels[k == 1 ? 1 : 0]; }

 private:
  void updateLabels(const SampleTrack& a, const SampleTrack& b, const DiffusionSettings& settings);

  Label m_labels[2];
  bool m_enabled = false;
  Vary m_vary = Vary::Guidance;
  std::string m_samplerB = "euler";
  float m_guidanceB = 1.f;
  int m_shown = -1;  // step shown in both columns; -1 = the newest both have
};

}  // namespace latentlab
