#include "app/train_vae/vae_train_panel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "app/panels/param_help.h"
#include "app/train_vae/train_plots.h"
#include "app/widgets/image_fit.h"

namespace latentlab {

namespace {
const int kLatentChoices[] = {2, 3, 4, 8, 16};
const char* kLatentLabels[] = {"2", "3", "4", "8", "16"};
constexpr int kLatentCount = 5;
// Plane point -> latent: origin + x * u + y * v (the map's own plane).
std::vector<float> planeToLatent(const VaeLiveMap& m, float x, float y) {
  std::vector<float> z(size_t(std::max(m.dims, 0)));
  for (size_t i = 0; i < z.size() && i < m.origin.size(); ++i) z[i] = m.origin[i] + x * m.axisU[i] + y * m.axisV[i];
  return z;
}
std::string defaultSaveDir() {
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/latentlab-models/vae-live";
}
}  // namespace

VaeTrainPanel::VaeTrainPanel() : Panel("train_vae", "Train a VAE"), m_record(std::make_shared<Record>()) {
  std::snprintf(m_savePath, sizeof m_savePath, "%s", defaultSaveDir().c_str());
  m_pin[0] = 0, m_pin[1] = 0;
}
VaeTrainPanel::~VaeTrainPanel() = default;

const char* VaeTrainPanel::notes() const {
  return "A variational autoencoder learning from scratch. The encoder squeezes each photo into two numbers "
         "(a point on the map); the decoder must rebuild the photo from that point. The map shows 2,000 test "
         "photos, coloured by what they are: at first every photo lands in one blob, and as training goes on "
         "the classes pull apart into clusters, although nobody told the network the classes. Reconstruction "
         "is how badly photos are rebuilt; KL is how far the points are pushed from the standard normal "
         "circle. Beta weighs KL against reconstruction: raise it (a 2-d VAE gives in around 50 to 100) and the "
         "model stops using its latent dimensions: their KL bars fall to zero, the map shrinks to one blob "
         "and every point decodes to the same blur. That is posterior collapse.";
}

int64_t VaeTrainPanel::steps() const {
  std::lock_guard<std::mutex> lock(m_record->mutex);
  return m_record->history.empty() ? 0 : m_record->history.back().step;
}

void VaeTrainPanel::play(PanelContext& ctx) {
  m_playing = true;
  if (!m_inFlight) submit(ctx, 1 << 30, jobSeconds);
}

void VaeTrainPanel::pause() {
  m_playing = false;
  m_record->stop = true;  // the running job ends after its current step
}

void VaeTrainPanel::step(PanelContext& ctx) {
  pause();
  if (!m_inFlight) submit(ctx, 1, jobSeconds);
}

void VaeTrainPanel::reset(PanelContext& ctx) {
  pause();
  if (ctx.jobs && m_inFlight) ctx.jobs->cancel(Worker::Background, "vaetrain/steps");
  m_inFlight = false;
  m_record = std::make_shared<Record>();  // the next job builds a fresh VAE from the seed
  m_map.clear();
  m_error.clear();
  m_cursorImage = Image();
  m_decodedZ.clear();
}

void VaeTrainPanel::submit(PanelContext& ctx, int maxSteps, double budget) {
  if (!ctx.jobs) return;
  m_inFlight = true;
  const uint64_t id = ++m_submitted;
  std::shared_ptr<Record> rec = m_record;
  rec->stop = false;
  rec->beta = options.beta;
  rec->learningRate = options.learningRate;
  const VaeLiveOptions opts = options;
  const int every = std::max(1, mapEvery);
  ctx.jobs->run(
      Worker::Background, "vaetrain/steps",
      [rec, opts, maxSteps, budget, every, id](JobContext& jc) -> std::any {
        // Whatever happens, the panel learns that this job's work is over (its `done` may be
        // dropped when the model changes meanwhile).
        struct Finished {
          Record& r;
          uint64_t id;
          ~Finished() {
            std::lock_guard<std::mutex> lock(r.mutex);
            r.finishedJob = std::max(r.finishedJob, id);
            ++r.version;
          }
        } finished{*rec, id};
        try {
          std::shared_ptr<VaeLive> live;
          {
            std::lock_guard<std::mutex> lock(rec->mutex);
            live = rec->live;
            rec->error.clear();
          }
          bool encode = maxSteps == 1;  // Step: show what one step did to the map
          if (!live) {
            jc.setProgress(0, "reading " + opts.dataSpec + " and building the VAE (seed " + std::to_string(opts.seed) + ")");
            live = std::make_shared<VaeLive>(opts);
            std::lock_guard<std::mutex> lock(rec->mutex);
            rec->live = live;
            rec->classNames = live->classNames();
            rec->trainCount = opts.limit;
            encode = true;  // the untrained encoder's map: the blob the class starts from
          }
          if (encode && live->steps() == 0) {
            VaeLiveMap m = live->encodeMap();
            std::lock_guard<std::mutex> lock(rec->mutex);
            rec->map = std::move(m), ++rec->mapVersion;
          }
          const auto t0 = std::chrono::steady_clock::now();
          int done = 0;
          double stepSeconds = 0;
          for (int i = 0; i < maxSteps; ++i) {
            if (jc.cancelled() || (i > 0 && rec->stop)) break;
            const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (i > 0 && budget > 0 && elapsed > budget) break;
            live->setBeta(rec->beta);
            live->setLearningRate(rec->learningRate);
            const auto s0 = std::chrono::steady_clock::now();
            VaeLiveStats s = live->step();
            stepSeconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
            ++done;
            const bool mapDue = s.step % every == 0 || (maxSteps == 1);
            {
              std::lock_guard<std::mutex> lock(rec->mutex);
              if (rec->history.size() > 64) rec->history[rec->history.size() - 65].klPerDim.clear();
              rec->history.push_back(std::move(s));
              ++rec->version;
            }
            if (mapDue) {
              VaeLiveMap m = live->encodeMap();
              std::lock_guard<std::mutex> lock(rec->mutex);
              rec->map = std::move(m), ++rec->mapVersion;
            }
          }
          if (done > 0 && budget <= 0 && live->steps() % every != 0) {
            // A replay ends with the map of its last step.
            VaeLiveMap m = live->encodeMap();
            std::lock_guard<std::mutex> lock(rec->mutex);
            rec->map = std::move(m), ++rec->mapVersion;
          }
          std::lock_guard<std::mutex> lock(rec->mutex);
          if (done > 0) rec->secondsPerStep = stepSeconds / done;
          return std::any(done);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(rec->mutex);
          rec->error = e.what();
          throw;
        }
      },
      [this, rec, id](FeatureOutcome& o) {
        if (rec != m_record || id != m_submitted) return;  // a Reset or a newer job meanwhile
        m_inFlight = false;
        if (!o.error.empty()) m_error = o.error, m_playing = false;
      });
}

void VaeTrainPanel::setSavePath(const std::string& dir) { std::snprintf(m_savePath, sizeof m_savePath, "%s", dir.c_str()); }

void VaeTrainPanel::save(PanelContext& ctx, const std::string& dir) {
  std::shared_ptr<VaeLive> live;
  {
    std::lock_guard<std::mutex> lock(m_record->mutex);
    live = m_record->live;
  }
  if (!live) {
    m_saveOk = false, m_saveMessage = "Nothing to save yet: press Play or Step first.";
    return;
  }
  if (!ctx.jobs) return;
  m_saveMessage = "Saving...", m_saveOk = false;
  ctx.jobs->run(
      Worker::Background, "vaetrain/save",
      [live, dir](JobContext&) -> std::any {
        live->saveBundle(dir);
        return std::any(dir);
      },
      [this](FeatureOutcome& o) {
        m_saveOk = o.error.empty() && !o.cancelled;
        if (m_saveOk) m_savedDir = std::any_cast<std::string>(o.value);
        m_saveMessage = m_saveOk ? "Saved to " + m_savedDir : "Could not save: " + o.error;
      });
}

void VaeTrainPanel::requestDecode(PanelContext& ctx, const std::vector<float>& z) {
  std::shared_ptr<VaeLive> live;
  uint64_t weights = 0;
  {
    std::lock_guard<std::mutex> lock(m_record->mutex);
    live = m_record->live;
    weights = m_record->version;
  }
  if (!live || !ctx.jobs || m_decodeInFlight) return;
  if (z == m_decodedZ && weights == m_decodedWeights) return;
  // New weights alone (the point did not move) redecode 5 times a second, not after every
  // step: each decode waits for the step in progress and takes the cursor worker's time.
  const double now = ImGui::GetTime();
  if (z == m_decodedZ && now - m_decodedAt < 0.2) return;
  m_decodedAt = now;
  m_decodeInFlight = true;
  m_decodedZ = z, m_decodedWeights = weights;
  ctx.jobs->run(
      Worker::Interactive, "vaetrain/decode", [live, z](JobContext&) -> std::any { return std::any(live->decode(z)); },
      [this, rec = m_record](FeatureOutcome& o) {
        m_decodeInFlight = false;
        if (rec != m_record || !o.error.empty() || !o.value.has_value()) return;
        m_cursorImage = std::any_cast<Image>(o.value);
        ++m_cursorVersion;
      });
}

void VaeTrainPanel::saveState(nlohmann::json& out) const {
  out["seed"] = options.seed, out["beta"] = options.beta, out["learning_rate"] = options.learningRate;
  out["latent"] = options.latentDim, out["map_every"] = mapEvery, out["steps"] = steps();
}

void VaeTrainPanel::restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) {
  auto number = [&](const char* key, double lo, double hi, auto& out) {
    if (!in.contains(key)) return;
    const auto& v = in[key];
    if (!v.is_number() || !(v.template get<double>() >= lo && v.template get<double>() <= hi)) {
      warnings.push_back(std::string("session: panels.train_vae.") + key + " must be a number in " + std::to_string(lo) +
                         ".." + std::to_string(hi) + "; kept the current value");
      return;
    }
    out = static_cast<std::decay_t<decltype(out)>>(v.template get<double>());
  };
  number("seed", 0, 2147483647.0, options.seed);
  number("beta", 0, 1000, options.beta);
  number("learning_rate", 1e-6, 1.0, options.learningRate);
  number("map_every", 1, 10000, mapEvery);
  int latent = options.latentDim;
  number("latent", 1, 512, latent);
  for (int i = 0; i < kLatentCount; ++i)
    if (kLatentChoices[i] == latent) m_latentChoice = i, options.latentDim = latent;
  int64_t replay = 0;
  number("steps", 0, 1000000, replay);
  m_replay = replay;
  m_playing = false;
  m_record = std::make_shared<Record>();
  m_inFlight = false;
  m_map.clear();
}

void VaeTrainPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};
  std::shared_ptr<Record> rec = m_record;
  {
    std::lock_guard<std::mutex> lock(rec->mutex);
    // A job whose `done` was dropped (the model changed meanwhile) still ends the wait.
    if (m_inFlight && rec->finishedJob >= m_submitted) {
      m_inFlight = false;
      if (!rec->error.empty()) m_error = rec->error, m_playing = false;
    }
  }
  if (m_replay > 0 && !m_inFlight && ctx.jobs) {
    const int n = int(std::min<int64_t>(m_replay, 1000000));
    m_replay = 0;
    submit(ctx, n, 0);
  }
  if (m_playing && !m_inFlight) submit(ctx, 1 << 30, jobSeconds);
  drawToolbar(ctx);
  drawSaveRow(ctx);

  const double now = ImGui::GetTime();
  std::lock_guard<std::mutex> lock(rec->mutex);
  if (rec->mapVersion != m_mapVersion && rec->map.dims > 0) {
    m_map.setTarget(rec->map, now);
    m_mapVersion = rec->mapVersion;
  }
  const float fs = ImGui::GetFontSize();
  const int64_t n = rec->history.empty() ? 0 : rec->history.back().step;
  // Not a rectangle: the step count the picture shows, for the --screenshot sidecar (w = steps).
  ctx.rects["vtrain-steps"] = ImVec4(0, 0, float(n), 0);
  if (!rec->live) {
    RunnerStatus st = ctx.jobs ? ctx.jobs->status(Worker::Background) : RunnerStatus{};
    if (m_inFlight && st.runningSlot == "vaetrain/steps" && !st.message.empty()) ImGui::TextUnformatted(st.message.c_str());
    else
      ImGui::TextWrapped("Press Play (or Step) to build a fresh %d-d VAE from seed %llu and train it on %s. "
                         "Its first map is one blob of points.",
                         options.latentDim, (unsigned long long)options.seed, options.dataSpec.c_str());
    return;
  }
  const double epochs = rec->trainCount > 0 ? double(n) * options.batchSize / double(rec->trainCount)
                                            : double(n) * options.batchSize / 60000.0;
  ImGui::Text("step %lld   epoch %.2f   %.0f ms/step   map at step %lld: 5-NN class accuracy %.0f%%", (long long)n, epochs,
              rec->secondsPerStep * 1000, (long long)rec->map.step, rec->map.knnAccuracy * 100);
  itemHelp("vtrain-status");

  TrainMapView::drawLegend(rec->classNames, ImGui::GetContentRegionAvail().x);
  itemHelp("vtrain-map");  // on the legend: a tooltip over the map itself would hide the dots
  ImVec2 avail = ImGui::GetContentRegionAvail();
  const float mapSide = std::max(fs * 8, std::min(avail.x * 0.56f, avail.y));
  ImGui::BeginGroup();
  const float* pin = m_pinned ? m_pin : nullptr;
  TrainMapView::Hit hit = m_map.draw(ImVec2(mapSide, mapSide), now, pin);
  itemRect("vtrain-map-area");
  ImGui::EndGroup();
  if (hit.clicked) m_pin[0] = hit.x, m_pin[1] = hit.y, m_pinned = true;
  if (rec->map.dims > 0) {
    const float px = hit.hovered ? hit.x : m_pin[0], py = hit.hovered ? hit.y : m_pin[1];
    m_cursorXY[0] = px, m_cursorXY[1] = py;
    m_cursorHovered = hit.hovered;
    std::vector<float> z = planeToLatent(rec->map, px, py);
    rec->mutex.unlock();  // requestDecode reads the record itself
    requestDecode(ctx, z);
    rec->mutex.lock();
  }
  ImGui::SameLine();
  drawRight(ctx, *rec, ImGui::GetContentRegionAvail().x, mapSide);
}

