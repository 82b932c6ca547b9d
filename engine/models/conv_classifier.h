// The built-in image classifier ("conv-classifier") that LatentLab trains itself as the
// judge for generative models: class accuracy of conditional samples and the feature space
// of the Frechet distance. Sizes come from the manifest's config:
//   {"num_classes": 10, "channels": [32, 64], "features": 128}
// Two conv blocks (3x3 conv, ReLU, 2x2 max-pool) -> fc to `features` (ReLU; the penultimate
// layer, what the Frechet distance measures) -> dropout -> fc to the class logits.
// Input: N x C x H x W in [0, 1] (H, W divisible by 4). Never used to generate anything,
// and a classifier bundle is never loaded as a generative model.
#pragma once
#include <torch/nn.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/models/manifest.h"

namespace latentlab {

struct ConvClassifierConfig {
  int imageChannels = 1, imageHeight = 28, imageWidth = 28;
  int numClasses = 10;
  int channels1 = 32, channels2 = 64;
  int features = 128;
  double dropout = 0.3;

  static ConvClassifierConfig fromJson(const nlohmann::json& config, const ImageSpec& image,
                                       const std::string& where);
  nlohmann::json toJson() const;
};

class ConvClassifierImpl : public torch::nn::Module {
 public:
  explicit ConvClassifierImpl(const ConvClassifierConfig& cfg);
  torch::Tensor features(const torch::Tensor& x);           // N x features (after ReLU)
  torch::Tensor logitsFrom(const torch::Tensor& features);  // N x num_classes
  torch::Tensor forward(const torch::Tensor& x) { return logitsFrom(features(x)); }
  const ConvClassifierConfig& config() const { return m_cfg; }

 private:
  ConvClassifierConfig m_cfg;
  torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr};
  torch::nn::Linear m_fc{nullptr}, m_out{nullptr};
  torch::nn::Dropout m_dropout{nullptr};
};
TORCH_MODULE(ConvClassifier);

// A loaded classifier bundle (kind "classifier"), in eval mode on `device`.
struct ClassifierBundle {
  std::string dir;
  Manifest manifest;
  ConvClassifier model{nullptr};
  torch::Device device = torch::kCPU;
};

// Throws BadInput naming the folder when it is not a classifier bundle or its weights
// do not fit the config.
std::shared_ptr<ClassifierBundle> loadClassifierBundle(const std::string& dir,
                                                       torch::Device device = torch::kCPU);
// Writes the weights and then model.json (atomic); the manifest's classifier entry is
// filled in from the model's config.
void saveClassifierBundle(const std::string& dir, Manifest manifest, ConvClassifier& model);

// Fraction of rows whose arg-max logit equals the label (labels: N int64). NaN when N = 0.
[[nodiscard]] double classAccuracy(const torch::Tensor& logits, const torch::Tensor& labels);

}  // namespace latentlab
