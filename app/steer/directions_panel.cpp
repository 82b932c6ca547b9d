#include "app/steer/directions_panel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include "app/engine_client.h"
#include "app/export/image_export.h"
#include "app/panels/flow_row.h"
#include "app/panels/param_help.h"
#include "app/perf_stats.h"
#include "app/steer/steer_latent.h"
#include "app/steer/steer_map_overlay.h"
#include "app/steer/vq_tokens_view.h"
#include "app/widgets/image_fit.h"
#include "engine/explore/explorer.h"

namespace latentlab {

namespace {
const ImU32 kMoveColor = IM_COL32(90, 220, 255, 255);
double nowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}
int modelDim(const PanelContext& ctx) {
  return ctx.engine && ctx.engine->model() ? ctx.engine->model()->latentDim : 0;
}
std::string modelName(const PanelContext& ctx) {
  return ctx.engine && ctx.engine->model() ? ctx.engine->model()->dir : "";
}
bool inputPath(const char* id, std::string& path, float width) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%s", path.c_str());
  ImGui::SetNextItemWidth(width);
  bool changed = ImGui::InputText(id, buf, sizeof buf);
  if (changed) path = buf;
  return changed;
}
}  // namespace

DirectionsPanel::DirectionsPanel() : Panel("directions", "Directions") {}

const char* DirectionsPanel::notes() const {
  return "A direction is an arrow in latent space; moving the latent along it changes one thing about the "
         "picture. Class arrows point from one class's average to another's, principal directions are where "
         "the data varies most, a two-group arrow is what best separates two sets of points you pick. Each "
         "slider moves along its arrow in units of the data's typical spread (sigma); several add up. "
         "'Orthogonal' removes the other arrows' share, so the others' features stay put. The map shows the "
         "move as a line from where the latent started.";
}

void DirectionsPanel::refreshSources(PanelContext& ctx) {
  auto model = ctx.jobs ? ctx.jobs->exploreModel() : nullptr;
  if (model && model.get() != m_sefaOf) {
    m_sefaOf = model.get();
    m_sefa.clear();
    m_sefaError.clear();
    m_sefaPick = 0;
    ctx.jobs->run(
        Worker::Background, "steer/sefa",
        [model](JobContext&) {
          // A model without a usable first layer simply has no SeFa directions: the reason
          // goes in the picker, not in the window's error messages.
          std::pair<std::vector<Direction>, std::string> r;
          try {
            WeightMatrix w = model->firstLinearWeight();
            r.first = sefaDirections(w, std::min(w.cols, 10));
          } catch (const std::exception& e) {
            r.second = e.what();
          }
          return std::any(std::move(r));
        },
        [this](FeatureOutcome& o) {
          using R = std::pair<std::vector<Direction>, std::string>;
          if (auto* v = std::any_cast<R>(&o.value)) m_sefa = std::move(v->first), m_sefaError = v->second;
        });
  }
  auto latents = ctx.jobs ? ctx.jobs->latentsShared() : nullptr;
  if (!latents || latents.get() == m_sourcesOf) return;
  m_sourcesOf = latents.get();
  m_pca.clear();
  m_pcaPick = 0;
  ctx.jobs->run(
      Worker::Background, "steer/pca",
      [latents](JobContext&) { return std::any(pcaDirections(*latents, std::min(latents->dim, 10))); },
      [this](FeatureOutcome& o) {
        if (auto* v = std::any_cast<std::vector<Direction>>(&o.value)) m_pca = std::move(*v);
        if (!o.error.empty()) m_status = o.error;
      });
}

