// Latent specs, bases and outputs shared by the steering render commands (see cmd_render_specs.h).
#include "app/cli/cmd_render_specs.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "engine/data/npy.h"
#include "engine/export/gif_writer.h"
#include "engine/util/device.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

namespace {

bool startsWith(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }
bool endsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// A non-negative integer, or BadInput naming the spec.
int64_t parseCount(const std::string& text, const std::string& spec, const char* what) {
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || !end || *end != '\0' || errno != 0 || v < 0)
    throw BadInput("latent \"" + spec + "\": " + what + " must be a non-negative integer");
  return v;
}

std::vector<float> meanOf(const LatentSet& set, int classId) {
  std::vector<double> m(size_t(set.dim), 0.0);
  int64_t n = 0;
  for (int64_t i = 0; i < set.count; ++i)
    if (classId < 0 || (size_t(i) < set.labels.size() && set.labels[size_t(i)] == classId)) {
      for (int k = 0; k < set.dim; ++k) m[size_t(k)] += set.row(i)[k];
      ++n;
    }
  if (n == 0) return {};
  std::vector<float> out(m.size());
  for (size_t k = 0; k < m.size(); ++k) out[k] = float(m[k] / double(n));
  return out;
}

LatentPoint fromNpy(const std::string& spec, const ModelInfo& info) {
  std::string path = spec;
  int64_t row = 0;
  auto hash = spec.rfind('#');
  if (hash != std::string::npos && endsWith(spec.substr(0, hash), ".npy")) {
    path = spec.substr(0, hash);
    row = parseCount(spec.substr(hash + 1), spec, "the row after #");
  }
  NpyArray a = readNpy(path);
  if (a.dtype != NpyDtype::Float32) throw BadInput(path + ": latents must be float32");
  const int64_t d = info.latentDim;
  int64_t rows = a.shape.empty() ? 0 : a.count() / std::max<int64_t>(1, d);
  if (a.count() == 0 || a.count() % d != 0 || (a.shape.size() == 1 && a.shape[0] != d) ||
      (a.shape.size() >= 2 && a.count() / a.shape[0] != d))
    throw BadInput(path + ": expected latents of " + std::to_string(d) + " values (shape [" + std::to_string(d) +
                   "] or [N, " + std::to_string(d) + "]) for " + info.dir);
  if (row >= rows) throw BadInput(path + ": row " + std::to_string(row) + " out of range (" + std::to_string(rows) + " rows)");
  LatentPoint p;
  p.z.assign(a.f32() + row * d, a.f32() + (row + 1) * d);
  p.label = rows > 1 ? "row " + std::to_string(row) : "npy";
  return p;
}

Image scaled(const Image& im, int s) {
  if (s <= 1) return im;
  Image out(im.width * s, im.height * s, im.channels);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x)
      std::copy(im.at(x / s, y / s), im.at(x / s, y / s) + im.channels, out.at(x, y));
  return out;
}

}  // namespace

std::shared_ptr<ExploreModel> loadFaceForCli(const std::string& dir, const EngineOptions& o) {
  pickDevice(o.device);  // a bad --device is a usage error (exit 2)
  setEngineThreads(o.threads > 0 ? o.threads : defaultEngineThreads());
  return ExploreModel::load(dir, o.device);
}

void addSnapOption(CLI::App* c, bool& noSnap) {
  c->add_flag("--no-snap", noSnap,
              "VQ models: decode the code vectors as they are, instead of snapping each cell to its nearest code first");
}

void applySnapOption(ExploreModel& m, bool noSnap) {
  if (m.info().codebookSize <= 0) {
    if (noSnap) throw BadInput("--no-snap: " + m.info().dir + " has no codebook to snap to (only VQ models do)");
    return;
  }
  m.setSnapToCodebook(!noSnap);
}

const Dataset& FaceContext::data() {
  if (!m_data) m_data = std::make_shared<Dataset>(openDataset(m_dataSpec));
  return *m_data;
}

