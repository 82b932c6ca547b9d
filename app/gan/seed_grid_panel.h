// The Seed grid (issue 14, StyleGAN3 visualizer style): a K x K grid of generated images at
// the seed-space points around the current one (app/gan/seed_space.h); drag the grid to move
// through seed space (fractional points blend neighbouring seeds' z), truncation psi, class,
// Resample. Its second tab inverts a data image (app/gan/inversion_view.h). The images come
// from the latent face through FeatureJobs (slot "gan/seeds", interactive worker); the panel
// never calls the engine itself and never touches GL.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "app/gan/inversion_view.h"
#include "app/panels/panel.h"

namespace latentlab {

class SeedGridPanel : public Panel {
 public:
  SeedGridPanel();
  ~SeedGridPanel() override;

  void saveState(nlohmann::json& out) const override;
  void restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) override;

  // Read by tests.
  double x() const { return m_x; }
  double y() const { return m_y; }
  double psi() const { return m_psi; }
  int classId() const { return m_class; }
  int k() const { return m_k; }
  const std::vector<Image>& images() const { return m_images; }
  const std::vector<std::vector<float>>& latents() const { return m_latents; }  // after psi, row-major cells
  uint64_t imagesVersion() const { return m_version; }
  bool pending() const { return m_pending; }
  // For tests: the "Invert an image" tab is shown from the next frame, and its view.
  void showInversionTab() { m_selectInversion = true; }
  InversionView& inversion() { return m_inversion; }

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  void drawSeeds(PanelContext& ctx);
  void drawToolbar(PanelContext& ctx, const ModelInfo& info);
  void drawGrid(PanelContext& ctx, const ModelInfo& info);
  void request(PanelContext& ctx);

  double m_x = 0, m_y = 0;  // the centre cell's point in seed space
  double m_psi = -1;        // < 0 until a model's recommended value is taken
  int m_class = 0;
  int m_k = 5;
  int m_tab = 0;
  bool m_selectInversion = false;
  std::string m_modelDir;   // psi and class are reset when another model is opened
  std::vector<Image> m_images;
  std::vector<std::vector<float>> m_latents;
  uint64_t m_version = 0;
  bool m_pending = false;
  struct Asked {
    double x = 1e300, y = 0, psi = 0;
    int cls = -2, k = 0;
    uint64_t generation = ~uint64_t(0);
  } m_asked;
  bool m_dragged = false;
  bool m_restored = false;  // psi/class came from a session
  InversionView m_inversion;
};

}  // namespace latentlab
