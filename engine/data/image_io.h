// PNG/JPEG in (stb_image) and PNG out (stb_image_write, atomic), plus resizing. Decoding
// checks the signature, the file size and the declared size before stb allocates anything;
// never hands stb a format other than PNG or JPEG.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/image.h"

namespace latentlab {

// Far above any image a model here is trained on; keeps a decoded 16-bit RGBA image (and
// stb's working buffers) in the low hundreds of MiB.
inline constexpr int64_t kMaxImagePixels = int64_t(1) << 24;  // 4096 x 4096, for decoding
// Images we make (grids, resizes) and encode: stb_image_write counts bytes in an int.
inline constexpr int64_t kMaxImageBytes = int64_t(1) << 30;

Image loadImageFile(const std::string& path);  // throws BadInput naming the file
// Decodes PNG/JPEG bytes; `where` names the source in messages. Torch-free (fuzzed).
// maxPixels: images with more pixels are refused before decoding (the fuzz target passes a
// smaller cap so one huge picture cannot eat its per-input time limit).
Image decodeImage(const std::vector<uint8_t>& bytes, const std::string& where, int64_t maxPixels = kMaxImagePixels);
std::vector<uint8_t> encodePng(const Image& img);
void writePng(const std::string& path, const Image& img);  // atomic
Image resizeImage(const Image& img, int width, int height);
Image toChannels(const Image& img, int channels);  // grey <-> RGB(A)

}  // namespace latentlab
