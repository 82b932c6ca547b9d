#include "app/engine_client.h"

#include <chrono>

#include "engine/data/grid.h"
#include "engine/models/manifest.h"
#include "engine/util/errors.h"

namespace latentlab {

// A bundle as the GUI uses it: autoencoders (and latent diffusion's VAE) drive the map,
// diffusion bundles the Diffusion panel; a pixel diffusion model has no map model.
struct EngineClient::Loaded {
  std::shared_ptr<ExploreModel> model;
  std::shared_ptr<DiffusionSampler> diffusion;
};

struct EngineClient::Encoded {
  std::shared_ptr<const Dataset> data;
  std::shared_ptr<const LatentSet> latents;
  LatentPlane pca;
};

namespace {
double nowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

EngineClient::EngineClient(int threads)
    : m_threads(threads), m_interactive("interactive", threads), m_background("background", threads) {}

EngineClient::~EngineClient() = default;

void EngineClient::setWake(std::function<void()> wake) {
  m_wake = wake;
  m_interactive.setWakeCallback(wake);
  m_background.setWakeCallback(wake);
}

void EngineClient::loadModel(const std::string& dir, const std::string& device) {
  m_loading = true;
  modelError.clear();
  m_background.submit("load", [dir, device](JobContext& ctx) -> std::any {
    ctx.setProgress(0, "loading " + dir);
    Loaded l;
    std::string kind = readManifest(dir).kind;
    bool diffusion = kind == "diffusion" || kind == "latent-diffusion";
    if (diffusion) l.diffusion = DiffusionSampler::load(dir, device);
    if (kind != "diffusion") l.model = ExploreModel::load(dir, device);
    return l;
  });
}

void EngineClient::encodeData(const std::string& spec) {
  dataError.clear();
  if (m_loading) {
    m_pendingEncode = spec;
    return;
  }
  if (!m_model) {
    if (m_diffusion) return;  // a pixel diffusion model has no latent map to fill
    dataError = "no model is loaded; open one in the Model panel";
    return;
  }
  m_encoding = true;
  auto model = m_model;
  m_background.submit("encode", [model, spec](JobContext& ctx) -> std::any {
    ctx.setProgress(0, "reading " + spec);
    auto data = std::make_shared<Dataset>(openDataset(spec));
    auto set = std::make_shared<LatentSet>(model->encode(
        *data, [&](double f, const std::string& msg) { ctx.setProgress(f, msg); }, ctx.cancelToken()));
    Encoded e;
    e.pca = pcaPlane(*set);
    e.data = data;
    e.latents = set;
    return e;
  });
}

void EngineClient::sample(const SampleRequest& req, int trackIndex, bool paused) {
  if (!m_diffusion) return;
  SampleTrack& track = trackIndex == 1 ? sampleB : sampleA;
  auto model = m_diffusion;
  auto queue = track.queue;
  auto wake = m_wake;
  // A fresh gate per run: a job of an older run may still be waiting on the old one.
  track.gate->run();
  track.gate = std::make_shared<StepGate>();
  if (paused) track.gate->pause();
  auto gate = track.gate;
  uint64_t run = track.begin(req);
  m_background.submit(trackIndex == 1 ? "sample-b" : "sample", [model, queue, gate, wake, run, req](JobContext& ctx) -> std::any {
    ctx.setProgress(0, "sampling");
    Image final = model->sample(
        req,
        [&](const SampleFrame& f) {
          {
            std::lock_guard<std::mutex> lock(queue->mutex);
            if (queue->run != run) return;  // a newer run owns the queue
            queue->pending.push_back(f);
          }
          ctx.setProgress(double(f.index + 1) / f.steps, "step " + std::to_string(f.index + 1) + "/" +
                                                            std::to_string(f.steps));
          if (wake) wake();
          if (f.index + 1 < f.steps) gate->waitAfterStep(ctx.cancelToken());
        },
        ctx.cancelToken());
    return final;
  });
}

std::vector<int64_t> EngineClient::timesteps(int steps) const {
  if (!m_diffusion) return {};
  try {
    return m_diffusion->timesteps(steps);
  } catch (const BadInput&) {
    return {};
  }
}

void EngineClient::stepSample(int steps) {
  if (sampleA.sampling) sampleA.gate->allow(steps);
}

void EngineClient::resumeSample() { sampleA.gate->run(); }

bool EngineClient::samplePaused() const { return sampleA.sampling && sampleA.gate->paused(); }

void EngineClient::cancelSample() {
  if (sampleA.sampling) {
    m_background.cancel("sample");
    sampleA.stop();
  }
  if (sampleB.sampling) {
    m_background.cancel("sample-b");
    sampleB.stop();
  }
}

void EngineClient::forwardNoise(int64_t index, int64_t t, uint64_t seed, const std::string& dataSpec) {
  if (!m_diffusion) return;
  auto model = m_diffusion;
  auto mapData = m_data;
  auto cache = m_noiseData;
  m_interactive.submit("noise", [=](JobContext&) -> std::any {
    std::shared_ptr<const Dataset> data = mapData;
    if (!data) {
      std::lock_guard<std::mutex> lock(cache->mutex);
      if (!cache->data || cache->spec != dataSpec) {
        cache->data = std::make_shared<Dataset>(openDataset(dataSpec));
        cache->spec = dataSpec;
      }
      data = cache->data;
    }
    if (index < 0 || index >= data->count)
      throw BadInput("data item " + std::to_string(index) + " is not in " + dataSpec + " (0.." +
                     std::to_string(data->count - 1) + ")");
    Image original = data->image(index);
    NoisedImage n = model->forwardNoise(original, t, seed);
    return std::make_tuple(index, t, original, n);
  });
}

void EngineClient::decodeCursor(std::vector<float> latent) {
  if (!m_model) return;
  auto model = m_model;
  double t0 = nowMs();
  m_interactive.submit("decode", [model, latent, t0](JobContext&) -> std::any {
    Image img = model->decode(latent);
    return std::make_tuple(img, latent, t0);
  });
}

void EngineClient::reconstruct(int64_t index) {
  if (!m_model || !m_data || index < 0 || index >= m_data->count) return;
  auto model = m_model;
  auto data = m_data;
  m_interactive.submit("recon", [model, data, index](JobContext&) -> std::any {
    Image original = data->image(index);
    return std::make_tuple(index, original, model->reconstruct(original));
  });
}

void EngineClient::decodeGrid(const LatentPlane& plane, double u0, double u1, double v0, double v1, int k) {
  if (!m_model) return;
  auto model = m_model;
  m_background.submit("grid", [=](JobContext& ctx) -> std::any {
    GridImages g;
    GridOptions tiles;  // the decodes edge to edge, one k x k picture
    tiles.cols = k, tiles.scale = 1, tiles.pad = 0;
    g.atlas = makeGrid(model->decodeGrid(plane, u0, u1, v0, v1, k, ctx.cancelToken()), tiles);
    g.k = k;
    g.u0 = u0;
    g.u1 = u1;
    g.v0 = v0;
    g.v1 = v1;
    return g;
  });
}

bool EngineClient::applyPlane(AppState& s) {
  if (!m_latents) return false;
  int dim = m_latents->dim;
  try {
    if (s.planeMode == "pca") {
      s.plane = m_pcaPlane;
    } else if (s.planeMode == "axes") {
      s.plane = axesPlane(dim, s.axisI, s.axisJ);
    } else if (s.planeMode == "points") {
      for (auto i : s.planePoints)
        if (i < 0 || i >= m_latents->count)
          throw BadInput("plane through points: data index " + std::to_string(i) + " is not in the data set");
      s.plane = planeThroughPoints(m_latents->latent(s.planePoints[0]), m_latents->latent(s.planePoints[1]),
                                   m_latents->latent(s.planePoints[2]));
    } else if (s.planeMode == "custom") {
      if (s.plane.dim() != dim || !s.plane.valid())
        throw BadInput("the session's custom plane does not fit a " + std::to_string(dim) + "-d latent");
    }
  } catch (const BadInput& e) {
    lastError = std::string(e.what()) + "; showing the PCA plane";
    s.planeMode = "pca";
    s.plane = m_pcaPlane;
  }
  m_points.uv = projectAll(s.plane, *m_latents);
  m_points.labels = m_latents->labels;
  m_points.classNames = m_latents->classNames;
  ++m_points.version;
  // A first-time user should see a decoded image at once, not an empty panel: start the
  // cursor on the first data item (for Fashion-MNIST's test split, an ankle boot).
  if (!s.hasCursor && m_points.count() > 0) {
    s.hasCursor = true;
    s.cursorU = m_points.uv[0];
    s.cursorV = m_points.uv[1];
  }
  if (s.hiddenClasses.size() < m_points.classNames.size()) s.hiddenClasses.resize(m_points.classNames.size(), false);
  return true;
}

bool EngineClient::poll(AppState& state) {
  bool changed = false;
  changed |= sampleA.drain();
  changed |= sampleB.drain();
  for (auto& r : m_background.takeResults()) {
    changed = true;
    if (r.slot == "load") {
      m_loading = false;
      if (!r.error.empty() || !r.value.has_value()) {
        modelError = r.error.empty() ? "loading was cancelled" : r.error;
        lastError = modelError;
        m_pendingEncode.clear();
        continue;
      }
      auto loaded = std::any_cast<Loaded>(r.value);
      m_model = loaded.model;
      m_diffusion = loaded.diffusion;
      sampleA = SampleTrack{};
      sampleB = SampleTrack{};
      noised = Noised{};
      if (!m_model) m_pendingEncode.clear();
      m_latents.reset();
      m_points = MapPoints{};
      cursorImage = Image{};
      grid = GridImages{};
      if (!m_pendingEncode.empty()) {
        std::string spec = m_pendingEncode;
        m_pendingEncode.clear();
        encodeData(spec);
      }
    } else if (r.slot == "encode") {
      m_encoding = false;
      if (r.cancelled) continue;
      if (!r.error.empty()) {
        dataError = r.error;
        lastError = r.error;
        continue;
      }
      auto e = std::any_cast<Encoded>(r.value);
      m_data = e.data;
      m_latents = e.latents;
      m_pcaPlane = e.pca;
      // A 2-d latent needs no projection: on first view the map is the latent plane itself
      // (z1 across, z2 up), the classic manifold picture.
      if (!state.viewSet && m_latents->dim == 2 && state.planeMode == "pca") {
        state.planeMode = "axes";
        state.axisI = 0;
        state.axisJ = 1;
      }
      applyPlane(state);
      if (!state.viewSet) {
        state.view.fit(m_points.uv);
        state.viewSet = true;
      }
    } else if (r.slot == "sample" || r.slot == "sample-b") {
      SampleTrack& track = r.slot == "sample" ? sampleA : sampleB;
      track.drain();  // steps pushed after the last poll belong before the end
      track.sampling = false;
      ++track.finished;
      track.cancelled = r.cancelled;
      if (r.value.has_value()) track.final = std::any_cast<Image>(r.value);
      if (!r.error.empty()) {
        track.error = r.error;
        lastError = r.error;
      }
    } else if (r.slot == "grid") {
      if (r.cancelled) continue;
      if (!r.error.empty()) {
        lastError = r.error;
        continue;
      }
      auto g = std::any_cast<GridImages>(r.value);
      g.version = grid.version + 1;
      grid = std::move(g);
    }
  }
  for (auto& r : m_interactive.takeResults()) {
    changed = true;
    if (!r.error.empty()) {
      lastError = r.error;
      if (r.slot == "noise") noised.error = r.error;
      continue;
    }
    if (r.cancelled || !r.value.has_value()) continue;
    if (r.slot == "decode") {
      auto [img, latent, t0] = std::any_cast<std::tuple<Image, std::vector<float>, double>>(r.value);
      cursorImage = std::move(img);
      cursorLatent = std::move(latent);
      ++cursorVersion;
      lastDecodeMs = nowMs() - t0;
      decodeMsHistory.push_back(lastDecodeMs);
      if (decodeMsHistory.size() > 600) decodeMsHistory.erase(decodeMsHistory.begin());
    } else if (r.slot == "noise") {
      auto [index, t, original, n] = std::any_cast<std::tuple<int64_t, int64_t, Image, NoisedImage>>(r.value);
      noised.result = std::move(n);
      noised.index = index;
      noised.t = t;
      noised.error.clear();
      noised.original = std::move(original);
      ++noised.version;
    } else if (r.slot == "recon") {
      auto [index, original, recon] = std::any_cast<std::tuple<int64_t, Image, Image>>(r.value);
      selectedIndex = index;
      selectedOriginal = std::move(original);
      selectedRecon = std::move(recon);
      ++selectedVersion;
    }
  }
  return changed;
}

bool EngineClient::idle() const {
  bool framesWaiting = false;
  for (const SampleTrack* t : {&sampleA, &sampleB}) {
    std::lock_guard<std::mutex> lock(t->queue->mutex);
    framesWaiting = framesWaiting || !t->queue->pending.empty();
  }
  return m_interactive.idle() && m_background.idle() && m_pendingEncode.empty() && !m_loading && !m_encoding &&
         !sampling() && !framesWaiting;
}

}  // namespace latentlab
