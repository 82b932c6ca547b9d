#include "app/panels/forward_noise_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "app/engine_client.h"
#include "engine/data/dataset.h"
#include "app/panels/denoise_view.h"
#include "app/panels/param_help.h"
#include "app/panels/schedule_plot.h"

namespace latentlab {

void ForwardNoiseView::draw(PanelContext& ctx) {
  const EngineClient* e = ctx.engine;
  const DiffusionInfo* info = e ? e->diffusion() : nullptr;
  if (!info) return;
  float w = ImGui::GetFontSize() * 7;
  int index = int(m_index);
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputInt("Data item", &index)) m_index = std::max(index, 0);
  std::string from = "From " + ctx.state.dataSpec + ".";
  itemHelp("noise-item", from.c_str());
  ImGui::SameLine();
  if (ImGui::Button("Random item")) {
    int64_t last = ctx.data ? ctx.data->count - 1 : 9999;  // pixel models: the test split's size
    m_index = std::uniform_int_distribution<int64_t>(0, std::max<int64_t>(last, 0))(m_rng);
  }
  itemHelp("noise-random");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(w);
  if (ImGui::InputInt("Noise seed", &m_seed)) m_seed = std::max(m_seed, 0);
  itemHelp("noise-seed");
  ImGui::SetNextItemWidth(-ImGui::CalcTextSize("t (noise level)").x - ImGui::GetStyle().ItemSpacing.x);
  ImGui::SliderInt("t (noise level)", &m_t, 0, info->maxSteps - 1);
  char range[64];
  std::snprintf(range, sizeof range, "0 = almost clean, %d = pure noise.", info->maxSteps - 1);
  itemHelp("noise-t", range);
  m_t = std::clamp(m_t, 0, info->maxSteps - 1);

  if (m_askedIndex != m_index || m_askedT != m_t || m_askedSeed != m_seed || m_askedModel != info ||
      m_askedSpec != ctx.state.dataSpec) {
    ctx.requests.forwardNoise = true;
    ctx.requests.noiseIndex = m_index;
    ctx.requests.noiseT = m_t;
    ctx.requests.noiseSeed = uint64_t(m_seed);
    m_askedIndex = m_index;
    m_askedT = m_t;
    m_askedSeed = m_seed;
    m_askedModel = info;
    m_askedSpec = ctx.state.dataSpec;
  }
  const auto& n = e->noised;
  if (n.version == m_staleVersion) {  // the resize was accepted: the old error is not this data set's
    ImGui::TextDisabled("Noising...");
    return;
  }
  // A pixel model's data set of another image shape: the resize the map offers, here (a
  // latent model noises the map's data, whose encode has the offer already).
  if (ctx.jobs && !info->latent)
    m_resize.update(*ctx.jobs, !n.error.empty(), info->dir, ImageShape{info->channels, info->height, info->width},
                    ctx.state.dataSpec);
  if (m_resize.shown()) {
    if (auto spec = m_resize.drawInline()) {
      ctx.state.dataSpec = m_accepted = *spec;  // asked for again above, next frame
      m_staleVersion = n.version;
    }
    return;
  }
  if (!n.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.45f, 0.4f, 1));
    ImGui::TextWrapped("%s", n.error.c_str());
    ImGui::PopStyleColor();
    if (m_resize.dismissed()) {  // the way back after Dismiss
      if (ImGui::Button(m_resize.offered() ? "Resize the data..." : "Why not resized?")) m_resize.reopen();
      ctx.rects["noise/resize-again"] = ImVec4(ImGui::GetItemRectMin().x, ImGui::GetItemRectMin().y,
                                               ImGui::GetItemRectSize().x, ImGui::GetItemRectSize().y);
    }
    return;
  }
  double a = info->alphaBars.empty() ? 1.0 : info->alphaBars[size_t(m_t)];
  // Two short lines rather than one long one: they fit a narrow panel at a large UI scale.
  ImGui::Text("alpha_bar = %.4f: %.0f%% signal, %.0f%% noise", a, 100 * a, 100 * (1 - a));
  ImGui::TextDisabled("standard deviations %.2f : %.2f,  SNR = %.3g", std::sqrt(a), std::sqrt(1 - a),
                      std::pow(10.0, log10Snr(a)));
  if (n.version == 0) {
    ImGui::TextDisabled("Noising...");
    return;
  }
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float gap = ImGui::GetStyle().ItemSpacing.x;
  float side = std::max(8.f, std::min((avail.x - gap) * 0.5f, avail.y - ImGui::GetTextLineHeightWithSpacing()));
  captionedImage(ctx, "x_0 (the data image)", "noise-x0", n.original, n.version, side);
  ImGui::SameLine();
  char caption[64];
  std::snprintf(caption, sizeof caption, "x_t at t = %lld%s", (long long)n.t, info->latent ? " (decoded)" : "");
  captionedImage(ctx, caption, "noise-xt", n.result.image, n.version, side);
}

}  // namespace latentlab
