#include "app/panels/denoise_view.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "app/engine_client.h"
#include "app/panels/param_help.h"
#include "app/widgets/image_fit.h"

namespace latentlab {

void captionedImage(PanelContext& ctx, const char* caption, const char* key, const Image& img, uint64_t version,
                    float side) {
  ImGui::BeginGroup();
  // A caption wider than its picture loses its explanation in brackets (shown on hover):
  // at 2x "predicted x0 (the model's guess)" ran into the next column.
  std::string text = caption;
  size_t bracket = text.find(" (");
  if (ImGui::CalcTextSize(caption).x > side && bracket != std::string::npos) text.resize(bracket);
  ImGui::TextUnformatted(text.c_str());
  ImTextureID tex = img.empty() ? nullptr : ctx.textures.texture(key, img, version, ctx.state.nearestFilter);
  ImVec2 sz = fitImageSize(img, side, side);  // a non-square model keeps its shape
  if (tex) ImGui::Image(tex, sz);
  else ImGui::Dummy(sz);
  // Where the picture is, for the screenshot sidecar (tests compare its pixels with PyTorch).
  if (tex) ctx.rects[key] = ImVec4(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y, sz.x, sz.y);
  ImGui::EndGroup();
  if (text != caption && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", caption);
}

void DenoiseView::update(const SampleTrack& track) {
  if (track.run != m_run) {  // a new run: follow it from its first step
    m_run = track.run;
    m_follow = true;
    m_shown = -1;
  }
  int n = int(track.frames.size());
  if (n == 0) m_shown = -1;
  else if (m_follow || m_shown < 0 || m_shown >= n) m_shown = n - 1;
}

void DenoiseView::draw(PanelContext& ctx, const DiffusionSettings& settings) {
  const EngineClient* e = ctx.engine;
  if (!e) return;
  const SampleTrack& track = e->sampleA;
  update(track);
  int n = int(track.frames.size());
  if (n == 0) {
    if (!track.error.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", track.error.c_str());
    else ImGui::TextWrapped(track.sampling ? "Waiting for the first step..." : "Press Run (or Step) to sample.");
    return;
  }
  int step = m_shown + 1;
  const SampleFrame& f = track.frames[size_t(m_shown)];
  // The step and its timestep on the slider itself: one line less for the pictures.
  char format[64];
  std::snprintf(format, sizeof format, "step %%d of %d   t = %lld", f.steps, (long long)f.timestep);
  float buttonW = ImGui::CalcTextSize("Run from this step").x + ImGui::GetStyle().FramePadding.x * 2;
  ImGui::SetNextItemWidth(std::max(60.f, ImGui::GetContentRegionAvail().x - buttonW - ImGui::GetStyle().ItemSpacing.x));
  if (ImGui::SliderInt("##timeline", &step, 1, n, format)) {
    m_shown = std::clamp(step, 1, n) - 1;
    m_follow = m_shown == n - 1;  // scrubbing to the newest step resumes following the run
  }
  itemHelp("timeline");
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && !ImGui::GetIO().WantTextInput) {
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow)) && m_shown > 0) {
      --m_shown;
      m_follow = false;
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow)) && m_shown < n - 1) {
      ++m_shown;
      m_follow = m_shown == n - 1;
    }
  }
  ImGui::SameLine();
  bool canBranch = !e->sampling() && f.index + 1 < f.steps && !f.state.empty();
  if (!canBranch) ImGui::BeginDisabled();
  if (ImGui::Button("Run from this step")) {
    SampleRequest r = settings.request();
    r.steps = f.steps;  // the timesteps must line up with the recorded run's
    r.startIndex = f.index + 1;
    r.startXt = f.state;
    ctx.requests.runSample = true;
    ctx.requests.sample = r;
  }
  if (!canBranch) ImGui::EndDisabled();
  itemHelp("run-from-step", "Try switching the class half-way.");
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float gap = ImGui::GetStyle().ItemSpacing.x;
  float side = std::max(8.f, std::min((avail.x - gap) * 0.5f, avail.y - ImGui::GetTextLineHeightWithSpacing()));
  // Two fixed keys, versioned by run and step: scrubbing re-uploads two small images instead
  // of keeping a texture per step (the cache never evicts).
  uint64_t version = m_run * 1000003ull + uint64_t(m_shown);
  captionedImage(ctx, "x_t (the noisy picture now)", "diffusion-xt", f.xt, version, side);
  ImGui::SameLine();
  captionedImage(ctx, "predicted x0 (the model's guess)", "diffusion-x0", f.x0, version, side);
}

}  // namespace latentlab
