#include "app/steer/inspector_panel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/engine_client.h"
#include "app/panels/flow_row.h"
#include "app/panels/param_help.h"
#include "app/steer/steer_latent.h"
#include "app/widgets/image_fit.h"
#include "engine/explore/explorer.h"

namespace latentlab {

namespace {
// Variance of the posterior means above this marks an active unit (Burda et al.'s 0.01).
constexpr double kActive = 0.01;
constexpr int kBarsUpTo = 64;  // larger latents are drawn as a heat strip
constexpr int kNearest = 8;
constexpr int kHistBins = 40;

// Blue (negative) - near black (0) - orange (positive), for the heat strip.
ImU32 diverging(float v, float range) {
  float t = std::clamp(v / range, -1.f, 1.f);
  if (t < 0) return ImGui::ColorConvertFloat4ToU32(ImVec4(0.15f, 0.15f + 0.35f * -t, 0.2f + 0.8f * -t, 1));
  return ImGui::ColorConvertFloat4ToU32(ImVec4(0.2f + 0.8f * t, 0.15f + 0.45f * t, 0.15f, 1));
}
}  // namespace

const char* InspectorPanel::notes() const {
  return "The latent is just a list of numbers; each bar is one of them. The shaded band is where the prior "
         "(a standard normal) puts 95% of its values: bars far outside it describe pictures the model has "
         "rarely seen. Drag a bar to change one number and watch the picture. Bright bars in the thin row below "
         "are 'active' dimensions the data really uses; the others the model ignores. The small pictures are "
         "the data images whose latents are nearest to this one.";
}

int InspectorPanel::activeUnits() const {
  int n = 0;
  for (double v : m_variance) n += v > kActive;
  return n;
}

void InspectorPanel::updateStats(PanelContext& ctx) {
  const LatentSet* set = ctx.engine ? ctx.engine->latents() : nullptr;
  if (set == m_statsOf) return;
  m_statsOf = set;
  m_variance.clear();
  m_nearestOf.clear();
  if (!set || set->count < 2) return;
  // Two passes over N x d floats: well under a millisecond for 10,000 x 16.
  std::vector<double> mean(size_t(set->dim), 0.0);
  for (int64_t i = 0; i < set->count; ++i)
    for (int k = 0; k < set->dim; ++k) mean[size_t(k)] += set->row(i)[k];
  for (double& m : mean) m /= double(set->count);
  m_variance.assign(size_t(set->dim), 0.0);
  for (int64_t i = 0; i < set->count; ++i)
    for (int k = 0; k < set->dim; ++k) {
      double d = set->row(i)[k] - mean[size_t(k)];
      m_variance[size_t(k)] += d * d;
    }
  for (double& v : m_variance) v /= double(set->count - 1);
  m_kl = set->klPerDim.size() == size_t(set->dim) ? set->klPerDim : std::vector<double>();
  m_klMax = m_kl.empty() ? 0 : *std::max_element(m_kl.begin(), m_kl.end());
  // The histogram starts on the dimension the data uses most.
  m_histDim = int(std::max_element(m_variance.begin(), m_variance.end()) - m_variance.begin());
  m_histOf = -1;
}

double InspectorPanel::totalKl() const {
  double s = 0;
  for (double k : m_kl) s += k;
  return s;
}

const std::vector<int>& InspectorPanel::histogram(const LatentSet& set, int dim) {
  if (dim == m_histOf && !m_hist.empty()) return m_hist;
  m_hist.assign(kHistBins, 0);
  m_histOf = dim;
  if (dim < 0 || dim >= set.dim) return m_hist;
  for (int64_t i = 0; i < set.count; ++i) {
    float v = set.row(i)[dim];
    if (!std::isfinite(v)) continue;
    int b = int(std::floor((double(v) + m_range) / (2.0 * m_range) * kHistBins));
    ++m_hist[size_t(std::clamp(b, 0, kHistBins - 1))];  // the end bins hold everything beyond the range
  }
  return m_hist;
}

void InspectorPanel::drawHistogram(PanelContext& ctx, float height) {
  const LatentSet* set = ctx.engine ? ctx.engine->latents() : nullptr;
  if (!set || set->count < 2 || m_histDim < 0 || m_histDim >= set->dim) return;
  const std::vector<int>& h = histogram(*set, m_histDim);
  float fs = ImGui::GetFontSize();
  ImVec2 p = ImGui::GetCursorScreenPos();
  float w = std::max(fs * 4, ImGui::GetContentRegionAvail().x);
  ImGui::InvisibleButton("##hist", ImVec2(w, height));
  itemHelp("inspect-histogram");
  ctx.rects["inspector/histogram"] = ImVec4(p.x, p.y, w, height);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + height), IM_COL32(22, 24, 30, 255));
  // Bars: the data's posterior means along this dimension, as a density; the line: N(0, 1),
  // the prior the decoder was trained to expect. A gap between the two is a hole or a pile.
  const double binW = 2.0 * m_range / kHistBins;
  std::vector<double> density(h.size());
  double peak = 0.4;  // N(0, 1)'s peak, so the prior curve always fits
  for (size_t b = 0; b < h.size(); ++b) peak = std::max(peak, density[b] = h[b] / (double(set->count) * binW));
  float bw = w / float(kHistBins), base = p.y + height - 1, top = p.y + fs * 1.3f;  // the label sits above
  auto yOf = [&](double d) { return base - float(d / peak) * (base - top); };
  for (size_t b = 0; b < h.size(); ++b)
    dl->AddRectFilled(ImVec2(p.x + bw * float(b), yOf(density[b])), ImVec2(p.x + bw * float(b + 1) - 1, base),
                      IM_COL32(110, 180, 255, 200));
  // A VQ model's prior is over token grids, not N(0, 1) per number: no curve to compare with.
  bool normal = !(ctx.engine && ctx.engine->model() && ctx.engine->model()->prior != "normal");
  ImVec2 prev;
  for (int i = 0; normal && i <= 64; ++i) {
    double v = -m_range + 2.0 * m_range * i / 64.0;
    ImVec2 q(p.x + w * float(i) / 64.f, yOf(std::exp(-0.5 * v * v) / std::sqrt(2 * M_PI)));
    if (i > 0) dl->AddLine(prev, q, IM_COL32(255, 200, 90, 255), 1.5f);
    prev = q;
  }
  char label[96];
  if (!normal)
    std::snprintf(label, sizeof label, "z%d over the data", m_histDim);
  else if (size_t(m_histDim) < m_kl.size())
    std::snprintf(label, sizeof label, "z%d over the data (KL %.2f nats); line: prior N(0, 1)", m_histDim,
                  m_kl[size_t(m_histDim)]);
  else
    std::snprintf(label, sizeof label, "z%d over the data; line: prior N(0, 1)", m_histDim);
  dl->AddText(ImVec2(p.x + 4, p.y + 2), IM_COL32(200, 205, 215, 255), label);
}

