// The Diffusion panel's "Denoise" tab: the timeline of the recorded steps of the main run
// (scrub back and forth during or after the run), x_t beside the predicted x0 at the shown
// step, and "Run from this step", which starts a new run from the shown step's x_t with the
// panel's current settings (a new seed, class or guidance from there on).
#pragma once
#include "app/panels/diffusion_settings.h"
#include "app/panels/panel.h"

namespace latentlab {

struct SampleTrack;

class DenoiseView {
 public:
  void draw(PanelContext& ctx, const DiffusionSettings& settings);
  int shownStep() const { return m_shown; }
  bool following() const { return m_follow; }
  // Keeps the shown step in range and follows new runs; call every frame before draw.
  void update(const SampleTrack& track);

 private:
  int m_shown = -1;
  bool m_follow = true;
  uint64_t m_run = 0;  // the run the timeline belongs to
};

// Draws image `img` as a square of side `side` with a caption above; used by every view.
void captionedImage(PanelContext& ctx, const char* caption, const char* key, const Image& img, uint64_t version,
                    float side);

}  // namespace latentlab