void VaeTrainPanel::drawToolbar(PanelContext& ctx) {
  const float fs = ImGui::GetFontSize();
  if (m_playing) {
    if (ImGui::Button("Pause", ImVec2(fs * 4, 0))) pause();
  } else if (ImGui::Button("Play", ImVec2(fs * 4, 0))) {
    play(ctx);
  }
  itemHelp("vtrain-play");
  ImGui::SameLine();
  if (ImGui::Button("Step")) step(ctx);
  itemHelp("vtrain-step");
  ImGui::SameLine();
  if (ImGui::Button("Reset")) reset(ctx);
  itemHelp("vtrain-reset");
  ImGui::SameLine();
  // beta and the learning rate on log scales; both reach the very next step.
  auto logSlider = [&](const char* label, double& value, float lo, float hi, const char* fmt) {
    float lg = float(std::log10(std::max(value, 1e-9)));
    ImGui::SetNextItemWidth(fs * 7);
    char text[32];
    std::snprintf(text, sizeof text, fmt, value);
    const bool changed = ImGui::SliderFloat(label, &lg, lo, hi, text);
    if (changed) value = std::pow(10.0, double(lg));
    return changed;
  };
  if (logSlider("beta", options.beta, -2.f, 2.5f, "%.3g")) m_record->beta = options.beta;
  itemHelp("vtrain-beta");
  ImGui::SameLine();
  if (logSlider("learning rate", options.learningRate, -4.f, -2.f, "%.0e")) m_record->learningRate = options.learningRate;
  itemHelp("vtrain-lr");
  notesToggle(ctx), itemRect("notes");
  if (!m_error.empty()) ImGui::TextColored(ImVec4(1.f, 0.45f, 0.4f, 1.f), "%s", m_error.c_str());
}