void InspectorPanel::drawChart(PanelContext& ctx, const std::vector<float>& z, float height) {
  AppState& s = ctx.state;
  int dim = int(z.size());
  float fs = ImGui::GetFontSize();
  ImVec2 p = ImGui::GetCursorScreenPos();
  float w = std::max(fs * 4, ImGui::GetContentRegionAvail().x);
  float varH = fs * 0.5f;
  ImGui::InvisibleButton("##bars", ImVec2(w, height));
  itemHelp("inspect-bars");
  ctx.rects["inspector/bars"] = ImVec4(p.x, p.y, w, height);
  bool active = ImGui::IsItemActive(), hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  float chartH = height - varH - 2;
  float mid = p.y + chartH * 0.5f, scale = chartH * 0.5f / m_range;
  float bw = w / float(dim);
  auto yOf = [&](float v) { return mid - std::clamp(v, -m_range, m_range) * scale; };
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + chartH), IM_COL32(22, 24, 30, 255));
  // The prior's +-2 sigma band (N(0, 1) per dimension; a VQ model's prior over tokens has none).
  if (!(ctx.engine && ctx.engine->model() && ctx.engine->model()->prior != "normal"))
    dl->AddRectFilled(ImVec2(p.x, yOf(2)), ImVec2(p.x + w, yOf(-2)), IM_COL32(60, 70, 95, 140));
  dl->AddLine(ImVec2(p.x, mid), ImVec2(p.x + w, mid), IM_COL32(140, 145, 160, 255));
  ImVec2 mouse = ImGui::GetIO().MousePos;
  int under = hovered || active ? std::clamp(int((mouse.x - p.x) / bw), 0, dim - 1) : -1;
  if (ImGui::IsItemActivated()) {
    m_dragDim = under;
    m_dragStartY = mouse.y;
    m_dragStartValue = under >= 0 ? z[size_t(under)] : 0;
  }
  if (!active) m_dragDim = -1;
  bool bars = dim <= kBarsUpTo;
  if (m_dragDim >= 0 && m_dragDim < dim) {
    // Bars: the value under the mouse. Heat strip: the vertical drag moves the value.
    float v = bars ? (mid - mouse.y) / scale : m_dragStartValue + (m_dragStartY - mouse.y) / scale;
    v = std::clamp(v, -m_range, m_range);
    if (s.steerEdit.size() != size_t(dim)) s.steerEdit.assign(size_t(dim), 0.f);
    s.steerEdit[size_t(m_dragDim)] += v - z[size_t(m_dragDim)];
  }
  for (int k = 0; k < dim; ++k) {
    float x0 = p.x + bw * float(k), x1 = x0 + std::max(1.f, bw - (bars && bw > 4 ? 2.f : 0.f));
    float v = z[size_t(k)];
    bool on = size_t(k) < m_variance.size() && m_variance[size_t(k)] > kActive;
    if (bars) {
      ImU32 col = on ? IM_COL32(110, 180, 255, 255) : IM_COL32(130, 130, 140, 255);
      if (k == under) col = IM_COL32(255, 220, 120, 255);
      dl->AddRectFilled(ImVec2(x0, std::min(mid, yOf(v))), ImVec2(x1, std::max(mid, yOf(v))), col);
    } else {
      dl->AddRectFilled(ImVec2(x0, p.y), ImVec2(x1, p.y + chartH), diverging(v, m_range));
    }
    // Below: the rate the VAE spends on each dimension (mean KL, brighter = more), or the
    // data's spread when the model gives no KL; active units stand out either way.
    if (size_t(k) < m_variance.size()) {
      float a = float(std::clamp(m_variance[size_t(k)], 0.0, 1.0));
      if (size_t(k) < m_kl.size()) a = float(std::clamp(m_kl[size_t(k)] / std::max(m_klMax, 1e-9), 0.0, 1.0));
      dl->AddRectFilled(ImVec2(x0, p.y + chartH + 2), ImVec2(x1, p.y + height),
                        ImGui::ColorConvertFloat4ToU32(ImVec4(0.3f + 0.6f * a, 0.8f * a + 0.1f, 0.2f, 1)));
    }
  }
  if (under >= 0) {
    m_histDim = under;
    double var = size_t(under) < m_variance.size() ? m_variance[size_t(under)] : 0;
    if (size_t(under) < m_kl.size())
      ImGui::SetTooltip("z%d = %.3f\ndata variance %.3f, mean KL %.3f nats (%s)", under, z[size_t(under)], var,
                        m_kl[size_t(under)], var > kActive ? "active" : "inactive: the decoder ignores it");
    else
      ImGui::SetTooltip("z%d = %.3f\ndata variance %.3f (%s)", under, z[size_t(under)], var,
                        var > kActive ? "active" : "inactive: the decoder ignores it");
  }
}

