#include "engine/data/image_io.h"

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <cstring>

#include "engine/util/errors.h"
#include "engine/util/file_io.h"

namespace latentlab {

Image loadImageFile(const std::string& path) {
  Bytes raw = readFileBytes(path);
  if (raw.empty()) throw BadInput(path + ": empty image file");
  int w = 0, h = 0, c = 0;
  if (!stbi_info_from_memory(raw.data(), int(raw.size()), &w, &h, &c))
    throw BadInput(path + ": not a readable PNG/JPEG image (" + stbi_failure_reason() + ")");
  if (w <= 0 || h <= 0 || int64_t(w) * h > (int64_t(1) << 26))
    throw BadInput(path + ": image size " + std::to_string(w) + "x" + std::to_string(h) + " not supported");
  int want = (c == 1 || c == 2) ? 1 : 3;
  uint8_t* px = stbi_load_from_memory(raw.data(), int(raw.size()), &w, &h, &c, want);
  if (!px) throw BadInput(path + ": cannot decode image (" + stbi_failure_reason() + ")");
  Image img(w, h, want);
  std::memcpy(img.pixels.data(), px, img.pixels.size());
  stbi_image_free(px);
  return img;
}

static void appendBytes(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(ctx);
  auto* p = static_cast<uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}

std::vector<uint8_t> encodePng(const Image& img) {
  std::vector<uint8_t> out;
  if (!stbi_write_png_to_func(appendBytes, &out, img.width, img.height, img.channels, img.pixels.data(),
                              img.width * img.channels))
    throw BadInput("PNG encoding failed");
  return out;
}

void writePng(const std::string& path, const Image& img) { writeFileAtomic(path, encodePng(img)); }

Image resizeImage(const Image& img, int width, int height) {
  if (img.width == width && img.height == height) return img;
  Image out(width, height, img.channels);
  stbir_resize_uint8(img.pixels.data(), img.width, img.height, 0, out.pixels.data(), width, height, 0,
                     img.channels);
  return out;
}

Image toChannels(const Image& img, int channels) {
  if (img.channels == channels) return img;
  Image out(img.width, img.height, channels);
  for (int y = 0; y < img.height; ++y)
    for (int x = 0; x < img.width; ++x) {
      const uint8_t* s = img.at(x, y);
      uint8_t* d = out.at(x, y);
      uint8_t r = s[0], g = img.channels >= 3 ? s[1] : s[0], b = img.channels >= 3 ? s[2] : s[0];
      if (channels == 1) {
        d[0] = uint8_t((299 * r + 587 * g + 114 * b + 500) / 1000);
      } else {
        d[0] = r;
        d[1] = g;
        d[2] = b;
        if (channels == 4) d[3] = img.channels == 4 ? s[3] : 255;
      }
    }
  return out;
}

}  // namespace latentlab
