// What the steering render commands (interp, traverse, decode, sample of a GAN) share: the
// model opened through the latent face (any kind with a latent), the data encoded lazily
// once, latent specs (item:I, class-mean:NAME, prior:SEED, a .npy latent), traversal bases,
// class options, and writing images as a PNG grid, .npy and animated GIF. Errors are
// BadInput (exit 3) naming the spec or file, or UsageError (exit 2) for a malformed option.
#pragma once
#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "app/cli/cli_common.h"
#include "engine/data/grid.h"
#include "engine/explore/explorer.h"

namespace latentlab::cli {

// --device is checked here (UsageError, exit 2) before the model is opened.
std::shared_ptr<ExploreModel> loadFaceForCli(const std::string& dir, const EngineOptions& o);

// --no-snap: a VQ model's latents are decoded as the code vectors they are instead of each
// cell snapped to its nearest code first (the default). BadInput on a model without a codebook.
void addSnapOption(CLI::App* c, bool& noSnap);
void applySnapOption(ExploreModel& m, bool noSnap);

// The model with what specs may need, made on first use.
class FaceContext {
 public:
  FaceContext(std::shared_ptr<ExploreModel> model, std::string dataSpec, double psi)
      : m_model(std::move(model)), m_dataSpec(std::move(dataSpec)), m_psi(psi) {}
  ExploreModel& model() { return *m_model; }
  const ModelInfo& info() const { return m_model->info(); }
  double psi() const { return m_psi; }
  // The encoded --data set; for a model without encoder, its map of prior samples
  // (encodePrior(kPriorSetSize, 0, psi): item:I is the map's point I, as in the window).
  const LatentSet& latents();
  // Point i of that set (a model with encoder encodes only this item unless the whole set is
  // already encoded), with its label; BadInput naming the data when i is out of range.
  std::vector<float> item(int64_t i, int& label);

 private:
  const Dataset& data();
  std::shared_ptr<ExploreModel> m_model;
  std::string m_dataSpec;
  double m_psi;
  std::shared_ptr<Dataset> m_data;
  std::shared_ptr<LatentSet> m_latents;
};

// A latent with the class it is decoded for (-1 = the model's default).
struct LatentPoint {
  std::vector<float> z;
  int classId = -1;
  std::string label;  // short, for grid labels: "item 3", "Sneaker", "seed 7"
};

// item:I (or a bare I), class-mean:NAME, prior:SEED, FILE.npy[#ROW] (shape [dim], [1, dim]
// or [N, dim]; a row of the last).
LatentPoint parseLatentSpec(const std::string& spec, FaceContext& ctx);
// data-mean, prior (the prior's mean, 0; BadInput for a VQ model, whose prior over token
// grids has no mean latent), class:NAME (its mean), or any latent spec.
LatentPoint parseBaseSpec(const std::string& spec, FaceContext& ctx);
// A class by name or index for --class; "" = -1. BadInput naming the model's classes.
int parseClassName(const std::string& name, const std::vector<std::string>& classes, const std::string& what);

struct ImageOutputs {
  std::string png, npy, gif;
  int scale = 2;          // grid cells
  int gifScale = 4;       // GIF frames
  double fps = 8;
  bool pingPong = false;
  bool labels = true;
};
void addImageOutputs(CLI::App* c, ImageOutputs& o, bool gif);
// Writes the grid PNG (labels kept unless --no-labels), the .npy (float32 N x C x H x W in
// [0, 1]: `values` when given, else the images / 255) and, when asked, `frames` as an
// animated GIF (each frame scaled, ping-pong adds the way back without repeating the ends).
void writeImageOutputs(const std::vector<Image>& images, const std::vector<float>& values, GridOptions grid,
                       const ImageOutputs& o, const std::vector<Image>& frames = {});
// Decodes rows (one class id each) as images and [0, 1] values in one pass of the network.
void decodeRows(ExploreModel& m, const std::vector<float>& z, const std::vector<int>& classes,
                std::vector<Image>& images, std::vector<float>& values);
std::string formatNumber(double v);  // "%.2g"

}  // namespace latentlab::cli