void InspectorPanel::drawPictures(PanelContext& ctx, float side) {
  const EngineClient* e = ctx.engine;
  AppState& s = ctx.state;
  auto picture = [&](const char* key, const Image& img, uint64_t ver, const char* caption) {
    ImGui::BeginGroup();
    ImTextureID t = img.empty() ? nullptr : ctx.textures.texture(key, img, ver, s.nearestFilter);
    ImVec2 p = ImGui::GetCursorScreenPos(), fit = fitImageSize(img, side, side), off = centredOffset(fit, side, side);
    ImGui::Dummy(ImVec2(side, side));
    if (t) ImGui::GetWindowDrawList()->AddImage(t, ImVec2(p.x + off.x, p.y + off.y), ImVec2(p.x + off.x + fit.x, p.y + off.y + fit.y));
    ImGui::TextDisabled("%s", caption);
    ImGui::EndGroup();
  };
  bool edited = !s.steerEdit.empty() || !s.steerDirections.empty();
  if (edited) picture("inspect-decode", m_image, m_version, "this latent");
  else if (e) picture("cursor", e->cursorImage, e->cursorVersion, "this latent");
  if (!e || e->selectedOriginal.empty() || e->selectedRecon.empty() || e->selectedIndex != s.selected) return;
  const Image &a = e->selectedOriginal, &b = e->selectedRecon;
  if (m_errorOf != e->selectedVersion && a.width == b.width && a.height == b.height && a.channels == b.channels) {
    // |original - reconstruction| averaged over channels, as a black-red-yellow heat map.
    m_error = Image(a.width, a.height, 3);
    for (int y = 0; y < a.height; ++y)
      for (int x = 0; x < a.width; ++x) {
        float d = 0;
        for (int c = 0; c < a.channels; ++c) d += std::abs(float(a.at(x, y)[c]) - float(b.at(x, y)[c]));
        float t = d / float(a.channels) / 255.f;
        uint8_t* q = m_error.at(x, y);
        q[0] = uint8_t(std::min(255.f, t * 2.f * 255.f));
        q[1] = uint8_t(std::clamp((t - 0.5f) * 2.f, 0.f, 1.f) * 255.f);
        q[2] = 0;
      }
    m_errorOf = e->selectedVersion;
  }
  char cap[32];
  std::snprintf(cap, sizeof cap, "#%lld", (long long)e->selectedIndex);
  ImGui::SameLine();
  picture("sel-orig", a, e->selectedVersion, cap);
  ImGui::SameLine();
  picture("sel-recon", b, e->selectedVersion, "recon.");
  ImGui::SameLine();
  picture("inspect-error", m_error, m_errorOf, "|error|");
  itemHelp("inspect-error");
}

