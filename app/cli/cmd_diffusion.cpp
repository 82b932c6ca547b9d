// Diffusion subcommands (train diffusion, render denoise). Placeholder until the
// diffusion engine lands: both report that they are not available yet.
#include "app/cli/commands.h"
#include "engine/util/errors.h"

namespace latentlab::cli {

void addTrainDiffusion(CLI::App& train, Action& action) {
  auto* d = train.add_subcommand("diffusion", "Train a diffusion model (not available yet)");
  d->allow_extras();
  d->callback([&action] { action = [] () -> int { throw UsageError("train diffusion is not available yet"); }; });
}

void addRenderDenoise(CLI::App& render, Action& action) {
  auto* d = render.add_subcommand("denoise", "Render a denoising run (not available yet)");
  d->allow_extras();
  d->callback([&action] { action = [] () -> int { throw UsageError("render denoise is not available yet"); }; });
}

}  // namespace latentlab::cli