void DirectionsPanel::drawAdd(PanelContext& ctx) {
  float fs = ImGui::GetFontSize();
  const LatentSet* set = ctx.engine ? ctx.engine->latents() : nullptr;
  const char* sources[] = {"Class", "PCA", "SeFa", "Two groups", "File"};
  FlowRow row;
  row.next(FlowRow::labeled(fs * 7, "Source"));
  ImGui::SetNextItemWidth(fs * 7);
  ImGui::Combo("Source", &m_source, sources, 5);
  itemHelp("dir-source");
  auto latents = ctx.jobs ? ctx.jobs->latentsShared() : nullptr;
  auto addJob = [&](const char* slot, std::function<Direction()> make) {
    m_busy = true;
    ctx.jobs->run(Worker::Background, slot, [make](JobContext&) { return std::any(make()); },
                  [this](FeatureOutcome& o) {
                    m_busy = false;
                    if (auto* d = std::any_cast<Direction>(&o.value)) {
                      m_status = "Added " + d->label;
                      m_set.add(std::move(*d));
                    } else if (!o.error.empty()) {
                      m_status = o.error;
                    }
                  });
  };
  int classes = set ? int(set->classNames.size()) : 0;
  if (m_source == 0) {
    auto name = [&](int c) { return c >= 0 && c < classes ? set->classNames[size_t(c)].c_str() : "?"; };
    if (classes > 0) {  // before the data is encoded there are none: keep the defaults
      m_from = std::clamp(m_from, 0, classes - 1);
      m_to = std::clamp(m_to, 0, classes - 1);
    }
    for (int k = 0; k < 2; ++k) {
      int& c = k == 0 ? m_from : m_to;
      const char* label = k == 0 ? "##from" : "->##to";
      row.next(FlowRow::labeled(fs * 7, k == 0 ? "" : "->"));
      ImGui::SetNextItemWidth(fs * 7);
      if (ImGui::BeginCombo(label, name(c))) {
        for (int i = 0; i < classes; ++i)
          if (ImGui::Selectable(name(i), i == c)) c = i;
        ImGui::EndCombo();
      }
      itemHelp(k == 0 ? "dir-class-from" : "dir-class-to");
    }
    row.next(FlowRow::button("Add"));
    ImGui::BeginDisabled(!latents || classes < 2 || m_from == m_to || m_busy);
    if (ImGui::Button("Add")) {
      int from = m_from, to = m_to;
      addJob("steer/class-dir", [latents, from, to] { return classDirection(*latents, from, to); });
    }
    ImGui::EndDisabled();
    itemHelp("dir-add");
    if (latents && latents->dataSpec.rfind("prior:", 0) == 0)  // a GAN's map: prior samples by class
      ImGui::TextWrapped(
          "These points are prior samples: their z does not depend on the class they were drawn for (the class "
          "is the generator's input), so class means differ only by chance. Try %s.",
          m_sefaError.empty() ? "SeFa or PCA" : "PCA");
  } else if (m_source == 1 || m_source == 2) {
    // Principal directions of the data, or SeFa's of the decoder: a list computed once.
    bool pca = m_source == 1;
    auto& list = pca ? m_pca : m_sefa;
    int& pick = pca ? m_pcaPick : m_sefaPick;
    pick = std::clamp(pick, 0, std::max(0, int(list.size()) - 1));
    // The reason SeFa is unavailable is a sentence: under the row, wrapped, not clipped in the combo.
    bool sefaRefused = !pca && !m_sefaError.empty();
    std::string none = sefaRefused ? "(unavailable: see below)" : "(computing)";
    std::string cur = list.empty() ? none : list[size_t(pick)].label;
    row.next(fs * 13);
    ImGui::SetNextItemWidth(fs * 13);
    if (ImGui::BeginCombo(pca ? "##pca" : "##sefa", cur.c_str())) {
      for (size_t i = 0; i < list.size(); ++i)
        if (ImGui::Selectable(list[i].label.c_str(), int(i) == pick)) pick = int(i);
      ImGui::EndCombo();
    }
    itemHelp(pca ? "dir-pca" : "dir-sefa");
    row.next(FlowRow::button("Add"));
    ImGui::BeginDisabled(list.empty());
    if (ImGui::Button("Add")) {
      m_set.add(list[size_t(pick)]);
      m_status = "Added " + list[size_t(pick)].label;
    }
    ImGui::EndDisabled();
    itemHelp("dir-add");
    if (sefaRefused && list.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      ImGui::TextWrapped("SeFa is unavailable for this model: %s", m_sefaError.c_str());
      ImGui::PopStyleColor();
      itemRect("dir-sefa-reason");
    }
  } else if (m_source == 3) {
    int64_t sel = ctx.state.selected;
    bool canSel = set && sel >= 0 && sel < set->count;
    for (int g = 0; g < 2; ++g) {
      auto& group = ctx.state.steerGroups[g];
      std::string label = std::string(g == 0 ? "+ A" : "+ B") + " (" + std::to_string(group.size()) + ")";
      row.next(FlowRow::smallButton(label.c_str()));
      ImGui::BeginDisabled(!canSel);
      if (ImGui::SmallButton(label.c_str()) && !std::binary_search(group.begin(), group.end(), sel))
        group.insert(std::upper_bound(group.begin(), group.end(), sel), sel);
      ImGui::EndDisabled();
      itemHelp(g == 0 ? "dir-group-a" : "dir-group-b");
    }
    row.next(FlowRow::smallButton("Clear groups"));
    if (ImGui::SmallButton("Clear groups")) ctx.state.steerGroups[0].clear(), ctx.state.steerGroups[1].clear();
    itemHelp("dir-group-clear");
    row.next(FlowRow::button("Add"));
    ImGui::BeginDisabled(!latents || ctx.state.steerGroups[0].empty() || ctx.state.steerGroups[1].empty() || m_busy);
    if (ImGui::Button("Add")) {
      auto a = ctx.state.steerGroups[0], b = ctx.state.steerGroups[1];
      addJob("steer/group-dir", [latents, a, b] { return groupDirection(*latents, a, b); });
    }
    ImGui::EndDisabled();
    itemHelp("dir-add");
  } else {
    row.next(fs * 12);
    inputPath("##dirfile", m_filePath, fs * 12);
    itemHelp("dir-file");
    row.next(FlowRow::button("Load"));
    if (ImGui::Button("Load")) {
      try {
        auto dirs = loadDirections(m_filePath, modelDim(ctx));
        for (auto& d : dirs) m_set.add(std::move(d));
        m_status = "Loaded " + std::to_string(dirs.size()) + " direction(s) from " + m_filePath;
      } catch (const std::exception& e) {
        m_status = e.what();
      }
    }
    itemHelp("dir-load");
  }
  notesToggle(ctx), itemRect("notes");
}