void InspectorPanel::drawNearest(PanelContext& ctx, const std::vector<float>& z, float side) {
  const LatentSet* set = ctx.engine ? ctx.engine->latents() : nullptr;
  if (!set || set->dim != int(z.size())) return;
  if (z != m_nearestOf) {
    std::vector<Neighbour> all;
    all.reserve(size_t(set->count));
    for (int64_t i = 0; i < set->count; ++i) all.push_back({i, distanceOf(set->row(i), z.data(), set->dim)});
    size_t k = std::min<size_t>(kNearest, all.size());
    std::partial_sort(all.begin(), all.begin() + long(k), all.end(),
                      [](const Neighbour& a, const Neighbour& b) { return a.distance < b.distance; });
    m_nearest.assign(all.begin(), all.begin() + long(k));
    m_nearestOf = z;
  }
  ImGui::TextDisabled("Nearest data points (click to move there)");
  AppState& s = ctx.state;
  FlowRow row;  // as many thumbnails per row as fit
  for (size_t i = 0; i < m_nearest.size(); ++i) {
    const Neighbour& n = m_nearest[i];
    row.next(side + 2 * ImGui::GetStyle().FramePadding.x + 2);
    ImGui::PushID(int(i));
    ImGui::BeginGroup();
    ImTextureID t = nullptr;
    if (ctx.data && n.index < ctx.data->count) {
      t = ctx.textures.texture("nn-" + std::to_string(i), ctx.data->image(n.index), uint64_t(n.index) + 1, s.nearestFilter);
    }
    bool click = t ? ImGui::ImageButton(t, ImVec2(side, side), ImVec2(0, 0), ImVec2(1, 1), 1)
                   : ImGui::Button("##nn", ImVec2(side + 2, side + 2));
    itemHelp("inspect-nearest");
    ctx.rects["inspector/nn" + std::to_string(i)] = ImVec4(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y,
                                                           ImGui::GetItemRectSize().x, ImGui::GetItemRectSize().y);
    int label = size_t(n.index) < set->labels.size() ? set->labels[size_t(n.index)] : -1;
    std::string name = label >= 0 && size_t(label) < set->classNames.size() ? set->classNames[size_t(label)] : "?";
    ImGui::TextDisabled("%.2f", n.distance);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("#%lld %s, distance %.3f", (long long)n.index, name.c_str(), n.distance);
    ImGui::EndGroup();
    if (ImGui::IsItemHovered() && !ImGui::IsAnyItemActive())
      ImGui::SetTooltip("#%lld %s, distance %.3f", (long long)n.index, name.c_str(), n.distance);
    ImGui::PopID();
    if (click && !s.plane.origin.empty()) {
      // The cursor goes to the point's place on the map, the edit makes up the rest: the
      // latent (before any slider move) is exactly the data point's.
      auto [u, v] = s.plane.project(set->row(n.index));
      s.hasCursor = true;
      s.cursorU = u;
      s.cursorV = v;
      std::vector<float> base = s.plane.toLatent(u, v);
      s.steerEdit.assign(size_t(set->dim), 0.f);
      for (int k = 0; k < set->dim; ++k) s.steerEdit[size_t(k)] = set->row(n.index)[k] - base[size_t(k)];
      s.selected = n.index;
    }
  }
}

