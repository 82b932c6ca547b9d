#include "app/lesson/lesson_apply.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "app/gui_app.h"
#include "app/panels/diffusion_panel.h"

namespace fs = std::filesystem;

namespace latentlab {

using nlohmann::json;

std::string openModelDir(const GuiApp& app) {
  // The app's state names the model it opened once a load has been applied (of any kind:
  // a map model, a diffusion model or a token model); a failed load leaves the previous one.
  GuiApp& a = const_cast<GuiApp&>(app);
  return a.engine().generation() > 0 ? a.state().modelDir : "";
}

bool sameFolder(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  std::error_code ea, eb;
  fs::path ca = fs::weakly_canonical(a, ea), cb = fs::weakly_canonical(b, eb);
  return !ea && !eb ? ca == cb : fs::path(a).lexically_normal() == fs::path(b).lexically_normal();
}

namespace {
// The model's class names: a map model's, else a diffusion model's.
std::vector<std::string> classNames(GuiApp& app) {
  if (const ModelInfo* m = app.engine().model(); m && !m->classes.empty()) return m->classes;
  if (const DiffusionInfo* d = app.engine().diffusion()) return d->classes;
  return {};
}

// A class by name or number; -1 for none/unconditional; false (and a problem) when unknown.
bool resolveClass(const LessonClass& c, const std::vector<std::string>& names, int count, const std::string& what,
                  int& out, std::vector<std::string>& problems) {
  if (c.name.empty()) {
    if (c.index >= 0 && count > 0 && c.index >= count) {
      problems.push_back(what + ": class " + std::to_string(c.index) + " is not one of this model's " +
                         std::to_string(count) + " classes");
      return false;
    }
    out = c.index;
    return true;
  }
  auto it = std::find(names.begin(), names.end(), c.name);
  if (it == names.end()) {
    problems.push_back(what + ": this model has no class \"" + c.name + "\"");
    return false;
  }
  out = int(it - names.begin());
  return true;
}

void restorePanel(GuiApp& app, const std::string& id, const json& settings, std::vector<std::string>& problems) {
  Panel* p = app.panel(id);
  if (!p) return;
  std::vector<std::string> warnings;
  try {
    p->restoreState(settings, warnings);
  } catch (const std::exception& e) {
    warnings.push_back(id + ": " + e.what());
  }
  for (auto& w : warnings) problems.push_back(w);
}

void applyMap(GuiApp& app, PanelContext& ctx, const LessonStep& step, std::vector<std::string>& problems) {
  AppState& s = ctx.state;
  const LessonMap& m = step.map;
  bool plane = false;
  if (m.projection) {
    s.planeMode = *m.projection;
    plane = true;
  }
  if (m.axes) {
    int dim = app.engine().latents() ? app.engine().latents()->dim : 0;
    if (dim > 0 && (m.axes->first >= dim || m.axes->second >= dim)) {
      problems.push_back("map.axes: this model's latent has " + std::to_string(dim) + " dimensions");
    } else {
      s.axisI = m.axes->first, s.axisJ = m.axes->second;
      plane = true;
    }
  }
  if (plane) ctx.requests.planeChanged = true;
  if (m.grid) s.gridRequested = *m.grid;
  if (m.gridOverlay) s.gridOverlay = *m.gridOverlay;
  if (m.gridK && *m.gridK != s.gridK) {
    s.gridK = *m.gridK;
    ctx.requests.decodeGrid = s.gridRequested;
  }
  if (m.hiddenClasses) {
    std::vector<std::string> names = classNames(app);
    std::fill(s.hiddenClasses.begin(), s.hiddenClasses.end(), false);
    for (auto& c : *m.hiddenClasses) {
      int k = -1;
      if (!resolveClass(c, names, int(names.size()), "map.hidden_classes", k, problems) || k < 0) continue;
      if (s.hiddenClasses.size() <= size_t(k)) s.hiddenClasses.resize(size_t(k) + 1, false);
      s.hiddenClasses[size_t(k)] = true;
    }
  }
  if (step.cursor) {
    s.hasCursor = true;
    s.cursorU = step.cursor->first, s.cursorV = step.cursor->second;
    s.steerEdit.clear();
  }
  if (step.selected) {
    const LatentSet* set = app.engine().latents();
    if (set && *step.selected >= set->count)
      problems.push_back("selected: item " + std::to_string(*step.selected) + " is past the data set's " +
                         std::to_string(set->count) + " items");
    else
      s.selected = *step.selected;
  }
}

void applyDirections(GuiApp& app, const LessonDirections& d, std::vector<std::string>& problems) {
  json j = json::object();
  const std::vector<std::string> sources{"class", "pca", "sefa", "groups", "file"};
  if (d.source) j["source"] = int(std::find(sources.begin(), sources.end(), *d.source) - sources.begin());
  std::vector<std::string> names = classNames(app);
  int k = -1;
  if (d.from && resolveClass(*d.from, names, int(names.size()), "directions.from", k, problems) && k >= 0) j["class_from"] = k;
  if (d.to && resolveClass(*d.to, names, int(names.size()), "directions.to", k, problems) && k >= 0) j["class_to"] = k;
  if (d.file) j["file"] = *d.file;
  restorePanel(app, "directions", j, problems);
}

void applyInterpolation(GuiApp& app, const LessonInterpolation& in, std::vector<std::string>& problems) {
  json j = json::object();
  const LatentSet* set = app.engine().latents();
  if (!in.endpoints.empty()) {
    json pts = json::array();
    for (auto& e : in.endpoints) {
      auto colon = e.find(':');
      std::string kind = e.substr(0, colon);
      uint64_t n = std::stoull(e.substr(colon + 1));  // digits only (checked when parsed)
      if (kind == "item") {
        if (set && int64_t(n) >= set->count) {
          problems.push_back("interpolation.endpoints: " + e + " is past the data set's " + std::to_string(set->count) + " items");
          return;
        }
        std::string label = "#" + std::to_string(n);
        if (set && int64_t(n) < set->count && size_t(n) < set->labels.size()) {
          int c = set->labels[size_t(n)];
          if (c >= 0 && size_t(c) < set->classNames.size()) label += " " + set->classNames[size_t(c)];
        }
        pts.push_back({{"kind", "data"}, {"index", n}, {"slerp", in.slerp.value_or(true)}, {"label", label}});
      } else {
        pts.push_back({{"kind", "prior"}, {"seed", n}, {"slerp", in.slerp.value_or(true)}, {"label", "prior seed " + std::to_string(n)}});
      }
    }
    j["endpoints"] = pts;
  }
  if (in.steps) j["steps"] = *in.steps;
  restorePanel(app, "interp", j, problems);
}

void applyDiffusion(GuiApp& app, PanelContext& ctx, const LessonDiffusion& d, std::vector<std::string>& problems) {
  auto* panel = dynamic_cast<DiffusionPanel*>(app.panel("diffusion"));
  const DiffusionInfo* info = app.engine().diffusion();
  if (!panel || !info) {
    problems.push_back("diffusion: the open model is not a diffusion model");
    return;
  }
  // From the bundle's recommended settings, then the step's: a step says only what it changes.
  // fitToModel also makes the panel run once with them by itself.
  panel->fitToModel(*info);
  DiffusionSettings& s = panel->settings();
  if (d.sampler) {
    if (std::find(info->samplers.begin(), info->samplers.end(), *d.sampler) == info->samplers.end())
      problems.push_back("diffusion.sampler: \"" + *d.sampler + "\" is not a sampler of this model");
    else
      s.sampler = *d.sampler;
  }
  if (d.steps) s.steps = std::clamp(*d.steps, 1, info->maxSteps);
  if (d.seed) s.seed = *d.seed;
  if (d.guidance) s.guidance = float(*d.guidance);
  if (d.eta) s.eta = float(*d.eta);
  if (d.classSet) {
    int k = -1;
    if (resolveClass(d.classIndex.value_or(LessonClass{}), info->classes, info->numClasses, "diffusion.class", k, problems))
      s.classIndex = k;
  }
  if (d.compareVary || d.compareSampler) {
    panel->compare().setEnabled(true);
    if (d.compareVary) panel->compare().setVary(*d.compareVary == "sampler" ? CompareView::Vary::Sampler : CompareView::Vary::Guidance);
    if (d.compareSampler) panel->compare().setSamplerB(*d.compareSampler);
  } else {
    panel->compare().setEnabled(false);
  }
  if (d.tab) panel->selectTab(*d.tab);
  if (d.noiseItem || d.noiseT) {
    int64_t item = d.noiseItem.value_or(0);
    int t = d.noiseT.value_or(300);
    panel->forwardNoise().set(item, t);
  }
  (void)ctx;
}

void applySeeds(GuiApp& app, const LessonSeeds& g, std::vector<std::string>& problems) {
  json j = json::object();
  if (g.psi) j["psi"] = *g.psi;
  if (g.x) j["x"] = *g.x;
  if (g.y) j["y"] = *g.y;
  if (g.classIndex) {
    std::vector<std::string> names = classNames(app);
    int k = -1;
    if (resolveClass(*g.classIndex, names, int(names.size()), "seeds.class", k, problems) && k >= 0) j["class"] = k;
  }
  restorePanel(app, "seeds", j, problems);
}
void applySampling(GuiApp& app, const LessonSampling& g, std::vector<std::string>& problems) {
  if (!app.panel("tokens")) {
    problems.push_back("sampling: this build has no Tokens view");
    return;
  }
  json j = json::object();
  if (g.temperature) j["temperature"] = *g.temperature;
  if (g.topK) j["top_k"] = *g.topK;
  if (g.topP) j["top_p"] = *g.topP;
  if (g.seed) j["seed"] = *g.seed;
  if (g.beamWidth) j["beam_width"] = *g.beamWidth;
  if (g.steps) j["steps"] = *g.steps;
  if (g.greedy) j["greedy"] = *g.greedy;
  if (g.classIndex) {
    std::vector<std::string> names = classNames(app);
    int k = -1;
    if (resolveClass(*g.classIndex, names, int(names.size()), "sampling.class", k, problems) && k >= 0) j["class"] = k;
  }
  restorePanel(app, "tokens", j, problems);
}
}  // namespace

void applyStepPanels(GuiApp& app, const LessonStep& step) {
  if (step.panels.empty()) return;  // the model's own panels, as they are
  for (Panel* p : app.shownPanels())
    p->open = p->id() == "lesson" || std::find(step.panels.begin(), step.panels.end(), p->id()) != step.panels.end();
}

void applyStepLocks(GuiApp& app, const LessonStep& step, bool presenter) {
  for (Panel* p : app.shownPanels())
    p->locked = presenter && p->id() != "lesson" &&
                std::find(step.unlock.begin(), step.unlock.end(), p->id()) == step.unlock.end();
}

std::vector<std::string> applyStepState(GuiApp& app, PanelContext& ctx, const LessonStep& step) {
  std::vector<std::string> problems;
  applyMap(app, ctx, step, problems);
  if (step.directions) applyDirections(app, *step.directions, problems);
  if (step.interpolation) applyInterpolation(app, *step.interpolation, problems);
  if (step.diffusion) applyDiffusion(app, ctx, *step.diffusion, problems);
  if (step.seeds) applySeeds(app, *step.seeds, problems);
  if (step.sampling) applySampling(app, *step.sampling, problems);
  for (auto& [id, settings] : step.panelState.items()) restorePanel(app, id, settings, problems);
  return problems;
}

void applyStepView(PanelContext& ctx, const LessonStep& step) {
  if (!step.map.centerU) return;
  ctx.state.view.centerU = *step.map.centerU;
  ctx.state.view.centerV = *step.map.centerV;
  ctx.state.view.halfExtent = *step.map.halfExtent;
  ctx.state.viewSet = true;
  // The grid covers what the map shows: decoded again for the new view.
  if (ctx.state.gridRequested) ctx.requests.decodeGrid = true;
}

}  // namespace latentlab
