#include "app/map/points_layer.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace latentlab {

namespace {
// Whole pixels within this of an integer count as a whole-pixel pan (mouse deltas are whole
// pixels; the view's doubles round them by ~1e-12).
constexpr double kWholePixel = 1e-4;

void fillRect(Image& img, int x0, int y0, int x1, int y1, ImU32 color) {
  uint8_t c[4] = {uint8_t(color), uint8_t(color >> 8), uint8_t(color >> 16), uint8_t(color >> 24)};
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x) std::memcpy(img.at(x, y), c, 4);
}

// Moves the image's content by (dx, dy) pixels; what comes into view is left as it was.
void shiftImage(Image& img, int dx, int dy) {
  int w = img.width, h = img.height;
  int cx0 = std::max(0, dx), cx1 = std::min(w, w + dx);  // destination columns
  if (cx1 <= cx0) return;
  size_t bytes = size_t(cx1 - cx0) * 4;
  auto row = [&](int y) { std::memmove(img.at(cx0, y), img.at(cx0 - dx, y - dy), bytes); };
  if (dy > 0)
    for (int y = h - 1; y >= dy; --y) row(y);
  else
    for (int y = 0; y < h + dy; ++y) row(y);
}
}  // namespace

LayerView layerView(const PointsDrawer::View& view, ImVec2 scale) {
  LayerView lv;
  lv.width = int(std::lround((view.rectMax.x - view.rectMin.x) * scale.x));
  lv.height = int(std::lround((view.rectMax.y - view.rectMin.y) * scale.y));
  lv.centerU = view.centerU;
  lv.centerV = view.centerV;
  lv.pixelsPerUnitX = view.pixelsPerUnit * scale.x;
  lv.pixelsPerUnitY = view.pixelsPerUnit * scale.y;
  lv.side = view.pointSize * scale.x + 1.f;  // as the GL points were: a pixel of soft edge
  lv.lineWidth = std::max(1, int(std::lround(scale.x)));
  return lv;
}

void PointsLayer::buildStamps() {
  float side = m_view.side, half = side * 0.5f;
  m_radius = int(std::ceil(half)) + 1;
  int n = 2 * m_radius + 1;
  m_stamps.assign(size_t(kSub) * kSub * n * n, 0);
  for (int qy = 0; qy < kSub; ++qy)
    for (int qx = 0; qx < kSub; ++qx) {
      // The dot's centre at the middle of its sub-pixel step; pixel k's centre is k + 0.5.
      float fx = (qx + 0.5f) / kSub, fy = (qy + 0.5f) / kSub;
      uint8_t* s = &m_stamps[(size_t(qy) * kSub + qx) * n * n];
      for (int ky = -m_radius; ky <= m_radius; ++ky)
        for (int kx = -m_radius; kx <= m_radius; ++kx) {
          float dx = kx + 0.5f - fx, dy = ky + 0.5f - fy;
          float r = std::sqrt(dx * dx + dy * dy) / std::max(half, 1e-6f);
          float a = std::clamp((1.f - r) * 3.f, 0.f, 1.f);
          s[(ky + m_radius) * n + (kx + m_radius)] = uint8_t(std::lround(a * 255.f));
        }
    }
  m_stampSide = side;
}

