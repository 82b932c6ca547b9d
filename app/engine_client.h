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
#include "app/sample_track.h"
#include "engine/explore/diffusion_sampling.h"
#include "engine/explore/explorer.h"
#include "engine/jobs/job_runner.h"

namespace latentlab {

struct GridImages {
  // The k*k decodes tiled into one picture, row-major, row 0 at the top of the map (built
  // on the worker): drawn as one texture, the grid costs one upload and one draw call.
  Image atlas;
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
  // Diffusion bundles: sampling runs on the background worker; every step arrives in the
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
  bool sampling() const { return sampleA.sampling || sampleB.sampling; }
  // The timesteps a run of `steps` steps visits (schedule plots). Pure arithmetic on the
  // loaded, immutable schedule: safe on the UI thread, no model call. Empty without a model.
  std::vector<int64_t> timesteps(int steps) const;

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

  std::string modelError, dataError, lastError;  // shown by panels; lastError also in the status bar
  const JobRunner& interactive() const { return m_interactive; }
  const JobRunner& background() const { return m_background; }
  int threads() const { return m_threads; }

 private:
  struct Encoded;
  struct Loaded;
  int m_threads;
  JobRunner m_interactive, m_background;
  std::shared_ptr<ExploreModel> m_model;
  std::shared_ptr<DiffusionSampler> m_diffusion;
  // Data for forward noising when no map data set is loaded (pixel models): opened on the
  // interactive worker once per spec.
  struct NoiseData {
    std::mutex mutex;
    std::string spec;
    std::shared_ptr<const Dataset> data;
  };
  std::shared_ptr<NoiseData> m_noiseData = std::make_shared<NoiseData>();
  std::function<void()> m_wake;
  std::shared_ptr<const Dataset> m_data;
  std::shared_ptr<const LatentSet> m_latents;
  LatentPlane m_pcaPlane;
  MapPoints m_points;
  bool m_loading = false, m_encoding = false;
  std::string m_pendingEncode;  // data spec to encode once the model has loaded
  uint64_t m_cursorSubmit = 0;
};

}  // namespace latentlab
