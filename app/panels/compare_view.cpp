#include "app/panels/compare_view.h"

#include <algorithm>
#include <cstdio>

#include "app/engine_client.h"
#include "app/panels/denoise_view.h"
#include "app/panels/param_help.h"

namespace latentlab {

SampleRequest CompareView::requestB(const DiffusionSettings& a) const {
  SampleRequest r = a.request();
  if (m_vary == Vary::Sampler) r.sampler = m_samplerB;
  else r.guidance = m_guidanceB;
  return r;
}

namespace {
std::string describe(const SampleRequest& r) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s, guidance %.1f", r.sampler.c_str(), r.guidance);
  return buf;
}
bool sameSettings(const SampleRequest& a, const SampleRequest& b) {
  return a.seed == b.seed && a.classIndex == b.classIndex && a.guidance == b.guidance && a.sampler == b.sampler &&
         a.steps == b.steps && (a.sampler != "ddim" || a.eta == b.eta);
}
}  // namespace

void CompareView::updateLabels(const SampleTrack& a, const SampleTrack& b, const DiffusionSettings& settings) {
  // A heading says what its pictures were made with (the track's own request), never what
  // the controls say now; when the two differ it says so, so "B: ddim" can never sit over
  // pictures a teacher set to euler, nor the other way round.
  const SampleTrack* tracks[2] = {&a, &b};
  SampleRequest now[2] = {settings.request(), requestB(settings)};
  for (int k = 0; k < 2; ++k) {
    const SampleTrack& t = *tracks[k];
    std::string name = k == 0 ? "A" : "B";
    if (t.run == 0) {
      m_labels[k] = {name + ": " + describe(now[k]), "not run yet: press Run"};
      continue;
    }
    m_labels[k] = {name + ": " + describe(t.request), ""};
    if (!sameSettings(t.request, now[k])) m_labels[k].pending = "now set: " + describe(now[k]) + " (press Run)";
  }
}

void CompareView::draw(PanelContext& ctx, const DiffusionSettings& settings) {
  const EngineClient* e = ctx.engine;
  const DiffusionInfo* info = e ? e->diffusion() : nullptr;
  ImGui::Checkbox("Run a second sample beside it", &m_enabled);
  itemHelp("compare-on");
  ImGui::SameLine();
  int vary = int(m_vary);
  ImGui::RadioButton("vary sampler", &vary, int(Vary::Sampler));
  itemHelp("vary-sampler");
  ImGui::SameLine();
  ImGui::RadioButton("vary guidance", &vary, int(Vary::Guidance));
  itemHelp("vary-guidance");
  m_vary = Vary(vary);
  float w = ImGui::GetFontSize() * 7;
  ImGui::SetNextItemWidth(w);
  if (m_vary == Vary::Sampler) {
    if (ImGui::BeginCombo("B sampler", m_samplerB.c_str())) {
      if (info)
        for (auto& name : info->samplers)
          if (ImGui::Selectable(name.c_str(), name == m_samplerB)) m_samplerB = name;
      ImGui::EndCombo();
    }
    itemHelp("b-sampler");
  } else {
    ImGui::SliderFloat("B guidance", &m_guidanceB, 0.f, 10.f, "%.1f");
    itemHelp("b-guidance");
  }
  if (m_vary == Vary::Guidance && settings.classIndex < 0)
    ImGui::TextColored(ImVec4(1, 0.8f, 0.4f, 1), "Guidance only matters for a class: choose one above.");
  if (!m_enabled || !e) {
    ImGui::TextDisabled("Switch it on, then press Run.");
    return;
  }
  const SampleTrack& a = e->sampleA;
  const SampleTrack& b = e->sampleB;
  updateLabels(a, b, settings);
  int n = int(std::min(a.frames.size(), b.frames.size()));
  int newest = int(std::max(a.frames.size(), b.frames.size()));
  if (newest == 0) {
    ImGui::TextWrapped(e->sampling() ? "Waiting for the first step..." : "Press Run to sample both.");
    return;
  }
  int maxStep = std::max(n, newest);
  int step = m_shown < 0 ? maxStep : m_shown + 1;
  ImGui::SetNextItemWidth(-1);
  if (ImGui::SliderInt("##cmp-timeline", &step, 1, maxStep, "step %d")) m_shown = step == maxStep ? -1 : step - 1;
  itemHelp("compare-timeline");
  int idx = m_shown < 0 ? maxStep - 1 : m_shown;
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float gap = ImGui::GetStyle().ItemSpacing.x;
  float line = ImGui::GetTextLineHeightWithSpacing();
  float side = std::max(8.f, std::min((avail.x - 3 * gap) * 0.25f, avail.y - 2 * line));
  const SampleTrack* tracks[2] = {&a, &b};
  const char* keys[2][2] = {{"cmp-a-xt", "cmp-a-x0"}, {"cmp-b-xt", "cmp-b-x0"}};
  for (int k = 0; k < 2; ++k) {
    const SampleTrack& t = *tracks[k];
    if (k == 1) ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextUnformatted(m_labels[k].ran.c_str());
    if (!m_labels[k].pending.empty()) ImGui::TextColored(ImVec4(1, 0.8f, 0.4f, 1), "%s", m_labels[k].pending.c_str());
    else ImGui::TextUnformatted("");  // keeps both columns' pictures level
    int i = std::min(idx, int(t.frames.size()) - 1);
    if (i < 0) {
      ImGui::Dummy(ImVec2(2 * side + gap, side + line));
    } else {
      const SampleFrame& f = t.frames[size_t(i)];
      uint64_t version = t.run * 1000003ull + uint64_t(i);
      captionedImage(ctx, "x_t", keys[k][0], f.xt, version, side);
      ImGui::SameLine();
      captionedImage(ctx, "predicted x0", keys[k][1], f.x0, version, side);
    }
    ImGui::EndGroup();
  }
}

}  // namespace latentlab
