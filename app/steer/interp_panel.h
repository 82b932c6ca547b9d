// The Interpolation panel: endpoints (a data point selected on the map, the map cursor, a
// random prior sample, a latent diffusion run's final latent) make a path A -> B -> C ...,
// lerp or slerp per segment; the path's frames are decoded as a strip (one interactive job,
// latest wins), with a scrub slider, play / pause, ping-pong and speed; the path and the
// shown frame are drawn on the map; the strip exports as PNG. For a diffusion model it can
// instead slerp two seeds' starting noise and sample each step (interp_seeds.cpp). Never
// calls torch or GL: the work runs through FeatureJobs and app/steer/steer_engine.h.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/panels/flow_row.h"
#include "app/panels/panel.h"
#include "app/steer/steer_engine.h"
#include "app/steer/vq_tokens_view.h"

namespace latentlab {

struct InterpEndpoint {
  std::string kind;   // data | cursor | prior | sample
  int64_t index = -1; // data: the item
  uint64_t seed = 0;  // prior: the seed
  Latent z;           // cursor / sample: the latent itself (data / prior: resolved when used)
  bool slerp = true;  // the segment from this endpoint to the next
  std::string label;  // e.g. "#12 Sneaker", "prior seed 3"
};

class InterpolationPanel : public Panel {
 public:
  InterpolationPanel() : Panel("interp", "Interpolation") {}
  void saveState(nlohmann::json& out) const override;
  void restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) override;

  // For tests and sessions.
  const std::vector<InterpEndpoint>& endpoints() const { return m_points; }
  void addEndpoint(InterpEndpoint e) { m_points.push_back(std::move(e)); }
  const std::vector<Latent>& path() const { return m_path; }
  const std::vector<Image>& frames() const { return m_images; }
  int frame() const { return int(m_frame + 0.5f); }
  void setFrame(float f) { m_frame = f; }
  bool playing() const { return m_playing; }
  int stepsPerSegment() const { return m_steps; }
  const std::string& lastExport() const { return m_exportMsg; }
  // A VQ model: frame i's tokens against endpoint A's (frame 0); empty for other models.
  TokenChange frameTokens(int i) const;
  // The strip (every frame, left to right) as exported.
  Image stripPicture(int scale) const;
  // The animation as an animated GIF at the export scale and the play speed (ping-pong:
  // forward then back); "" when written, else what went wrong.
  std::string saveGif(const std::string& path) const;

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  void drawEndpoints(PanelContext& ctx, FlowRow& row);
  // Diffusion models: the strip of samples from two seeds' slerped starting noise
  // (interp_seeds.cpp).
  void drawSeeds(PanelContext& ctx);
  void runSeeds(PanelContext& ctx);
  void drawPlayback(PanelContext& ctx);
  void drawStrip(PanelContext& ctx);
  void drawExport(PanelContext& ctx);
  // Endpoint latents for the loaded model; false (and a reason) when one cannot be had.
  // Prior endpoints get their latent from the model here, once.
  bool resolve(PanelContext& ctx, std::vector<Latent>& out, std::string& why);
  void request(PanelContext& ctx);
  void advance(PanelContext& ctx);
  void publishOverlay(PanelContext& ctx);

  std::vector<InterpEndpoint> m_points;
  int m_steps = 8;  // frames per segment, endpoints included
  float m_frame = 0, m_speed = 8;
  bool m_playing = false, m_pingPong = true;
  int m_direction = 1;
  uint64_t m_nextSeed = 1;

  std::vector<Latent> m_asked;  // the endpoints of the latest request (with modes and steps)
  std::vector<bool> m_askedModes;
  int m_askedSteps = 0;
  const void* m_askedModel = nullptr;
  bool m_askedSnap = true;  // AppState::snapToCodebook of the latest request
  bool m_pending = false;
  std::string m_error;
  std::vector<Latent> m_path;
  std::vector<Image> m_images;
  std::vector<int> m_tokens;  // a VQ model: each frame's tokens (frames x cells), else empty
  Image m_atlas;  // the frames side by side: the strip's one texture
  uint64_t m_version = 0;

  bool m_seedMode = false;  // diffusion models: interpolate seeds instead of a latent path
  uint64_t m_seedA = 1, m_seedB = 2;
  int m_seedCount = 8, m_seedClass = -1;
  bool m_seedRunning = false;

  std::string m_exportPath = "interpolation.png";
  int m_exportScale = 2;
  std::string m_exportMsg;
};

}  // namespace latentlab
