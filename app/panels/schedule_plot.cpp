#include "app/panels/schedule_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

namespace latentlab {

double log10Snr(double a) {
  a = std::clamp(a, 1e-12, 1.0 - 1e-12);
  return std::log10(a / (1.0 - a));
}

namespace {

struct Axis {
  double lo = 0, hi = 1;  // log10 range shown
};

Axis decadeRange(const std::vector<double>& values) {
  double lo = 1e300, hi = -1e300;
  for (double v : values) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  Axis a{std::floor(lo), std::ceil(hi)};
  if (a.hi - a.lo < 1) a.hi = a.lo + 1;
  return a;
}

// One plot: curve y(t) (already log10), decade grid lines, marks, hover readout.
int64_t plotOne(const char* title, const std::vector<double>& y, const ScheduleMarks& marks, ImVec2 pos, ImVec2 size,
                ImU32 curveColor, const std::function<void(int64_t)>& tooltip) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float pad = ImGui::GetFontSize() * 2.2f;  // room for the decade labels
  ImVec2 a(pos.x + pad, pos.y + 2), b(pos.x + size.x - 4, pos.y + size.y - 2);
  dl->AddRectFilled(a, b, IM_COL32(20, 22, 28, 255));
  size_t n = y.size();
  if (n < 2 || b.x - a.x < 10 || b.y - a.y < 10) return -1;
  Axis ax = decadeRange(y);
  auto px = [&](double t) { return float(a.x + (b.x - a.x) * t / double(n - 1)); };
  auto py = [&](double v) { return float(b.y - (b.y - a.y) * (v - ax.lo) / (ax.hi - ax.lo)); };
  int step = std::max(1, int((ax.hi - ax.lo) / 5));
  for (int d = int(ax.lo); d <= int(ax.hi); d += step) {
    float yy = py(d);
    dl->AddLine(ImVec2(a.x, yy), ImVec2(b.x, yy), IM_COL32(60, 64, 72, 255));
    char label[16];
    std::snprintf(label, sizeof label, "1e%d", d);
    dl->AddText(ImVec2(pos.x, yy - ImGui::GetFontSize() * 0.5f), IM_COL32(150, 150, 150, 255), label);
  }
  std::vector<ImVec2> pts;
  size_t stride = std::max<size_t>(1, n / size_t(std::max(1.f, b.x - a.x)));  // about one point per pixel
  for (size_t t = 0; t < n; t += stride) pts.push_back(ImVec2(px(double(t)), py(y[t])));
  pts.push_back(ImVec2(px(double(n - 1)), py(y[n - 1])));
  dl->AddPolyline(pts.data(), int(pts.size()), curveColor, 0, 2.f);
  for (int64_t t : marks.timesteps) {
    if (t < 0 || size_t(t) >= n) continue;
    dl->AddCircleFilled(ImVec2(px(double(t)), py(y[size_t(t)])), 3.f, IM_COL32(230, 230, 230, 220));
  }
  if (marks.current >= 0 && size_t(marks.current) < n) {
    float x = px(double(marks.current));
    dl->AddLine(ImVec2(x, a.y), ImVec2(x, b.y), IM_COL32(255, 200, 60, 160));
    dl->AddCircleFilled(ImVec2(x, py(y[size_t(marks.current)])), 5.f, IM_COL32(255, 200, 60, 255));
  }
  dl->AddText(ImVec2(a.x + 4, a.y + 2), IM_COL32(210, 210, 210, 255), title);
  ImVec2 m = ImGui::GetIO().MousePos;
  if (ImGui::IsWindowHovered() && m.x >= a.x && m.x <= b.x && m.y >= a.y && m.y <= b.y) {
    auto t = int64_t(std::lround((m.x - a.x) / (b.x - a.x) * double(n - 1)));
    t = std::clamp<int64_t>(t, 0, int64_t(n) - 1);
    dl->AddLine(ImVec2(px(double(t)), a.y), ImVec2(px(double(t)), b.y), IM_COL32(200, 200, 255, 90));
    tooltip(t);
    return t;
  }
  return -1;
}

}  // namespace

int64_t drawSchedulePlots(const std::vector<double>& alphaBars, const ScheduleMarks& marks, ImVec2 size) {
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  std::vector<double> logA(alphaBars.size()), logSnr(alphaBars.size());
  for (size_t i = 0; i < alphaBars.size(); ++i) {
    logA[i] = std::log10(std::max(alphaBars[i], 1e-12));
    logSnr[i] = log10Snr(alphaBars[i]);
  }
  auto tooltip = [&](int64_t t) {
    double a = alphaBars[size_t(t)];
    ImGui::SetTooltip("t = %lld\nalpha_bar = %.4g (signal kept)\nSNR = %.4g", (long long)t, a,
                      std::pow(10.0, log10Snr(a)));
  };
  float h = (size.y - 4) * 0.5f;
  int64_t hover = plotOne("alpha_bar(t)", logA, marks, p, ImVec2(size.x, h), IM_COL32(90, 170, 255, 255), tooltip);
  int64_t hover2 = plotOne("SNR(t)", logSnr, marks, ImVec2(p.x, p.y + h + 4), ImVec2(size.x, h),
                           IM_COL32(240, 130, 90, 255), tooltip);
  return hover >= 0 ? hover : hover2;
}

}  // namespace latentlab