void DirectionsPanel::drawSliders(PanelContext& ctx) {
  float fs = ImGui::GetFontSize();
  auto& sliders = m_set.sliders();
  int dim = modelDim(ctx), remove = -1;
  if (sliders.empty()) ImGui::TextWrapped("Add a direction above: each becomes a slider that moves the latent.");
  for (size_t i = 0; i < sliders.size(); ++i) {
    DirectionSlider& s = sliders[i];
    ImGui::PushID(int(i));
    bool fits = !dim || int(s.dir.vector.size()) == dim;
    auto labelTooltip = [&] {
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("%s (%s)\none unit = %.3f in latent units%s", s.dir.label.c_str(), s.dir.name.c_str(),
                          s.dir.sigma, fits ? "" : "\nmade for another latent size: not applied");
    };
    // The name goes after the controls when the row has room for it, else on a line of its
    // own above them (a narrow column, a large UI scale): a slider is never left unnamed.
    const ImGuiStyle& st = ImGui::GetStyle();
    float controls = fs * 8 + st.ItemSpacing.x * 4 + ImGui::CalcTextSize("0").x + ImGui::CalcTextSize("x").x +
                     st.FramePadding.x * 4 + ImGui::GetFrameHeight() + st.ItemInnerSpacing.x +
                     ImGui::CalcTextSize("orth.").x;
    bool nameAfter = controls + ImGui::CalcTextSize(s.dir.label.c_str()).x <= ImGui::GetContentRegionAvail().x;
    auto nameRect = [&] {
      if (i == 0) ctx.rects["directions/name0"] = ImVec4(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y,
                                                        ImGui::GetItemRectSize().x, ImGui::GetItemRectSize().y);
    };
    if (!nameAfter) {
      ImGui::TextWrapped("%s", s.dir.label.c_str());
      labelTooltip(), nameRect();
    }
    ImGui::BeginDisabled(!fits);
    ImGui::SetNextItemWidth(fs * 8);
    ImGui::SliderFloat("##value", &s.value, -3.f, 3.f, "%+.2f sigma");
    itemHelp("dir-slider");
    if (i == 0) ctx.rects["directions/slider0"] = ImVec4(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y,
                                                         ImGui::GetItemRectSize().x, ImGui::GetItemRectSize().y);
    ImGui::SameLine();
    if (ImGui::SmallButton("0")) s.value = 0;
    itemHelp("dir-reset");
    ImGui::SameLine();
    ImGui::Checkbox("orth.", &s.orthogonal);
    itemHelp("dir-orthogonal");
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::SmallButton("x")) remove = int(i);
    itemHelp("dir-remove");
    if (nameAfter) {
      ImGui::SameLine();
      ImGui::TextUnformatted(s.dir.label.c_str());
      labelTooltip(), nameRect();
    }
    ImGui::PopID();
  }
  if (remove >= 0) sliders.erase(sliders.begin() + remove);
  FlowRow row;
  row.next(FlowRow::smallButton("Reset all"));
  ImGui::BeginDisabled(!m_set.anyMoved());
  if (ImGui::SmallButton("Reset all")) m_set.resetAll();
  ImGui::EndDisabled();
  itemHelp("dir-reset-all");
  row.next(FlowRow::smallButton("Save move as direction"));
  ImGui::BeginDisabled(!m_set.anyMoved() || !dim);
  if (ImGui::SmallButton("Save move as direction")) {
    Direction d;
    if (m_set.moveAsDirection(dim, d)) {
      m_status = "Added " + d.label;
      m_set.resetAll();
      m_set.add(std::move(d));
    }
  }
  ImGui::EndDisabled();
  itemHelp("dir-save-move");
}

