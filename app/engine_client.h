// The app's side of the engine: three JobRunners (interactive: decode under the cursor,
// reconstructions, forward noising; background: model load, data-set encoding, manifold
// grids; sampler: diffusion runs, which may sit held by the Step button for minutes, so they
// get a worker of their own and nothing else ever waits behind them), the loaded model, the
// encoded data (the map side lives in MapProjection) and the latest results. Requests never
// block; poll() applies fresh results on the main thread, by type (app/engine_results.h),
// and drops results computed with an older model. Never touches GL or ImGui.
#pragma once
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "app/app_state.h"
#include "app/engine_results.h"
#include "app/feature_jobs.h"
#include "app/map_points.h"
#include "app/map_projection.h"
#include "app/sample_track.h"
#include "engine/explore/diffusion_sampling.h"
#include "engine/explore/explorer.h"
#include "engine/jobs/job_runner.h"

namespace latentlab {

// Calls the UI's wake function from any worker, until clear(): after clear() returns no call
// is running or will start (the window system may then be shut down).
class Waker {
 public:
  void set(std::function<void()> f) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_wake = std::move(f);
  }
  void clear() { set(nullptr); }
  void operator()() {
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_wake) m_wake();
  }

 private:
  std::mutex m_mutex;
  std::function<void()> m_wake;
};

class EngineClient : public FeatureJobs {
 public:
  explicit EngineClient(int threads);
  ~EngineClient() override;

  // FeatureJobs (app/feature_jobs.h): features' own jobs on the three workers.
  void run(Worker worker, const std::string& slot, Work work, Done done) override;
  void cancel(Worker worker, const std::string& slot) override;
  RunnerStatus status(Worker worker) const override;
  std::shared_ptr<ExploreModel> exploreModel() const override { return m_model; }
  std::shared_ptr<DiffusionSampler> diffusionSampler() const override { return m_diffusion; }
  std::shared_ptr<TokenModel> tokenModel() const override { return m_tokens; }
  std::shared_ptr<const Dataset> dataShared() const override { return m_data; }
  std::shared_ptr<const LatentSet> latentsShared() const override { return m_map.latentsShared(); }

  void loadModel(const std::string& dir, const std::string& device);
  void encodeData(const std::string& spec);  // needs a model; starts after a pending load
  // classId: for a conditional decoder (a GAN), the class to draw (-1 = the model's default).
  void decodeCursor(std::vector<float> latent, int classId = -1);
  void reconstruct(int64_t index);
  void decodeGrid(const LatentPlane& plane, double u0, double u1, double v0, double v1, int k, int classId = -1);
  void cancelEncode();
  void cancelGrid();
  // Diffusion bundles: sampling runs on the sampler worker; every step arrives in the
  // track's `frames` (poll()) while it runs. Track 0 is the main run, track 1 the second run
  // of the Compare view (queued after track 0). A new run replaces the track's record, or,
  // when it starts from a recorded step, keeps the steps before it. `paused`: hold the run
  // after its first step until stepSample() or resumeSample().
  void sample(const SampleRequest& req, int track = 0, bool paused = false);
  void stepSample(int steps = 1);  // a held run: do this many more steps, then hold again
  void resumeSample();             // a held run: run to the end
  bool samplePaused() const;       // track 0 is held by the Step button (waiting or about to)
  // Keeps the steps recorded so far (they stay scrubbable); the runner drops the job's result.
  void cancelSample();
  // Forward noising of data item `index` to timestep t (interactive worker); the result
  // lands in `noised`. Pixel models read the data set themselves (they have no map).
  void forwardNoise(int64_t index, int64_t t, uint64_t seed, const std::string& dataSpec);

  // Applies fresh results to the client and `state` (plane, view fit). True if anything changed.
  bool poll(AppState& state);
  // Recomputes state.plane from state.planeMode and re-projects the points; false (and a
  // message in takeErrors()) when the mode did not fit and PCA is shown instead.
  bool applyPlane(AppState& state);
  // Nothing queued or running, nothing waiting to be applied.
  bool idle() const;
  void setWake(std::function<void()> wake);
  // For quitting: cancels every job, clears the wake function (no worker calls it once this
  // returns) and stops the workers, waiting at most `timeoutSeconds` for each. False when a
  // job that cannot be interrupted (a model load) was abandoned still running; the caller
  // then ends the process without running destructors (see JobRunner::shutdown).
  bool shutdown(double timeoutSeconds);

