#include "engine/data/dataset.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "engine/data/idx.h"
#include "engine/data/image_io.h"
#include "engine/data/npy.h"
#include "engine/data/resize.h"
#include "engine/util/errors.h"

namespace fs = std::filesystem;

namespace latentlab {

Image Dataset::image(int64_t i) const {
  Image img(width, height, channels);
  size_t n = size_t(width) * height * channels;
  std::memcpy(img.pixels.data(), pixels.data() + size_t(i) * n, n);
  return img;
}

std::string fashionMnistDir() {
  const char* env = std::getenv("LATENTLAB_FASHION_DIR");
  return env && *env ? env : "/usr/share/datasets/fashion-mnist";
}

const std::vector<std::string>& fashionMnistClasses() {
  static const std::vector<std::string> names = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                 "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};
  return names;
}

// Images larger than this on a side are not images a latent map can show; refusing them
// also keeps every side inside an `int`.
static constexpr int64_t kMaxImageSide = 65536;

static void checkImageSides(const std::string& path, int64_t height, int64_t width) {
  if (height < 1 || width < 1 || height > kMaxImageSide || width > kMaxImageSide)
    throw BadInput(path + ": image size " + std::to_string(height) + "x" + std::to_string(width) +
                   " is not supported (each side must be 1.." + std::to_string(kMaxImageSide) + ")");
}

static Dataset fromIdx(const std::string& spec, const std::string& imagesPath, const std::string& labelsPath) {
  IdxArray im = readIdx(imagesPath);
  if (im.dims.size() != 3)
    throw BadInput(imagesPath + ": expected a rank-3 IDX image array (N x H x W), got rank " +
                   std::to_string(im.dims.size()));
  checkImageSides(imagesPath, im.dims[1], im.dims[2]);
  Dataset d;
  d.spec = spec;
  d.count = im.dims[0];
  d.height = int(im.dims[1]);
  d.width = int(im.dims[2]);
  d.channels = 1;
  d.pixels = std::move(im.data);
  if (!labelsPath.empty()) {
    IdxArray lb = readIdx(labelsPath);
    if (lb.dims.size() != 1) throw BadInput(labelsPath + ": expected a rank-1 IDX label array");
    if (int64_t(lb.dims[0]) != d.count)
      throw BadInput(labelsPath + ": " + std::to_string(lb.dims[0]) + " labels for " + std::to_string(d.count) +
                     " images in " + imagesPath);
    d.labels.assign(lb.data.begin(), lb.data.end());
  }
  return d;
}

static Dataset fromFashion(const std::string& spec, const std::string& split) {
  std::string dir = fashionMnistDir();
  std::string prefix = split == "train" ? "train" : "t10k";
  std::string images = dir + "/" + prefix + "-images-idx3-ubyte.gz";
  std::string labels = dir + "/" + prefix + "-labels-idx1-ubyte.gz";
  if (!fs::exists(images))
    throw BadInput(images + ": Fashion-MNIST not found (install the Debian package dataset-fashion-mnist)");
  Dataset d = fromIdx(spec, images, labels);
  d.classNames = fashionMnistClasses();
  return d;
}

static Dataset fromNpy(const std::string& spec, const std::string& path) {
  NpyArray a = readNpy(path);
  Dataset d;
  d.spec = spec;
  if (a.shape.size() == 3 || a.shape.size() == 4) checkImageSides(path, a.shape[a.shape.size() - 2], a.shape.back());
  if (a.shape.size() == 4 && a.shape[1] != 1 && a.shape[1] != 3)
    throw BadInput(path + ": expected 1 or 3 channels in N x C x H x W, got " + std::to_string(a.shape[1]));
  if (a.shape.size() == 3) {
    d.count = a.shape[0], d.channels = 1, d.height = int(a.shape[1]), d.width = int(a.shape[2]);
  } else if (a.shape.size() == 4) {
    d.count = a.shape[0], d.channels = int(a.shape[1]), d.height = int(a.shape[2]), d.width = int(a.shape[3]);
  } else {
    throw BadInput(path + ": expected images shaped N x H x W or N x C x H x W");
  }
  if (a.dtype == NpyDtype::Int64) throw BadInput(path + ": image data must be uint8 or float32, not int64");
  size_t plane = size_t(d.height) * d.width;
  d.pixels.resize(size_t(d.count) * plane * d.channels);
  for (int64_t n = 0; n < d.count; ++n)
    for (int c = 0; c < d.channels; ++c)
      for (size_t p = 0; p < plane; ++p) {
        size_t src = (size_t(n) * d.channels + c) * plane + p;
        float v = a.dtype == NpyDtype::UInt8 ? a.data[src] / 255.f : a.f32()[src];
        if (v < -1e-3f || v > 1.001f)
          throw BadInput(path + ": float32 images must lie in [0,1]; value " + std::to_string(v) + " at index " +
                         std::to_string(src));
        d.pixels[(size_t(n) * plane + p) * d.channels + c] = uint8_t(std::lround(std::clamp(v, 0.f, 1.f) * 255.f));
      }
  return d;
}

static bool isImageFile(const fs::path& p) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), ::tolower);
  return e == ".png" || e == ".jpg" || e == ".jpeg";
}

