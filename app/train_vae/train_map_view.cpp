#include "app/train_vae/train_map_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/map_points.h"

namespace latentlab {

namespace {
float smoothstep(float t) {
  t = std::clamp(t, 0.f, 1.f);
  return t * t * (3 - 2 * t);
}
}  // namespace

void TrainMapView::clear() {
  m_from.clear(), m_to.clear(), m_shown.clear(), m_labels.clear();
  m_t0 = -1;
  for (int a = 0; a < 2; ++a) m_lo[a] = m_fromLo[a] = m_toLo[a] = -3, m_hi[a] = m_fromHi[a] = m_toHi[a] = 3;
}

void TrainMapView::frameFor(const std::vector<float>& xy, float lo[2], float hi[2]) const {
  // The prior's +-3 sigma at least (so the first, untrained encoding is a small blob in the
  // middle, not a blob zoomed to fill the frame), and the 1st..99th percentile of the dots.
  const size_t n = xy.size() / 2;
  for (int a = 0; a < 2; ++a) {
    lo[a] = -3, hi[a] = 3;
    if (n < 2) continue;
    std::vector<float> v(n);
    for (size_t i = 0; i < n; ++i) v[i] = xy[2 * i + size_t(a)];
    std::sort(v.begin(), v.end());
    float qlo = v[n / 100], qhi = v[n - 1 - n / 100], pad = 0.12f * (qhi - qlo);
    lo[a] = std::min(lo[a], qlo - pad), hi[a] = std::max(hi[a], qhi + pad);
  }
}

void TrainMapView::setTarget(const VaeLiveMap& map, double now) {
  // Start from what is on screen (mid-glide included); a changed point count starts fresh.
  if (m_shown.size() == map.xy.size()) m_from = m_shown;
  else m_from = map.xy;
  m_to = map.xy;
  m_labels = map.labels;
  m_dims = map.dims;
  for (int a = 0; a < 2; ++a) m_fromLo[a] = m_lo[a], m_fromHi[a] = m_hi[a];
  frameFor(m_to, m_toLo, m_toHi);
  m_t0 = now;
}

void TrainMapView::drawLegend(const std::vector<std::string>& classNames, float width) {
  // A wrapped row of swatches above the map: over the map it hid the dots under it.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize();
  const ImVec2 start = ImGui::GetCursorScreenPos();
  float x = start.x, y = start.y;
  for (size_t c = 0; c < classNames.size(); ++c) {
    const float w = fs * 1.0f + ImGui::CalcTextSize(classNames[c].c_str()).x + fs * 0.9f;
    if (x > start.x && x + w > start.x + width) x = start.x, y += fs * 1.2f;
    dl->AddRectFilled(ImVec2(x, y + fs * 0.2f), ImVec2(x + fs * 0.7f, y + fs * 0.9f), classColor(int(c)));
    dl->AddText(ImVec2(x + fs * 1.0f, y), IM_COL32(220, 220, 225, 255), classNames[c].c_str());
    x += w;
  }
  if (!classNames.empty()) ImGui::Dummy(ImVec2(width, y - start.y + fs * 1.2f));
}

TrainMapView::Hit TrainMapView::draw(ImVec2 size, double now, const float* pin) {
  Hit hit;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a = ImGui::GetCursorScreenPos();
  size.x = std::max(size.x, 40.f), size.y = std::max(size.y, 40.f);
  ImGui::InvisibleButton("##vaemap", size);
  const bool hovered = ImGui::IsItemHovered();
  const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  const ImVec2 b(a.x + size.x, a.y + size.y);
  dl->AddRectFilled(a, b, IM_COL32(22, 24, 30, 255));
  dl->PushClipRect(a, b, true);

  // Glide: the dots and the frame move together.
  const float t = m_t0 < 0 ? 1.f : smoothstep(float((now - m_t0) / kSeconds));
  m_shown.resize(m_to.size());
  for (size_t i = 0; i < m_to.size(); ++i) m_shown[i] = m_from.size() == m_to.size() ? m_from[i] + (m_to[i] - m_from[i]) * t : m_to[i];
  for (int k = 0; k < 2; ++k) {
    m_lo[k] = m_fromLo[k] + (m_toLo[k] - m_fromLo[k]) * t;
    m_hi[k] = m_fromHi[k] + (m_toHi[k] - m_fromHi[k]) * t;
  }
  // Equal scale on both axes: distances in the latent mean something.
  const float fs = ImGui::GetFontSize();
  const float spanX = std::max(m_hi[0] - m_lo[0], 1e-3f), spanY = std::max(m_hi[1] - m_lo[1], 1e-3f);
  const float scale = std::min((size.x - fs) / spanX, (size.y - fs) / spanY);
  const float cx = 0.5f * (m_lo[0] + m_hi[0]), cy = 0.5f * (m_lo[1] + m_hi[1]);
  const ImVec2 mid(0.5f * (a.x + b.x), 0.5f * (a.y + b.y));
  auto toScreen = [&](float x, float y) { return ImVec2(mid.x + (x - cx) * scale, mid.y - (y - cy) * scale); };

  // Unit grid, the axes, and (a 2-d latent: the plane is the latent itself) the prior's circles.
  const ImU32 gridCol = IM_COL32(40, 43, 52, 255), axisCol = IM_COL32(75, 80, 92, 255);
  for (int k = int(std::floor(m_lo[0])); k <= int(std::ceil(m_hi[0])); ++k)
    dl->AddLine(toScreen(float(k), m_lo[1] - 10), toScreen(float(k), m_hi[1] + 10), k == 0 ? axisCol : gridCol);
  for (int k = int(std::floor(m_lo[1])); k <= int(std::ceil(m_hi[1])); ++k)
    dl->AddLine(toScreen(m_lo[0] - 10, float(k)), toScreen(m_hi[0] + 10, float(k)), k == 0 ? axisCol : gridCol);
  if (m_dims <= 2) {
    const ImVec2 o = toScreen(0, 0);
    dl->AddCircle(o, scale, IM_COL32(150, 150, 170, 110), 64, 1.5f);
    dl->AddCircle(o, 2 * scale, IM_COL32(150, 150, 170, 80), 64, 1.5f);
    dl->AddText(ImVec2(o.x + 2 * scale * 0.71f + 3, o.y - 2 * scale * 0.71f - fs), IM_COL32(150, 150, 170, 170),
                "prior, 2 sd");
  }

  const float r = std::max(1.5f, fs * 0.17f);
  for (size_t i = 0; i + 1 < m_shown.size(); i += 2) {
    const ImVec2 p = toScreen(m_shown[i], m_shown[i + 1]);
    const int lab = i / 2 < m_labels.size() ? m_labels[i / 2] : -1;
    dl->AddRectFilled(ImVec2(p.x - r, p.y - r), ImVec2(p.x + r, p.y + r), (classColor(lab) & 0x00FFFFFF) | 0xD0000000);
  }
  if (pin) {
    const ImVec2 p = toScreen(pin[0], pin[1]);
    const float s = fs * 0.6f;
    dl->AddLine(ImVec2(p.x - s, p.y), ImVec2(p.x + s, p.y), IM_COL32(255, 255, 255, 255), 2.f);
    dl->AddLine(ImVec2(p.x, p.y - s), ImVec2(p.x, p.y + s), IM_COL32(255, 255, 255, 255), 2.f);
  }

  // Axis names at the edges.
  const char* ax = m_dims <= 2 ? "z1" : "PC1";
  const char* ay = m_dims <= 2 ? "z2" : "PC2";
  dl->AddText(ImVec2(b.x - ImGui::CalcTextSize(ax).x - 4, mid.y + 2), IM_COL32(150, 150, 160, 255), ax);
  dl->AddText(ImVec2(mid.x + 4, a.y + 2), IM_COL32(150, 150, 160, 255), ay);
  dl->PopClipRect();
  dl->AddRect(a, b, IM_COL32(80, 85, 95, 255));

  if (hovered || clicked) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    hit.hovered = hovered, hit.clicked = clicked;
    hit.x = cx + (m.x - mid.x) / scale;
    hit.y = cy - (m.y - mid.y) / scale;
  }
  return hit;
}

}  // namespace latentlab
