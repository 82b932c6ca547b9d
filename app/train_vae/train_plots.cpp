#include "app/train_vae/train_plots.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace latentlab {

void plotCurveBox(const char* title, const std::vector<float>& v, ImU32 col, float width, float height,
                  const std::vector<CurveMark>& marks) {
  const float fs = ImGui::GetFontSize();
  ImGui::TextUnformatted(title);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a = ImGui::GetCursorScreenPos();
  const ImVec2 size(std::max(fs * 6, width), std::max(fs * 2, height - ImGui::GetTextLineHeightWithSpacing()));
  const ImVec2 b(a.x + size.x, a.y + size.y);
  dl->AddRectFilled(a, b, IM_COL32(25, 27, 33, 255));
  dl->AddRect(a, b, IM_COL32(80, 85, 95, 255));
  ImGui::Dummy(size);
  if (v.size() < 2) return;

  const size_t smooth = std::max<size_t>(1, v.size() / 60);
  std::vector<float> s(v.size());
  double run = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    run += v[i];
    if (i >= smooth) run -= v[i - smooth];
    s[i] = float(run / double(std::min(i + 1, smooth)));
  }
  float lo = *std::min_element(s.begin(), s.end()), hi = *std::max_element(s.begin(), s.end());
  if (hi - lo < 1e-3f) hi = lo + 1e-3f;
  const float padY = fs * 0.3f;
  auto X = [&](size_t i) { return a.x + size.x * float(i) / float(v.size() - 1); };
  auto Y = [&](float y) { return b.y - padY - (size.y - 2 * padY) * (y - lo) / (hi - lo); };

  dl->PushClipRect(a, b, true);
  for (const CurveMark& m : marks) {
    if (m.index >= v.size()) continue;
    const float x = X(m.index);
    dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), IM_COL32(200, 180, 90, 140));
    dl->AddText(ImVec2(x + 3, b.y - fs - 2), IM_COL32(220, 200, 110, 220), m.label.c_str());
  }
  const size_t pts = size_t(std::max(2.f, size.x));
  std::vector<ImVec2> line;
  for (size_t k = 0; k < pts; ++k) {
    const size_t i = k * (v.size() - 1) / (pts - 1);
    line.push_back(ImVec2(X(i), Y(s[i])));
  }
  dl->AddPolyline(line.data(), int(line.size()), col, 0, 2.f);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", double(hi));
  dl->AddText(ImVec2(a.x + 3, a.y + 1), IM_COL32(150, 150, 160, 255), buf);
  std::snprintf(buf, sizeof buf, "%.4g", double(lo));
  dl->AddText(ImVec2(a.x + 3, b.y - fs - 1), IM_COL32(150, 150, 160, 255), buf);
  dl->PopClipRect();
}

void plotKlBars(const std::vector<float>& kl, float width, float height) {
  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a = ImGui::GetCursorScreenPos();
  const ImVec2 size(std::max(fs * 6, width), std::max(fs * 3, height));
  const ImVec2 b(a.x + size.x, a.y + size.y);
  dl->AddRectFilled(a, b, IM_COL32(25, 27, 33, 255));
  dl->AddRect(a, b, IM_COL32(80, 85, 95, 255));
  ImGui::Dummy(size);
  if (kl.empty()) return;
  float top = 1.f;
  for (float k : kl) top = std::max(top, k);
  top = std::ceil(top);
  const float labelH = fs * 1.1f, plotTop = a.y + labelH, plotBottom = b.y - labelH;
  const float slot = size.x / float(kl.size());
  const float barW = std::max(2.f, std::min(slot * 0.7f, fs * 4));
  for (size_t d = 0; d < kl.size(); ++d) {
    const float h = (plotBottom - plotTop) * std::clamp(kl[d] / top, 0.f, 1.f);
    const float x0 = a.x + slot * (float(d) + 0.5f) - barW * 0.5f;
    const bool collapsed = kl[d] < 0.05f;
    const ImU32 col = collapsed ? IM_COL32(110, 110, 118, 255) : IM_COL32(110, 190, 240, 255);
    dl->AddRectFilled(ImVec2(x0, plotBottom - std::max(h, 1.f)), ImVec2(x0 + barW, plotBottom), col);
    char buf[24];
    std::snprintf(buf, sizeof buf, kl[d] < 9.995f ? "%.2f" : "%.1f", double(kl[d]));
    const float tw = ImGui::CalcTextSize(buf).x;
    if (tw + fs * 0.3f < slot) {  // the values only where they do not run into each other
      dl->AddText(ImVec2(x0 + barW * 0.5f - tw * 0.5f, plotBottom - h - labelH), IM_COL32(220, 220, 225, 255), buf);
      std::snprintf(buf, sizeof buf, "z%zu", d + 1);
      dl->AddText(ImVec2(x0 + barW * 0.5f - ImGui::CalcTextSize(buf).x * 0.5f, plotBottom + 1), IM_COL32(150, 150, 160, 255), buf);
    }
  }
  dl->AddLine(ImVec2(a.x, plotBottom), ImVec2(b.x, plotBottom), IM_COL32(90, 90, 100, 255));
}

}  // namespace latentlab
