// A data set of same-sized images with optional labels and class names.
// Specs (see DESIGN.md): fashion-mnist[:train|:test|:all] (all = train then test), idx:IMAGES[,LABELS], a folder of images
// (sub-folders = classes), npy:FILE (N x H x W or N x C x H x W; uint8 0..255 or float32 0..1).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/image.h"

namespace latentlab {

struct Dataset {
  std::string spec;  // what it was opened from
  int64_t count = 0;
  int channels = 1, height = 0, width = 0;
  std::vector<uint8_t> pixels;   // N x H x W x C, uint8
  std::vector<int64_t> labels;   // empty when the data has none
  std::vector<std::string> classNames;

  Image image(int64_t i) const;
  int64_t label(int64_t i) const { return labels.empty() ? -1 : labels[size_t(i)]; }
};

struct DatasetOptions {
  int resizeWidth = 0, resizeHeight = 0;  // folders: resize everything to this size
  int64_t limit = 0;                      // keep only the first `limit` images (0 = all)
};

// Throws BadInput with a message that names the spec/file and the problem.
Dataset openDataset(const std::string& spec, const DatasetOptions& opts = {});

// Where the Debian package keeps Fashion-MNIST; LATENTLAB_FASHION_DIR overrides it.
std::string fashionMnistDir();
const std::vector<std::string>& fashionMnistClasses();

}  // namespace latentlab
