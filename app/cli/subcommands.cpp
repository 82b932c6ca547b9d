// The table of CLI subcommands: the only place a command is named. runCli builds the parser
// from it, the "unknown subcommand" error lists it, and `latentlab --help` shows it.
#include "app/cli/commands.h"

namespace latentlab::cli {

const std::vector<Subcommand>& subcommands() {
  static const std::vector<Subcommand> table = {
      {"info", "Describe a model bundle and the engine setup", addInfo},
      {"render", "Render images with a model to a PNG grid", nullptr},
      {"render recon", "The first N data images and their reconstructions", addRenderRecon},
      {"render sample", "Decode random latents drawn from the prior N(0, T^2 I) (a GAN: truncation psi, classes)", addRenderSample},
      {"render interp", "Interpolate a path between latents (items, class means, prior seeds, .npy); diffusion: two seeds' noise", addRenderInterp},
      {"render traverse", "Walk along directions (class, pca, sefa, file) or latent dimensions, one row each", addRenderTraverse},
      {"render decode", "Decode latents from a .npy file (e.g. made in Python)", addRenderDecode},
      {"render denoise", "Sample with a diffusion model; grid rows = samples, columns = steps", addRenderDenoise},
      {"render noise", "Forward noising q(x_t | x_0) of data images; columns = timesteps", addRenderNoise},
      {"render tokens", "Sample VQ token grids with the transformer prior (temperature, top-k, top-p, beam)", addRenderTokens},
      {"render compare", "Two models side by side on the same latents (or data items), with a difference heat map", addRenderCompare},
      {"encode", "Encode a data set to latent means (N x latent float32 .npy)", addEncode},
      {"map", "Lay out a data set's latents in 2-D (pca, axes, three-points, tsne, umap) as N x 2 .npy", addMap},
      {"project", "Project data images into a GAN's z by gradient descent (inversion) as N x latent .npy", addProject},
      {"train", "Train a built-in model", nullptr},
      {"train vae", "Train the convolutional VAE", addTrainVae},
      {"train diffusion", "Train a diffusion denoiser (unet on pixels, latent-mlp in a VAE latent)", addTrainDiffusion},
      {"train classifier", "Train the convolutional classifier used by eval", addTrainClassifier},
      {"train gan", "Train the class-conditional GAN (DCGAN generator and discriminator)", addTrainGan},
      {"train vqvae", "Train the VQ-VAE tokeniser (image <-> grid of codebook tokens)", addTrainVqvae},
      {"train prior", "Train the transformer prior over a VQ-VAE's tokens (--vq DIR)", addTrainPrior},
      {"eval", "Measure a model on a data set", addEval},
      {"bench", "Time decode latency and encode throughput (diffusion models: step and sample times)", addBench},
      {"probe", "Open a TorchScript model in a child process with limits; print what it is or why not", addProbe},
      {"lesson", "Open the window on a lesson (assets/lessons/*.json) at --step N; --screenshot renders that step", addLesson},
  };
  return table;
}

}  // namespace latentlab::cli
