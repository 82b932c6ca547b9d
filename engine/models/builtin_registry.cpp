#include "engine/models/builtin_registry.h"

#include <type_traits>

#include "engine/models/builtin_denoiser.h"
#include "engine/models/conv_classifier.h"
#include "engine/models/conv_vae.h"
#include "engine/models/gan_generator.h"
#include "engine/models/latent_mlp.h"
#include "engine/models/model_kinds.h"
#include "engine/models/token_prior.h"
#include "engine/models/unet.h"
#include "engine/models/vq_vae.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

// One adapter for every built-in denoiser: Net is a TORCH_MODULE holder whose module has
// forward(x, t, classes) and config() (with numClasses and toJson()).
template <typename Net, typename Config>
class ModuleDenoiser : public BuiltinDenoiser {
 public:
  explicit ModuleDenoiser(const Config& cfg) : m_model(cfg) {}
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& c) override {
    return m_model->forward(x, t, c);
  }
  torch::Tensor forwardGuided(const torch::Tensor& x, const torch::Tensor& t, const torch::Tensor& c) override {
    // The UNet shares its class-independent start between the guided halves (engine/models/unet.h).
    if constexpr (std::is_same_v<Net, UNet>) return m_model->forwardGuided(x, t, c);
    return BuiltinDenoiser::forwardGuided(x, t, c);
  }
  int numClasses() const override { return m_model->config().numClasses; }
  torch::nn::Module& module() override { return *m_model; }
  nlohmann::json configJson() const override { return m_model->config().toJson(); }

 private:
  Net m_model;
};

// The network of a denoiser entry, sharing ownership with its Denoiser adapter.
std::shared_ptr<torch::nn::Module> denoiserModule(std::shared_ptr<BuiltinDenoiser> d) {
  torch::nn::Module* module = &d->module();
  return std::shared_ptr<torch::nn::Module>(std::move(d), module);
}

void needFlatLatent(const Manifest& m, int latentDim, const std::string& where, const char* field) {
  if (m.latentShape.size() != 1 || m.latentShape[0] != latentDim)
    throw BadInput(where + ": latent.shape must be [" + std::to_string(latentDim) + "] to match " + field +
                   ".config.latent_dim");
}

