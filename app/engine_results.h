// What the engine client's jobs hand back: one plain struct per kind of work, each wrapped
// in an EngineResult stamped with the model generation the job ran on, and the slot names
// the jobs run under. EngineClient::poll() applies a result by its type (std::visit), never
// by comparing slot strings, and drops results of an older model. No ImGui, no GL.
#pragma once
#include <any>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "app/feature_jobs.h"
#include "engine/data/dataset.h"
#include "engine/data/image.h"
#include "engine/explore/diffusion_sampling.h"
#include "engine/explore/explorer.h"
#include "engine/explore/latent_plane.h"

namespace latentlab {

// Job slots: a newer request for a slot replaces (and cancels) the older one.
namespace slot {
inline constexpr const char* kLoad = "load";        // background: open a bundle
inline constexpr const char* kEncode = "encode";    // background: encode the data set
inline constexpr const char* kGrid = "grid";        // background: the manifold grid
inline constexpr const char* kDecode = "decode";    // interactive: the image under the cursor
inline constexpr const char* kRecon = "recon";      // interactive: the selected item's reconstruction
inline constexpr const char* kNoise = "noise";      // interactive: forward noising
inline constexpr const char* kSample = "sample";    // sampler: the main diffusion run
inline constexpr const char* kSampleB = "sample-b"; // sampler: the Compare view's second run
}  // namespace slot

struct GridImages {
  // The k*k decodes tiled into one picture, row-major, row 0 at the top of the map (built
  // on the worker): drawn as one texture, the grid costs one upload and one draw call.
  Image atlas;
  int k = 0;
  double u0 = 0, u1 = 0, v0 = 0, v1 = 0;
  LatentPlane plane;        // the plane the grid was decoded on
  uint64_t generation = 0;  // the model it was decoded with
  uint64_t version = 0;     // texture version; never repeats within one client
};

struct LoadResult {
  std::string dir;
  std::shared_ptr<ExploreModel> model;          // null for a pixel diffusion model
  std::shared_ptr<DiffusionSampler> diffusion;  // null for an autoencoder
  std::shared_ptr<TokenModel> tokens;           // a vq-autoregressive bundle (then model is null)
};

struct EncodeResult {
  std::shared_ptr<const Dataset> data;
  std::shared_ptr<const LatentSet> latents;
  LatentPlane pca;
};

struct DecodeResult {
  Image image;
  std::vector<float> latent;  // what was decoded
  double submitMs = 0;        // when it was asked for (latency readout)
};

struct ReconResult {
  int64_t index = -1;
  Image original, recon;
};

struct NoiseResult {
  int64_t index = -1, t = -1;
  Image original;
  NoisedImage noised;
};

struct GridResult {
  GridImages grid;
};

struct SampleResult {
  int track = 0;  // 0 = the main run, 1 = the Compare view's second run
  Image final;
};

// A feature's job (app/feature_jobs.h): its value and the callback that applies it.
struct FeatureResult {
  std::any value;
  std::function<void(FeatureOutcome&)> done;
};

using ResultValue = std::variant<LoadResult, EncodeResult, DecodeResult, ReconResult, NoiseResult, GridResult,
                                 SampleResult, FeatureResult>;

struct EngineResult {
  uint64_t generation = 0;  // the model generation the job ran with (EngineClient::generation())
  std::string error;        // the job failed: the first line of its message
  bool cancelled = false;
  ResultValue value;        // the kind of job; value-initialised when it failed or was cancelled
};

}  // namespace latentlab
