#include "engine/data/resize.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "engine/util/errors.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace {

// The taps of one axis, in->out: output i reads inputs start[i] .. start[i]+count[i]-1 with
// normalised triangle weights. The filter widens with the shrink factor, so shrinking
// averages every covered pixel instead of skipping some (aliasing). Same arithmetic as
// PyTorch's antialiased bilinear (and PIL's BILINEAR resize).
struct AxisTaps {
  std::vector<int> start, count;
  std::vector<std::vector<float>> weights;
};

AxisTaps axisTaps(int in, int out) {
  AxisTaps t;
  const double scale = double(in) / out;
  const double support = scale >= 1 ? scale : 1.0;
  const double invScale = scale >= 1 ? 1.0 / scale : 1.0;
  for (int i = 0; i < out; ++i) {
    double center = scale * (i + 0.5);
    int lo = std::max(int(center - support + 0.5), 0);
    int hi = std::min(int(center + support + 0.5), in);
    std::vector<float> w;
    double total = 0;
    for (int j = lo; j < hi; ++j) {
      double x = std::abs((j - center + 0.5) * invScale);
      double v = x < 1 ? 1 - x : 0;
      w.push_back(float(v));
      total += v;
    }
    for (float& v : w) v = total > 0 ? float(v / total) : 0.f;
    t.start.push_back(lo);
    t.count.push_back(hi - lo);
    t.weights.push_back(std::move(w));
  }
  return t;
}

bool parseShape(const std::string& text, ImageShape& s) {
  int c = 0, h = 0, w = 0;
  char tail = 0;
  if (std::sscanf(text.c_str(), "%dx%dx%d%c", &c, &h, &w, &tail) != 3) return false;
  s = {c, h, w};
  return true;
}

}  // namespace

std::string shapeText(const ImageShape& s) {
  return std::to_string(s.channels) + "x" + std::to_string(s.height) + "x" + std::to_string(s.width);
}

ImageShape shapeOf(const Dataset& d) { return {d.channels, d.height, d.width}; }

std::optional<ResizeSpec> splitResizeSuffix(const std::string& spec) {
  auto at = spec.rfind('@');
  if (at == std::string::npos || at == 0) return std::nullopt;
  std::error_code ec;
  if (fs::exists(spec, ec)) return std::nullopt;  // a file or folder with "@" in its name
  std::string suffix = spec.substr(at + 1);
  ImageShape s;
  if (!parseShape(suffix, s))
    throw BadInput(spec + ": \"@" + suffix + "\" is not an image shape; resize with @CxHxW, e.g. @3x32x32");
  if (s.channels != 1 && s.channels != 3)
    throw BadInput(spec + ": @" + suffix + " has " + std::to_string(s.channels) + " channels; 1 (grey) or 3 (RGB)");
  if (s.height < 1 || s.height > 1024 || s.width < 1 || s.width > 1024)
    throw BadInput(spec + ": @" + suffix + ": height and width must be 1..1024");
  return ResizeSpec{spec.substr(0, at), s};
}

std::string resizedSpec(const std::string& spec, const ImageShape& to) {
  std::string base = spec;
  try {
    if (auto r = splitResizeSuffix(spec)) base = r->base;
  } catch (const BadInput&) {
  }
  return base + "@" + shapeText(to);
}

Dataset resizeDataset(const Dataset& d, const ImageShape& to) {
  Dataset out;
  out.spec = d.spec + "@" + shapeText(to);
  out.count = d.count;
  out.channels = to.channels;
  out.height = to.height;
  out.width = to.width;
  out.labels = d.labels;
  out.classNames = d.classNames;
  if (d.count == 0 || d.height == 0 || d.width == 0) return out;

  // Colour is reduced first (luma is linear, so before or after resampling is the same) and
  // grey is repeated last: the filter runs on as few channels as possible.
  const int inC = d.channels;
  const int work = (to.channels == 1 || inC == 1) ? 1 : 3;
  const AxisTaps tx = axisTaps(d.width, to.width), ty = axisTaps(d.height, to.height);
  const size_t inSize = size_t(d.height) * d.width * inC, outSize = size_t(to.height) * to.width * to.channels;
  out.pixels.resize(outSize * size_t(d.count));
  std::vector<float> src(size_t(d.height) * d.width * work), rows(size_t(d.height) * to.width * work);
  for (int64_t n = 0; n < d.count; ++n) {
    const uint8_t* in = d.pixels.data() + size_t(n) * inSize;
    for (size_t p = 0; p < size_t(d.height) * d.width; ++p) {
      const uint8_t* px = in + p * inC;
      if (work == 1 && inC == 3) src[p] = 0.299f * px[0] + 0.587f * px[1] + 0.114f * px[2];
      else
        for (int c = 0; c < work; ++c) src[p * work + c] = px[c];
    }
    for (int y = 0; y < d.height; ++y)  // along x
      for (int x = 0; x < to.width; ++x)
        for (int c = 0; c < work; ++c) {
          float v = 0;
          for (int k = 0; k < tx.count[x]; ++k)
            v += tx.weights[x][k] * src[(size_t(y) * d.width + tx.start[x] + k) * work + c];
          rows[(size_t(y) * to.width + x) * work + c] = v;
        }
    uint8_t* o = out.pixels.data() + size_t(n) * outSize;
    for (int y = 0; y < to.height; ++y)  // along y
      for (int x = 0; x < to.width; ++x)
        for (int c = 0; c < work; ++c) {
          float v = 0;
          for (int k = 0; k < ty.count[y]; ++k)
            v += ty.weights[y][k] * rows[(size_t(ty.start[y] + k) * to.width + x) * work + c];
          auto u = uint8_t(std::clamp(std::lround(v), 0L, 255L));
          uint8_t* q = o + (size_t(y) * to.width + x) * to.channels;
          if (work == to.channels) q[c] = u;
          else std::fill(q, q + to.channels, u);  // grey repeated into R, G and B
        }
  }
  return out;
}

ResizeAdvice adviseResize(const ImageShape& from, const ImageShape& to) {
  ResizeAdvice a;
  double aspectFrom = double(from.width) / from.height, aspectTo = double(to.width) / to.height;
  double stretch = std::max(aspectFrom / aspectTo, aspectTo / aspectFrom);
  if (stretch > 2.0) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", stretch);
    a.reason = std::string("resizing would stretch the images ") + buf +
               "x out of proportion, so it is not offered; use a data set of the model's shape";
    return a;
  }
  a.offered = true;
  return a;
}

std::string dataShapeMismatch(const Dataset& d, const ImageShape& model, const std::string& modelName) {
  ImageShape from = shapeOf(d);
  std::string line = d.spec + ": images are " + shapeText(from) + " (CxHxW) but the model " + modelName +
                     " expects " + shapeText(model);
  ResizeAdvice a = adviseResize(from, model);
  if (a.offered) return line + "; to resize them use --data " + resizedSpec(d.spec, model);
  return line + "; " + a.reason;
}

}  // namespace latentlab