void DirectionsPanel::drawFiles(PanelContext& ctx) {
  float fs = ImGui::GetFontSize();
  FlowRow row;
  row.next(fs * 10);
  inputPath("##savefile", m_filePath, fs * 10);
  itemHelp("dir-file");
  row.next(FlowRow::smallButton("Save directions"));
  ImGui::BeginDisabled(m_set.sliders().empty());
  if (ImGui::SmallButton("Save directions")) {
    std::vector<Direction> dirs;
    for (auto& s : m_set.sliders()) {
      dirs.push_back(s.dir);
      if (dirs.back().model.empty()) dirs.back().model = modelName(ctx);
    }
    try {
      saveDirections(m_filePath, dirs);
      m_status = "Saved " + std::to_string(dirs.size()) + " direction(s) to " + m_filePath;
    } catch (const std::exception& e) {
      m_status = e.what();
    }
  }
  ImGui::EndDisabled();
  itemHelp("dir-save");
  row.next(fs * 10);
  inputPath("##gridfile", m_gridPath, fs * 10);
  itemHelp("dir-grid-path");
  row.next(FlowRow::smallButton("Traversal grid PNG"));
  ImGui::BeginDisabled(m_set.sliders().empty() || !ctx.jobs || m_busy);
  if (ImGui::SmallButton("Traversal grid PNG")) exportGrid(ctx);
  ImGui::EndDisabled();
  itemHelp("dir-grid");
  if (!m_status.empty()) {
    ImGui::TextDisabled("%s", m_status.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", m_status.c_str());
  }
}

void DirectionsPanel::exportGrid(PanelContext& ctx) {
  auto model = ctx.jobs->exploreModel();
  Latent base = editedLatentOf(ctx.state);
  if (!model || base.empty()) {
    m_status = "Place the cursor on the map first: the grid starts from its latent.";
    return;
  }
  // Rows: the sliders' directions (as they move: orthogonalised when asked); columns: -3..3 sigma.
  const int cols = 9;
  std::vector<float> flat;
  int rows = 0;
  for (size_t i = 0; i < m_set.sliders().size(); ++i) {
    const auto& s = m_set.sliders()[i];
    if (s.dir.vector.size() != base.size()) continue;
    Latent u = m_set.effectiveUnit(i);
    for (int c = 0; c < cols; ++c) {
      double t = -3.0 + 6.0 * c / (cols - 1);
      for (size_t k = 0; k < base.size(); ++k) flat.push_back(float(base[k] + t * s.dir.sigma * u[k]));
    }
    ++rows;
  }
  std::string path = m_gridPath;
  int cls = ctx.state.decodeClass;
  m_busy = true;
  ctx.jobs->run(
      Worker::Background, "steer/traverse",
      [model, flat, rows, cols, path, cls](JobContext&) {
        auto images = model->decodeBatch(flat, rows * cols, cls);
        ExportResult r = writeExportPng(gridImage(images, rows, cols, 2, 4), path);
        return std::any(r.ok ? "Saved a " + std::to_string(rows) + " x 9 traversal grid to " + r.path : r.error);
      },
      [this](FeatureOutcome& o) {
        m_busy = false;
        if (auto* s = std::any_cast<std::string>(&o.value)) m_status = *s;
        else if (!o.error.empty()) m_status = o.error;
      });
}

void DirectionsPanel::decode(PanelContext& ctx) {
  Latent z = steeredLatentOf(ctx.state);
  bool edited = m_set.anyMoved() || !ctx.state.steerEdit.empty();
  bool snap = ctx.state.snapToCodebook;
  if (!edited || z.empty() || (z == m_asked && snap == m_askedSnap) || !ctx.jobs) return;
  auto model = ctx.jobs->exploreModel();
  if (!model || model->info().latentDim != int(z.size())) return;
  m_asked = z;
  m_askedSnap = snap;
  Latent start = editedLatentOf(ctx.state);  // a VQ model: its tokens are what the sliders changed
  m_askedAt = nowMs();
  int cls = ctx.state.decodeClass;
  m_bench.submitted(nowMs() / 1000.0);
  struct Decoded {
    Image image;
    TokenChange tokens;
    double startMs = 0, endMs = 0;  // on the worker (the slider bench's stages)
  };
  ctx.jobs->run(Worker::Interactive, "steer/slider",
                [model, z, start, cls](JobContext&) {
                  Decoded d;
                  d.startMs = nowMs();
                  d.image = model->decode(z, cls);
                  d.endMs = nowMs();
                  if (model->info().codebookSize > 0 && start.size() == z.size())
                    d.tokens = {model->tokensOf(start), model->tokensOf(z)};
                  return std::any(std::move(d));
                },
                [this, z](FeatureOutcome& o) {
                  if (auto* d = std::any_cast<Decoded>(&o.value)) {
                    double now = nowMs();
                    m_bench.worked(d->startMs / 1000.0, d->endMs / 1000.0);
                    m_bench.delivered(now / 1000.0);
                    m_image = std::move(d->image);
                    m_tokens = std::move(d->tokens);
                    m_decoded = z;
                    ++m_version;
                    m_latencyMs = now - m_askedAt;
                  } else if (!o.error.empty()) {
                    m_status = o.error;
                  }
                });
}

void DirectionsPanel::publish(PanelContext& ctx) {
  AppState& s = ctx.state;
  int dim = int(cursorLatentOf(s).size());
  s.steerDirections = m_set.anyMoved() && dim > 0 ? m_set.move(dim) : std::vector<float>{};
  AppState::LatentOverlay o;
  o.owner = id();
  o.color = kMoveColor;
  if (!s.steerDirections.empty()) {
    Latent start = editedLatentOf(s), end = steeredLatentOf(s);
    if (!start.empty()) {
      o.line = {start, end};
      o.marks = {end};
      o.labels = {"moved"};
    }
  }
  setLatentOverlay(s, std::move(o));
}

void DirectionsPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};
  if (m_groupsRestored) {
    ctx.state.steerGroups[0] = m_groups[0], ctx.state.steerGroups[1] = m_groups[1];
    m_groupsRestored = false;
  }
  m_groups[0] = ctx.state.steerGroups[0], m_groups[1] = ctx.state.steerGroups[1];
  refreshSources(ctx);
  drawAdd(ctx);
  if (m_bench.enabled() && !m_set.sliders().empty()) {
    float v = 0;
    bool grid = false;
    double presented = ctx.perf ? ctx.perf->presentedAt : 0;
    if (m_bench.frame(nowMs() / 1000.0, m_version, presented, v, grid)) m_set.sliders()[0].value = v;
    if (grid) ctx.state.gridK = 24, ctx.requests.decodeGrid = true;  // the drag bench's load: 24 x 24 grids
    // A frame is needed to move and to see the swap; a decode in flight wakes the loop itself.
    ctx.state.animating = m_bench.needsFrames();
  }
  float fs = ImGui::GetFontSize();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float side = std::max(fs * 3, std::min(avail.y - fs * 1.5f, avail.x * 0.34f));
  bool edited = m_set.anyMoved() || !ctx.state.steerEdit.empty();
  const Image* img = edited ? &m_image : ctx.engine ? &ctx.engine->cursorImage : nullptr;
  uint64_t ver = edited ? m_version : ctx.engine ? ctx.engine->cursorVersion : 0;
  ImGui::BeginGroup();
  ImTextureID tex = img && !img->empty() ? ctx.textures.texture(edited ? "steer-moved" : "cursor", *img, ver,
                                                                ctx.state.nearestFilter)
                                         : nullptr;
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImVec2 fit = img ? fitImageSize(*img, side, side) : ImVec2(side, side), off = centredOffset(fit, side, side);
  ImGui::Dummy(ImVec2(side, side));
  if (tex) ImGui::GetWindowDrawList()->AddImage(tex, ImVec2(p.x + off.x, p.y + off.y), ImVec2(p.x + off.x + fit.x, p.y + off.y + fit.y));
  ctx.rects["directions/image"] = ImVec4(p.x + off.x, p.y + off.y, fit.x, fit.y);
  const ModelInfo* vq = vqModelInfo(ctx);
  if (vq && edited && vq->latentShape.size() == 3)  // the tokens the move changed, outlined
    drawTokenCells(m_tokens, int(vq->latentShape[0]), int(vq->latentShape[1]), ImVec2(p.x + off.x, p.y + off.y), fit,
                   "the start");
  if (edited) ImGui::TextDisabled("moved, %.1f ms", m_latencyMs);
  else ImGui::TextDisabled("at the cursor");
  if (vq && edited) {
    // Under the picture, as wide as it: "12 of 49 tokens changed".
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + side);
    ImGui::TextDisabled("%d of %zu tokens changed (outlined)", m_tokens.changed(), m_tokens.after.size());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginChild("##sliders", ImVec2(0, 0), false);
  if (vqModelInfo(ctx)) {
    FlowRow snapRow;
    drawSnapToggle(ctx, snapRow);
  }
  drawSliders(ctx);
  drawFiles(ctx);
  ImGui::EndChild();
  // After the sliders: a move made this frame is on the map and asked for in this frame.
  publish(ctx);
  decode(ctx);
}

