#include "app/engine_client.h"

#include <chrono>

#include "app/model_probe.h"
#include "engine/data/grid.h"
#include "engine/models/manifest.h"
#include "engine/models/model_file.h"
#include "engine/models/model_kinds.h"
#include "engine/tokens/token_model.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {
double nowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

std::string firstLine(std::string s) {
  auto nl = s.find('\n');  // LibTorch errors carry a multi-line backtrace
  if (nl != std::string::npos) s.resize(nl);
  return s;
}
}  // namespace

EngineClient::EngineClient(int threads)
    : m_threads(threads),
      m_interactive("interactive", threads),
      m_background("background", threads),
      m_sampler("sampler", threads) {
  std::shared_ptr<Waker> wake = m_wake;
  for (JobRunner* r : {&m_interactive, &m_background, &m_sampler}) r->setWakeCallback([wake] { (*wake)(); });
}

EngineClient::~EngineClient() { shutdown(-1); }

void EngineClient::setWake(std::function<void()> wake) { m_wake->set(std::move(wake)); }

bool EngineClient::shutdown(double timeoutSeconds) {
  // Order matters: first nothing new may start and held runs must let go, then no worker
  // may call the window system, then the workers stop.
  for (JobRunner* r : {&m_interactive, &m_background, &m_sampler}) r->cancelAll();
  for (SampleTrack* t : {&sampleA, &sampleB}) t->gate->run();
  m_wake->clear();
  bool clean = true;
  for (JobRunner* r : {&m_sampler, &m_interactive, &m_background}) clean = r->shutdown(timeoutSeconds) && clean;
  return clean;
}

namespace {
// Runs a job's work: a cancellation, or an error as its first line, goes into the result
// instead of out of the worker thread.
template <typename F>
void runCatching(EngineResult& r, JobContext& ctx, F&& work) {
  try {
    work();
  } catch (const Cancelled&) {
    r.cancelled = true;
  } catch (const std::exception& e) {
    r.error = firstLine(e.what());
  } catch (...) {
    r.error = "unknown error";
  }
  if (ctx.cancelled()) r.cancelled = true;
}
}  // namespace

// Every job goes through here: its result is an EngineResult holding an R, stamped with the
// generation of the model it was asked with. Failures and cancellations come back as a
// value-initialised R with `error` / `cancelled` set, so poll() knows what failed by type.
template <typename R, typename F>
void EngineClient::submit(JobRunner& runner, const char* slotName, F work) {
  uint64_t generation = m_generation;
  runner.submit(slotName, [generation, work = std::move(work)](JobContext& ctx) mutable -> std::any {
    EngineResult r;
    r.generation = generation;
    r.value = R{};
    runCatching(r, ctx, [&] { r.value = work(ctx); });
    return r;
  });
}

JobRunner& EngineClient::runner(Worker worker) {
  switch (worker) {
    case Worker::Interactive: return m_interactive;
    case Worker::Sampler: return m_sampler;
    case Worker::Background: break;
  }
  return m_background;
}

void EngineClient::run(Worker worker, const std::string& slotName, Work work, Done done) {
  uint64_t generation = m_generation;
  // The callback travels inside the result so a failed or cancelled job still reaches it.
  runner(worker).submit(slotName, [generation, work = std::move(work), done = std::move(done)](JobContext& ctx) mutable {
    EngineResult r;
    r.generation = generation;
    FeatureResult f;
    f.done = std::move(done);
    runCatching(r, ctx, [&] { f.value = work(ctx); });
    r.value = std::move(f);
    return std::any(std::move(r));
  });
}

void EngineClient::cancel(Worker worker, const std::string& slotName) { runner(worker).cancel(slotName); }

RunnerStatus EngineClient::status(Worker worker) const {
  return const_cast<EngineClient*>(this)->runner(worker).status();
}

void EngineClient::apply(const EngineResult& r, FeatureResult& v, AppState&) {
  if (!v.done) return;
  FeatureOutcome outcome{std::move(v.value), r.error, r.cancelled};
  if (!r.error.empty()) error(r.error);
  v.done(outcome);
}