void VaeTrainPanel::drawSaveRow(PanelContext& ctx) {
  const float fs = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(fs * 4.5f);
  int seed = int(options.seed);
  if (ImGui::InputInt("seed", &seed, 0)) options.seed = uint64_t(std::max(0, seed));
  itemHelp("vtrain-seed");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 3.5f);
  if (ImGui::Combo("latent", &m_latentChoice, kLatentLabels, kLatentCount)) options.latentDim = kLatentChoices[m_latentChoice];
  itemHelp("vtrain-latent");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 5);
  ImGui::SliderInt("map every", &mapEvery, 10, 500, "%d steps");
  itemHelp("vtrain-map-every");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(fs * 8, ImGui::GetContentRegionAvail().x - fs * 8));
  ImGui::InputText("##savepath", m_savePath, sizeof m_savePath);
  itemHelp("vtrain-save-path");
  ImGui::SameLine();
  if (ImGui::Button("Save")) save(ctx, m_savePath);
  itemHelp("vtrain-save");
  if (!m_saveMessage.empty()) {
    ImGui::TextColored(m_saveOk ? ImVec4(0.6f, 0.9f, 0.6f, 1.f) : ImVec4(1.f, 0.45f, 0.4f, 1.f), "%s", m_saveMessage.c_str());
    if (m_saveOk) {
      ImGui::SameLine();
      if (ImGui::SmallButton("Open it")) ctx.requests.loadModel = m_savedDir;
      itemHelp("vtrain-open");
    }
  }
}

