#include "app/gan/train_panel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "app/bundled_models.h"
#include "app/panels/param_help.h"
#include "app/widgets/image_fit.h"

namespace latentlab {

namespace {
const char* kStepKinds[] = {"both", "D only", "G only"};
GanStepKind stepKind(int i) { return i == 1 ? GanStepKind::Discriminator : i == 2 ? GanStepKind::Generator : GanStepKind::Both; }
}  // namespace

TrainPanel::TrainPanel() : Panel("train", "Train a GAN"), m_record(std::make_shared<Record>()) {}
TrainPanel::~TrainPanel() = default;

const char* TrainPanel::notes() const {
  return "Two networks learn against each other. The discriminator D looks at real photos and at "
         "the generator's fakes and learns to tell them apart; the generator G learns to fool D. "
         "The grid always shows G's pictures for the same random inputs, so you watch G improve "
         "from noise to clothing. D(real) and D(fake) are D's belief that an image is real: when "
         "G gets good both drift toward 0.5. If every picture starts to look the same, G has "
         "found one trick that fools D: mode collapse (the class histogram becomes lopsided).";
}

int64_t TrainPanel::steps() const {
  std::lock_guard<std::mutex> lock(m_record->mutex);
  return m_record->history.empty() ? 0 : m_record->history.back().step;
}

void TrainPanel::play(PanelContext& ctx) {
  m_playing = true;
  if (!m_inFlight) submit(ctx, stepsPerUpdate, GanStepKind::Both);
}

void TrainPanel::step(PanelContext& ctx, GanStepKind kind) {
  m_playing = false;
  if (!m_inFlight) submit(ctx, 1, kind);
}

void TrainPanel::reset(PanelContext& ctx) {
  m_playing = false;
  if (ctx.jobs && m_inFlight) ctx.jobs->cancel(Worker::Background, "gan/train");
  m_inFlight = false;
  m_record = std::make_shared<Record>();  // the next job builds a fresh GAN from the seed
  m_error.clear();
}

void TrainPanel::submit(PanelContext& ctx, int steps, GanStepKind kind) {
  if (!ctx.jobs) return;
  m_inFlight = true;
  const GanLiveOptions opts = options;
  const int every = m_histogramEvery;
  const std::string classifier = every > 0 ? findBundledModel("fashion-classifier") : std::string();
  ctx.jobs->run(
      Worker::Background, "gan/train",
      [rec = m_record, opts, steps, kind, every, classifier](JobContext& jc) -> std::any {
        std::shared_ptr<GanLive> live;
        {
          std::lock_guard<std::mutex> lock(rec->mutex);
          live = rec->live;
        }
        if (!live) {
          jc.setProgress(0, "reading " + opts.dataSpec + " and building the GAN (seed " + std::to_string(opts.seed) + ")");
          live = std::make_shared<GanLive>(opts);
          std::lock_guard<std::mutex> lock(rec->mutex);
          rec->live = live;
          rec->gridRows = live->gridRows(), rec->gridColumns = live->gridColumns();
          rec->classNames = live->classNames();
        }
        live->setLearningRates(opts.lrG, opts.lrD);
        const auto t0 = std::chrono::steady_clock::now();
        int done = 0;
        for (int i = 0; i < steps; ++i) {
          if (jc.cancelled()) break;  // the steps done so far are kept in the record
          GanLiveStats s = live->step(kind);
          ++done;
          std::lock_guard<std::mutex> lock(rec->mutex);
          rec->history.push_back(s);
        }
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::vector<Image> grid = live->renderGrid();
        const double dl = live->fixedBatchDLoss();
        std::vector<int> hist;
        const int64_t n = live->steps();
        bool due = false;
        {
          std::lock_guard<std::mutex> lock(rec->mutex);
          due = every > 0 && (n / every != (n - done) / every || rec->histogramStep < 0);
        }
        if (due && !classifier.empty() && live->numClasses() > 0) {
          try {
            hist = live->classHistogram(classifier, 200, uint64_t(n));
          } catch (const std::exception&) {
            // No classifier here: the Train view works without its histogram.
          }
        }
        std::lock_guard<std::mutex> lock(rec->mutex);
        rec->grid = std::move(grid);
        rec->fixedDLoss = dl;
        if (done > 0) rec->secondsPerStep = secs / done;
        if (!hist.empty()) rec->histogram = std::move(hist), rec->histogramStep = n;
        ++rec->version;
        return std::any(done);
      },
      [this, rec = m_record](FeatureOutcome& o) {
        if (rec != m_record) return;  // a Reset happened meanwhile
        m_inFlight = false;
        if (!o.error.empty()) {
          m_error = o.error;
          m_playing = false;
        }
        // Play: the next few steps (submitted from the main thread, so Pause stops it here).
        m_pendingNext = m_playing && o.error.empty();
      });
}

void TrainPanel::saveState(nlohmann::json& out) const {
  out["seed"] = options.seed, out["lr_g"] = options.lrG, out["lr_d"] = options.lrD;
  out["optimizer"] = options.optimizer, out["speed"] = stepsPerUpdate, out["steps"] = steps();
}

void TrainPanel::restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) {
  auto number = [&](const char* key, double lo, double hi, auto& out) {
    if (!in.contains(key)) return;
    const auto& v = in[key];
    if (!v.is_number() || !(v.template get<double>() >= lo && v.template get<double>() <= hi)) {
      warnings.push_back(std::string("session: panels.train.") + key + " must be a number in " + std::to_string(lo) +
                         ".." + std::to_string(hi) + "; kept the current value");
      return;
    }
    out = static_cast<std::decay_t<decltype(out)>>(v.template get<double>());
  };
  number("seed", 0, 2147483647.0, options.seed);
  number("lr_g", 1e-6, 1.0, options.lrG);
  number("lr_d", 1e-6, 1.0, options.lrD);
  number("speed", 1, 50, stepsPerUpdate);
  int64_t replay = 0;
  number("steps", 0, 100000, replay);
  if (in.contains("optimizer")) {
    if (in["optimizer"] == "adam" || in["optimizer"] == "sgd") options.optimizer = in["optimizer"].get<std::string>();
    else warnings.push_back("session: panels.train.optimizer must be \"adam\" or \"sgd\"; kept the current value");
  }
  m_playing = false;
  m_record = std::make_shared<Record>();
  m_inFlight = false;
  m_replay = replay;
}

void TrainPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};  // "<panel>/<widget>" for the screenshot sidecar
  if (m_replay > 0 && !m_inFlight && ctx.jobs) {
    const int n = int(std::min<int64_t>(m_replay, 100000));
    m_replay = 0;
    submit(ctx, n, GanStepKind::Both);
  }
  if (m_pendingNext) {
    m_pendingNext = false;
    if (m_playing && !m_inFlight) submit(ctx, stepsPerUpdate, GanStepKind::Both);
  }
  drawToolbar(ctx);
  std::shared_ptr<Record> rec = m_record;
  std::lock_guard<std::mutex> lock(rec->mutex);
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float fs = ImGui::GetFontSize();
  if (!rec->live) {
    ImGui::TextWrapped("Press Play (or Step) to build a fresh GAN from seed %llu and train it on %s. "
                       "Its first pictures are noise.",
                       (unsigned long long)options.seed, options.dataSpec.c_str());
    return;
  }
  float gridW = std::min(avail.x * 0.55f, (avail.y - fs * 1.5f) * float(std::max(rec->gridColumns, 1)) /
                                              float(std::max(rec->gridRows, 1)));
  drawGrid(ctx, *rec, gridW, avail.y);
  ImGui::SameLine();
  drawCurves(*rec, ImGui::GetContentRegionAvail().x, avail.y);
}

