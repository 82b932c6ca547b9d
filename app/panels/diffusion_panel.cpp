// Draws the Diffusion panel: the run settings and buttons here, each tab in its own view.
#include "app/panels/diffusion_panel.h"

#include <algorithm>
#include <cstdio>

#include "app/engine_client.h"
#include "app/panels/param_help.h"

namespace latentlab {

std::string className(const DiffusionInfo* info, int c) {
  if (c < 0) return "unconditional";
  return info && size_t(c) < info->classes.size() ? info->classes[size_t(c)] : std::to_string(c);
}

const char* DiffusionPanel::notes() const {
  return "A diffusion model makes a picture by starting from pure noise and removing a little "
         "noise at each step. Denoise: the picture at the current step (x_t) beside the model's "
         "guess of the finished picture from there (predicted x0). Guidance pushes the result "
         "towards the chosen class; the sampler is the rule for each step. Forward noising shows "
         "the opposite direction, the noise the model learned to remove; Schedule shows how "
         "much signal is left at each timestep.";
}

void DiffusionPanel::run(PanelContext& ctx, bool paused) {
  ctx.requests.runSample = true;
  ctx.requests.stepSample = paused;
  ctx.requests.sample = m_settings.request();
  if (m_compare.enabled() && !paused) {
    ctx.requests.runCompare = true;
    ctx.requests.compare = m_compare.requestB(m_settings);
  }
}

void DiffusionPanel::drawControls(PanelContext& ctx) {
  const EngineClient* e = ctx.engine;
  const DiffusionInfo* info = e ? e->diffusion() : nullptr;
  DiffusionSettings& s = m_settings;
  float w = ImGui::GetFontSize() * 7;
  ImGui::SetNextItemWidth(w);
  ImGui::InputInt("Seed", &s.seed);
  s.seed = std::max(s.seed, 0);
  itemHelp("seed");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w * 1.4f);
  if (ImGui::BeginCombo("Class", className(info, s.classIndex).c_str())) {
    if (ImGui::Selectable("unconditional", s.classIndex < 0)) s.classIndex = -1;
    for (int c = 0; info && c < info->numClasses; ++c)
      if (ImGui::Selectable(className(info, c).c_str(), s.classIndex == c)) s.classIndex = c;
    ImGui::EndCombo();
  }
  itemHelp("class");

  ImGui::SetNextItemWidth(w);
  if (ImGui::BeginCombo("Sampler", s.sampler.c_str())) {
    if (info)
      for (auto& name : info->samplers)
        if (ImGui::Selectable(name.c_str(), name == s.sampler)) s.sampler = name;
    ImGui::EndCombo();
  }
  itemHelp("sampler");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  ImGui::SliderInt("Steps", &s.steps, 1, std::min(info ? info->maxSteps : 1000, 250));
  itemHelp("steps");
  ImGui::SetNextItemWidth(w);
  ImGui::SliderFloat("Guidance", &s.guidance, 0.f, 10.f, "%.1f");
  itemHelp("guidance", s.classIndex < 0 ? "No class is chosen, so guidance has no effect now." : nullptr);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  // eta only changes DDIM (0 deterministic, 1 DDPM-like); the slider stays for all samplers
  // so the settings do not jump around when the sampler changes.
  ImGui::SliderFloat("Eta", &s.eta, 0.f, 1.f, "%.2f");
  itemHelp("eta", s.sampler != "ddim" ? "The sampler chosen now ignores eta." : nullptr);
}

namespace {
// What the run buttons (and their shortcuts) may do right now.
struct RunState {
  bool canRun = false, canStep = false, held = false, running = false;
};
RunState runState(const EngineClient* e) {
  RunState st;
  bool model = e && e->diffusion();
  st.running = e && e->sampling();
  st.held = e && e->samplePaused();
  st.canRun = model && !st.running;
  st.canStep = model && (!st.running || st.held);
  return st;
}
}  // namespace

void DiffusionPanel::step(PanelContext& ctx, bool held) {
  if (held) ctx.requests.stepSample = true;  // one more step of the held run
  else run(ctx, true);                       // a new run, held after its first step
}

bool DiffusionPanel::onShortcut(ShortcutId id, PanelContext& ctx) {
  // Enter: Run, or Continue a held run; Shift+Enter: Step. The same rules as the buttons.
  RunState st = runState(ctx.engine);
  if (id == ShortcutId::RunSample) {
    if (st.canRun) run(ctx, false);
    else if (st.held) ctx.requests.resumeSample = true;
    else return false;
    return true;
  }
  if (id == ShortcutId::StepSample && st.canStep) {
    step(ctx, st.held);
    return true;
  }
  return false;
}

