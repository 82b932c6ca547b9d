// PNG/JPEG in (stb_image) and PNG out (stb_image_write, atomic), plus resizing.
#pragma once
#include <string>

#include "engine/data/image.h"

namespace latentlab {

Image loadImageFile(const std::string& path);  // throws BadInput naming the file
std::vector<uint8_t> encodePng(const Image& img);
void writePng(const std::string& path, const Image& img);  // atomic
Image resizeImage(const Image& img, int width, int height);
Image toChannels(const Image& img, int channels);  // grey <-> RGB(A)

}  // namespace latentlab
