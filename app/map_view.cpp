#include "app/map_view.h"

#include <algorithm>
#include <cmath>

namespace latentlab {

double MapView::pixelsPerUnit(const MapRect& r) const {
  return 0.5 * std::max(1.f, std::min(r.w, r.h)) / std::max(1e-9, halfExtent);
}

void MapView::toScreen(const MapRect& r, double u, double v, float& x, float& y) const {
  double s = pixelsPerUnit(r);
  x = float(r.x + 0.5 * r.w + (u - centerU) * s);
  y = float(r.y + 0.5 * r.h - (v - centerV) * s);  // screen y grows down, v grows up
}

void MapView::toPlane(const MapRect& r, float x, float y, double& u, double& v) const {
  double s = pixelsPerUnit(r);
  u = centerU + (double(x) - (r.x + 0.5 * r.w)) / s;
  v = centerV - (double(y) - (r.y + 0.5 * r.h)) / s;
}

void MapView::zoomAt(const MapRect& r, float x, float y, double factor) {
  double u, v;
  toPlane(r, x, y, u, v);
  halfExtent = std::clamp(halfExtent / factor, 1e-4, 1e4);
  double u2, v2;
  toPlane(r, x, y, u2, v2);
  centerU += u - u2;
  centerV += v - v2;
}

void MapView::panPixels(const MapRect& r, float dx, float dy) {
  double s = pixelsPerUnit(r);
  centerU -= dx / s;
  centerV += dy / s;
}

void MapView::fit(const std::vector<float>& uv) {
  if (uv.size() < 2) return;
  float u0 = uv[0], u1 = uv[0], v0 = uv[1], v1 = uv[1];
  for (size_t i = 0; i + 1 < uv.size(); i += 2) {
    u0 = std::min(u0, uv[i]);
    u1 = std::max(u1, uv[i]);
    v0 = std::min(v0, uv[i + 1]);
    v1 = std::max(v1, uv[i + 1]);
  }
  centerU = 0.5 * (u0 + u1);
  centerV = 0.5 * (v0 + v1);
  halfExtent = std::max(1e-3, 0.55 * std::max(u1 - u0, v1 - v0));
}

void MapView::bounds(const MapRect& r, double& u0, double& u1, double& v0, double& v1) const {
  toPlane(r, r.x, r.y + r.h, u0, v0);
  toPlane(r, r.x + r.w, r.y, u1, v1);
}

int64_t pickNearest(const MapView& view, const MapRect& r, const std::vector<float>& uv,
                    const std::vector<int>& labels, const std::vector<bool>& hidden, float x, float y,
                    float maxPixels) {
  int64_t best = -1;
  double bestD = double(maxPixels) * maxPixels;
  size_t n = uv.size() / 2;
  for (size_t i = 0; i < n; ++i) {
    int label = i < labels.size() ? labels[i] : -1;
    if (label >= 0 && size_t(label) < hidden.size() && hidden[size_t(label)]) continue;
    float sx, sy;
    view.toScreen(r, uv[2 * i], uv[2 * i + 1], sx, sy);
    double d = double(sx - x) * (sx - x) + double(sy - y) * (sy - y);
    if (d <= bestD) {
      bestD = d;
      best = int64_t(i);
    }
  }
  return best;
}

int64_t MapPicker::pick(const MapView& view, const MapRect& r, const std::vector<float>& uv, uint64_t version,
                        const std::vector<int>& labels, const std::vector<bool>& hidden, float x, float y,
                        float maxPixels) {
  if (!m_built || m_uv != &uv || m_version != version) {
    m_grid.build(uv);
    m_uv = &uv;
    m_version = version;
    m_built = true;
  }
  double u, v;
  view.toPlane(r, x, y, u, v);
  double radius = double(maxPixels) / view.pixelsPerUnit(r);
  auto visible = [&](int64_t i) {
    int label = size_t(i) < labels.size() ? labels[size_t(i)] : -1;
    return !(label >= 0 && size_t(label) < hidden.size() && hidden[size_t(label)]);
  };
  return m_grid.nearest(u, v, radius, visible);
}

}  // namespace latentlab
