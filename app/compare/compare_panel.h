// The Compare panel (issue 16, "Checkpoints side by side"): a second model B next to the open
// one (A), both with a latent of the same size. The latent under the map cursor (with the
// steering edits) is decoded by both, shown side by side with the difference heat map; for the
// selected data point, B's encoding is drawn on A's map, linked by a line to A's. B comes from
// the bundled list or a typed folder (a snapshot: OUT/snapshots/epoch-NNNN). Loads and decodes
// run as jobs ("compare/load" on the background worker, "compare/decode" and "compare/encode"
// on the interactive one); never torch, GL or the engine on the UI thread.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/compare/difference_map.h"
#include "app/panels/panel.h"
#include "engine/train/snapshots.h"

namespace latentlab {

class ExploreModel;

class ComparePanel : public Panel {
 public:
  ComparePanel();
  ~ComparePanel() override;

  // Opens folder `dir` as model B (the Open button calls this; tests too).
  void openB(PanelContext& ctx, const std::string& dir);
  void setPath(const std::string& dir);  // what the folder field holds (Open B opens it)
  std::shared_ptr<ExploreModel> modelB() const { return m_b; }
  const std::string& message() const { return m_message; }
  bool busy() const { return m_loading || m_decoding; }
  // The last decode: A's and B's images and their difference (empty before the first).
  const Image& imageA() const { return m_imageA; }
  const Image& imageB() const { return m_imageB; }
  const DifferenceMap& difference() const { return m_diff; }
  const std::vector<float>& selectedB() const { return m_selectedB; }  // B's latent of the selected item
  // B's training run's snapshots (engine/train/snapshots.h) when B is one of them or a run
  // folder that has them, in epoch order; the epoch slider opens snapshot i as B.
  const std::vector<Snapshot>& snapshots() const { return m_snapshots; }
  const std::string& dirB() const { return m_bDir; }

  void saveState(nlohmann::json& out) const override;
  void restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) override;

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  void requestDecode(PanelContext& ctx, const std::shared_ptr<ExploreModel>& a, const std::vector<float>& z);
  void requestEncode(PanelContext& ctx, int64_t item);

  std::shared_ptr<ExploreModel> m_b;
  std::shared_ptr<ExploreModel> m_aSeen;  // A when B was checked against it
  std::string m_bDir, m_message, m_pendingOpen;
  bool m_ok = false, m_loading = false, m_decoding = false;
  char m_path[512] = {0};
  int m_choice = -1;
  std::vector<float> m_decodedZ;
  const ExploreModel* m_decodedA = nullptr;
  Image m_imageA, m_imageB;
  DifferenceMap m_diff;
  uint64_t m_version = 0;
  int64_t m_selectedItem = -1;
  std::vector<float> m_selectedB;
  bool m_encoding = false;
  std::vector<Snapshot> m_snapshots;
  int m_snapshotIndex = 0;
};

}  // namespace latentlab