void DiffusionPanel::drawRunButtons(PanelContext& ctx) {
  const EngineClient* e = ctx.engine;
  RunState st = runState(e);
  bool held = st.held;
  // One fixed row: every button is always there, greyed out when it does not apply. A row
  // that changed with the run's state put Continue under the mouse right after a Step, so a
  // second click on the same spot ran the whole sample.
  auto button = [](const char* label, const char* key, bool enabled) {
    ImGui::BeginDisabled(!enabled);
    bool pressed = ImGui::Button(label);
    ImGui::EndDisabled();
    itemHelp(key);
    return pressed && enabled;
  };
  if (button("Run", "run", st.canRun)) run(ctx, false);
  ImGui::SameLine();
  if (button("Step", "step", st.canStep)) step(ctx, held);
  ImGui::SameLine();
  if (button("Continue", "continue", held)) ctx.requests.resumeSample = true;
  ImGui::SameLine();
  if (button("Cancel", "cancel", st.running)) ctx.requests.cancelSample = true;
  // The progress bar and Notes follow on this row when the bar still gets room to read
  // "12 / 50 steps (held)", else on a row of their own (2x in a narrow panel).
  float notesW = ImGui::CalcTextSize("Hide notes").x + ImGui::GetStyle().FramePadding.x * 2;
  float spacing = ImGui::GetStyle().ItemSpacing.x;
  float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  float room = right - (ImGui::GetItemRectMax().x + spacing) - notesW - spacing;
  if (room >= ImGui::CalcTextSize("00 / 000 steps (held)").x) ImGui::SameLine();
  const SampleTrack* t = e ? &e->sampleA : nullptr;
  int done = t ? int(t->frames.size()) : 0, total = t ? std::max(t->steps, 1) : 1;
  char overlay[64];
  std::snprintf(overlay, sizeof overlay, "%d / %d steps%s%s", done, t ? t->steps : 0, held ? " (held)" : "",
                t && t->cancelled ? " (cancelled)" : "");
  // The Notes toggle ends this row: on the first row it needed a line of its own at 2x.
  ImGui::ProgressBar(float(done) / float(total), ImVec2(-(notesW + spacing), 0), overlay);
  notesToggle(ctx), itemRect("notes");
}

void DiffusionPanel::fitToModel(const DiffusionInfo& info) {
  // A new model: its classes and step limit may differ; start from its recommended sampler,
  // steps and guidance (model.json "sampling"), and run once by itself.
  DiffusionSettings& s = m_settings;
  m_modelDir = info.dir;
  if (s.classIndex >= info.numClasses) s.classIndex = -1;
  s.sampler = info.defaultSampler;
  s.steps = std::clamp(info.defaultSteps, 1, info.maxSteps);
  s.guidance = float(info.defaultGuidance);
  bool known = std::find(info.samplers.begin(), info.samplers.end(), s.sampler) != info.samplers.end();
  if (!known && !info.samplers.empty()) s.sampler = info.samplers.front();
  m_autoRun = true;
}

void DiffusionPanel::drawContent(PanelContext& ctx) {
  PanelItemRects itemRects{id(), ctx.rects};  // "<panel>/<widget>" for the screenshot sidecar
  const EngineClient* e = ctx.engine;
  const DiffusionInfo* info = e ? e->diffusion() : nullptr;
  DiffusionSettings& s = m_settings;
  if (info && info->dir != m_modelDir) fitToModel(*info);
  drawControls(ctx);
  drawRunButtons(ctx);
  if (info && m_autoRun && !e->sampling()) {
    m_autoRun = false;
    if (!ctx.requests.runSample) run(ctx, false);
  }
  if (e) m_denoise.update(e->sampleA);
  ctx.state.diffusionTab.clear();
  if (!ImGui::BeginTabBar("diffusion-tabs")) return;
  auto tab = [&](const char* label, const char* id) {
    ImGuiTabItemFlags flags = m_selectTab == id ? ImGuiTabItemFlags_SetSelected : 0;
    bool open = ImGui::BeginTabItem(label, nullptr, flags);
    itemRect((std::string("tab-") + id).c_str());
    if (open) ctx.state.diffusionTab = id;
    return open;
  };
  if (tab("Denoise", "denoise")) {
    m_denoise.draw(ctx, s);
    ImGui::EndTabItem();
  }
  if (tab("Compare", "compare")) {
    m_compare.draw(ctx, s);
    ImGui::EndTabItem();
  }
  if (tab("Forward noising", "noise")) {
    m_forward.draw(ctx);
    ImGui::EndTabItem();
  }
  if (tab("Schedule", "schedule")) {
    int64_t shownT = -1;
    if (e && m_denoise.shownStep() >= 0 && size_t(m_denoise.shownStep()) < e->sampleA.frames.size())
      shownT = e->sampleA.frames[size_t(m_denoise.shownStep())].timestep;
    m_schedule.draw(ctx, s, shownT);
    ImGui::EndTabItem();
  }
  m_selectTab.clear();
  ImGui::EndTabBar();
  ctx.state.diffusionShownStep = m_denoise.shownStep();
}

}  // namespace latentlab
