// The app's side of the engine: two JobRunners (interactive: decode under the cursor and
// reconstructions; background: model load, data-set encoding, manifold grids), the loaded
// model, the encoded data and the latest results. Requests never block; poll() applies fresh
// results on the main thread. Never touches GL or ImGui.
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/app_state.h"
#include "app/map_points.h"
#include "engine/explore/diffusion_sampling.h"
#include "engine/explore/explorer.h"
#include "engine/jobs/job_runner.h"

namespace latentlab {

struct GridImages {
  std::vector<Image> images;  // k*k, row-major, row 0 at the top of the map
  int k = 0;
  double u0 = 0, u1 = 0, v0 = 0, v1 = 0;
  uint64_t version = 0;
};

class EngineClient {
 public:
  explicit EngineClient(int threads);
  ~EngineClient();

  void loadModel(const std::string& dir, const std::string& device);
  void encodeData(const std::string& spec);  // needs a model; starts after a pending load
  void decodeCursor(std::vector<float> latent);
  void reconstruct(int64_t index);
  void decodeGrid(const LatentPlane& plane, double u0, double u1, double v0, double v1, int k);
  void cancelEncode() { m_background.cancel("encode"); m_encoding = false; }
  void cancelGrid() { m_background.cancel("grid"); }
  // Diffusion bundles: one sampling run on the background worker; every step arrives in
  // `frames` (poll()) while it runs. A new run replaces the recorded one.
  void sample(const SampleRequest& req);
  // Keeps the steps recorded so far (they stay scrubbable); the runner drops the job's result.
  void cancelSample();

  // Applies fresh results to the client and `state` (plane, view fit). True if anything changed.
  bool poll(AppState& state);
  // Recomputes state.plane from state.planeMode and re-projects the points; false + message on error.
  bool applyPlane(AppState& state);
  // Nothing queued or running, nothing waiting to be applied.
  bool idle() const;
  void setWake(std::function<void()> wake);

  const ModelInfo* model() const { return m_model ? &m_model->info() : nullptr; }
  const Dataset* data() const { return m_data.get(); }
  const LatentSet* latents() const { return m_latents.get(); }
  const MapPoints& points() const { return m_points; }
  bool encoding() const { return m_encoding; }
  bool loading() const { return m_loading; }
  const DiffusionInfo* diffusion() const { return m_diffusion ? &m_diffusion->info() : nullptr; }
  bool sampling() const { return m_sampling; }

  // The current (or last) sampling run, for the Diffusion panel.
  std::vector<SampleFrame> frames;
  int sampleSteps = 0;         // steps requested for the current run
  uint64_t sampleRun = 0;      // increments per submitted run (texture versions)
  uint64_t samplesFinished = 0;
  Image sampleFinal;           // the finished run's final sample
  bool sampleCancelled = false;
  std::string sampleError;

  Image cursorImage;
  uint64_t cursorVersion = 0;
  std::vector<float> cursorLatent;  // the latent cursorImage was decoded from
  double lastDecodeMs = 0;          // submit -> result for the cursor decode
  std::vector<double> decodeMsHistory;
  Image selectedOriginal, selectedRecon;
  int64_t selectedIndex = -1;
  uint64_t selectedVersion = 0;
  GridImages grid;

  std::string modelError, dataError, lastError;  // shown by panels; lastError also in the status bar
  const JobRunner& interactive() const { return m_interactive; }
  const JobRunner& background() const { return m_background; }
  int threads() const { return m_threads; }

 private:
  struct Encoded;
  struct Loaded;
  // Steps cross from the worker to the UI thread here: the job pushes, poll() drains.
  struct FrameQueue {
    std::mutex mutex;
    uint64_t run = 0;
    std::vector<SampleFrame> pending;
  };
  int m_threads;
  JobRunner m_interactive, m_background;
  std::shared_ptr<ExploreModel> m_model;
  std::shared_ptr<DiffusionSampler> m_diffusion;
  std::shared_ptr<FrameQueue> m_frameQueue = std::make_shared<FrameQueue>();
  std::function<void()> m_wake;
  bool m_sampling = false;
  std::shared_ptr<const Dataset> m_data;
  std::shared_ptr<const LatentSet> m_latents;
  LatentPlane m_pcaPlane;
  MapPoints m_points;
  bool m_loading = false, m_encoding = false;
  std::string m_pendingEncode;  // data spec to encode once the model has loaded
  uint64_t m_cursorSubmit = 0;
};

}  // namespace latentlab
