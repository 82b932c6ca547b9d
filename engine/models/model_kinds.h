// The table of model kinds (model.json "kind"): what each needs in its manifest and whether
// the GUI opens it. Header-only and torch-free, because the manifest parser (compiled into
// the fuzz build) checks kinds against it. Never loads anything; a new kind is one row here.
#pragma once
#include <string>
#include <vector>

namespace latentlab {

// Which network a kind is run by: what the GUI, eval, bench and info load for it.
enum class ModelFamily { Autoencoder, Diffusion, Classifier, Gan, Tokens };

struct ModelKindInfo {
  const char* name;      // as written in model.json, e.g. "latent-diffusion"
  const char* needs;     // what the manifest must hold, for messages and docs
  bool guiOpens;         // the GUI's model picker lists it (others are CLI-only tools)
  const char* description;
  ModelFamily family;    // Diffusion: sampled from noise with its denoiser (DiffusionSampler)
  bool latentMap;        // the map shows its latent space (an autoencoder's encodings, a generator's samples)
};

inline const std::vector<ModelKindInfo>& modelKinds() {
  static const std::vector<ModelKindInfo> kinds = {
      {"autoencoder", "an \"autoencoder\" object (builtin conv-vae) and latent.shape", true,
       "VAE: the latent map, drag-to-decode and the manifold grid", ModelFamily::Autoencoder, true},
      {"diffusion", "a \"denoiser\" object working on pixels (builtin unet)", true,
       "pixel-space diffusion: live denoising from noise", ModelFamily::Diffusion, false},
      {"latent-diffusion", "a \"denoiser\" object (builtin latent-mlp), latent.shape and \"autoencoder\" (path of the VAE bundle)",
       true, "diffusion in a VAE's latent space, decoded by that VAE", ModelFamily::Diffusion, true},
      {"classifier", "a \"classifier\" object (builtin conv-classifier)", false,
       "evaluation tool: class accuracy and Frechet features for eval", ModelFamily::Classifier, false},
      {"gan", "a \"generator\" object (builtin dcgan-generator) and latent.shape", true,
       "GAN generator: a map of its samples, the seed grid, inversion and the Train view", ModelFamily::Gan, true},
      {"vq-autoregressive", "an \"autoencoder\" object (builtin vq-vae), latent.shape [rows, cols] and a \"prior\" object (builtin token-transformer)",
       true, "VQ-VAE tokens sampled one at a time by a transformer prior: the Tokens view; its grid of code vectors is the latent the map, paths and sliders steer",
       ModelFamily::Tokens, true},
  };
  return kinds;
}

// The row of `name`, or nullptr when it is not a known kind.
inline const ModelKindInfo* findModelKind(const std::string& name) {
  for (const auto& k : modelKinds())
    if (name == k.name) return &k;
  return nullptr;
}

// "\"a\", \"b\" or \"c\"": the alternatives named in error messages.
inline std::string quotedAlternatives(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += (i + 1 == names.size()) ? " or " : ", ";
    out += "\"" + names[i] + "\"";
  }
  return out;
}

// The family of `name`; an unknown kind counts as an autoencoder (its loader then names what
// is missing), as the app's checks always did.
inline ModelFamily modelFamily(const std::string& name) {
  const ModelKindInfo* k = findModelKind(name);
  return k ? k->family : ModelFamily::Autoencoder;
}
inline bool isDiffusionKind(const std::string& name) { return modelFamily(name) == ModelFamily::Diffusion; }
// A pixel diffusion model: sampled from noise, no autoencoder and so no latent map.
inline bool isPixelDiffusionKind(const std::string& name) {
  const ModelKindInfo* k = findModelKind(name);
  return k && k->family == ModelFamily::Diffusion && !k->latentMap;
}

inline std::vector<std::string> modelKindNames() {
  std::vector<std::string> out;
  for (const auto& k : modelKinds()) out.push_back(k.name);
  return out;
}

}  // namespace latentlab
