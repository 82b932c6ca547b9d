// PNG/JPEG in (stb_image) and PNG out (stb_image_write, atomic), plus resizing. Decoding
// checks the signature, the file size and the declared size before stb allocates anything;
// never hands stb a format other than PNG or JPEG.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/image.h"

namespace latentlab {

inline constexpr int64_t kMaxImagePixels = int64_t(1) << 26;  // 8192 x 8192

Image loadImageFile(const std::string& path);  // throws BadInput naming the file
// Decodes PNG/JPEG bytes; `where` names the source in messages. Torch-free (fuzzed).
Image decodeImage(const std::vector<uint8_t>& bytes, const std::string& where);
std::vector<uint8_t> encodePng(const Image& img);
void writePng(const std::string& path, const Image& img);  // atomic
Image resizeImage(const Image& img, int width, int height);
Image toChannels(const Image& img, int channels);  // grey <-> RGB(A)

}  // namespace latentlab
