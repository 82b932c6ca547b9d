// The Train view (issue 14, "Watch a GAN train", GAN Lab on real images): a small GAN
// (engine/train/gan_live.h) trained from a seed on the background worker, a few steps per
// job (slot "gan/train"), while the class watches the fixed-z sample grid change, the D and
// G loss curves, D's output on real vs fake images and a classifier's histogram of the
// generated classes (mode collapse shows as a lopsided histogram). Play/Pause, Step (both,
// D only, G only), speed, Reset with seed, learning rates and optimizer. Never calls torch,
// GL or the engine on the UI thread: what a job learns it writes into a shared record.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/panels/panel.h"
#include "engine/train/gan_live.h"

namespace latentlab {

class TrainPanel : public Panel {
 public:
  TrainPanel();
  ~TrainPanel() override;

  // What jobs write (under the lock) and the panel reads each frame.
  struct Record {
    std::mutex mutex;
    std::shared_ptr<GanLive> live;     // made by the first job; used only on the worker
    std::vector<GanLiveStats> history;
    std::vector<Image> grid;
    int gridRows = 0, gridColumns = 0;
    std::vector<std::string> classNames;
    std::vector<int> histogram;        // classifier's classes of 200 samples
    int64_t histogramStep = -1;
    double secondsPerStep = 0;
    double fixedDLoss = 0;             // D's loss on the fixed real batch, after the last job
    uint64_t version = 0;
  };

  // The buttons' actions (the buttons call these; tests call them or click the buttons).
  void play(PanelContext& ctx);
  void pause() { m_playing = false; }
  void step(PanelContext& ctx, GanStepKind kind);
  void reset(PanelContext& ctx);

  bool playing() const { return m_playing; }
  bool busy() const { return m_inFlight; }
  int64_t steps() const;
  std::shared_ptr<Record> record() const { return m_record; }
  const std::string& error() const { return m_error; }

  GanLiveOptions options;            // Reset applies seed, optimizer, sizes; learning rates apply at once
  int stepsPerUpdate = 5;            // speed: steps per job while playing
  void setShowEvery(int n) { m_histogramEvery = n; }

  // A session keeps seed, rates, optimizer, speed and the steps done; opening it replays
  // those steps (seeded, so the same pictures) on the background worker.
  void saveState(nlohmann::json& out) const override;
  void restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) override;

 protected:
  void drawContent(PanelContext& ctx) override;
  const char* notes() const override;

 private:
  void submit(PanelContext& ctx, int steps, GanStepKind kind);
  void drawToolbar(PanelContext& ctx);
  void drawGrid(PanelContext& ctx, Record& r, float width, float height);
  void drawCurves(Record& r, float width, float height);

  std::shared_ptr<Record> m_record;
  bool m_playing = false;
  bool m_inFlight = false;
  bool m_pendingNext = false;      // a job ended while playing: submit the next at the next frame
  int m_stepKind = 0;                // 0 both, 1 D only, 2 G only
  int m_histogramEvery = 100;        // steps between classifier histograms (0 = never)
  std::string m_error;
  int64_t m_replay = 0;              // steps a restored session asks to replay
};

}  // namespace latentlab