void PointsLayer::redraw(const MapPoints& points, const std::vector<bool>& hidden, int x0, int y0, int x1,
                         int y1) {
  if (x1 <= x0 || y1 <= y0) return;
  const LayerView& v = m_view;
  fillRect(m_image, x0, y0, x1, y1, kBackground);
  // The axes through the plane origin (u = 0, v = 0): where the middle of the plane is.
  double halfW = 0.5 * v.width, halfH = 0.5 * v.height;
  long ax = long(std::floor((0 - m_anchorU) * v.pixelsPerUnitX + halfW)) + m_shiftX;
  long ay = long(std::floor(halfH - (0 - m_anchorV) * v.pixelsPerUnitY)) + m_shiftY;
  fillRect(m_image, int(std::clamp<long>(ax, x0, x1)), y0, int(std::clamp<long>(ax + v.lineWidth, x0, x1)), y1, kAxes);
  fillRect(m_image, x0, int(std::clamp<long>(ay, y0, y1)), x1, int(std::clamp<long>(ay + v.lineWidth, y0, y1)), kAxes);

  const int R = m_radius, n = 2 * R + 1;
  const size_t count = points.count();
  const float* uv = points.uv.data();
  for (size_t i = 0; i < count; ++i) {
    int label = points.labels.empty() ? -1 : points.labels[i];
    if (label >= 0 && size_t(label) < hidden.size() && hidden[size_t(label)]) continue;
    double bx = (double(uv[2 * i]) - m_anchorU) * v.pixelsPerUnitX + halfW;
    double by = halfH - (double(uv[2 * i + 1]) - m_anchorV) * v.pixelsPerUnitY;
    double fbx = std::floor(bx), fby = std::floor(by);
    if (!(std::abs(fbx) < 1e9 && std::abs(fby) < 1e9)) continue;  // far off the map (or NaN)
    long ix = long(fbx) + m_shiftX, iy = long(fby) + m_shiftY;
    if (ix + R < x0 || ix - R >= x1 || iy + R < y0 || iy - R >= y1) continue;
    int qx = std::min(kSub - 1, int((bx - fbx) * kSub)), qy = std::min(kSub - 1, int((by - fby) * kSub));
    const uint8_t* stamp = &m_stamps[(size_t(qy) * kSub + qx) * n * n];
    ImU32 col = classColor(label);
    int src[3] = {int(col & 0xff), int((col >> 8) & 0xff), int((col >> 16) & 0xff)};
    int ky0 = int(std::max<long>(-R, y0 - iy)), ky1 = int(std::min<long>(R, y1 - 1 - iy));
    int kx0 = int(std::max<long>(-R, x0 - ix)), kx1 = int(std::min<long>(R, x1 - 1 - ix));
    for (int ky = ky0; ky <= ky1; ++ky) {
      const uint8_t* a = stamp + (ky + R) * n + R;
      uint8_t* p = m_image.at(int(ix), int(iy + ky));
      for (int kx = kx0; kx <= kx1; ++kx) {
        int al = a[kx];
        if (!al) continue;
        uint8_t* q = p + kx * 4;
        for (int c = 0; c < 3; ++c) {
          int d = (src[c] - int(q[c])) * al;
          q[c] = uint8_t(int(q[c]) + (d + (d >= 0 ? 127 : -127)) / 255);
        }
      }
    }
  }
}

bool PointsLayer::update(const MapPoints& points, const std::vector<bool>& hidden, const LayerView& view) {
  if (view.width <= 0 || view.height <= 0) return false;
  bool sameLook = m_valid && view.width == m_view.width && view.height == m_view.height &&
                  view.pixelsPerUnitX == m_view.pixelsPerUnitX && view.pixelsPerUnitY == m_view.pixelsPerUnitY &&
                  view.side == m_view.side && view.lineWidth == m_view.lineWidth &&
                  points.version == m_pointsVersion && hidden == m_hidden;
  if (sameLook && view.centerU == m_view.centerU && view.centerV == m_view.centerV) return false;
  if (sameLook) {
    // A pan: the content moves by the centre's change in pixels. Whole pixels and less than
    // the layer's size: shift the pixels, draw only the strips that came into view.
    double tx = (m_anchorU - view.centerU) * view.pixelsPerUnitX, ty = (view.centerV - m_anchorV) * view.pixelsPerUnitY;
    double rx = std::round(tx), ry = std::round(ty);
    long dx = long(rx) - m_shiftX, dy = long(ry) - m_shiftY;
    if (std::abs(tx - rx) < kWholePixel && std::abs(ty - ry) < kWholePixel && std::abs(dx) < view.width &&
        std::abs(dy) < view.height && std::abs(rx) < 1e9 && std::abs(ry) < 1e9) {
      m_view = view;
      m_shiftX = long(rx), m_shiftY = long(ry);
      shiftImage(m_image, int(dx), int(dy));
      int w = view.width, h = view.height;
      if (dx > 0) redraw(points, hidden, 0, 0, int(dx), h);
      if (dx < 0) redraw(points, hidden, w + int(dx), 0, w, h);
      if (dy > 0) redraw(points, hidden, 0, 0, w, int(dy));
      if (dy < 0) redraw(points, hidden, 0, h + int(dy), w, h);
      ++m_shifted;
      ++m_version;
      return true;
    }
  }
  m_view = view;
  if (m_stampSide != view.side) buildStamps();
  if (m_image.width != view.width || m_image.height != view.height) m_image = Image(view.width, view.height, 4);
  m_anchorU = view.centerU, m_anchorV = view.centerV;
  m_shiftX = m_shiftY = 0;
  m_pointsVersion = points.version;
  m_hidden = hidden;
  redraw(points, hidden, 0, 0, view.width, view.height);
  m_valid = true;
  ++m_full;
  ++m_version;
  return true;
}

}  // namespace latentlab
