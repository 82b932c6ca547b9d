#include "app/compare/compare_panel.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/bundled_models.h"
#include "app/panels/param_help.h"
#include "app/steer/steer_latent.h"
#include "app/steer/steer_map_overlay.h"
#include "app/widgets/image_fit.h"
#include "engine/explore/explorer.h"

namespace latentlab {

namespace {
std::string nameOf(const std::string& dir) {
  std::filesystem::path p = std::filesystem::path(dir).lexically_normal();
  std::string s = p.filename().string();
  return s.empty() ? p.parent_path().filename().string() : s;
}
// Values (C x H x W in [0, 1]) as an image.
Image toImage(const std::vector<float>& v, int c, int h, int w) {
  Image im(w, h, c);
  for (int k = 0; k < c; ++k)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        float f = v[(size_t(k) * h + y) * w + x];
        im.at(x, y)[k] = uint8_t(std::lround(std::clamp(f, 0.f, 1.f) * 255.f));
      }
  return im;
}
struct Decoded {
  Image a, b;
  DifferenceMap diff;
};
}  // namespace

ComparePanel::ComparePanel() : Panel("compare", "Compare two models") {}
ComparePanel::~ComparePanel() = default;

const char* ComparePanel::notes() const {
  return "Two models given the same latent: the open model (A) and a second one (B), for example the same "
         "VAE after fewer epochs (a training snapshot). Move the cursor on the map and both decode the same "
         "point; the heat map shows where their pictures differ (black: the same, white: very different). "
         "Click a data point and the map shows where each model puts it, joined by a line.";
}

void ComparePanel::openB(PanelContext& ctx, const std::string& dir) {
  if (!ctx.jobs || dir.empty()) return;
  m_loading = true;
  m_message = "Opening " + dir + "...", m_ok = false;
  ctx.jobs->run(
      Worker::Background, "compare/load",
      [dir](JobContext& jc) -> std::any {
        jc.setProgress(0, "opening " + dir);
        return std::any(ExploreModel::load(dir, "cpu"));
      },
      [this, dir](FeatureOutcome& o) {
        m_loading = false;
        if (!o.error.empty() || !o.value.has_value()) {
          m_message = "Could not open B: " + (o.error.empty() ? std::string("cancelled") : o.error);
          return;
        }
        m_b = std::any_cast<std::shared_ptr<ExploreModel>>(o.value);
        m_bDir = dir;
        m_message.clear();
        // A snapshot (RUN/snapshots/epoch-NNNN) or a run folder with snapshots: offer its epochs.
        namespace fs = std::filesystem;
        fs::path p = fs::path(dir).lexically_normal();
        if (p.filename().empty()) p = p.parent_path();
        const std::string run = p.parent_path().filename() == "snapshots" ? p.parent_path().parent_path().string() : p.string();
        m_snapshots = listSnapshots(run);
        m_snapshotIndex = int(m_snapshots.size()) - 1;
        for (size_t i = 0; i < m_snapshots.size(); ++i)
          if (fs::path(m_snapshots[i].dir).lexically_normal() == p) m_snapshotIndex = int(i);
        m_aSeen.reset();
        m_decodedZ.clear();
        m_selectedItem = -1, m_selectedB.clear();
      });
}

void ComparePanel::setPath(const std::string& dir) { std::snprintf(m_path, sizeof m_path, "%s", dir.c_str()); }

void ComparePanel::requestDecode(PanelContext& ctx, const std::shared_ptr<ExploreModel>& a, const std::vector<float>& z) {
  if (m_decoding || !ctx.jobs) return;
  if (z == m_decodedZ && m_decodedA == a.get()) return;
  m_decoding = true;
  m_decodedZ = z, m_decodedA = a.get();
  const int cls = ctx.state.decodeClass;
  ctx.jobs->run(
      Worker::Interactive, "compare/decode",
      [a, b = m_b, z, cls](JobContext&) -> std::any {
        const ModelInfo& i = a->info();
        std::vector<float> va = a->decodeValues(z, 1, {cls}), vb = b->decodeValues(z, 1, {cls});
        Decoded d;
        d.a = toImage(va, i.channels, i.height, i.width);
        d.b = toImage(vb, i.channels, i.height, i.width);
        d.diff = differenceMap(va.data(), vb.data(), i.channels, i.height, i.width, 0.5);
        return std::any(std::move(d));
      },
      [this](FeatureOutcome& o) {
        m_decoding = false;
        if (!o.error.empty() || !o.value.has_value()) {
          if (!o.error.empty()) m_message = "Decode: " + o.error;
          return;
        }
        Decoded& d = std::any_cast<Decoded&>(o.value);
        m_imageA = std::move(d.a), m_imageB = std::move(d.b), m_diff = std::move(d.diff);
        ++m_version;
      });
}