void EngineClient::loadModel(const std::string& dir, const std::string& device) {
  m_loading = true;
  m_loadingDir = dir;
  modelError.clear();
  submit<LoadResult>(m_background, slot::kLoad, [dir, device](JobContext& ctx) {
    ctx.setProgress(0, "loading " + dir);
    LoadResult l;
    l.dir = dir;
    std::string kind = readModelManifest(dir).kind;
    // A kind the window has no views for yet (the classifier, the token model) says so
    // instead of failing later inside a loader with a message about architectures.
    if (const ModelKindInfo* k = findModelKind(kind); k && !k->guiOpens)
      throw BadInput(dir + ": a \"" + kind + "\" model (" + k->description +
                     ") opens on the command line only; see `latentlab --help`");
    if (holdsTorchScript(dir)) {  // TorchScript is code: first loaded in a child process with limits
      ProbeOutcome p = runModelProbe(dir);
      if (p.ran && !p.ok) throw BadInput(p.message);
    }
    if (modelFamily(kind) == ModelFamily::Tokens) {
      // The Tokens view (app/tokens/), and its code vectors as the latent the map, paths and
      // sliders steer (engine/tokens/vq_latent.h).
      l.tokens = TokenModel::open(dir, device);
      l.model = ExploreModel::load(dir, device);
      return l;
    }
    if (isDiffusionKind(kind)) l.diffusion = DiffusionSampler::load(dir, device);
    if (!isPixelDiffusionKind(kind)) l.model = ExploreModel::load(dir, device);
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
    if (m_diffusion || m_tokens) return;  // a pixel diffusion or token model has no latent map to fill
    dataError = "no model is loaded; open one in the Model panel";
    return;
  }
  m_encoding = true;
  auto model = m_model;
  submit<EncodeResult>(m_background, slot::kEncode, [model, spec](JobContext& ctx) {
    auto progress = [&](double f, const std::string& msg) { ctx.setProgress(f, msg); };
    std::shared_ptr<Dataset> data;
    std::shared_ptr<LatentSet> set;
    if (!model->info().hasEncoder) {
      // A generator has no encoder: its map is labelled prior samples, their images the "data".
      set = std::make_shared<LatentSet>(model->encodePrior(kPriorSetSize, 0, -1.0, progress, ctx.cancelToken()));
      data = std::make_shared<Dataset>(model->decodeSet(*set, progress, ctx.cancelToken()));
    } else {
      ctx.setProgress(0, "reading " + spec);
      data = std::make_shared<Dataset>(openDataset(spec));
      set = std::make_shared<LatentSet>(model->encode(*data, progress, ctx.cancelToken()));
    }
    EncodeResult e;
    e.pca = pcaPlane(*set);
    e.data = data;
    e.latents = set;
    return e;
  });
}

void EngineClient::cancelEncode() {
  m_background.cancel(slot::kEncode);
  m_encoding = false;
}

void EngineClient::cancelGrid() {
  m_background.cancel(slot::kGrid);
  m_gridPending = false;
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
  submit<SampleResult>(m_sampler, trackIndex == 1 ? slot::kSampleB : slot::kSample,
                       [model, queue, gate, wake, run, req, trackIndex](JobContext& ctx) {
    ctx.setProgress(0, "sampling");
    SampleResult out;
    out.track = trackIndex;
    // DiffusionSampler::sample releases the model while this callback runs, so a run held
    // at the gate keeps nobody else waiting (forward noising, loading another model).
    out.final = model->sample(
        req,
        [&](const SampleFrame& f) {
          {
            std::lock_guard<std::mutex> lock(queue->mutex);
            if (queue->run != run) return;  // a newer run owns the queue
            queue->pending.push_back(f);
          }
          ctx.setProgress(double(f.index + 1) / f.steps,
                          "step " + std::to_string(f.index + 1) + "/" + std::to_string(f.steps));
          (*wake)();
          if (f.index + 1 < f.steps) gate->waitAfterStep(ctx.cancelToken());
        },
        ctx.cancelToken());
    return out;
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
    m_sampler.cancel(slot::kSample);
    sampleA.stop();
  }
  if (sampleB.sampling) {
    m_sampler.cancel(slot::kSampleB);
    sampleB.stop();
  }
}

void EngineClient::forwardNoise(int64_t index, int64_t t, uint64_t seed, const std::string& dataSpec) {
  if (!m_diffusion) return;
  auto model = m_diffusion;
  auto mapData = m_data;
  auto cache = m_noiseData;
  submit<NoiseResult>(m_interactive, slot::kNoise, [=](JobContext&) {
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
    NoiseResult n;
    n.index = index;
    n.t = t;
    n.original = data->image(index);
    n.noised = model->forwardNoise(n.original, t, seed);
    return n;
  });
}

void EngineClient::decodeCursor(std::vector<float> latent, int classId) {
  if (!m_model) return;
  auto model = m_model;
  double t0 = nowMs();
  submit<DecodeResult>(m_interactive, slot::kDecode, [model, latent, t0, classId](JobContext&) {
    DecodeResult d;
    d.image = model->decode(latent, classId);
    d.latent = latent;
    d.submitMs = t0;
    return d;
  });
}

void EngineClient::reconstruct(int64_t index) {
  if (!m_model || !m_data || index < 0 || index >= m_data->count) return;
  auto model = m_model;
  auto data = m_data;
  auto latents = m_map.latentsShared();
  submit<ReconResult>(m_interactive, slot::kRecon, [model, data, latents, index](JobContext&) {
    ReconResult r;
    r.index = index;
    r.original = data->image(index);
    // A generator's map point is a sample: its z decoded again, as its class (no encoder).
    if (!model->info().hasEncoder && latents && index < latents->count)
      r.recon = model->decode(latents->latent(index), latents->labels[size_t(index)]);
    else
      r.recon = model->reconstruct(r.original);
    return r;
  });
}

void EngineClient::decodeGrid(const LatentPlane& plane, double u0, double u1, double v0, double v1, int k, int classId) {
  if (!m_model) return;
  auto model = m_model;
  m_gridPending = true;
  uint64_t generation = m_generation;
  submit<GridResult>(m_background, slot::kGrid, [=](JobContext& ctx) {
    GridResult r;
    GridImages& g = r.grid;
    GridOptions tiles;  // the decodes edge to edge, one k x k picture
    tiles.cols = k, tiles.scale = 1, tiles.pad = 0;
    g.atlas = makeGrid(model->decodeGrid(plane, u0, u1, v0, v1, k, ctx.cancelToken(), classId), tiles);
    g.k = k;
    g.u0 = u0;
    g.u1 = u1;
    g.v0 = v0;
    g.v1 = v1;
    g.plane = plane;
    g.generation = generation;
    return r;
  });
}

bool EngineClient::applyPlane(AppState& s) {
  if (!m_map.latents()) return false;
  std::string e = m_map.applyPlane(s);
  if (!e.empty()) error(e);
  return e.empty();
}

std::vector<std::string> EngineClient::takeErrors() {
  std::vector<std::string> out;
  out.swap(m_errors);
  return out;
}

void EngineClient::apply(const EngineResult& r, LoadResult& v, AppState&) {
  m_loading = false;
  m_loadingDir.clear();
  if (!r.error.empty() || r.cancelled) {
    modelError = r.error.empty() ? "loading was cancelled" : r.error;
    error(modelError);
    m_pendingEncode.clear();
    return;
  }
  // A new model: nothing computed with the old one may be shown again. Jobs still queued
  // for it are cancelled; results already on their way carry the old generation and are
  // dropped by poll(). Versions move on (never back to 0) so no texture or point buffer of
  // the old model is mistaken for the new one's.
  ++m_generation;
  for (const char* s : {slot::kEncode, slot::kGrid}) m_background.cancel(s);
  for (const char* s : {slot::kDecode, slot::kRecon, slot::kNoise}) m_interactive.cancel(s);
  for (const char* s : {slot::kSample, slot::kSampleB}) m_sampler.cancel(s);
  m_model = v.model;
  m_diffusion = v.diffusion;
  m_tokens = v.tokens;
  for (SampleTrack* t : {&sampleA, &sampleB}) {
    t->gate->run();  // a held run of the old model lets go
    uint64_t run = t->run;
    *t = SampleTrack{};
    t->run = run;
  }
  noised = Noised{};
  noised.version = nextVersion();
  m_encoding = false;
  m_gridPending = false;
  m_data.reset();
  m_map.clear();
  cursorImage = Image{};
  cursorLatent.clear();
  ++cursorVersion;
  selectedOriginal = Image{};
  selectedRecon = Image{};
  selectedIndex = -1;
  ++selectedVersion;
  grid = GridImages{};
  grid.version = nextVersion();
  if (!m_model) m_pendingEncode.clear();
  if (!m_pendingEncode.empty()) {
    std::string spec = m_pendingEncode;
    m_pendingEncode.clear();
    encodeData(spec);
  }
}

void EngineClient::apply(const EngineResult& r, EncodeResult& v, AppState& state) {
  m_encoding = false;
  if (r.cancelled) return;
  if (!r.error.empty()) {
    dataError = r.error;
    error(r.error);
    return;
  }
  m_data = v.data;
  m_map.setLatents(v.latents, v.pca);
  // A 2-d latent needs no projection: on first view the map is the latent plane itself
  // (z1 across, z2 up), the classic manifold picture.
  if (!state.viewSet && v.latents->dim == 2 && state.planeMode == "pca") {
    state.planeMode = "axes";
    state.axisI = 0;
    state.axisJ = 1;
  }
  applyPlane(state);
  if (!state.viewSet) {
    m_map.fit(state.view);
    state.viewSet = true;
  }
}

void EngineClient::apply(const EngineResult& r, DecodeResult& v, AppState&) {
  if (r.cancelled) return;
  if (!r.error.empty()) return error(r.error);
  cursorImage = std::move(v.image);
  cursorLatent = std::move(v.latent);
  ++cursorVersion;
  lastDecodeMs = nowMs() - v.submitMs;
  decodeMsHistory.push_back(lastDecodeMs);
  if (decodeMsHistory.size() > 600) decodeMsHistory.erase(decodeMsHistory.begin());
}

void EngineClient::apply(const EngineResult& r, ReconResult& v, AppState&) {
  if (r.cancelled) return;
  if (!r.error.empty()) return error(r.error);
  selectedIndex = v.index;
  selectedOriginal = std::move(v.original);
  selectedRecon = std::move(v.recon);
  ++selectedVersion;
}

void EngineClient::apply(const EngineResult& r, NoiseResult& v, AppState&) {
  if (r.cancelled) return;
  if (!r.error.empty()) {
    noised.error = r.error;
    return error(r.error);
  }
  noised.result = std::move(v.noised);
  noised.index = v.index;
  noised.t = v.t;
  noised.error.clear();
  noised.original = std::move(v.original);
  noised.version = nextVersion();
}

void EngineClient::apply(const EngineResult& r, GridResult& v, AppState&) {
  m_gridPending = false;
  if (r.cancelled) return;
  if (!r.error.empty()) return error(r.error);
  grid = std::move(v.grid);
  grid.version = nextVersion();
}

void EngineClient::apply(const EngineResult& r, SampleResult& v, AppState&) {
  SampleTrack& track = v.track == 1 ? sampleB : sampleA;
  track.drain();  // steps pushed after the last poll belong before the end
  track.sampling = false;
  ++track.finished;
  track.cancelled = r.cancelled;
  track.final = std::move(v.final);
  if (!r.error.empty()) {
    track.error = r.error;
    error(r.error);
  }
}

bool EngineClient::poll(AppState& state) {
  bool changed = false;
  changed |= sampleA.drain();
  changed |= sampleB.drain();
  for (JobRunner* runner : {&m_background, &m_sampler, &m_interactive}) {
    for (auto& jr : runner->takeResults()) {
      changed = true;
      auto* r = std::any_cast<EngineResult>(&jr.value);
      if (!r) continue;  // cannot happen: every job is submitted through submit()
      bool isLoad = std::holds_alternative<LoadResult>(r->value);
      if (!isLoad && r->generation != m_generation) {
        ++m_droppedOld;  // computed with a model that is no longer loaded
        continue;
      }
      std::visit([&](auto& value) { apply(*r, value, state); }, r->value);
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
  return m_interactive.idle() && m_background.idle() && m_sampler.idle() && m_pendingEncode.empty() && !m_loading &&
         !m_encoding && !sampling() && !framesWaiting;
}

}  // namespace latentlab
