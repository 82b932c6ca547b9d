#include "app/export/map_raster.h"

#include <algorithm>
#include <cmath>

#include "app/export/text_raster.h"

namespace latentlab {

namespace {

const uint8_t kBackground[3] = {22, 24, 30};  // the map panel's background
const uint8_t kAxes[3] = {70, 75, 90};
const uint8_t kLegendBack[3] = {32, 35, 43};
const uint8_t kText[3] = {225, 228, 235};
const uint8_t kTextDim[3] = {120, 124, 135};
const uint8_t kWhite[3] = {255, 255, 255};

void fillRect(Image& img, int x0, int y0, int x1, int y1, const uint8_t rgb[3], float a = 1.f) {
  for (int y = std::max(0, y0); y < std::min(img.height, y1); ++y)
    for (int x = std::max(0, x0); x < std::min(img.width, x1); ++x) blendPixel(img, x, y, rgb, a);
}

void outlineRect(Image& img, int x0, int y0, int x1, int y1, int t, const uint8_t rgb[3], float a = 1.f) {
  fillRect(img, x0, y0, x1, y0 + t, rgb, a);
  fillRect(img, x0, y1 - t, x1, y1, rgb, a);
  fillRect(img, x0, y0 + t, x0 + t, y1 - t, rgb, a);
  fillRect(img, x1 - t, y0 + t, x1, y1 - t, rgb, a);
}

// Antialiased disc: pixels wholly inside get exactly `rgb`.
void disc(Image& img, float cx, float cy, float r, const uint8_t rgb[3]) {
  int x0 = int(std::floor(cx - r - 1)), x1 = int(std::ceil(cx + r + 1));
  int y0 = int(std::floor(cy - r - 1)), y1 = int(std::ceil(cy + r + 1));
  for (int y = std::max(0, y0); y <= std::min(img.height - 1, y1); ++y)
    for (int x = std::max(0, x0); x <= std::min(img.width - 1, x1); ++x) {
      float d = std::hypot(x + 0.5f - cx, y + 0.5f - cy);
      blendPixel(img, x, y, rgb, std::clamp(r + 0.5f - d, 0.f, 1.f));
    }
}

void ring(Image& img, float cx, float cy, float r, float t, const uint8_t rgb[3]) {
  int x0 = int(std::floor(cx - r - t)), x1 = int(std::ceil(cx + r + t));
  int y0 = int(std::floor(cy - r - t)), y1 = int(std::ceil(cy + r + t));
  for (int y = std::max(0, y0); y <= std::min(img.height - 1, y1); ++y)
    for (int x = std::max(0, x0); x <= std::min(img.width - 1, x1); ++x) {
      float d = std::hypot(x + 0.5f - cx, y + 0.5f - cy);
      blendPixel(img, x, y, rgb, std::clamp(t * 0.5f + 0.5f - std::fabs(d - r), 0.f, 1.f));
    }
}

}  // namespace

void classRgb(int label, uint8_t rgb[3]) {
  ImU32 c = classColor(label);
  rgb[0] = uint8_t((c >> IM_COL32_R_SHIFT) & 0xff);
  rgb[1] = uint8_t((c >> IM_COL32_G_SHIFT) & 0xff);
  rgb[2] = uint8_t((c >> IM_COL32_B_SHIFT) & 0xff);
}

MapRaster rasterizeMap(const MapPoints& pts, const std::vector<bool>& hidden, const MapView& view,
                       const MapRasterOptions& o) {
  const int s = std::max(1, o.scale);
  const int W = std::max(1, o.width) * s, H = std::max(1, o.height) * s;
  MapRaster out;
  out.image = Image(W, H, 3);
  Image& img = out.image;
  fillRect(img, 0, 0, W, H, kBackground);
  const MapRect r{0, 0, float(W), float(H)};
  auto isHidden = [&](int label) { return label >= 0 && size_t(label) < hidden.size() && hidden[size_t(label)]; };

  if (o.axes) {
    float ox, oy;
    view.toScreen(r, 0, 0, ox, oy);
    fillRect(img, int(std::floor(ox)), 0, int(std::floor(ox)) + s, H, kAxes);
    fillRect(img, 0, int(std::floor(oy)), W, int(std::floor(oy)) + s, kAxes);
  }
  const float radius = std::max(0.5f, o.pointSize * s * 0.5f);
  for (size_t i = 0; i < pts.count(); ++i) {
    int label = i < pts.labels.size() ? pts.labels[i] : -1;
    if (isHidden(label)) continue;
    float x, y;
    view.toScreen(r, pts.uv[2 * i], pts.uv[2 * i + 1], x, y);
    if (x < -radius || y < -radius || x > W + radius || y > H + radius) continue;
    uint8_t rgb[3];
    classRgb(label, rgb);
    disc(img, x, y, radius, rgb);
  }
  if (o.selected >= 0 && size_t(o.selected) < pts.count()) {
    float x, y;
    view.toScreen(r, pts.uv[2 * size_t(o.selected)], pts.uv[2 * size_t(o.selected) + 1], x, y);
    ring(img, x, y, 6.f * s, 2.f * s, kWhite);
  }

  const TextRaster* text = o.text && o.text->ok() ? o.text : nullptr;
  if (o.text && !o.text->ok()) out.note = o.text->error();
  if (!o.text) out.note = "no font given: the legend has swatches only";
  const float px = 14.f * s;
  if (text) {
    if (!o.uName.empty()) text->draw(img, W - text->width(o.uName, px) - 6 * s, H - int(px) - 6 * s, o.uName, px, kTextDim);
    if (!o.vName.empty()) text->draw(img, 6 * s, 4 * s, o.vName, px, kTextDim);
  }

  // Legend: one row per class name the data set has (or per label seen, when it has none).
  int classes = int(pts.classNames.size());
  if (classes == 0)
    for (int l : pts.labels) classes = std::max(classes, l + 1);
  if (o.legend && classes > 0) {
    const int pad = 8 * s, sw = 12 * s, gap = 6 * s, row = int(std::ceil(std::max(float(sw), px) * 1.3f));
    int textW = 0;
    auto name = [&](int c) {
      return size_t(c) < pts.classNames.size() ? pts.classNames[size_t(c)] : "class " + std::to_string(c);
    };
    if (text)
      for (int c = 0; c < classes; ++c) textW = std::max(textW, text->width(name(c), px));
    int boxW = pad + sw + (text ? gap + textW : 0) + pad, boxH = pad * 2 + row * classes - (row - sw);
    int bx = W - boxW - pad, by = pad;
    fillRect(img, bx, by, bx + boxW, by + boxH, kLegendBack, 0.9f);
    outlineRect(img, bx, by, bx + boxW, by + boxH, std::max(1, s), kAxes);
    for (int c = 0; c < classes; ++c) {
      MapRasterSwatch w;
      w.label = c;
      w.x = bx + pad;
      w.y = by + pad + c * row;
      w.size = sw;
      w.hidden = isHidden(c);
      uint8_t rgb[3];
      classRgb(c, rgb);
      // A hidden class keeps a dim outline, as in the panel's legend.
      if (w.hidden) outlineRect(img, w.x, w.y, w.x + sw, w.y + sw, std::max(1, s), rgb, 0.45f);
      else fillRect(img, w.x, w.y, w.x + sw, w.y + sw, rgb);
      if (text) text->draw(img, w.x + sw + gap, w.y + sw / 2 - int(px * 0.5f), name(c), px, w.hidden ? kTextDim : kText);
      out.swatches.push_back(w);
    }
    out.named = text != nullptr;
  }
  return out;
}

}  // namespace latentlab
