// The Latent inspector: the current (steered) latent as a bar chart, or a heat strip over 64
// values, with the prior's +-2 sigma band; drag a bar to change that value (AppState's
// steerEdit). Per-dimension spread of the encoded data (variance of the posterior means;
// active units highlighted); the selected data point's original, reconstruction and
// absolute-error heat map; the 8 nearest data points (Euclidean in latent space) with class
// and distance, a click moves the latent there. Plain CPU maths on the encoded latents;
// decodes through one interactive FeatureJobs slot; never calls torch or GL.
#pragma once
#include <string>
#include <vector>

#include "app/panels/panel.h"

namespace latentlab {

struct LatentSet;

class InspectorPanel : public Panel {
 public:
  InspectorPanel() : Panel("inspector", "Latent inspector") {}
  void saveState(nlohmann::json& out) const override;
  void restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) override;

  struct Neighbour {
    int64_t index = -1;
    double distance = 0;
  };
  const std::vector<Neighbour>& nearest() const { return m_nearest; }
  const std::vector<double>& variances() const { return m_variance; }
  int activeUnits() const;
  // Mean KL per dimension over the data (nats; empty when the model gives none) and its sum.
  const std::vector<double>& klPerDim() const { return m_kl; }
  double totalKl() const;
  // The dimension whose histogram is shown (the last one hovered on the chart).
  int histogramDim() const { return m_histDim; }
  // Counts of the data's values of z[dim] in 40 equal bins over [-range, range], the end
  // bins holding everything beyond it (cached per dimension).
  const std::vector<int>& histogram(const LatentSet& set, int dim);
  // The chart's value range (bars and heat strip): [-range, range].
  float range() const { return m_range; }

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  void updateStats(PanelContext& ctx);
  void drawChart(PanelContext& ctx, const std::vector<float>& z, float height);
  void drawHistogram(PanelContext& ctx, float height);
  void drawPictures(PanelContext& ctx, float side);
  void drawNearest(PanelContext& ctx, const std::vector<float>& z, float side);
  void decode(PanelContext& ctx, const std::vector<float>& z);

  const LatentSet* m_statsOf = nullptr;
  std::vector<double> m_variance, m_kl;
  double m_klMax = 0;
  int m_histDim = -1, m_histOf = -1;
  std::vector<int> m_hist;
  std::vector<float> m_nearestOf;
  std::vector<Neighbour> m_nearest;
  float m_range = 4.f;
  int m_dragDim = -1;
  float m_dragStartY = 0, m_dragStartValue = 0;

  std::vector<float> m_asked;
  Image m_image, m_error;
  uint64_t m_version = 0, m_errorOf = 0;

  // steerEdit as last seen (saved in sessions) and a restored one waiting to be applied.
  std::vector<float> m_edit, m_restoredEdit;
  bool m_restored = false;
};

}  // namespace latentlab
