// Draws the Diffusion panel. Frames come from EngineClient::frames (filled by poll() while
// the sampling job runs); the panel shows one step at a time through two textures.
#include "app/panels/diffusion_panel.h"

#include <algorithm>
#include <cstdio>

#include "app/engine_client.h"

namespace latentlab {

const char* DiffusionPanel::notes() const {
  return "A diffusion model makes a picture by starting from pure noise and removing a little "
         "noise at each step. Left: the picture at the current step (x_t). Right: the model's "
         "guess of the finished picture from there (predicted x0). Guidance pushes the result "
         "towards the chosen class; the sampler is the rule for each step.";
}

void DiffusionPanel::drawControls(PanelContext& ctx) {
  const EngineClient* e = ctx.engine;
  const DiffusionInfo* info = e ? e->diffusion() : nullptr;
  float w = ImGui::GetFontSize() * 7;
  ImGui::SetNextItemWidth(w);
  ImGui::InputInt("Seed", &m_seed);
  m_seed = std::max(m_seed, 0);
  ImGui::SameLine();
  std::string clsLabel = "unconditional";
  if (m_class >= 0)
    clsLabel = info && size_t(m_class) < info->classes.size() ? info->classes[size_t(m_class)] : std::to_string(m_class);
  ImGui::SetNextItemWidth(w * 1.4f);
  if (ImGui::BeginCombo("Class", clsLabel.c_str())) {
    if (ImGui::Selectable("unconditional", m_class < 0)) m_class = -1;
    int n = info ? info->numClasses : 0;
    for (int c = 0; c < n; ++c) {
      std::string name = size_t(c) < info->classes.size() ? info->classes[size_t(c)] : std::to_string(c);
      if (ImGui::Selectable(name.c_str(), m_class == c)) m_class = c;
    }
    ImGui::EndCombo();
  }
  notesToggle(ctx);

  ImGui::SetNextItemWidth(w);
  if (ImGui::BeginCombo("Sampler", m_sampler.c_str())) {
    if (info)
      for (auto& name : info->samplers)
        if (ImGui::Selectable(name.c_str(), name == m_sampler)) m_sampler = name;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  ImGui::SliderInt("Steps", &m_steps, 1, std::min(info ? info->maxSteps : 1000, 250));
  ImGui::SetNextItemWidth(w);
  ImGui::SliderFloat("Guidance", &m_guidance, 0.f, 10.f, "%.1f");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  // eta only changes DDIM (0 deterministic, 1 DDPM-like); the slider stays for all samplers
  // so the settings do not jump around when the sampler changes.
  ImGui::SliderFloat("Eta", &m_eta, 0.f, 1.f, "%.2f");

  bool running = e && e->sampling();
  if (running) {
    if (ImGui::Button("Cancel")) ctx.requests.cancelSample = true;
  } else if (ImGui::Button("Run") && info) {
    ctx.requests.runSample = true;
  }
  ImGui::SameLine();
  int done = e ? int(e->frames.size()) : 0, total = e ? std::max(e->sampleSteps, 1) : 1;
  char overlay[64];
  std::snprintf(overlay, sizeof overlay, "%d / %d steps%s", done, e ? e->sampleSteps : 0,
                e && e->sampleCancelled ? " (cancelled)" : "");
  ImGui::ProgressBar(float(done) / float(total), ImVec2(-1, 0), overlay);
  if (ctx.requests.runSample) {
    SampleRequest& r = ctx.requests.sample;
    r.seed = uint64_t(m_seed);
    r.classIndex = m_class;
    r.guidance = m_guidance;
    r.sampler = m_sampler;
    r.steps = m_steps;
    r.eta = m_eta;
  }
}

void DiffusionPanel::drawFrames(PanelContext& ctx) {
  const EngineClient* e = ctx.engine;
  if (!e) return;
  if (e->sampleRun != m_run) {  // a new run: follow it from its first step
    m_run = e->sampleRun;
    m_follow = true;
    m_shown = -1;
  }
  int n = int(e->frames.size());
  if (n == 0) {
    if (!e->sampleError.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", e->sampleError.c_str());
    else ImGui::TextWrapped(e->sampling() ? "Waiting for the first step..." : "Press Run to sample.");
    return;
  }
  if (m_follow || m_shown < 0 || m_shown >= n) m_shown = n - 1;
  int step = m_shown + 1;
  ImGui::SetNextItemWidth(-1);
  if (ImGui::SliderInt("##timeline", &step, 1, n, "step %d")) {
    m_shown = std::clamp(step, 1, n) - 1;
    // Scrubbing to the newest step resumes following the run.
    m_follow = m_shown == n - 1;
  }
  const SampleFrame& f = e->frames[size_t(m_shown)];
  ImGui::Text("step %d of %d   t = %lld", f.index + 1, f.steps, (long long)f.timestep);
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float gap = ImGui::GetStyle().ItemSpacing.x;
  float side = std::max(8.f, std::min((avail.x - gap) * 0.5f, avail.y - ImGui::GetTextLineHeightWithSpacing()));
  // Two fixed keys, versioned by run and step: scrubbing re-uploads two small images instead
  // of keeping a texture per step (the cache never evicts).
  uint64_t version = m_run * 1000003ull + uint64_t(m_shown);
  ImTextureID xt = ctx.textures.texture("diffusion-xt", f.xt, version, ctx.state.nearestFilter);
  ImTextureID x0 = ctx.textures.texture("diffusion-x0", f.x0, version, ctx.state.nearestFilter);
  ImGui::BeginGroup();
  ImGui::TextUnformatted("x_t");
  if (xt) ImGui::Image(xt, ImVec2(side, side));
  else ImGui::Dummy(ImVec2(side, side));
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  ImGui::TextUnformatted("predicted x0");
  if (x0) ImGui::Image(x0, ImVec2(side, side));
  else ImGui::Dummy(ImVec2(side, side));
  ImGui::EndGroup();
}

void DiffusionPanel::drawContent(PanelContext& ctx) {
  const EngineClient* e = ctx.engine;
  const DiffusionInfo* info = e ? e->diffusion() : nullptr;
  if (info && info->dir != m_modelDir) {
    // A new model: its classes and step limit may differ; start from a sensible run.
    m_modelDir = info->dir;
    if (m_class >= info->numClasses) m_class = -1;
    m_steps = std::clamp(m_steps, 1, info->maxSteps);
    bool known = std::find(info->samplers.begin(), info->samplers.end(), m_sampler) != info->samplers.end();
    if (!known && !info->samplers.empty()) m_sampler = info->samplers.front();
    m_autoRun = true;
  }
  drawControls(ctx);
  if (info && m_autoRun && !e->sampling()) {
    m_autoRun = false;
    if (!ctx.requests.runSample) {
      ctx.requests.runSample = true;
      ctx.requests.sample = SampleRequest{uint64_t(m_seed), m_class, m_guidance, m_sampler, m_steps, m_eta};
    }
  }
  ImGui::Separator();
  drawFrames(ctx);
}

}  // namespace latentlab