const LatentSet& FaceContext::latents() {
  if (!m_latents) {
    if (m_model->info().hasEncoder)
      m_latents = std::make_shared<LatentSet>(m_model->encode(data()));
    else
      m_latents = std::make_shared<LatentSet>(m_model->encodePrior(kPriorSetSize, 0, m_psi));
  }
  return *m_latents;
}

std::vector<float> FaceContext::item(int64_t i, int& label) {
  if (m_latents || !m_model->info().hasEncoder) {
    const LatentSet& set = latents();
    if (i >= set.count)
      throw BadInput(set.dataSpec + ": index " + std::to_string(i) + " out of range (" + std::to_string(set.count) +
                     " points)");
    label = size_t(i) < set.labels.size() ? set.labels[size_t(i)] : -1;
    return set.latent(i);
  }
  const Dataset& d = data();
  if (i >= d.count)
    throw BadInput(d.spec + ": index " + std::to_string(i) + " out of range (" + std::to_string(d.count) + " images)");
  Dataset one;  // just this image: encoding the whole set for one endpoint would waste seconds
  one.spec = d.spec;
  one.count = 1;
  one.channels = d.channels, one.height = d.height, one.width = d.width;
  const size_t bytes = size_t(d.channels) * d.height * d.width;
  one.pixels.assign(d.pixels.begin() + ptrdiff_t(size_t(i) * bytes), d.pixels.begin() + ptrdiff_t(size_t(i + 1) * bytes));
  one.classNames = d.classNames;
  if (!d.labels.empty()) one.labels = {d.labels[size_t(i)]};
  label = int(d.label(i));
  return m_model->encode(one).latent(0);
}

int parseClassName(const std::string& name, const std::vector<std::string>& classes, const std::string& what) {
  if (name.empty()) return -1;
  for (size_t i = 0; i < classes.size(); ++i)
    if (classes[i] == name) return int(i);
  char* end = nullptr;
  long v = std::strtol(name.c_str(), &end, 10);
  if (end && *end == '\0' && v >= 0 && (classes.empty() || size_t(v) < classes.size())) return int(v);
  std::string known;
  for (const auto& c : classes) known += (known.empty() ? "" : ", ") + c;
  throw BadInput(what + ": no class \"" + name + "\" (classes: " + (known.empty() ? "none" : known) + ")");
}

LatentPoint parseLatentSpec(const std::string& spec, FaceContext& ctx) {
  const ModelInfo& info = ctx.info();
  LatentPoint p;
  if (startsWith(spec, "prior:")) {
    uint64_t seed = uint64_t(parseCount(spec.substr(6), spec, "the seed"));
    p.z = ctx.model().priorSample(1, seed, ctx.psi());
    p.label = "seed " + std::to_string(seed);
    return p;
  }
  if (startsWith(spec, "class-mean:")) {
    const LatentSet& set = ctx.latents();
    p.classId = parseClassName(spec.substr(11), set.classNames.empty() ? info.classes : set.classNames,
                               "latent \"" + spec + "\"");
    p.z = meanOf(set, p.classId);
    if (p.z.empty()) throw BadInput("latent \"" + spec + "\": the class has no points in " + set.dataSpec);
    p.label = spec.substr(11);
    if (info.conditional == 0) p.classId = -1;  // only a conditional decoder takes the class
    return p;
  }
  if (endsWith(spec, ".npy") || spec.find(".npy#") != std::string::npos) return fromNpy(spec, info);
  std::string item = startsWith(spec, "item:") ? spec.substr(5) : spec;
  if (!item.empty() && item.find_first_not_of("0123456789") == std::string::npos) {
    int64_t i = parseCount(item, spec, "the item");
    int label = -1;
    p.z = ctx.item(i, label);
    p.label = "item " + std::to_string(i);
    if (info.conditional > 0) p.classId = label;
    return p;
  }
  throw BadInput("latent \"" + spec + "\": expected item:I, class-mean:NAME, prior:SEED or FILE.npy[#ROW]");
}

