// The Diffusion panel: set up one sampling run (seed, class, guidance, sampler, steps, eta),
// run or cancel it, and watch every step live as x_t beside the predicted x0; a timeline
// slider scrubs the recorded steps during or after the run. Asks for runs through
// UiRequests; never samples itself.
#pragma once
#include <string>

#include "app/panels/panel.h"

namespace latentlab {

class DiffusionPanel : public Panel {
 public:
  DiffusionPanel() : Panel("diffusion", "Diffusion") {}
  // The step the timeline shows (-1 before any step has arrived); for tests.
  int shownStep() const { return m_shown; }
  // Whether the timeline follows the newest step (true until the user scrubs back).
  bool following() const { return m_follow; }

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  void drawControls(PanelContext& ctx);
  void drawFrames(PanelContext& ctx);

  int m_seed = 0;
  int m_class = -1;  // -1 = unconditional
  float m_guidance = 3.f;
  std::string m_sampler = "ddim";
  int m_steps = 50;
  float m_eta = 0.f;
  // The first run starts by itself once a model is there: a new user sees a run at once.
  bool m_autoRun = true;
  std::string m_modelDir;  // the model the settings were last fitted to
  int m_shown = -1;
  bool m_follow = true;
  uint64_t m_run = 0;      // the engine run the timeline belongs to
};

}  // namespace latentlab