void TrainPanel::drawToolbar(PanelContext& ctx) {
  float fs = ImGui::GetFontSize();
  if (m_playing) {
    if (ImGui::Button("Pause", ImVec2(fs * 4, 0))) pause();
  } else if (ImGui::Button("Play", ImVec2(fs * 4, 0))) {
    play(ctx);
  }
  itemHelp("train-play");
  ImGui::SameLine();
  if (ImGui::Button("Step")) step(ctx, stepKind(m_stepKind));
  itemHelp("train-step");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 5.5f);
  ImGui::Combo("##stepkind", &m_stepKind, kStepKinds, 3);
  itemHelp("train-step-kind");
  ImGui::SameLine();
  if (ImGui::Button("Reset")) reset(ctx);
  itemHelp("train-reset");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(fs * 5);
  ImGui::SliderInt("speed", &stepsPerUpdate, 1, 50);
  itemHelp("train-speed");
  notesToggle(ctx), itemRect("notes");

  ImGui::SetNextItemWidth(fs * 5);
  int seed = int(options.seed);
  if (ImGui::InputInt("seed##train", &seed, 0)) options.seed = uint64_t(std::max(0, seed));
  itemHelp("train-seed");
  ImGui::SameLine();
  // Learning rates on a log scale, 1e-5 .. 1e-2.
  auto lr = [&](const char* label, double& value) {
    float lg = float(std::log10(value));
    ImGui::SetNextItemWidth(fs * 6);
    char fmt[32];
    std::snprintf(fmt, sizeof fmt, "%.0e", value);
    if (ImGui::SliderFloat(label, &lg, -5.f, -2.f, fmt)) value = std::pow(10.0, double(lg));
  };
  lr("lr G", options.lrG);
  itemHelp("train-lr-g");
  ImGui::SameLine();
  lr("lr D", options.lrD);
  itemHelp("train-lr-d");
  ImGui::SameLine();
  int opt = options.optimizer == "sgd" ? 1 : 0;
  const char* opts[] = {"Adam", "SGD"};
  ImGui::SetNextItemWidth(fs * 4.5f);
  if (ImGui::Combo("##optimizer", &opt, opts, 2)) options.optimizer = opt == 1 ? "sgd" : "adam";
  itemHelp("train-optimizer");
  if (!m_error.empty()) ImGui::TextColored(ImVec4(1.f, 0.45f, 0.4f, 1.f), "%s", m_error.c_str());
}

void TrainPanel::drawGrid(PanelContext& ctx, Record& r, float width, float height) {
  ImGui::BeginGroup();
  const int rows = std::max(r.gridRows, 1), cols = std::max(r.gridColumns, 1);
  float fs = ImGui::GetFontSize();
  float cell = std::floor(std::min(width / float(cols), (height - fs * 1.5f) / float(rows)));
  cell = std::max(cell, 4.f);
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  for (size_t i = 0; i < r.grid.size() && i < size_t(rows * cols); ++i) {
    int rr = int(i) / cols, cc = int(i) % cols;
    ImVec2 a(p.x + cell * float(cc), p.y + cell * float(rr));
    if (ImTextureID tex = ctx.textures.texture("train-" + std::to_string(i), r.grid[i], r.version, ctx.state.nearestFilter))
    {
      ImVec2 fit = fitImageSize(r.grid[i], cell, cell), o(a.x + (cell - fit.x) * 0.5f, a.y + (cell - fit.y) * 0.5f);
      dl->AddImage(tex, o, ImVec2(o.x + fit.x, o.y + fit.y));
    }
  }
  ImGui::Dummy(ImVec2(cell * float(cols), cell * float(rows)));
  ctx.rects["train-grid"] = ImVec4(p.x, p.y, cell * float(cols), cell * float(rows));
  const int64_t n = r.history.empty() ? 0 : r.history.back().step;
  // Not a rectangle: the step count the picture shows, for the --screenshot sidecar (w = steps).
  ctx.rects["train-steps"] = ImVec4(0, 0, float(n), 0);
  ImGui::Text("step %lld   %.0f ms/step   (columns: classes)", (long long)n, r.secondsPerStep * 1000);
  ImGui::EndGroup();
}

namespace {
// One curve in [lo, hi] over the box; `smooth` > 1 draws the running mean over that many steps.
void curve(ImDrawList* dl, ImVec2 a, ImVec2 size, const std::vector<float>& v, float lo, float hi, ImU32 col, int smooth) {
  if (v.size() < 2) return;
  const size_t maxPts = size_t(std::max(2.f, size.x));
  std::vector<ImVec2> pts;
  double run = 0;
  std::vector<float> s(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    run += v[i];
    if (i >= size_t(smooth)) run -= v[i - size_t(smooth)];
    s[i] = float(run / double(std::min(i + 1, size_t(smooth))));
  }
  for (size_t k = 0; k < maxPts; ++k) {
    size_t i = k * (v.size() - 1) / (maxPts - 1);
    float y = std::clamp((s[i] - lo) / (hi - lo), 0.f, 1.f);
    pts.push_back(ImVec2(a.x + size.x * float(i) / float(v.size() - 1), a.y + size.y * (1 - y)));
  }
  dl->AddPolyline(pts.data(), int(pts.size()), col, 0, 2.f);
}
}  // namespace

