#include "app/layout.h"

#include <algorithm>
#include <cmath>

namespace latentlab {

namespace {
// Splits [start, start + total) into pieces proportional to `weights`; the edges are rounded
// from the running sum, so pieces meet exactly and the last one ends at start + total.
std::vector<std::pair<float, float>> split(float start, float total, const std::vector<float>& weights) {
  float sum = 0;
  for (float w : weights) sum += std::max(w, 1e-3f);
  std::vector<std::pair<float, float>> out;
  float acc = 0, prev = start;
  for (size_t i = 0; i < weights.size(); ++i) {
    acc += std::max(weights[i], 1e-3f);
    float edge = i + 1 == weights.size() ? start + total : std::round(start + total * acc / sum);
    out.push_back({prev, edge - prev});
    prev = edge;
  }
  return out;
}

using Items = std::vector<const LayoutItem*>;

// Items one above the other in [x, x+w) x [y, y+h), heights by `weight(item)`.
template <typename Weight>
void stack(std::map<std::string, LayoutRect>& out, const Items& items, float x, float y, float w, float h,
           Weight weight) {
  std::vector<float> weights;
  for (auto* p : items) weights.push_back(weight(*p));
  auto rows = split(y, h, weights);
  for (size_t i = 0; i < items.size(); ++i) out[items[i]->id] = {x, rows[i].first, w, rows[i].second};
}

// The right column's panels one above the other in [x, x+w) x [y, y+h): each first gets the
// height its content needs (minHeightEm) and the spare height goes by weight. When the needs
// do not fit, every panel gets the same fraction of its need: a crowded column (Directions
// and Interpolation open beside the decoded image and the grid, QA Q19/Q22) shrinks all its
// panels alike instead of starving the lightly weighted picture panels to thumbnails.
void stackSides(std::map<std::string, LayoutRect>& out, const Items& items, float x, float y, float w, float h, float fs) {
  float need = 0, sumWeight = 0;
  for (auto* p : items) {
    need += p->placement.minHeightEm * fs;
    sumWeight += std::max(p->placement.weight, 1e-3f);
  }
  float spare = std::max(0.f, h - need);
  stack(out, items, x, y, w, h, [&](const LayoutItem& p) {
    return std::max(p.placement.minHeightEm * fs + spare * std::max(p.placement.weight, 1e-3f) / sumWeight, 1e-3f);
  });
}

// Items side by side in [x, x+w) x [y, y+h): each gets the width it needs, the spare width
// goes by weight.
void row(std::map<std::string, LayoutRect>& out, const Items& items, float x, float y, float w, float h, float fs) {
  float need = 0, sumWeight = 0;
  for (auto* p : items) {
    need += p->placement.minWidthEm * fs;
    sumWeight += std::max(p->placement.weight, 1e-3f);
  }
  std::vector<float> widths;
  for (auto* p : items)
    widths.push_back(std::max(1.f, p->placement.minWidthEm * fs + (w - need) * std::max(p->placement.weight, 1e-3f) / sumWeight));
  auto cols = split(x, w, widths);
  for (size_t i = 0; i < items.size(); ++i) out[items[i]->id] = {cols[i].first, y, cols[i].second, h};
}
}  // namespace

std::map<std::string, LayoutRect> computeLayout(const LayoutInput& in) {
  Items mains, sides, footers;
  for (auto& it : in.items) {
    if (!it.open) continue;
    switch (it.placement.role) {
      case PanelRole::Main: mains.push_back(&it); break;
      case PanelRole::Side: sides.push_back(&it); break;
      case PanelRole::Footer: footers.push_back(&it); break;
      case PanelRole::Hidden: break;
    }
  }
  std::map<std::string, LayoutRect> out;
  float W = std::round(in.width), top = std::round(in.top), H = std::round(in.height) - top;
  if (W <= 0 || H <= 0) return out;
  float fs = in.fontSize;
  auto byWeight = [](const LayoutItem& p) { return p.placement.weight; };
  auto byHeight = [](const LayoutItem& p) { return p.placement.minHeightEm; };

  // Nothing beside the main panels: they take the window.
  if (sides.empty() && footers.empty()) {
    stack(out, mains, 0, top, W, H, byWeight);
    return out;
  }
  // No main panel: the column panels take the whole width.
  float left = 0;
  if (!mains.empty()) {
    // The right column is as wide as its widest panel needs, at least 38% of the window;
    // the main area keeps at least half.
    float need = 0;
    for (auto* p : sides) need = std::max(need, p->placement.minWidthEm * fs);
    for (auto* p : footers) need = std::max(need, p->placement.minWidthEm * fs);
    float rightW = std::min(std::max(std::round(W * 0.38f), std::round(need)), std::round(W * 0.5f));
    left = W - rightW;
  }
  float colX = left, colW = W - left;

  float footW = 0, footH = 0, footSumH = 0;
  for (auto* p : footers) {
    footW += p->placement.minWidthEm * fs;
    footH = std::max(footH, p->placement.minHeightEm * fs);
    footSumH += p->placement.minHeightEm * fs;
  }
  float sideNeed = 0;
  for (auto* p : sides) sideNeed += p->placement.minHeightEm * fs;

  if (sides.empty()) {
    // Only small panels beside the main one (a pixel diffusion model): one above the other.
    stack(out, mains, 0, top, left, H, byWeight);
    stack(out, footers, colX, top, colW, H, byHeight);
    return out;
  }
  if (!footers.empty() && footW <= colW) {
    // The footer row fits under the side panels (wide windows at 1x). At least 28% of the
    // height: the read-outs grow with the window rather than the side panels' margins; but
    // only what the read-outs need when the side panels need the room.
    float floor = H - sideNeed < H * 0.28f ? std::min(footH, H * 0.28f) : H * 0.28f;
    float h = std::round(std::clamp(std::min(footH, std::max(H - sideNeed, H * 0.2f)), floor, H * 0.5f));
    stack(out, mains, 0, top, left, H, byWeight);
    stackSides(out, sides, colX, top, colW, H - h, fs);
    row(out, footers, colX, top + H - h, colW, h, fs);
    return out;
  }
  if (!footers.empty() && !mains.empty() && footW <= left) {
    // Too narrow beside the side panels (large UI scales, small windows): the footer row
    // goes under the main panel, and the side panels keep the column's full height.
    float h = std::round(std::clamp(footH, H * 0.15f, H * 0.4f));
    stack(out, mains, 0, top, left, H - h, byWeight);
    row(out, footers, 0, top + H - h, left, h, fs);
    stackSides(out, sides, colX, top, colW, H, fs);
    return out;
  }
  // Last resort: the footer panels one above the other under the side panels.
  float h = footers.empty() ? 0 : std::round(std::clamp(std::min(footSumH, std::max(H - sideNeed, H * 0.2f)), H * 0.2f, H * 0.5f));
  stack(out, mains, 0, top, left, H, byWeight);
  stackSides(out, sides, colX, top, colW, H - h, fs);
  if (!footers.empty()) stack(out, footers, colX, top + H - h, colW, h, byHeight);
  return out;
}

}  // namespace latentlab
