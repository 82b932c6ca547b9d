// The Diffusion panel: set up a sampling run (seed, class, guidance, sampler, steps, eta);
// Run, Step (one step at a time), Continue, Cancel; and four tabs: Denoise (every step live
// as x_t beside the predicted x0, a timeline to scrub, run from any recorded step),
// Compare (two samplers or guidance values side by side), Forward noising (q(x_t | x_0) of
// a data image) and Schedule (alpha_bar and SNR plots). Asks for work through UiRequests;
// never samples itself.
#pragma once
#include <string>

#include "app/panels/compare_view.h"
#include "app/panels/denoise_view.h"
#include "app/panels/diffusion_settings.h"
#include "app/panels/forward_noise_view.h"
#include "app/panels/panel.h"
#include "app/panels/schedule_view.h"

namespace latentlab {

class DiffusionPanel : public Panel {
 public:
  DiffusionPanel() : Panel("diffusion", "Diffusion") {}
  // The step the Denoise timeline shows (-1 before any step has arrived); for tests.
  int shownStep() const { return m_denoise.shownStep(); }
  // Whether the timeline follows the newest step (true until the user scrubs back).
  bool following() const { return m_denoise.following(); }
  DiffusionSettings& settings() { return m_settings; }
  CompareView& compare() { return m_compare; }
  ForwardNoiseView& forwardNoise() { return m_forward; }
  // Adopts a newly loaded model's recommended settings (done by itself on the first frame
  // that sees the model; tests call it to set their own settings afterwards).
  void fitToModel(const DiffusionInfo& info);
  // Which tab to open on the next frame ("denoise", "compare", "noise", "schedule").
  void selectTab(const std::string& tab) { m_selectTab = tab; }
  // Enter (RunSample): Run, or Continue a held run; Shift+Enter (StepSample): one step.
  // Routed here by the app whatever window has focus.
  bool onShortcut(ShortcutId id, PanelContext& ctx) override;

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  void drawControls(PanelContext& ctx);
  void drawRunButtons(PanelContext& ctx);
  void run(PanelContext& ctx, bool paused);
  void step(PanelContext& ctx, bool held);

  DiffusionSettings m_settings;
  DenoiseView m_denoise;
  CompareView m_compare;
  ForwardNoiseView m_forward;
  ScheduleView m_schedule;
  // The first run starts by itself once a model is there: a new user sees a run at once.
  bool m_autoRun = true;
  std::string m_modelDir;  // the model the settings were last fitted to
  std::string m_selectTab;
};

}  // namespace latentlab