void TrainPanel::drawCurves(Record& r, float width, float height) {
  ImGui::BeginGroup();
  float fs = ImGui::GetFontSize();
  std::vector<float> dLoss, gLoss, dReal, dFake;
  for (const GanLiveStats& s : r.history) {
    if (!std::isnan(s.dLoss)) dLoss.push_back(float(s.dLoss));
    if (!std::isnan(s.gLoss)) gLoss.push_back(float(s.gLoss));
    dReal.push_back(float(s.dReal));
    dFake.push_back(float(s.dFake));
  }
  const int smooth = std::max<int>(1, int(r.history.size() / 40));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 cD = IM_COL32(240, 110, 90, 255), cG = IM_COL32(90, 170, 250, 255);
  auto box = [&](const char* title, float h, float lo, float hi, auto drawLines) {
    ImGui::TextUnformatted(title);
    ImVec2 a = ImGui::GetCursorScreenPos(), size(std::max(fs * 6, width - fs * 0.5f), h);
    dl->AddRectFilled(a, ImVec2(a.x + size.x, a.y + size.y), IM_COL32(25, 27, 33, 255));
    dl->AddRect(a, ImVec2(a.x + size.x, a.y + size.y), IM_COL32(80, 85, 95, 255));
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.1f", double(hi));
    dl->AddText(ImVec2(a.x + 3, a.y + 1), IM_COL32(150, 150, 160, 255), buf);
    std::snprintf(buf, sizeof buf, "%.1f", double(lo));
    dl->AddText(ImVec2(a.x + 3, a.y + size.y - fs - 1), IM_COL32(150, 150, 160, 255), buf);
    drawLines(a, size);
    ImGui::Dummy(size);
  };
  const bool hist = !r.histogram.empty();
  const float plotH = std::max(fs * 3, (height - fs * (hist ? 9.5f : 4.5f)) * 0.5f);
  float hiLoss = 2.f;
  for (float v : dLoss) hiLoss = std::max(hiLoss, std::min(v, 8.f));
  for (float v : gLoss) hiLoss = std::max(hiLoss, std::min(v, 8.f));
  hiLoss = std::ceil(hiLoss);
  char title[96];
  std::snprintf(title, sizeof title, "loss: D %.2f (red)  G %.2f (blue)", dLoss.empty() ? 0.0 : double(dLoss.back()),
                gLoss.empty() ? 0.0 : double(gLoss.back()));
  box(title, plotH, 0.f, hiLoss, [&](ImVec2 a, ImVec2 size) {
    curve(dl, a, size, dLoss, 0.f, hiLoss, cD, smooth);
    curve(dl, a, size, gLoss, 0.f, hiLoss, cG, smooth);
  });
  std::snprintf(title, sizeof title, "D's output: on real %.2f (green)  on fake %.2f (orange)",
                dReal.empty() ? 0.0 : double(dReal.back()), dFake.empty() ? 0.0 : double(dFake.back()));
  box(title, plotH, 0.f, 1.f, [&](ImVec2 a, ImVec2 size) {
    float y = a.y + size.y * 0.5f;  // 0.5: D cannot tell
    dl->AddLine(ImVec2(a.x, y), ImVec2(a.x + size.x, y), IM_COL32(90, 90, 100, 255));
    curve(dl, a, size, dReal, 0.f, 1.f, IM_COL32(110, 210, 110, 255), smooth);
    curve(dl, a, size, dFake, 0.f, 1.f, IM_COL32(250, 170, 60, 255), smooth);
  });
  if (hist) {
    std::snprintf(title, sizeof title, "classes of 200 samples, by the classifier (step %lld)", (long long)r.histogramStep);
    ImGui::TextUnformatted(title);
    std::vector<float> hv(r.histogram.begin(), r.histogram.end());
    float hmax = std::max(40.f, *std::max_element(hv.begin(), hv.end()));
    ImGui::PlotHistogram("##classhist", hv.data(), int(hv.size()), 0, nullptr, 0.f, hmax,
                         ImVec2(std::max(fs * 6, width - fs * 0.5f), fs * 3.5f));
    if (ImGui::IsItemHovered() && !r.classNames.empty()) {
      ImGui::BeginTooltip();
      for (size_t i = 0; i < hv.size() && i < r.classNames.size(); ++i)
        ImGui::Text("%s: %d", r.classNames[i].c_str(), r.histogram[i]);
      ImGui::EndTooltip();
    }
  }
  ImGui::EndGroup();
}

}  // namespace latentlab