void DirectionsPanel::saveState(nlohmann::json& out) const {
  nlohmann::json sl = nlohmann::json::array();
  for (auto& s : m_set.sliders())
    sl.push_back({{"direction", directionToJson(s.dir)}, {"value", s.value}, {"orthogonal", s.orthogonal}});
  out["sliders"] = sl;
  out["source"] = m_source;
  out["class_from"] = m_from;
  out["class_to"] = m_to;
  out["group_a"] = m_groups[0];
  out["group_b"] = m_groups[1];
  out["file"] = m_filePath;
  out["grid_file"] = m_gridPath;
}

void DirectionsPanel::restoreState(const nlohmann::json& in, std::vector<std::string>& warnings) {
  auto warn = [&](const std::string& what) { warnings.push_back("session: panels." + id() + "." + what); };
  if (in.contains("sliders")) {
    DirectionSet set;
    try {
      if (!in["sliders"].is_array()) throw std::runtime_error("expected a list");
      for (size_t i = 0; i < in["sliders"].size(); ++i) {
        const auto& j = in["sliders"][i];
        if (!j.is_object() || !j.contains("direction")) throw std::runtime_error("sliders[" + std::to_string(i) + "]");
        set.add(directionFromJson(j["direction"], "sliders[" + std::to_string(i) + "].direction"));
        auto& s = set.sliders().back();
        if (j.contains("value") && j["value"].is_number()) s.value = std::clamp(j["value"].get<float>(), -3.f, 3.f);
        if (j.contains("orthogonal") && j["orthogonal"].is_boolean()) s.orthogonal = j["orthogonal"].get<bool>();
      }
      m_set = std::move(set);
    } catch (const std::exception& e) {
      warn(std::string("sliders: ") + e.what() + "; kept the current sliders");
    }
  }
  auto integer = [&](const char* key, int& dst) {
    if (!in.contains(key)) return;
    if (in[key].is_number_integer()) dst = in[key].get<int>();
    else warn(std::string(key) + ": expected a whole number");
  };
  integer("source", m_source);
  m_source = std::clamp(m_source, 0, 4);
  integer("class_from", m_from);
  integer("class_to", m_to);
  for (auto [key, group] : {std::pair{"group_a", &m_groups[0]}, std::pair{"group_b", &m_groups[1]}}) {
    if (!in.contains(key)) continue;
    try {
      *group = in[key].get<std::vector<int64_t>>();
      std::sort(group->begin(), group->end());
      group->erase(std::unique(group->begin(), group->end()), group->end());
      m_groupsRestored = true;
    } catch (const std::exception&) {
      warn(std::string(key) + ": expected a list of data item numbers");
    }
  }
  for (auto [key, str] : {std::pair{"file", &m_filePath}, std::pair{"grid_file", &m_gridPath}}) {
    if (!in.contains(key)) continue;
    if (in[key].is_string()) *str = in[key].get<std::string>();
    else warn(std::string(key) + ": expected a file name");
  }
}

}  // namespace latentlab