void ComparePanel::requestEncode(PanelContext& ctx, int64_t item) {
  auto data = ctx.jobs ? ctx.jobs->dataShared() : nullptr;
  if (!data || m_encoding || !m_b || !m_b->info().hasEncoder || item < 0 || item >= data->count) return;
  m_encoding = true;
  m_selectedItem = item;
  ctx.jobs->run(
      Worker::Interactive, "compare/encode",
      [b = m_b, data, item](JobContext&) -> std::any {
        Dataset one;  // just this image
        one.spec = data->spec, one.count = 1;
        one.channels = data->channels, one.height = data->height, one.width = data->width;
        const size_t bytes = size_t(data->channels) * data->height * data->width;
        one.pixels.assign(data->pixels.begin() + ptrdiff_t(size_t(item) * bytes),
                          data->pixels.begin() + ptrdiff_t(size_t(item + 1) * bytes));
        return std::any(b->encode(one).latent(0));
      },
      [this](FeatureOutcome& o) {
        m_encoding = false;
        if (o.error.empty() && o.value.has_value()) m_selectedB = std::any_cast<std::vector<float>>(o.value);
      });
}

void ComparePanel::saveState(nlohmann::json& out) const {
  if (!m_bDir.empty()) out["model_b"] = m_bDir;
}

void ComparePanel::restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) {
  if (!in.contains("model_b")) return;
  if (!in["model_b"].is_string()) {
    warnings.push_back("session: panels.compare.model_b must be a folder name; kept none");
    return;
  }
  m_pendingOpen = in["model_b"].get<std::string>();
  std::snprintf(m_path, sizeof m_path, "%s", m_pendingOpen.c_str());
}

void ComparePanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};
  const float fs = ImGui::GetFontSize();
  if (!m_pendingOpen.empty() && ctx.jobs && !m_loading) openB(ctx, m_pendingOpen), m_pendingOpen.clear();

  // B: a bundled model or a typed folder.
  static std::vector<std::string> bundled = listBundledModels();
  ImGui::SetNextItemWidth(fs * 9);
  const std::string previewText = m_choice >= 0 && size_t(m_choice) < bundled.size() ? nameOf(bundled[size_t(m_choice)]) : "bundled...";
  if (ImGui::BeginCombo("##compare-bundled", previewText.c_str())) {
    for (size_t i = 0; i < bundled.size(); ++i)
      if (ImGui::Selectable(nameOf(bundled[i]).c_str(), int(i) == m_choice)) {
        m_choice = int(i);
        std::snprintf(m_path, sizeof m_path, "%s", bundled[i].c_str());
      }
    ImGui::EndCombo();
  }
  itemHelp("compare-bundled");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::max(fs * 8, ImGui::GetContentRegionAvail().x - fs * 8));
  ImGui::InputTextWithHint("##compare-path", "folder of model B (e.g. run/snapshots/epoch-0003)", m_path, sizeof m_path);
  itemHelp("compare-path");
  ImGui::SameLine();
  ImGui::BeginDisabled(m_loading);
  if (ImGui::Button("Open B")) openB(ctx, m_path);
  ImGui::EndDisabled();
  itemHelp("compare-open");
  notesToggle(ctx), itemRect("notes");

  std::shared_ptr<ExploreModel> a = ctx.jobs ? ctx.jobs->exploreModel() : nullptr;
  if (!m_b || !a) {
    ImGui::TextWrapped("%s", !m_message.empty() ? m_message.c_str()
                                                : "Choose a second model B with a latent of the same size (a bundled model "
                                                  "or a training snapshot folder) and press Open B.");
    return;
  }
  const ModelInfo &ia = a->info(), &ib = m_b->info();
  if (ia.latentDim != ib.latentDim || ia.channels != ib.channels || ia.height != ib.height || ia.width != ib.width) {
    m_message = ia.latentDim != ib.latentDim ? "B's latent has another size than A's: the same latent means nothing to both."
                                             : "B makes images of another shape than A.";
    ImGui::TextColored(ImVec4(1.f, 0.6f, 0.4f, 1.f), "%s", m_message.c_str());
    ImGui::Text("A: %s, %d-d, %dx%dx%d   B: %s, %d-d, %dx%dx%d", ia.name.c_str(), ia.latentDim, ia.channels, ia.height, ia.width,
                ib.name.c_str(), ib.latentDim, ib.channels, ib.height, ib.width);
    return;
  }
  if (m_loading) ImGui::TextUnformatted(m_message.c_str());
  if (m_snapshots.size() > 1) {
    // Scrub B through the run's epochs (opened when the slider is let go).
    ImGui::SetNextItemWidth(std::max(fs * 8, ImGui::GetContentRegionAvail().x - fs * 12));
    const int last = int(m_snapshots.size()) - 1;
    char label[48];
    std::snprintf(label, sizeof label, "epoch %d", m_snapshots[size_t(std::clamp(m_snapshotIndex, 0, last))].epoch);
    ImGui::SliderInt("##compare-epoch", &m_snapshotIndex, 0, last, label);
    if (ImGui::IsItemDeactivatedAfterEdit() && !m_loading) openB(ctx, m_snapshots[size_t(m_snapshotIndex)].dir);
    itemHelp("compare-epoch");
    ImGui::SameLine();
    ImGui::Text("B: snapshot %d of %d", m_snapshotIndex + 1, last + 1);
  }

  const std::vector<float> z = steeredLatentOf(ctx.state);
  if (int(z.size()) == ia.latentDim) requestDecode(ctx, a, z);
  // The selected data point: B's encoding of it, on A's map, joined to A's by a line.
  auto latents = ctx.jobs->latentsShared();
  if (ctx.state.selected != m_selectedItem) m_selectedB.clear(), requestEncode(ctx, ctx.state.selected);
  if (latents && ctx.state.selected >= 0 && ctx.state.selected < latents->count && int(m_selectedB.size()) == latents->dim) {
    AppState::LatentOverlay o;
    o.owner = id();
    o.line = {latents->latent(ctx.state.selected), m_selectedB};
    o.marks = o.line;
    o.labels = {"A", "B"};
    o.color = IM_COL32(255, 200, 80, 255);
    setLatentOverlay(ctx.state, std::move(o));
  }

  // A | B | |A - B|, as large as the panel allows.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float side = std::max(fs * 3, std::min((avail.x - fs) / 3.f, avail.y - fs * 2.6f));
  auto cell = [&](const char* key, const std::string& title, const Image& img) {
    ImGui::BeginGroup();
    std::string t = title;
    while (t.size() > 4 && ImGui::CalcTextSize(t.c_str()).x > side) t = t.substr(0, t.size() - 4) + "..";
    ImGui::TextUnformatted(t.c_str());
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, ImVec2(p.x + side, p.y + side), IM_COL32(10, 10, 12, 255));
    if (ImTextureID tex = ctx.textures.texture(std::string("compare-") + key, img, m_version, ctx.state.nearestFilter)) {
      const ImVec2 fit = fitImageSize(img, side, side), off = centredOffset(fit, side, side);
      dl->AddImage(tex, ImVec2(p.x + off.x, p.y + off.y), ImVec2(p.x + off.x + fit.x, p.y + off.y + fit.y));
    }
    ImGui::Dummy(ImVec2(side, side));
    ImGui::EndGroup();
  };
  cell("compare-a", "A: " + nameOf(ia.dir), m_imageA);
  itemHelp("compare-a");
  ImGui::SameLine();
  cell("compare-b", "B: " + nameOf(m_bDir), m_imageB);
  itemHelp("compare-b");
  ImGui::SameLine();
  cell("compare-diff", "|A - B| (white: 0.5)", m_diff.heat);
  itemHelp("compare-diff");
  ImGui::Text("mean |A - B| %.4f   largest %.3f", m_diff.meanAbs, m_diff.maxAbs);
}

}  // namespace latentlab