std::vector<BuiltinArch> makeTable() {
  std::vector<BuiltinArch> t;
  {
    BuiltinArch a{"conv-vae", ArchRole::Autoencoder,
                  "convolutional VAE: image <-> flat latent (latent_dim, channels, hidden)", {}, {}, {}};
    a.make = [](const Manifest& m, const std::string& where) -> std::shared_ptr<torch::nn::Module> {
      ConvVaeConfig cfg = ConvVaeConfig::fromJson(m.autoencoder->config, m.image.channels, m.image.height,
                                                  m.image.width, where + ": autoencoder");
      needFlatLatent(m, cfg.latentDim, where, "autoencoder");
      return ConvVae(cfg).ptr();
    };
    a.forward = [](torch::nn::Module& net, const torch::Tensor& z) {
      return static_cast<ConvVaeImpl&>(net).decode(z);
    };
    t.push_back(a);
  }
  {
    BuiltinArch a{"unet", ArchRole::Denoiser,
                  "class-conditional UNet denoiser on pixels (kind diffusion)", {}, {}, {}};
    a.makeDenoiser = [](const Manifest& m, const std::string& where) -> std::shared_ptr<BuiltinDenoiser> {
      const std::string w = where + ": denoiser";
      if (m.kind != "diffusion") throw BadInput(w + ": builtin \"unet\" needs kind \"diffusion\" (pixels)");
      return std::make_shared<ModuleDenoiser<UNet, UNetConfig>>(UNetConfig::fromJson(
          m.denoiser->config, m.image.channels, m.image.height, m.image.width, m.numClasses, w));
    };
    a.forward = [](torch::nn::Module& net, const torch::Tensor& x) {
      return static_cast<UNetImpl&>(net).forward(x, torch::zeros({x.size(0)}), torch::Tensor());
    };
    t.push_back(a);
  }
  {
    BuiltinArch a{"latent-mlp", ArchRole::Denoiser,
                  "class-conditional residual MLP denoiser on a flat VAE latent (kind latent-diffusion)", {}, {}, {}};
    a.makeDenoiser = [](const Manifest& m, const std::string& where) -> std::shared_ptr<BuiltinDenoiser> {
      const std::string w = where + ": denoiser";
      if (m.kind != "latent-diffusion" || m.latentShape.size() != 1)
        throw BadInput(w + ": builtin \"latent-mlp\" needs kind \"latent-diffusion\" and a flat latent.shape [D]");
      return std::make_shared<ModuleDenoiser<LatentMlp, LatentMlpConfig>>(
          LatentMlpConfig::fromJson(m.denoiser->config, int(m.latentShape[0]), m.numClasses, w));
    };
    a.forward = [](torch::nn::Module& net, const torch::Tensor& x) {
      return static_cast<LatentMlpImpl&>(net).forward(x, torch::zeros({x.size(0)}), torch::Tensor());
    };
    t.push_back(a);
  }
  {
    BuiltinArch a{"dcgan-generator", ArchRole::Generator,
                  "class-conditional DCGAN generator: latent -> image in [0, 1]", {}, {}, {}};
    a.make = [](const Manifest& m, const std::string& where) -> std::shared_ptr<torch::nn::Module> {
      GanConfig cfg = GanConfig::fromJson(m.generator->config, m.image.channels, m.image.height, m.image.width,
                                          where + ": generator");
      needFlatLatent(m, cfg.latentDim, where, "generator");
      return GanGenerator(cfg).ptr();
    };
    a.forward = [](torch::nn::Module& net, const torch::Tensor& z) {
      return static_cast<GanGeneratorImpl&>(net).forward(z, torch::zeros({z.size(0)}, torch::kLong));
    };
    t.push_back(a);
  }
  {
    BuiltinArch a{"conv-classifier", ArchRole::Classifier,
                  "small CNN classifier: the judge of eval (class accuracy, Frechet features)", {}, {}, {}};
    a.make = [](const Manifest& m, const std::string& where) -> std::shared_ptr<torch::nn::Module> {
      auto cfg = ConvClassifierConfig::fromJson(m.classifier->config, m.image, where + ": classifier");
      return ConvClassifier(cfg).ptr();
    };
    a.forward = [](torch::nn::Module& net, const torch::Tensor& x) {
      return static_cast<ConvClassifierImpl&>(net).forward(x);
    };
    t.push_back(a);
  }
  {
    BuiltinArch a{"vq-vae", ArchRole::Tokenizer,
                  "VQ-VAE: image <-> a grid of codebook indices at 1/4 of the image size (kind vq-autoregressive)",
                  {}, {}, {}};
    a.make = [](const Manifest& m, const std::string& where) -> std::shared_ptr<torch::nn::Module> {
      VqVaeConfig cfg = VqVaeConfig::fromJson(m.autoencoder->config, m.image.channels, m.image.height,
                                              m.image.width, where + ": autoencoder");
      if (m.kind != "vq-autoregressive")
        throw BadInput(where + ": autoencoder: builtin \"vq-vae\" needs kind \"vq-autoregressive\"");
      if (m.latentShape != std::vector<int64_t>{cfg.tokensHigh(), cfg.tokensWide()})
        throw BadInput(where + ": latent.shape must be [" + std::to_string(cfg.tokensHigh()) + ", " +
                       std::to_string(cfg.tokensWide()) + "] (image size / 4) for vq-vae");
      return VqVae(cfg).ptr();
    };
    a.forward = [](torch::nn::Module& net, const torch::Tensor& tokens) {  // N x (h*w) token indices
      auto& vq = static_cast<VqVaeImpl&>(net);
      auto idx = tokens.to(torch::kLong).clamp(0, vq.config().codebookSize - 1);
      return vq.decode(idx.view({idx.size(0), vq.config().tokensHigh(), vq.config().tokensWide()}));
    };
    t.push_back(a);
  }
  {
    BuiltinArch a{"token-transformer", ArchRole::Prior,
                  "class-conditional decoder-only transformer over VQ tokens in raster order (kind vq-autoregressive)",
                  {}, {}, {}};
    a.make = [](const Manifest& m, const std::string& where) -> std::shared_ptr<torch::nn::Module> {
      TokenPriorConfig cfg = TokenPriorConfig::fromJson(m.prior->config, where + ": prior");
      if (m.kind != "vq-autoregressive")
        throw BadInput(where + ": prior: builtin \"token-transformer\" needs kind \"vq-autoregressive\"");
      if (m.latentSize() != cfg.length)
        throw BadInput(where + ": prior.config.length (" + std::to_string(cfg.length) +
                       ") must equal the token count of latent.shape (" + std::to_string(m.latentSize()) + ")");
      if (m.autoencoder && m.autoencoder->config.is_object() && m.autoencoder->config.contains("codebook_size") &&
          m.autoencoder->config["codebook_size"] != cfg.vocab)
        throw BadInput(where + ": prior.config.vocab must equal autoencoder.config.codebook_size");
      if (cfg.numClasses != m.numClasses)
        throw BadInput(where + ": prior.config.num_classes must equal conditioning.num_classes");
      return TokenPrior(cfg).ptr();
    };
    a.forward = [](torch::nn::Module& net, const torch::Tensor& tokens) {  // N x length -> N x length x vocab
      auto& p = static_cast<TokenPriorImpl&>(net);
      auto t = tokens.to(torch::kLong).clamp(0, p.config().vocab - 1);
      return p.forward(torch::zeros({t.size(0)}, torch::kLong), t.slice(1, 0, t.size(1) - 1));
    };
    t.push_back(a);
  }
  for (auto& a : t)
    if (a.makeDenoiser && !a.make) {
      auto makeDenoiser = a.makeDenoiser;
      a.make = [makeDenoiser](const Manifest& m, const std::string& where) {
        return denoiserModule(makeDenoiser(m, where));
      };
    }
  return t;
}

}  // namespace

