#include "app/engine_client.h"

#include <chrono>

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

void EngineClient::sample(const SampleRequest& req) {
  if (!m_diffusion) return;
  auto model = m_diffusion;
  auto queue = m_frameQueue;
  auto wake = m_wake;
  uint64_t run = ++sampleRun;
  {
    std::lock_guard<std::mutex> lock(queue->mutex);
    queue->run = run;
    queue->pending.clear();
  }
  frames.clear();
  sampleFinal = Image{};
  sampleSteps = req.steps;
  sampleError.clear();
  sampleCancelled = false;
  m_sampling = true;
  m_background.submit("sample", [model, queue, wake, run, req](JobContext& ctx) -> std::any {
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
        },
        ctx.cancelToken());
    return final;
  });
}

void EngineClient::cancelSample() {
  if (!m_sampling) return;
  m_background.cancel("sample");
  {
    // Steps the job still reports before it notices the flag are not part of the record.
    std::lock_guard<std::mutex> lock(m_frameQueue->mutex);
    for (auto& f : m_frameQueue->pending) frames.push_back(std::move(f));
    m_frameQueue->pending.clear();
    m_frameQueue->run = 0;
  }
  m_sampling = false;
  sampleCancelled = true;
  ++samplesFinished;
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
    g.images = model->decodeGrid(plane, u0, u1, v0, v1, k, ctx.cancelToken());
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
  {
    std::lock_guard<std::mutex> lock(m_frameQueue->mutex);
    if (m_frameQueue->run == sampleRun && !m_frameQueue->pending.empty()) {
      for (auto& f : m_frameQueue->pending) frames.push_back(std::move(f));
      changed = true;
    }
    m_frameQueue->pending.clear();
  }
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
      frames.clear();
      sampleError.clear();
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
    } else if (r.slot == "sample") {
      m_sampling = false;
      ++samplesFinished;
      sampleCancelled = r.cancelled;
      if (r.value.has_value()) sampleFinal = std::any_cast<Image>(r.value);
      if (!r.error.empty()) {
        sampleError = r.error;
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
  bool framesWaiting;
  {
    std::lock_guard<std::mutex> lock(m_frameQueue->mutex);
    framesWaiting = !m_frameQueue->pending.empty();
  }
  return m_interactive.idle() && m_background.idle() && m_pendingEncode.empty() && !m_loading && !m_encoding &&
         !m_sampling && !framesWaiting;
}

}  // namespace latentlab
