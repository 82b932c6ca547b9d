#include "app/panels/map_layout_controls.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "app/engine_client.h"
#include "app/panels/flow_row.h"
#include "app/panels/param_help.h"

namespace latentlab {

namespace {
const char* kSlot = "map/layout";

bool sameParams(const ProjectionParams& a, const ProjectionParams& b) {
  return a.perplexity == b.perplexity && a.neighbors == b.neighbors && a.minDist == b.minDist &&
         a.epochs == b.epochs && a.seed == b.seed;
}
}  // namespace

void MapLayoutControls::start(PanelContext& ctx, std::shared_ptr<MapLayout> layout) {
  if (!ctx.jobs || !layout) return;
  layout->pauseRequested = false;
  layout->state = MapLayout::State::Queued;
  layout->dropInverse();  // the points move again: the paused frame's inverse is stale
  if (layout->version() == 0) follow = true;  // a fresh run spreads out from the PCA start: follow it
  ctx.jobs->run(Worker::Background, kSlot, [layout](JobContext& jc) { return layout->work(jc); },
                [](FeatureOutcome&) {});  // the layout's own state says how it ended
}

void MapLayoutControls::pause() {
  if (m_layout && (state() == MapLayout::State::Running || state() == MapLayout::State::Queued))
    m_layout->pauseRequested = true;
}

void MapLayoutControls::resume(PanelContext& ctx) {
  if (m_layout && state() == MapLayout::State::Paused) start(ctx, m_layout);
}

void MapLayoutControls::cancel(PanelContext& ctx) {
  if (!m_layout) return;
  auto st = state();
  if (st == MapLayout::State::Finished || st == MapLayout::State::Failed) return;
  if (ctx.jobs && (st == MapLayout::State::Running || st == MapLayout::State::Queued))
    ctx.jobs->cancel(Worker::Background, kSlot);
  m_layout->state = MapLayout::State::Cancelled;
}

void MapLayoutControls::restart(PanelContext& ctx) {
  if (!ctx.engine || !m_layout) return;
  MapLayouts& all = ctx.engine->map().layouts();
  auto latents = m_layout->latents;
  std::string projection = m_layout->projection;
  all.forget(m_layout->key);
  m_layout = all.create(projection, applied, latents);
  m_inverse.reset();
  all.setActive(m_layout);
  start(ctx, m_layout);
  ctx.requests.planeChanged = true;
}

void MapLayoutControls::leave(PanelContext& ctx) {
  auto st = state();
  if (m_layout && (st == MapLayout::State::Running || st == MapLayout::State::Queued)) {
    pause();
    m_resumeOnReturn = true;
  }
}

void MapLayoutControls::draw(PanelContext& ctx) {
  AppState& s = ctx.state;
  if (!ctx.engine) {
    ImGui::TextDisabled("t-SNE and UMAP need the engine (not in this view).");
    return;
  }
  auto latents = ctx.engine->map().latentsShared();
  drawSettings(ctx, s.planeMode);
  if (!latents) return;
  MapLayouts& all = ctx.engine->map().layouts();
  std::string key = MapLayouts::keyFor(*latents, s.planeMode, applied);
  if (!m_layout || m_layout->key != key || all.active() != m_layout) {
    // Another projection, settings, model or data set: its cached layout, or a new run.
    auto found = all.find(key);
    bool fresh = !found;
    m_layout = fresh ? all.create(s.planeMode, applied, latents) : found;
    m_inverse.reset();
    all.setActive(m_layout);
    if (fresh || state() == MapLayout::State::Paused) start(ctx, m_layout);
    ctx.requests.planeChanged = true;  // MapProjection shows the active layout
  }
  if (m_resumeOnReturn) {  // back from a plane: the layout leave() paused goes on
    if (state() == MapLayout::State::Paused) start(ctx, m_layout);
    else m_layout->pauseRequested = false;
    m_resumeOnReturn = false;
  }
  MapLayout::Frame f = m_layout->frameStatus();
  if (f.inverse != m_inverse) m_inverse = f.inverse;
  if (follow && ctx.points && state() == MapLayout::State::Running && ctx.points->count() > 0) s.view.fit(ctx.points->uv);
  drawProgress(ctx);
}

void MapLayoutControls::drawSettings(PanelContext& ctx, const std::string& projection) {
  float fs = ImGui::GetFontSize();
  FlowRow row;
  ImGui::PushID("layout-settings");
  if (projection == "tsne") {
    row.next(FlowRow::labeled(fs * 5, "Perplexity"));
    ImGui::SetNextItemWidth(fs * 5);
    float p = float(params.perplexity);
    if (ImGui::DragFloat("Perplexity", &p, 0.5f, 2.f, 100.f, "%.0f")) params.perplexity = p;
    itemTooltip("perplexity", "About how many neighbours each point keeps close (5-50). Larger: more global structure, slower.");
  } else {
    row.next(FlowRow::labeled(fs * 4, "Neighbours"));
    ImGui::SetNextItemWidth(fs * 4);
    ImGui::DragInt("Neighbours", &params.neighbors, 0.2f, 2, 200);
    itemTooltip("neighbors", "Size of each point's neighbourhood in the fuzzy graph (itself included). Small: local detail; large: more global shape.");
    row.next(FlowRow::labeled(fs * 4, "Min dist"));
    ImGui::SetNextItemWidth(fs * 4);
    float d = float(params.minDist);
    if (ImGui::DragFloat("Min dist", &d, 0.005f, 0.f, 1.f, "%.2f")) params.minDist = d;
    itemTooltip("min-dist", "How tightly points may pack in 2-D: 0 gives dense clumps, 0.5 an even spread.");
  }
  row.next(FlowRow::labeled(fs * 4, "Epochs"));
  ImGui::SetNextItemWidth(fs * 4);
  ImGui::DragInt("Epochs", &params.epochs, 5.f, 0, 5000, params.epochs == 0 ? "auto" : "%d");
  itemTooltip("epochs", "Optimisation epochs; auto = 1000 for t-SNE, 500 for UMAP (200 above 10,000 points).");
  row.next(FlowRow::labeled(fs * 4, "Seed"));
  ImGui::SetNextItemWidth(fs * 4);
  int seed = int(params.seed);
  if (ImGui::InputInt("Seed", &seed, 0, 0) && seed >= 0) params.seed = uint64_t(seed);
  itemTooltip("seed", "The same seed, data and settings give exactly the same layout.");
  bool changed = !sameParams(params, applied);
  row.next(FlowRow::button("Run"));
  ImGui::BeginDisabled(!changed);
  if (ImGui::Button("Run")) applied = params;  // draw() starts it (a new key)
  ImGui::EndDisabled();
  itemTooltip("layout-run", changed ? "Lay the map out again with these settings." : "Change a setting to run again.");
  ImGui::PopID();
}

void MapLayoutControls::drawProgress(PanelContext& ctx) {
  float fs = ImGui::GetFontSize();
  MapLayout::Frame f = m_layout->frameStatus();
  auto st = state();
  ImGui::PushID("layout-progress");
  FlowRow row;
  char buf[160];
  const char* what = m_layout->projection == "tsne" ? "t-SNE" : "UMAP";
  switch (st) {
    case MapLayout::State::Queued: std::snprintf(buf, sizeof buf, "%s: waiting for the worker", what); break;
    case MapLayout::State::Running:
      std::snprintf(buf, sizeof buf, "%s", f.message.empty() ? "starting" : f.message.c_str());
      break;
    case MapLayout::State::Paused:
      std::snprintf(buf, sizeof buf, "%s paused at epoch %d of %d", what, f.epoch, f.epochs);
      break;
    case MapLayout::State::Finished: std::snprintf(buf, sizeof buf, "%s finished: %d epochs", what, f.epochs); break;
    case MapLayout::State::Cancelled:
      std::snprintf(buf, sizeof buf, "%s cancelled at epoch %d: the map shows that frame", what, f.epoch);
      break;
    case MapLayout::State::Failed: std::snprintf(buf, sizeof buf, "%s failed: %s", what, f.error.c_str()); break;
  }
  // The bar alone, its text beside it: a long status line never overflows the bar.
  row.next(fs * 8);
  ImGui::ProgressBar(float(f.fraction), ImVec2(fs * 8, 0), "");
  itemTooltip("layout-progress", buf);
  if (st == MapLayout::State::Running || st == MapLayout::State::Queued) {
    row.next(FlowRow::button("Pause"));
    if (ImGui::Button("Pause")) pause();
    itemTooltip("layout-pause", "Stop after this epoch and keep the state; Resume continues exactly where it stopped.");
  } else if (st == MapLayout::State::Paused) {
    row.next(FlowRow::button("Resume"));
    if (ImGui::Button("Resume")) resume(ctx);
    itemTooltip("layout-resume", "Continue the layout from the epoch it paused at.");
  } else if (st == MapLayout::State::Cancelled || st == MapLayout::State::Failed) {
    row.next(FlowRow::button("Restart"));
    if (ImGui::Button("Restart")) restart(ctx);
    itemTooltip("layout-restart", "Start this layout again from the beginning.");
  }
  if (st == MapLayout::State::Running || st == MapLayout::State::Queued || st == MapLayout::State::Paused) {
    row.next(FlowRow::button("Cancel"));
    if (ImGui::Button("Cancel")) cancel(ctx);
    itemTooltip("layout-cancel", "Stop the layout for good (Restart starts over).");
  }
  row.next(FlowRow::text(buf));
  if (st == MapLayout::State::Failed) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", buf);
  else ImGui::TextUnformatted(buf);
  ImGui::PopID();
}

void MapLayoutControls::save(nlohmann::json& out) const {
  out["layout"] = {{"perplexity", applied.perplexity}, {"neighbors", applied.neighbors},
                   {"min_dist", applied.minDist},       {"epochs", applied.epochs},
                   {"seed", applied.seed}};
}

void MapLayoutControls::restore(const nlohmann::json& in, std::vector<std::string>& warnings) {
  if (!in.contains("layout") || !in["layout"].is_object()) return;
  const auto& j = in["layout"];
  ProjectionParams p = applied;
  auto num = [&](const char* k, auto& field, double lo, double hi) {
    if (!j.contains(k)) return;
    if (!j[k].is_number() || j[k].get<double>() < lo || j[k].get<double>() > hi) {
      warnings.push_back(std::string("session: panels.map.layout.") + k + " must be a number in [" +
                         std::to_string(lo) + ", " + std::to_string(hi) + "]; keeping " + std::to_string(double(field)));
      return;
    }
    field = static_cast<std::remove_reference_t<decltype(field)>>(j[k].get<double>());
  };
  num("perplexity", p.perplexity, 1, 1000);
  num("neighbors", p.neighbors, 2, 200);
  num("min_dist", p.minDist, 0, 1);
  num("epochs", p.epochs, 0, 100000);
  num("seed", p.seed, 0, 4e9);
  params = applied = p;
}

}  // namespace latentlab
