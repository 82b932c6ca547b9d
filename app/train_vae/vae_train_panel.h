// The VAE Train view (issue 16, "A VAE that trains live"): a small VAE (engine/train/vae_live.h,
// latent 2 by default) trained from scratch on Fashion-MNIST on the background worker, in
// short jobs (slot "vaetrain/steps"), while the class watches the map of 2,000 test images
// (posterior means, class-coloured) move from one blob into clusters, the reconstruction and
// KL curves, the per-dimension KL bars (raise beta: they fall to zero, posterior collapse) and
// the image decoded under the cursor from the current weights. Play/Pause, one Step, Reset,
// beta and learning rate (both apply from the next step), Save as a bundle.
// Never calls torch, GL or the engine on the UI thread: jobs write into a shared Record.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/panels/panel.h"
#include "app/train_vae/train_map_view.h"
#include "engine/train/vae_live.h"

namespace latentlab {

class VaeTrainPanel : public Panel {
 public:
  VaeTrainPanel();
  ~VaeTrainPanel() override;

  // What jobs write (under the lock) and the panel reads each frame.
  struct Record {
    std::mutex mutex;
    std::shared_ptr<VaeLive> live;     // made by the first job
    std::vector<VaeLiveStats> history; // every step (klPerDim kept for the last ones only)
    VaeLiveMap map;                    // the latest encoded map (step -1: none yet)
    uint64_t mapVersion = 0;
    double secondsPerStep = 0;
    int64_t trainCount = 0;            // training images (for the epoch count)
    std::vector<std::string> classNames;
    uint64_t finishedJob = 0;          // the last job whose work has ended (done or not)
    std::string error;                 // the last job's error ("" when it went well)
    uint64_t version = 0;
    // Read by the job before every step: a slider change reaches the very next step.
    std::atomic<double> beta{1.0}, learningRate{2e-3};
    std::atomic<bool> stop{false};     // Pause: the running job ends after its current step
  };

  // The buttons' actions (the buttons call these; tests call them or click the buttons).
  void play(PanelContext& ctx);
  void pause();
  void step(PanelContext& ctx);
  void reset(PanelContext& ctx);
  void save(PanelContext& ctx, const std::string& dir);

  bool playing() const { return m_playing; }
  bool busy() const { return m_inFlight; }
  int64_t steps() const;
  std::shared_ptr<Record> record() const { return m_record; }
  const std::string& error() const { return m_error; }
  const std::string& saveMessage() const { return m_saveMessage; }
  const Image& cursorImage() const { return m_cursorImage; }
  void setSavePath(const std::string& dir);

  VaeLiveOptions options;      // Reset applies seed and sizes; beta and learning rate apply at once
  double jobSeconds = 0.25;    // a job's time budget: pictures and curves update this often
  int mapEvery = 50;           // steps between two encodings of the map

  // A session keeps seed, beta, learning rate, latent size, map cadence and the steps done;
  // opening it trains those steps again from the seed (the same run) on the background worker.
  void saveState(nlohmann::json& out) const override;
  void restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) override;

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  // maxSteps steps, or fewer when the job's time budget (seconds; <= 0: none) runs out first.
  void submit(PanelContext& ctx, int maxSteps, double budget);
  void drawToolbar(PanelContext& ctx);
  void drawSaveRow(PanelContext& ctx);
  void drawRight(PanelContext& ctx, Record& r, float width, float height);
  void requestDecode(PanelContext& ctx, const std::vector<float>& z);

  std::shared_ptr<Record> m_record;
  TrainMapView m_map;
  bool m_playing = false;
  bool m_inFlight = false;
  uint64_t m_submitted = 0;          // id of the last job submitted
  std::string m_error;
  int m_latentChoice = 0;            // index into the latent size choices (applies on Reset)
  char m_savePath[512] = {0};
  std::string m_saveMessage, m_savedDir;
  bool m_saveOk = false;
  int64_t m_replay = 0;              // steps a restored session asks to train (seeded: the same pictures)
  uint64_t m_mapVersion = 0;         // the record's map last handed to m_map
  // The decode under the cursor (or the pinned point, the origin until a click): redone when
  // the point moves or the weights change.
  float m_pin[2] = {0, 0};
  bool m_pinned = true;
  float m_cursorXY[2] = {0, 0};
  bool m_cursorHovered = false;
  std::vector<float> m_decodedZ;
  uint64_t m_decodedWeights = 0;      // the record version the last decode was asked with
  double m_decodedAt = -1;            // ImGui time of that request
  bool m_decodeInFlight = false;
  Image m_cursorImage;
  uint64_t m_cursorVersion = 0;
};

}  // namespace latentlab
