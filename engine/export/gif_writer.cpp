// GIF encoding with giflib 5.2: a logical screen of the frames' size, a NETSCAPE2.0 loop
// block, and per frame a graphics control block (delay) and the image with a global or local
// palette. Output collects in memory, then one atomic write.
#include "engine/export/gif_writer.h"

#include <gif_lib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <memory>

#include "engine/util/errors.h"

namespace latentlab {

namespace {

int writeToBytes(GifFileType* gif, const GifByteType* data, int len) {
  auto* out = static_cast<Bytes*>(gif->UserData);
  out->insert(out->end(), data, data + len);
  return len;
}

void rgbAt(const Image& im, size_t px, uint8_t& r, uint8_t& g, uint8_t& b) {
  const uint8_t* p = im.pixels.data() + px * size_t(im.channels);
  if (im.channels < 3) r = g = b = p[0];
  else r = p[0], g = p[1], b = p[2];
}

bool isGrey(const Image& im) {
  if (im.channels < 3) return true;
  for (size_t px = 0; px < size_t(im.width) * im.height; ++px) {
    uint8_t r, g, b;
    rgbAt(im, px, r, g, b);
    if (r != g || g != b) return false;
  }
  return true;
}

struct MapFree {
  void operator()(ColorMapObject* m) const { GifFreeMapObject(m); }
};
using ColorMap = std::unique_ptr<ColorMapObject, MapFree>;

ColorMap greyMap() {
  ColorMap m(GifMakeMapObject(256, nullptr));
  for (int i = 0; i < 256; ++i) m->Colors[i] = {GifByteType(i), GifByteType(i), GifByteType(i)};
  return m;
}

// 6x6x6 cube (levels 0, 51, ..., 255) then 40 greys between the cube's grey levels.
ColorMap fixedColorMap() {
  ColorMap m(GifMakeMapObject(256, nullptr));
  int k = 0;
  for (int r = 0; r < 6; ++r)
    for (int g = 0; g < 6; ++g)
      for (int b = 0; b < 6; ++b) m->Colors[k++] = {GifByteType(r * 51), GifByteType(g * 51), GifByteType(b * 51)};
  for (int i = 0; k < 256; ++i, ++k) {
    auto v = GifByteType(std::lround(255.0 * (i + 1) / 41.0));
    m->Colors[k] = {v, v, v};
  }
  return m;
}

int nearest(const ColorMapObject& map, uint8_t r, uint8_t g, uint8_t b) {
  int best = 0, bestD = 1 << 30;
  for (int i = 0; i < map.ColorCount; ++i) {
    int dr = map.Colors[i].Red - r, dg = map.Colors[i].Green - g, db = map.Colors[i].Blue - b;
    int d = dr * dr + dg * dg + db * db;
    if (d < bestD) bestD = d, best = i;
  }
  return best;
}

// Indices of a frame in a fixed palette (grey levels cached: most frames here are grey).
std::vector<GifByteType> indexFixed(const Image& im, const ColorMapObject& map) {
  const size_t n = size_t(im.width) * im.height;
  std::vector<GifByteType> out(n);
  std::vector<int> cache(256, -1);  // grey levels seen
  for (size_t px = 0; px < n; ++px) {
    uint8_t r, g, b;
    rgbAt(im, px, r, g, b);
    if (r == g && g == b) {
      if (cache[r] < 0) cache[r] = nearest(map, r, r, r);
      out[px] = GifByteType(cache[r]);
    } else {
      out[px] = GifByteType(nearest(map, r, g, b));
    }
  }
  return out;
}

// The frame's own colours as its palette when there are at most 256 (exact), else null.
ColorMap exactPalette(const Image& im, std::vector<GifByteType>& indices) {
  const size_t n = size_t(im.width) * im.height;
  std::map<uint32_t, int> index;
  indices.resize(n);
  for (size_t px = 0; px < n; ++px) {
    uint8_t r, g, b;
    rgbAt(im, px, r, g, b);
    uint32_t key = uint32_t(r) << 16 | uint32_t(g) << 8 | b;
    auto it = index.find(key);
    if (it == index.end()) {
      if (index.size() == 256) return nullptr;
      it = index.emplace(key, int(index.size())).first;
    }
    indices[px] = GifByteType(it->second);
  }
  int size = 2;  // a GIF palette has a power-of-two size
  while (size < int(index.size())) size *= 2;
  ColorMap m(GifMakeMapObject(size, nullptr));
  for (int i = 0; i < size; ++i) m->Colors[i] = {0, 0, 0};
  for (const auto& [key, i] : index)
    m->Colors[i] = {GifByteType(key >> 16), GifByteType((key >> 8) & 0xff), GifByteType(key & 0xff)};
  return m;
}

void check(int rc, GifFileType* gif, const char* what) {
  if (rc != GIF_OK) throw BadInput(std::string("GIF encoder: ") + what + " failed: " + GifErrorString(gif->Error));
}

}  // namespace

int gifDelayForFps(double fps) {
  if (!(fps > 0)) throw UsageError("frames per second must be > 0");
  return std::max(1, int(std::lround(100.0 / fps)));
}

Bytes encodeGif(const std::vector<Image>& frames, const GifOptions& opts) {
  if (frames.empty()) throw BadInput("GIF: no frames to write");
  if (frames.size() > 100000) throw BadInput("GIF: too many frames (" + std::to_string(frames.size()) + ", at most 100000)");
  const int w = frames[0].width, h = frames[0].height;
  if (w < 1 || h < 1 || w > 65535 || h > 65535) throw BadInput("GIF: frame size must be 1..65535 pixels a side");
  for (size_t i = 0; i < frames.size(); ++i) {
    const Image& f = frames[i];
    if (f.width != w || f.height != h || (f.channels != 1 && f.channels != 3 && f.channels != 4) ||
        f.pixels.size() != size_t(w) * h * f.channels)
      throw BadInput("GIF: frame " + std::to_string(i) + " is not a " + std::to_string(w) + "x" + std::to_string(h) +
                     " grey/RGB/RGBA image like frame 0");
  }
  if (opts.delayCs < 1 || opts.delayCs > 65535) throw BadInput("GIF: frame delay must be 1..65535 centiseconds");
  GifPalette mode = opts.palette;
  if (mode == GifPalette::Auto)
    mode = std::all_of(frames.begin(), frames.end(), isGrey) ? GifPalette::Gray : GifPalette::PerFrame;

  Bytes out;
  int err = 0;
  GifFileType* gif = EGifOpen(&out, writeToBytes, &err);
  if (!gif) throw BadInput(std::string("GIF encoder: ") + GifErrorString(err));
  struct Closer {
    GifFileType* g;
    ~Closer() {
      int e = 0;
      if (g) EGifCloseFile(g, &e);
    }
  } closer{gif};
  EGifSetGifVersion(gif, true);  // GIF89a: graphics control and application blocks
  ColorMap global = mode == GifPalette::Gray ? greyMap() : mode == GifPalette::FixedColor ? fixedColorMap() : nullptr;
  check(EGifPutScreenDesc(gif, w, h, 8, 0, global.get()), gif, "screen descriptor");
  if (opts.loopCount >= 0) {
    const GifByteType loop[3] = {1, GifByteType(opts.loopCount & 0xff), GifByteType((opts.loopCount >> 8) & 0xff)};
    check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE), gif, "loop block");
    check(EGifPutExtensionBlock(gif, 11, "NETSCAPE2.0"), gif, "loop block");
    check(EGifPutExtensionBlock(gif, 3, loop), gif, "loop block");
    check(EGifPutExtensionTrailer(gif), gif, "loop block");
  }
  for (const Image& f : frames) {
    GraphicsControlBlock gcb{};
    gcb.DisposalMode = DISPOSE_DO_NOT;
    gcb.UserInputFlag = false;
    gcb.DelayTime = opts.delayCs;
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    GifByteType ext[4];
    size_t len = EGifGCBToExtension(&gcb, ext);
    check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, int(len), ext), gif, "frame delay");
    std::vector<GifByteType> indices;
    ColorMap local;
    if (mode == GifPalette::PerFrame) {
      local = exactPalette(f, indices);
      if (!local) {  // more than 256 colours: giflib's median cut
        const size_t n = size_t(w) * h;
        std::vector<GifByteType> r(n), g(n), b(n);
        for (size_t px = 0; px < n; ++px) rgbAt(f, px, r[px], g[px], b[px]);
        local.reset(GifMakeMapObject(256, nullptr));
        int size = 256;
        indices.resize(n);
        if (GifQuantizeBuffer(unsigned(w), unsigned(h), &size, r.data(), g.data(), b.data(), indices.data(),
                              local->Colors) != GIF_OK)
          throw BadInput("GIF encoder: colour quantisation failed");
      }
    } else {
      indices = indexFixed(f, *global);
    }
    check(EGifPutImageDesc(gif, 0, 0, w, h, false, local.get()), gif, "image descriptor");
    for (int y = 0; y < h; ++y) check(EGifPutLine(gif, indices.data() + size_t(y) * w, w), gif, "image data");
  }
  closer.g = nullptr;
  if (EGifCloseFile(gif, &err) != GIF_OK) throw BadInput(std::string("GIF encoder: ") + GifErrorString(err));
  return out;
}

void writeGif(const std::string& path, const std::vector<Image>& frames, const GifOptions& opts) {
  Bytes bytes = encodeGif(frames, opts);
  writeFileAtomic(path, bytes);
}

}  // namespace latentlab
