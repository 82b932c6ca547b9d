// The map's nonlinear layouts (t-SNE, UMAP): each run, in progress or finished, keyed by
// model + data + projection + parameters, so a finished layout is shown again at once and a
// paused one continues where it stopped. A run's optimiser state lives here, between jobs:
// pause ends the job after an epoch and resume starts a new one on the same state, so the
// background worker is never held by a paused layout. The job publishes frames under a
// lock; the main thread copies the newest. Never touches GL or ImGui.
#pragma once
#include <any>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/explore/explorer.h"
#include "engine/jobs/job_runner.h"
#include "engine/projection/map_inverse.h"
#include "engine/projection/projection.h"

namespace latentlab {

class MapLayout {
 public:
  enum class State { Queued, Running, Paused, Finished, Cancelled, Failed };
  MapLayout(std::string key, std::string projection, ProjectionParams params, std::shared_ptr<const LatentSet> latents)
      : key(std::move(key)), projection(std::move(projection)), params(params), latents(std::move(latents)) {}
  const std::string key, projection;
  const ProjectionParams params;
  const std::shared_ptr<const LatentSet> latents;

  std::atomic<State> state{State::Queued};
  std::atomic<bool> pauseRequested{false};

  struct Frame {
    std::vector<float> uv;  // N x 2, empty before the first frame
    uint64_t version = 0;
    int epoch = 0, epochs = 0;
    double fraction = 0;
    std::string message, error;
    std::shared_ptr<const MapInverse> inverse;  // when finished or paused
  };
  Frame frame() const;        // a copy, under the lock
  Frame frameStatus() const;  // the same without the points (every frame, cheap)
  uint64_t version() const;
  void dropInverse();
  // The job's work: creates the run if needed and runs it until finished, paused or cancelled.
  std::any work(JobContext& jc);

 private:
  void publish(const LayoutRun& run);
  mutable std::mutex m_mutex;
  Frame m_frame;
  std::unique_ptr<LayoutRun> m_run;  // only the one job running it touches this
};

class MapLayouts {
 public:
  // "<model>|<data>|<count>|<projection key>": a layout is reused for the same latents.
  static std::string keyFor(const LatentSet& latents, const std::string& projection, const ProjectionParams& p);
  std::shared_ptr<MapLayout> find(const std::string& key) const;
  std::shared_ptr<MapLayout> create(const std::string& projection, const ProjectionParams& p,
                                    std::shared_ptr<const LatentSet> latents);
  void forget(const std::string& key);
  // The layout the map shows while AppState::planeMode names a nonlinear projection.
  void setActive(std::shared_ptr<MapLayout> layout) { m_active = std::move(layout); }
  const std::shared_ptr<MapLayout>& active() const { return m_active; }

 private:
  std::map<std::string, std::shared_ptr<MapLayout>> m_layouts;
  std::shared_ptr<MapLayout> m_active;
};

}  // namespace latentlab