LatentPoint parseBaseSpec(const std::string& spec, FaceContext& ctx) {
  LatentPoint p;
  if (spec == "data-mean") {
    p.z = meanOf(ctx.latents(), -1);
    p.label = "data mean";
    return p;
  }
  if (spec == "prior") {
    if (ctx.info().codebookSize > 0)
      throw BadInput("--base prior: a VQ model's prior is a transformer over token grids, which has no mean latent; "
                     "use data-mean (the default), class:NAME, item:I or prior:SEED (a grid it draws)");
    p.z.assign(size_t(ctx.info().latentDim), 0.f);
    p.label = "prior mean";
    return p;
  }
  if (startsWith(spec, "class:")) return parseLatentSpec("class-mean:" + spec.substr(6), ctx);
  return parseLatentSpec(spec, ctx);
}

void addImageOutputs(CLI::App* c, ImageOutputs& o, bool gif) {
  c->add_option("-o,--out", o.png, "Output PNG")->required();
  c->add_option("--npy", o.npy, "Also write the images as float32 N x C x H x W in [0,1]");
  c->add_option("--scale", o.scale, "Pixel size of each image in the grid")->capture_default_str()->check(CLI::Range(1, 16));
  c->add_flag("!--no-labels", o.labels, "Leave out row and column labels");
  if (!gif) return;
  c->add_option("--gif", o.gif, "Also write the frames as an animated GIF (loops forever)");
  c->add_option("--fps", o.fps, "GIF frames per second")->capture_default_str()->check(CLI::Range(0.1, 100.0));
  c->add_option("--gif-scale", o.gifScale, "Pixel size of each GIF frame")->capture_default_str()->check(CLI::Range(1, 32));
  c->add_flag("--ping-pong", o.pingPong, "GIF plays forward then back");
}

void decodeRows(ExploreModel& m, const std::vector<float>& z, const std::vector<int>& classes,
                std::vector<Image>& images, std::vector<float>& values) {
  const int n = int(classes.size());
  values = m.decodeValues(z, n, classes);
  const ModelInfo& i = m.info();
  const size_t per = size_t(i.channels) * i.height * i.width;
  images.clear();
  for (int k = 0; k < n; ++k) {
    Image im(i.width, i.height, i.channels);
    for (int c = 0; c < i.channels; ++c)
      for (int y = 0; y < i.height; ++y)
        for (int x = 0; x < i.width; ++x) {
          float v = values[size_t(k) * per + (size_t(c) * i.height + y) * i.width + x];
          im.at(x, y)[c] = uint8_t(std::lround(std::clamp(v, 0.f, 1.f) * 255.f));
        }
    images.push_back(std::move(im));
  }
}

void writeImageOutputs(const std::vector<Image>& images, const std::vector<float>& values, GridOptions grid,
                       const ImageOutputs& o, const std::vector<Image>& frames) {
  if (images.empty()) throw BadInput("nothing to write: no images");
  grid.scale = o.scale;
  if (!o.labels) grid.rowLabels.clear(), grid.colLabels.clear();
  if (!o.npy.empty()) {
    const Image& f = images[0];
    std::vector<float> v = values;
    if (v.empty())
      for (const auto& im : images)
        for (int c = 0; c < im.channels; ++c)
          for (int y = 0; y < im.height; ++y)
            for (int x = 0; x < im.width; ++x) v.push_back(im.at(x, y)[c] / 255.f);
    writeNpy(o.npy, makeNpyF32({int64_t(images.size()), f.channels, f.height, f.width}, v.data()));
  }
  writeGridPng(images, grid, o.png);
  std::printf("wrote %s (%zu images)\n", o.png.c_str(), images.size());
  if (!o.gif.empty()) {
    const auto& src = frames.empty() ? images : frames;
    std::vector<Image> anim;
    for (const auto& im : src) anim.push_back(scaled(im, o.gifScale));
    if (o.pingPong)
      for (size_t k = src.size() >= 2 ? src.size() - 2 : 0; k >= 1 && k < src.size(); --k) anim.push_back(anim[k]);
    GifOptions g;
    g.delayCs = gifDelayForFps(o.fps);
    writeGif(o.gif, anim, g);
    std::printf("wrote %s (%zu frames, %.3g fps)\n", o.gif.c_str(), anim.size(), 100.0 / g.delayCs);
  }
}

std::string formatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2g", v);
  return buf;
}

}  // namespace latentlab::cli