void VaeTrainPanel::drawRight(PanelContext& ctx, Record& r, float width, float height) {
  ImGui::BeginGroup();
  const float fs = ImGui::GetFontSize();
  const float line = ImGui::GetTextLineHeightWithSpacing();
  // Top row: the decode under the cursor, and the KL bars beside it.
  const float topH = std::max(fs * 6, height * 0.36f);
  const float imgSide = std::min(topH - line, width * 0.42f);
  ImGui::BeginGroup();
  if (m_cursorHovered) ImGui::Text("decoded at (%.2f, %.2f)", double(m_cursorXY[0]), double(m_cursorXY[1]));
  else ImGui::Text("decoded at the pin (%.2f, %.2f)", double(m_cursorXY[0]), double(m_cursorXY[1]));
  itemHelp("vtrain-decoded");
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + imgSide, p.y + imgSide), IM_COL32(10, 10, 12, 255));
  if (ImTextureID tex = ctx.textures.texture("vtrain-cursor", m_cursorImage, m_cursorVersion, ctx.state.nearestFilter)) {
    const ImVec2 fit = fitImageSize(m_cursorImage, imgSide, imgSide), o = centredOffset(fit, imgSide, imgSide);
    dl->AddImage(tex, ImVec2(p.x + o.x, p.y + o.y), ImVec2(p.x + o.x + fit.x, p.y + o.y + fit.y));
  }
  ImGui::Dummy(ImVec2(imgSide, imgSide));
  ctx.rects["vtrain-decoded-image"] = ImVec4(p.x, p.y, imgSide, imgSide);
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  // The bars: the mean over the last 20 steps (one batch's KL jitters).
  std::vector<float> kl;
  int counted = 0;
  for (size_t i = r.history.size(); i-- > 0 && counted < 20;) {
    const auto& k = r.history[i].klPerDim;
    if (k.empty()) break;
    if (kl.empty()) kl.assign(k.size(), 0.f);
    if (k.size() != kl.size()) break;
    for (size_t d = 0; d < k.size(); ++d) kl[d] += k[d];
    ++counted;
  }
  for (float& v : kl) v /= float(std::max(counted, 1));
  ImGui::TextUnformatted("KL per dimension (nats)");
  itemHelp("vtrain-kl-bars");
  plotKlBars(kl, ImGui::GetContentRegionAvail().x, imgSide);
  ImGui::EndGroup();

  // The curves, with a mark where beta changed.
  std::vector<float> recon, klv;
  std::vector<CurveMark> marks;
  recon.reserve(r.history.size()), klv.reserve(r.history.size());
  for (size_t i = 0; i < r.history.size(); ++i) {
    const VaeLiveStats& s = r.history[i];
    recon.push_back(float(s.recon)), klv.push_back(float(s.kl));
    if (i > 0 && s.beta != r.history[i - 1].beta) {
      char b[32];
      std::snprintf(b, sizeof b, "beta %.3g", s.beta);
      marks.push_back({i, b});
    }
  }
  const float curveH = std::max(fs * 4, (height - topH - fs * 0.6f) * 0.5f);
  char title[96];
  std::snprintf(title, sizeof title, "reconstruction (nats per image): %.1f", recon.empty() ? 0.0 : double(recon.back()));
  plotCurveBox(title, recon, IM_COL32(240, 150, 90, 255), width, curveH, marks);
  std::snprintf(title, sizeof title, "KL to the prior (nats per image): %.2f   beta %.3g", klv.empty() ? 0.0 : double(klv.back()),
                r.history.empty() ? options.beta : r.history.back().beta);
  plotCurveBox(title, klv, IM_COL32(110, 190, 240, 255), width, curveH, marks);
  ImGui::EndGroup();
}

}  // namespace latentlab