void InspectorPanel::decode(PanelContext& ctx, const std::vector<float>& z) {
  bool edited = !ctx.state.steerEdit.empty() || !ctx.state.steerDirections.empty();
  if (!edited || z.empty() || z == m_asked || !ctx.jobs) return;
  auto model = ctx.jobs->exploreModel();
  if (!model || model->info().latentDim != int(z.size())) return;
  m_asked = z;
  ctx.jobs->run(Worker::Interactive, "steer/inspect", [model, z](JobContext&) { return std::any(model->decode(z)); },
                [this](FeatureOutcome& o) {
                  if (auto* img = std::any_cast<Image>(&o.value)) {
                    m_image = std::move(*img);
                    ++m_version;
                  }
                });
}

void InspectorPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};
  AppState& s = ctx.state;
  if (m_restored) {
    s.steerEdit = m_restoredEdit;
    m_restored = false;
  }
  updateStats(ctx);
  std::vector<float> z = steeredLatentOf(s);
  FlowRow row;
  row.next(FlowRow::smallButton("Reset edits"));
  ImGui::BeginDisabled(s.steerEdit.empty());
  if (ImGui::SmallButton("Reset edits")) s.steerEdit.clear();
  ImGui::EndDisabled();
  itemHelp("inspect-reset");
  if (!m_variance.empty()) {
    char t[96];
    if (m_kl.empty()) std::snprintf(t, sizeof t, "%d of %zu units active", activeUnits(), m_variance.size());
    else std::snprintf(t, sizeof t, "%d of %zu units active, KL %.1f nats", activeUnits(), m_variance.size(), totalKl());
    row.next(FlowRow::text(t));
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("%s", t);
    itemHelp("inspect-active");
  }
  notesToggle(ctx), itemRect("notes");
  if (z.empty()) {
    ImGui::TextWrapped("Place the cursor on the map: its latent is shown here.");
    m_edit = s.steerEdit;
    return;
  }
  float fs = ImGui::GetFontSize();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  drawChart(ctx, z, std::max(fs * 4, avail.y * 0.34f));
  z = steeredLatentOf(s);  // a drag this frame moved it
  drawHistogram(ctx, std::max(fs * 3.5f, avail.y * 0.16f));
  decode(ctx, z);
  float side = std::clamp((ImGui::GetContentRegionAvail().y - fs * 3.2f) * 0.5f, fs * 2, fs * 5);
  drawPictures(ctx, side);
  drawNearest(ctx, z, std::min(side, fs * 3));
  m_edit = s.steerEdit;
}

void InspectorPanel::saveState(nlohmann::json& out) const { out["edit"] = m_restored ? m_restoredEdit : m_edit; }

void InspectorPanel::restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) {
  if (!in.contains("edit")) return;
  try {
    auto v = in["edit"].get<std::vector<float>>();
    for (float x : v)
      if (!std::isfinite(x)) throw std::runtime_error("not finite");
    m_restoredEdit = v;
    m_edit = v;
    m_restored = true;
  } catch (const std::exception&) {
    warnings.push_back("session: panels." + id() + ".edit: expected a list of finite numbers; kept the current edits");
  }
}

}  // namespace latentlab
