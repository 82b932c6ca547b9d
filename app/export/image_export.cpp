#include "app/export/image_export.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "app/export/text_raster.h"
#include "engine/data/image_io.h"

namespace fs = std::filesystem;

namespace latentlab {

Image scaleNearest(const Image& img, int scale) {
  scale = std::max(1, scale);
  if (scale == 1 || img.empty()) return img;
  Image out(img.width * scale, img.height * scale, img.channels);
  const size_t c = size_t(img.channels);
  for (int y = 0; y < out.height; ++y) {
    uint8_t* dst = out.at(0, y);
    const uint8_t* src = img.at(0, y / scale);
    for (int x = 0; x < out.width; ++x) std::memcpy(dst + size_t(x) * c, src + size_t(x / scale) * c, c);
  }
  return out;
}

std::vector<int> stripColumns(int frames, int maxColumns) {
  std::vector<int> cols;
  if (frames <= 0) return cols;
  int n = std::clamp(maxColumns, 1, frames);
  if (n == 1) return {frames - 1};
  for (int i = 0; i < n; ++i) {
    int f = int(std::lround(double(i) * (frames - 1) / (n - 1)));
    if (cols.empty() || f != cols.back()) cols.push_back(f);
  }
  return cols;
}

StripLayout stripLayout(const std::vector<SampleFrame>& frames, const StripOptions& o) {
  StripLayout L;
  L.frames = stripColumns(int(frames.size()), o.maxColumns);
  if (L.frames.empty()) return L;
  const int s = std::max(1, o.scale);
  for (int f : L.frames) {
    const SampleFrame& fr = frames[size_t(f)];
    L.tileW = std::max({L.tileW, fr.xt.width, fr.x0.width});
    L.tileH = std::max({L.tileH, fr.xt.height, fr.x0.height});
  }
  L.tileW *= s;
  L.tileH *= s;
  const TextRaster* text = o.text && o.text->ok() ? o.text : nullptr;
  const float px = 13.f * s;
  const int gap = 4 * s, labelH = text ? int(std::ceil(px * 1.3f)) : 0;
  L.labelW = text ? std::max(text->width("x_t", px), text->width("x0", px)) + gap * 2 : 0;
  for (size_t c = 0; c < L.frames.size(); ++c) L.columnX.push_back(L.labelW + gap + int(c) * (L.tileW + gap));
  L.rowXt = labelH + gap;
  L.rowX0 = L.rowXt + L.tileH + gap;
  L.width = L.labelW + gap + int(L.frames.size()) * (L.tileW + gap);
  L.height = L.rowX0 + L.tileH + gap;
  return L;
}

Image denoiseStrip(const std::vector<SampleFrame>& frames, const StripOptions& o, StripLayout* layout) {
  StripLayout L = stripLayout(frames, o);
  if (layout) *layout = L;
  if (L.frames.empty()) return {};
  const int s = std::max(1, o.scale);
  const TextRaster* text = o.text && o.text->ok() ? o.text : nullptr;
  const float px = 13.f * s;
  const int gap = 4 * s;
  Image out(L.width, L.height, 3);
  for (size_t i = 0; i < out.pixels.size(); i += 3) out.pixels[i] = 22, out.pixels[i + 1] = 24, out.pixels[i + 2] = 30;
  const uint8_t textRgb[3] = {225, 228, 235};
  auto paste = [&](const Image& src, int x0, int y0) {
    if (src.empty()) return;
    Image rgb = scaleNearest(src.channels == 3 ? src : toChannels(src, 3), s);
    for (int y = 0; y < rgb.height && y0 + y < out.height; ++y)
      std::memcpy(out.at(x0, y0 + y), rgb.at(0, y), size_t(std::min(rgb.width, out.width - x0)) * 3);
  };
  // Step labels: "t=999" over every tile when all fit, else the numbers alone (with "t" in
  // the row-label margin), smaller if even those do not fit.
  bool prefix = true;
  float lpx = px;
  if (text) {
    for (int f : L.frames) prefix = prefix && text->width("t=" + std::to_string(frames[size_t(f)].timestep), px) <= L.tileW;
    for (int f : L.frames)
      while (lpx > 6 && text->width(std::to_string(frames[size_t(f)].timestep), lpx) > L.tileW) lpx -= 1;
    if (prefix) lpx = px;
    else text->draw(out, gap, gap / 2, "t", lpx, textRgb);
  }
  for (size_t c = 0; c < L.frames.size(); ++c) {
    const SampleFrame& fr = frames[size_t(L.frames[c])];
    paste(fr.xt, L.columnX[c], L.rowXt);
    paste(fr.x0, L.columnX[c], L.rowX0);
    if (text) {
      std::string label = (prefix ? "t=" : "") + std::to_string(fr.timestep);
      text->draw(out, L.columnX[c] + (L.tileW - text->width(label, lpx)) / 2, gap / 2, label, lpx, textRgb);
    }
  }
  if (text) {
    text->draw(out, gap, L.rowXt + L.tileH / 2 - int(px / 2), "x_t", px, textRgb);
    text->draw(out, gap, L.rowX0 + L.tileH / 2 - int(px / 2), "x0", px, textRgb);
  }
  return out;
}

ExportResult writeExportPng(const Image& img, const std::string& path) {
  ExportResult r;
  if (img.empty()) {
    r.error = "nothing to export yet";
    return r;
  }
  std::error_code ec;
  std::string abs = fs::absolute(path, ec).lexically_normal().string();
  fs::path parent = fs::path(abs).parent_path();
  if (!fs::is_directory(parent, ec)) {
    r.error = "cannot write " + abs + ": folder " + parent.string() + " does not exist";
    return r;
  }
  try {
    writePng(abs, img);
  } catch (const std::exception& e) {
    r.error = std::string(e.what()) + ": pick another folder";
    return r;
  }
  r.ok = true;
  r.path = abs;
  r.width = img.width;
  r.height = img.height;
  return r;
}

}  // namespace latentlab
