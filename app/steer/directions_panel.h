// The Directions panel (attribute sliders): directions from the encoded data's classes
// (difference of class means), its principal components (share of variance), the decoder's
// first layer (SeFa, with eigenvalues), two groups of
// points picked on the map (a linear classifier's normal, with its accuracy) or a file; each
// is a slider in sigma units (+-3), several summed, one made orthogonal to the others, reset
// per slider and all. The moved latent is re-decoded live (one interactive job, latest wins)
// and drawn on the map with a line from where it started. Directions are saved in the
// session and to files; a traversal grid of the sliders' directions exports as PNG.
// Never calls torch or GL (FeatureJobs + app/steer/steer_engine.h).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/panels/panel.h"
#include "app/steer/direction_set.h"
#include "app/steer/slider_bench.h"
#include "app/steer/vq_tokens_view.h"

namespace latentlab {

struct LatentSet;

class DirectionsPanel : public Panel {
 public:
  DirectionsPanel();
  void saveState(nlohmann::json& out) const override;
  void restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) override;

  DirectionSet& set() { return m_set; }
  const std::vector<Direction>& pca() const { return m_pca; }
  // Why the loaded model has no SeFa directions ("" while computing or when it has them).
  const std::string& sefaUnavailable() const { return m_sefaError; }
  const Image& image() const { return m_image; }
  uint64_t imageVersion() const { return m_version; }
  const std::vector<float>& decodedLatent() const { return m_decoded; }
  // A VQ model: the tokens of the latent before the sliders and of the moved one.
  const TokenChange& tokenChange() const { return m_tokens; }
  const std::string& status() const { return m_status; }

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  void refreshSources(PanelContext& ctx);
  void drawAdd(PanelContext& ctx);
  void drawSliders(PanelContext& ctx);
  void drawFiles(PanelContext& ctx);
  void decode(PanelContext& ctx);
  void exportGrid(PanelContext& ctx);
  void publish(PanelContext& ctx);

  DirectionSet m_set;
  // Sources computed from the encoded data (background job, once per data set).
  const LatentSet* m_sourcesOf = nullptr;
  std::vector<Direction> m_pca;
  // SeFa directions of the loaded decoder (background job, once per model).
  const void* m_sefaOf = nullptr;
  std::vector<Direction> m_sefa;
  std::string m_sefaError;
  int m_source = 0, m_from = 7, m_to = 9, m_pcaPick = 0, m_sefaPick = 0;
  // AppState::steerGroups as last seen (saved in sessions); restored groups wait here until
  // the next draw hands them to the state.
  std::vector<int64_t> m_groups[2];
  bool m_groupsRestored = false;
  bool m_busy = false;

  std::vector<float> m_asked, m_decoded;
  bool m_askedSnap = true;
  Image m_image;
  TokenChange m_tokens;
  uint64_t m_version = 0;
  double m_askedAt = 0, m_latencyMs = 0;

  std::string m_filePath = "directions.json", m_gridPath = "traversal.png";
  std::string m_status;
  SliderBench m_bench;
};

}  // namespace latentlab