static Dataset fromFolder(const std::string& spec, const std::string& dir, const DatasetOptions& o) {
  std::vector<std::pair<fs::path, int64_t>> files;
  std::vector<std::string> classes;
  std::vector<fs::path> subdirs;
  for (auto& e : fs::directory_iterator(dir))
    if (e.is_directory()) subdirs.push_back(e.path());
  std::sort(subdirs.begin(), subdirs.end());
  auto collect = [&](const fs::path& d, int64_t label) {
    std::vector<fs::path> fsorted;
    for (auto& e : fs::directory_iterator(d))
      if (e.is_regular_file() && isImageFile(e.path())) fsorted.push_back(e.path());
    std::sort(fsorted.begin(), fsorted.end());
    for (auto& f : fsorted) files.push_back({f, label});
  };
  if (subdirs.empty()) {
    collect(dir, -1);
  } else {
    for (auto& s : subdirs) {
      classes.push_back(s.filename().string());
      collect(s, int64_t(classes.size() - 1));
    }
  }
  if (files.empty()) throw BadInput(dir + ": no PNG/JPEG images found in this folder");
  if (o.limit > 0 && int64_t(files.size()) > o.limit) files.resize(size_t(o.limit));
  Dataset d;
  d.spec = spec;
  d.classNames = classes;
  for (auto& [path, label] : files) {
    Image img = loadImageFile(path.string());
    if (d.count == 0) {
      d.width = o.resizeWidth ? o.resizeWidth : img.width;
      d.height = o.resizeHeight ? o.resizeHeight : img.height;
      d.channels = img.channels;
    }
    if (img.width != d.width || img.height != d.height) {
      if (!o.resizeWidth)
        throw BadInput(path.string() + ": size " + std::to_string(img.width) + "x" + std::to_string(img.height) +
                       " differs from " + std::to_string(d.width) + "x" + std::to_string(d.height) +
                       " of the first image (pass a resize size to resize all images)");
      img = resizeImage(img, d.width, d.height);
    }
    img = toChannels(img, d.channels);
    d.pixels.insert(d.pixels.end(), img.pixels.begin(), img.pixels.end());
    if (!classes.empty()) d.labels.push_back(label);
    d.count++;
  }
  return d;
}

Dataset openDataset(const std::string& spec, const DatasetOptions& opts) {
  if (auto r = splitResizeSuffix(spec)) return resizeDataset(openDataset(r->base, opts), r->to);  // SPEC@CxHxW
  Dataset d;
  if (spec == "fashion-mnist" || spec == "fashion-mnist:test") {
    d = fromFashion(spec, "test");
  } else if (spec == "fashion-mnist:train") {
    d = fromFashion(spec, "train");
  } else if (spec == "fashion-mnist:all") {
    // Train then test (70,000 images): the largest map the window is asked to draw.
    d = fromFashion(spec, "train");
    Dataset test = fromFashion(spec, "test");
    d.pixels.insert(d.pixels.end(), test.pixels.begin(), test.pixels.end());
    d.labels.insert(d.labels.end(), test.labels.begin(), test.labels.end());
    d.count += test.count;
  } else if (spec.rfind("fashion-mnist:", 0) == 0) {
    throw BadInput(spec + ": unknown split (use fashion-mnist:train, fashion-mnist:test or fashion-mnist:all)");
  } else if (spec.rfind("idx:", 0) == 0) {
    std::string rest = spec.substr(4);
    auto comma = rest.find(',');
    d = fromIdx(spec, rest.substr(0, comma), comma == std::string::npos ? "" : rest.substr(comma + 1));
  } else if (spec.rfind("npy:", 0) == 0) {
    d = fromNpy(spec, spec.substr(4));
  } else if (fs::is_directory(spec)) {
    d = fromFolder(spec, spec, opts);
  } else {
    throw BadInput(spec + ": not a data set (use fashion-mnist[:train|:test], idx:IMAGES[,LABELS], npy:FILE or "
                          "a folder of images)");
  }
  if (d.count == 0) throw BadInput(spec + ": the data set is empty");
  if (opts.limit > 0 && d.count > opts.limit) {
    d.count = opts.limit;
    d.pixels.resize(size_t(d.count) * d.width * d.height * d.channels);
    if (!d.labels.empty()) d.labels.resize(size_t(d.count));
  }
  return d;
}

}  // namespace latentlab