const char* roleField(ArchRole role) {
  switch (role) {
    case ArchRole::Autoencoder: return "autoencoder";
    case ArchRole::Denoiser: return "denoiser";
    case ArchRole::Generator: return "generator";
    case ArchRole::Classifier: return "classifier";
    case ArchRole::Tokenizer: return "autoencoder";
    case ArchRole::Prior: return "prior";
  }
  return "?";
}

const NetworkSpec* roleSpec(const Manifest& m, ArchRole role) {
  const std::optional<NetworkSpec>* spec = nullptr;
  switch (role) {
    case ArchRole::Autoencoder: spec = &m.autoencoder; break;
    case ArchRole::Denoiser: spec = &m.denoiser; break;
    case ArchRole::Generator: spec = &m.generator; break;
    case ArchRole::Classifier: spec = &m.classifier; break;
    case ArchRole::Tokenizer: spec = &m.autoencoder; break;
    case ArchRole::Prior: spec = &m.prior; break;
  }
  return spec && *spec ? &**spec : nullptr;
}

const std::vector<BuiltinArch>& builtinArchitectures() {
  static const std::vector<BuiltinArch> table = makeTable();
  return table;
}

const BuiltinArch& requireBuiltin(ArchRole role, const std::string& name, const std::string& where) {
  std::vector<std::string> names;
  for (const auto& a : builtinArchitectures()) {
    if (a.role != role) continue;
    if (a.name == name) return a;
    names.push_back(a.name);
  }
  throw BadInput(where + ": " + roleField(role) + ".builtin is \"" + name + "\", expected " +
                 quotedAlternatives(names));
}

}  // namespace latentlab
