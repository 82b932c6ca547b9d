// The torch-free face of a vq-autoregressive bundle for the GUI (the Tokens view) and other
// callers that must not see LibTorch: open a bundle, sample token grids (all at once or from
// a kept prefix), the next-token distribution at a position before and after temperature
// with the top-k / top-p cut marked, greedy and beam search, decode a (partial) token grid,
// encode an image into tokens, and each code's look. Every call may block: the app calls it
// only from a FeatureJobs worker. Calls into the networks are serialised inside, so one
// instance may be shared by several workers. Never touches GL or ImGui.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/data/image.h"
#include "engine/jobs/progress.h"

namespace latentlab {

struct TokenSettings {
  double temperature = 1.0;  // 0 = greedy
  int topK = 0;              // 0 = off
  double topP = 1.0;         // 1 = off
  bool greedy = false;
};

// The next-token distribution at one position, for the `shown` most likely tokens (by the
// model's own probability), most likely first.
struct NextTokenView {
  int position = 0;
  std::vector<int> tokens;
  std::vector<float> probModel;      // softmax of the logits (temperature 1)
  std::vector<float> probTempered;   // softmax(logits / temperature), before the cuts
  std::vector<float> probSampled;    // what is actually sampled from (after top-k / top-p, renormalised)
  std::vector<bool> kept;            // survives top-k and top-p
  double keptMass = 1.0;             // tempered probability mass of all kept tokens (not only those shown)
  int keptCount = 0;                 // how many tokens survive, of the whole codebook
};

struct TokenBeamView {
  std::vector<int> tokens;
  double logProb = 0;
};

// The codes' embeddings projected on their two principal axes (the Tokens view's codebook map).
struct CodebookMap {
  std::vector<float> x, y;     // one point per code
  double varianceShare[2] = {0, 0};  // of the embeddings' total variance along each axis
};

// Called after each drawn token with its position and code (on the worker).
using TokenDrawnFn = std::function<void(int position, int token)>;

class TokenModel {
 public:
  // Throws BadInput (missing folder, bad manifest or weights, not kind vq-autoregressive);
  // device: auto | cpu | cuda (UsageError when cuda is asked for and missing).
  static std::shared_ptr<TokenModel> open(const std::string& dir, const std::string& device = "cpu");
  virtual ~TokenModel() = default;

  virtual std::string name() const = 0;
  virtual int rows() const = 0;
  virtual int cols() const = 0;
  int length() const { return rows() * cols(); }
  virtual int codebookSize() const = 0;
  virtual int numClasses() const = 0;  // 0: unconditional
  virtual std::vector<std::string> classNames() const = 0;
  virtual bool canSample() const = 0;  // false for a tokeniser without a prior
  virtual TokenSettings recommended() const = 0;

  // A full grid (length tokens, raster order) keeping `prefix` and drawing the rest, seeded.
  virtual std::vector<int> sample(int cls, const std::vector<int>& prefix, const TokenSettings& s,
                                  uint64_t seed) const = 0;
  // The same draw as sample() (same seed, same tokens), reporting each token as it is drawn;
  // throws Cancelled when `cancel` is set between two tokens.
  virtual std::vector<int> sampleSteps(int cls, const std::vector<int>& prefix, const TokenSettings& s, uint64_t seed,
                                       const TokenDrawnFn& onStep, CancelToken cancel = {}) const = 0;
  // The distribution of token number prefix.size() given the class and prefix.
  virtual NextTokenView nextToken(int cls, const std::vector<int>& prefix, const TokenSettings& s, int shown = 16) const = 0;
  // Beam search (width 1..8) from `prefix`, best first.
  virtual std::vector<TokenBeamView> beams(int cls, int width, const std::vector<int>& prefix) const = 0;

  // The image of a grid; entries < 0 (not sampled yet) take the blank image's tokens.
  virtual Image decode(const std::vector<int>& tokens) const = 0;
  virtual std::vector<int> encode(const Image& image) const = 0;  // grey/RGB of the model's size
  // Several grids at once (one network call per 64 grids), entries < 0 as in decode().
  virtual std::vector<Image> decodeBatch(const std::vector<std::vector<int>>& grids) const = 0;
  // How often each code occurs in the tokens of data items [0, limit) (limit <= 0: all);
  // progress(f) between batches, Cancelled when `cancel` is set.
  virtual std::vector<int64_t> codeUsage(const Dataset& data, int64_t limit, const std::function<void(double)>& progress,
                                         CancelToken cancel = {}) const = 0;
  virtual CodebookMap codebookMap() const = 0;
  virtual std::string dir() const = 0;
  virtual std::string device() const = 0;  // "cpu", "cuda:0"
  // Code `code` everywhere: what a uniform field of it decodes to.
  virtual Image codeImage(int code) const = 0;
  virtual std::vector<int> blankTokens() const = 0;  // the tokens of an all-black image
};

}  // namespace latentlab