  // Which loaded model the current results belong to: bumps when a load is applied. Every
  // job is stamped with the generation it was asked under; poll() drops older ones.
  uint64_t generation() const { return m_generation; }
  const ModelInfo* model() const { return m_model ? &m_model->info() : nullptr; }
  const Dataset* data() const { return m_data.get(); }
  const LatentSet* latents() const { return m_map.latents(); }
  const MapPoints& points() const { return m_map.points(); }
  const MapProjection& map() const { return m_map; }
  bool encoding() const { return m_encoding; }
  bool loading() const { return m_loading; }
  const std::string& loadingDir() const { return m_loadingDir; }  // the folder being opened
  const DiffusionInfo* diffusion() const { return m_diffusion ? &m_diffusion->info() : nullptr; }
  bool sampling() const { return sampleA.sampling || sampleB.sampling; }
  // The timesteps a run of `steps` steps visits (schedule plots). Pure arithmetic on the
  // loaded, immutable schedule: safe on the UI thread, no model call. Empty without a model.
  std::vector<int64_t> timesteps(int steps) const;
  // Errors since the last call (job failures, a plane that did not fit), oldest first.
  std::vector<std::string> takeErrors();
  // Results thrown away because they were computed with an older model (tests, Performance).
  uint64_t droppedOld() const { return m_droppedOld; }

  SampleTrack sampleA, sampleB;  // the main run and the Compare view's second run
  const SampleTrack& track(int i) const { return i == 1 ? sampleB : sampleA; }

  struct Noised {
    NoisedImage result;
    Image original;  // the data image that was noised
    int64_t index = -1, t = -1;
    uint64_t version = 0;
    std::string error;
  } noised;

  Image cursorImage;
  uint64_t cursorVersion = 0;
  std::vector<float> cursorLatent;  // the latent cursorImage was decoded from
  double lastDecodeMs = 0;          // submit -> result for the cursor decode
  std::vector<double> decodeMsHistory;
  Image selectedOriginal, selectedRecon;
  int64_t selectedIndex = -1;
  uint64_t selectedVersion = 0;
  GridImages grid;
  bool gridPending() const { return m_gridPending; }  // a grid job is queued or running

  std::string modelError, dataError;  // shown by the Model panel until the next load / encode
  const JobRunner& interactive() const { return m_interactive; }
  const JobRunner& background() const { return m_background; }
  const JobRunner& sampler() const { return m_sampler; }
  int threads() const { return m_threads; }

 private:
  template <typename R, typename F>
  void submit(JobRunner& runner, const char* slotName, F work);
  void apply(const EngineResult& r, LoadResult& v, AppState& state);
  void apply(const EngineResult& r, EncodeResult& v, AppState& state);
  void apply(const EngineResult& r, DecodeResult& v, AppState& state);
  void apply(const EngineResult& r, ReconResult& v, AppState& state);
  void apply(const EngineResult& r, NoiseResult& v, AppState& state);
  void apply(const EngineResult& r, GridResult& v, AppState& state);
  void apply(const EngineResult& r, SampleResult& v, AppState& state);
  void apply(const EngineResult& r, FeatureResult& v, AppState& state);
  JobRunner& runner(Worker worker);
  void error(const std::string& message) { m_errors.push_back(message); }
  uint64_t nextVersion() { return ++m_versions; }

  int m_threads;
  std::shared_ptr<Waker> m_wake = std::make_shared<Waker>();
  JobRunner m_interactive, m_background, m_sampler;
  uint64_t m_generation = 0, m_versions = 0, m_droppedOld = 0;
  std::shared_ptr<ExploreModel> m_model;
  std::shared_ptr<DiffusionSampler> m_diffusion;
  std::shared_ptr<TokenModel> m_tokens;  // a token model's views live in app/tokens/
  // Data for forward noising when no map data set is loaded (pixel models): opened on the
  // interactive worker once per spec.
  struct NoiseData {
    std::mutex mutex;
    std::string spec;
    std::shared_ptr<const Dataset> data;
  };
  std::shared_ptr<NoiseData> m_noiseData = std::make_shared<NoiseData>();
  std::shared_ptr<const Dataset> m_data;
  MapProjection m_map;
  bool m_loading = false, m_encoding = false, m_gridPending = false;
  std::string m_loadingDir;
  std::string m_pendingEncode;  // data spec to encode once the model has loaded
  std::vector<std::string> m_errors;
};

}  // namespace latentlab
