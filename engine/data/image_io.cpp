#include "engine/data/image_io.h"

#include <stb_image.h>
#include <stb_image_resize.h>
#include <stb_image_write.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine/util/errors.h"
#include "engine/util/file_io.h"

namespace latentlab {

namespace {
bool isPng(const Bytes& b) {
  static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  return b.size() >= 8 && std::memcmp(b.data(), sig, 8) == 0;
}
// stb's reason for the last failure, never empty.
std::string stbReason() {
  const char* r = stbi_failure_reason();
  return r && *r ? r : "corrupt data";
}

bool isJpeg(const Bytes& b) { return b.size() >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff; }

// Debian's stb_image (2.27) trusts a JPEG's Huffman tables in two ways that read or write
// out of bounds: (1) a DHT segment whose 16 counts add up to more than 256 makes it write
// past its 256-entry tables; (2) a scan (SOS) that names a Huffman table no DHT defined
// before it makes it decode with uninitialised tables (it mallocs its decoder state and
// never clears them), whose lookups index past the symbol arrays (stb_image.h:2115, found by
// fuzz_image on progressive files, where tables arrive between scans). Walk every segment
// (through the entropy-coded data) and refuse such files before stb sees them.
void checkJpegSegments(const Bytes& b, const std::string& where) {
  auto corrupt = [&](const std::string& what) { throw BadInput(where + ": corrupt JPEG (" + what + ")"); };
  size_t pos = 2;  // after SOI
  bool defined[2][4] = {};  // [class: 0 DC, 1 AC][table id] seen in a DHT so far
  int frameType = -1;       // 0xc0.. of the SOF segment, once seen
  while (pos < b.size()) {
    if (b[pos] != 0xff) {  // entropy-coded data: skip to the next real marker
      ++pos;
      continue;
    }
    while (pos < b.size() && b[pos] == 0xff) ++pos;  // fill bytes
    if (pos >= b.size()) break;
    uint8_t m = b[pos++];
    if (m == 0x00 || (m >= 0xd0 && m <= 0xd7) || m == 0x01 || m == 0xd8) continue;  // stuffing, RSTn, TEM, SOI
    if (m == 0xd9) return;                                                         // EOI
    if (pos + 2 > b.size()) corrupt("segment length cut off");
    size_t len = (size_t(b[pos]) << 8) | b[pos + 1];
    if (len < 2 || pos + len > b.size()) corrupt("segment longer than the file");
    if (m == 0xc4) {  // DHT: tables of (class/id, 16 counts, values)
      size_t p = pos + 2, end = pos + len;
      while (p < end) {
        if (end - p < 17) corrupt("Huffman table cut off");
        if ((b[p] >> 4) > 1 || (b[p] & 15) > 3) corrupt("bad Huffman table id");
        size_t n = 0;
        for (size_t i = 1; i <= 16; ++i) n += b[p + i];
        if (n > 256) corrupt("Huffman table with " + std::to_string(n) + " codes, more than 256");
        if (end - p - 17 < n) corrupt("Huffman table values cut off");
        defined[b[p] >> 4][b[p] & 15] = true;
        p += 17 + n;
      }
    } else if (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc) {  // SOFn
      if (frameType >= 0) corrupt("more than one frame header");
      frameType = m;
      if (len < 8) corrupt("frame header cut off");
      size_t nc = b[pos + 7];  // after length, precision, height, width
      if (len < 8 + 3 * nc) corrupt("frame header shorter than its components");
    } else if (m == 0xda) {  // SOS: which tables each component's data is decoded with
      if (frameType < 0) corrupt("scan before the frame header");
      if (len < 3) corrupt("scan header cut off");
      size_t ns = b[pos + 2];
      if (len < 6 + 2 * ns) corrupt("scan header shorter than its components");
      size_t tail = pos + 3 + 2 * ns;
      int ss = b[tail], se = b[tail + 1], ah = b[tail + 2] >> 4;
      bool progressive = frameType == 0xc2;
      // Baseline scans decode DC and AC; progressive ones DC (first pass only) or AC.
      bool needDc = progressive ? (ss == 0 && ah == 0) : true;
      bool needAc = progressive ? (se > 0) : true;
      for (size_t i = 0; i < ns; ++i) {
        int sel = b[pos + 4 + 2 * i];
        int dc = sel >> 4, ac = sel & 15;
        if (dc > 3 || ac > 3) corrupt("scan names Huffman table " + std::to_string(dc > 3 ? dc : ac) + ", at most 3");
        if (needDc && !defined[0][dc]) corrupt("scan uses DC Huffman table " + std::to_string(dc) + " that no DHT defines");
        if (needAc && !defined[1][ac]) corrupt("scan uses AC Huffman table " + std::to_string(ac) + " that no DHT defines");
      }
    }
    pos += len;
  }
}

// stb_image trusts a PNG chunk's 32-bit length and grows its IDAT buffer to it before
// reading: a 77-byte file declaring a 2 GB IDAT makes it allocate 2 GB (found by
// fuzz_image). Every chunk up to IEND must fit in the file.
void checkPngChunks(const Bytes& b, const std::string& where) {
  size_t pos = 8;
  while (pos + 8 <= b.size()) {
    uint64_t len = (uint64_t(b[pos]) << 24) | (uint64_t(b[pos + 1]) << 16) | (uint64_t(b[pos + 2]) << 8) | b[pos + 3];
    std::string type(reinterpret_cast<const char*>(&b[pos + 4]), 4);
    if (len + 12 > b.size() - pos) {
      for (char& c : type)
        if (c < 32 || c > 126) c = '?';
      throw BadInput(where + ": corrupt PNG (chunk '" + type + "' of " + std::to_string(len) +
                     " bytes is longer than the file)");
    }
    pos += size_t(len) + 12;
    if (type == "IEND") return;
  }
}
}  // namespace

Image decodeImage(const Bytes& raw, const std::string& where, int64_t maxPixels) {
  if (raw.empty()) throw BadInput(where + ": empty image file");
  // stb_image also decodes BMP, GIF, PSD, TGA, HDR...; we promise PNG/JPEG and give it
  // nothing else, which keeps the decoders that read our users' files few.
  if (!isPng(raw) && !isJpeg(raw)) throw BadInput(where + ": not a PNG or JPEG image (unknown signature)");
  if (raw.size() > kMaxImageFileBytes)  // stb takes the length as an int
    throw BadInput(where + ": image file larger than " + formatBytes(kMaxImageFileBytes));
  if (isJpeg(raw)) checkJpegSegments(raw, where);
  if (isPng(raw)) checkPngChunks(raw, where);
  int w = 0, h = 0, c = 0;
  if (!stbi_info_from_memory(raw.data(), int(raw.size()), &w, &h, &c))
    throw BadInput(where + ": not a readable PNG/JPEG image (" + stbReason() + ")");
  if (w <= 0 || h <= 0 || int64_t(w) * h > maxPixels)
    throw BadInput(where + ": image size " + std::to_string(w) + "x" + std::to_string(h) + " not supported (at most " +
                   std::to_string(maxPixels) + " pixels)");
  if (c < 1 || c > 4) throw BadInput(where + ": image has " + std::to_string(c) + " channels, expected 1 to 4");
  int want = (c == 1 || c == 2) ? 1 : 3;
  int w2 = 0, h2 = 0, c2 = 0;
  uint8_t* px = stbi_load_from_memory(raw.data(), int(raw.size()), &w2, &h2, &c2, want);
  if (!px) throw BadInput(where + ": cannot decode image (" + stbReason() + ")");
  std::unique_ptr<uint8_t, void (*)(void*)> owned(px, stbi_image_free);
  // The buffer is w2 x h2 x want: trust those, and refuse if they disagree with the header.
  if (w2 != w || h2 != h) throw BadInput(where + ": image header and data disagree about the size");
  Image img(w, h, want);
  std::memcpy(img.pixels.data(), px, img.pixels.size());
  return img;
}

Image loadImageFile(const std::string& path) { return decodeImage(readFileBytes(path, kMaxImageFileBytes), path); }

static void appendBytes(void* ctx, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(ctx);
  auto* p = static_cast<uint8_t*>(data);
  out->insert(out->end(), p, p + size);
}

std::vector<uint8_t> encodePng(const Image& img) {
  // stb_image_write takes int sizes and strides: refuse what does not fit instead of wrapping.
  if (img.width <= 0 || img.height <= 0 || img.channels < 1 || img.channels > 4 ||
      int64_t(img.width) * img.height * img.channels > kMaxImageBytes ||
      img.pixels.size() != size_t(img.width) * size_t(img.height) * size_t(img.channels))
    throw BadInput("PNG encoding: image " + std::to_string(img.width) + "x" + std::to_string(img.height) + "x" +
                   std::to_string(img.channels) + " is empty, too large or inconsistent");
  std::vector<uint8_t> out;
  if (!stbi_write_png_to_func(appendBytes, &out, img.width, img.height, img.channels, img.pixels.data(),
                              img.width * img.channels))
    throw BadInput("PNG encoding failed");
  return out;
}

void writePng(const std::string& path, const Image& img) { writeFileAtomic(path, encodePng(img)); }

Image resizeImage(const Image& img, int width, int height) {
  if (img.width == width && img.height == height) return img;
  if (width <= 0 || height <= 0 || int64_t(width) * height * img.channels > kMaxImageBytes)
    throw BadInput("resize: target size " + std::to_string(width) + "x" + std::to_string(height) + " not supported");
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
