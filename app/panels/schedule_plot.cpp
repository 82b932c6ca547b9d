#include "app/panels/schedule_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <initializer_list>
#include <string>

#include "app/panels/axis_ticks.h"

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

std::string decadeLabel(int d) {
  char label[16];
  std::snprintf(label, sizeof label, "1e%d", d);
  return label;
}

// The longest of `texts` (longest first) that fits in `width`; the last one otherwise.
std::string fitText(std::initializer_list<std::string> texts, float width) {
  for (const std::string& t : texts)
    if (ImGui::CalcTextSize(t.c_str()).x <= width) return t;
  return *(texts.end() - 1);
}

// Text drawn into the plots, with its rectangle kept for the caller (tests check that no
// two labels overlap).
struct Texts {
  ImDrawList* dl;
  std::vector<ImVec4>* rects;
  void add(ImVec2 p, ImU32 col, const std::string& text) {
    dl->AddText(p, col, text.c_str());
    ImVec2 sz = ImGui::CalcTextSize(text.c_str());
    if (rects) rects->push_back(ImVec4(p.x, p.y, sz.x, sz.y));
  }
};

// One plot: curve y(t) (already log10), decade grid lines with labels in the left `pad`,
// t tick lines, marks, hover readout. Decade labels are spaced at least 1.6 lines apart
// (every 2nd, 5th... decade on a short plot) so they never run into each other.
int64_t plotOne(std::initializer_list<std::string> titles, const std::vector<double>& y, const ScheduleMarks& marks, ImVec2 pos, ImVec2 size,
                float pad, const Ticks& tTicks, ImU32 curveColor, Texts& texts,
                const std::function<void(int64_t)>& tooltip) {
  ImDrawList* dl = texts.dl;
  float fs = ImGui::GetFontSize();
  ImVec2 a(pos.x + pad, pos.y), b(pos.x + size.x - 4, pos.y + size.y);
  dl->AddRectFilled(a, b, IM_COL32(20, 22, 28, 255));
  size_t n = y.size();
  if (n < 2 || b.x - a.x < 10 || b.y - a.y < 10) return -1;
  Axis ax = decadeRange(y);
  auto px = [&](double t) { return float(a.x + (b.x - a.x) * t / double(n - 1)); };
  auto py = [&](double v) { return float(b.y - (b.y - a.y) * (v - ax.lo) / (ax.hi - ax.lo)); };
  double pxPerDecade = (b.y - a.y) / (ax.hi - ax.lo);
  int step = 1;
  while (step * pxPerDecade < fs * 1.6f && step < 1000) step = step == 1 ? 2 : step == 2 ? 5 : step * 2;
  for (int d = int(std::ceil(ax.lo / step) * step); d <= int(ax.hi); d += step) {
    float yy = py(d);
    dl->AddLine(ImVec2(a.x, yy), ImVec2(b.x, yy), IM_COL32(60, 64, 72, 255));
    std::string label = decadeLabel(d);
    float w = ImGui::CalcTextSize(label.c_str()).x;
    float ty = std::clamp(yy - fs * 0.5f, a.y, b.y - fs);  // the end labels stay beside their plot
    texts.add(ImVec2(a.x - w - fs * 0.3f, ty), IM_COL32(150, 150, 150, 255), label);
  }
  for (double t : tTicks.values) dl->AddLine(ImVec2(px(t), a.y), ImVec2(px(t), b.y), IM_COL32(45, 48, 56, 255));
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
  // The title sits in the corner the curves leave free, bottom left: log alpha_bar stays
  // near the top until late, log SNR falls from the top left to the bottom right.
  std::string title = fitText(titles, b.x - a.x - fs * 0.6f);
  texts.add(ImVec2(a.x + fs * 0.4f, b.y - fs * 1.2f), IM_COL32(210, 210, 210, 255), title);
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

int64_t drawSchedulePlots(const std::vector<double>& alphaBars, const ScheduleMarks& marks, ImVec2 size,
                          std::vector<ImVec4>* textRects) {
  ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  size_t n = alphaBars.size();
  std::vector<double> logA(n), logSnr(n);
  for (size_t i = 0; i < n; ++i) {
    logA[i] = std::log10(std::max(alphaBars[i], 1e-12));
    logSnr[i] = log10Snr(alphaBars[i]);
  }
  auto tooltip = [&](int64_t t) {
    double a = alphaBars[size_t(t)];
    ImGui::SetTooltip("t = %lld\nalpha_bar = %.4g (signal kept)\nSNR = %.4g", (long long)t, a,
                      std::pow(10.0, log10Snr(a)));
  };
  Texts texts{ImGui::GetWindowDrawList(), textRects};
  float fs = ImGui::GetFontSize();
  // Both plots share one left margin (wide enough for every decade label) and one t axis,
  // labelled once under the lower plot.
  float pad = 0;
  for (const auto* v : {&logA, &logSnr}) {
    Axis ax = decadeRange(*v);
    for (int d : {int(ax.lo), int(ax.hi)}) pad = std::max(pad, ImGui::CalcTextSize(decadeLabel(d).c_str()).x);
  }
  pad += fs * 0.6f;
  float axisH = fs * 2.6f, gap = fs * 0.8f;
  float h = std::max(fs * 2, (size.y - axisH - gap) * 0.5f);
  float plotW = size.x - pad - 4;
  std::string last = std::to_string(n > 0 ? n - 1 : 0);
  float tickW = ImGui::CalcTextSize(last.c_str()).x + fs * 1.5f;
  Ticks tTicks = niceTicks(0, double(n > 0 ? n - 1 : 0), std::max(2, int(plotW / tickW)));
  int64_t hover = plotOne({"alpha_bar(t): signal kept", "alpha_bar(t)", "a"}, logA, marks, p, ImVec2(size.x, h), pad, tTicks,
                          IM_COL32(90, 170, 255, 255), texts, tooltip);
  ImVec2 q(p.x, p.y + h + gap);
  int64_t hover2 = plotOne({"SNR(t): signal to noise", "SNR(t)", "SNR"}, logSnr, marks, q, ImVec2(size.x, h), pad, tTicks,
                           IM_COL32(240, 130, 90, 255), texts, tooltip);
  if (n >= 2 && plotW > 10) {
    float ax0 = p.x + pad, ax1 = p.x + size.x - 4, ay = q.y + h;
    float right = ax1;
    for (double t : tTicks.values) {
      float x = ax0 + (ax1 - ax0) * float(t / double(n - 1));
      texts.dl->AddLine(ImVec2(x, ay), ImVec2(x, ay + fs * 0.3f), IM_COL32(150, 150, 150, 255));
      std::string label = tickLabel(t, tTicks.step);
      float w = ImGui::CalcTextSize(label.c_str()).x;
      float lx = std::min(x - w * 0.5f, right - w);
      texts.add(ImVec2(lx, ay + fs * 0.3f), IM_COL32(150, 150, 150, 255), label);
    }
    std::string end = std::to_string(n - 1);
    std::string title = fitText({"timestep t   (0 = clean image, " + end + " = pure noise)",
                                 "timestep t  (0 clean, " + end + " noise)", "timestep t", "t"},
                                ax1 - p.x);
    float w = ImGui::CalcTextSize(title.c_str()).x;
    texts.add(ImVec2(std::max(p.x, std::min(ax1 - w, (ax0 + ax1 - w) * 0.5f)), ay + fs * 1.4f),
              IM_COL32(190, 190, 190, 255), title);
  }
  return hover >= 0 ? hover : hover2;
}

}  // namespace latentlab
