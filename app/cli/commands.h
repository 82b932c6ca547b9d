// Registration of each CLI subcommand. A subcommand's callback sets `action`, which runCli
// calls after a successful parse; errors propagate as typed exceptions (see cli.cpp).
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace latentlab::cli {

using Action = std::function<int()>;

void addInfo(CLI::App& app, Action& action);
void addEval(CLI::App& app, Action& action);
void addEncode(CLI::App& app, Action& action);
void addBench(CLI::App& app, Action& action);
void addTrainVae(CLI::App& train, Action& action);             // train vae
void addTrainDiffusion(CLI::App& train, Action& action);       // train diffusion
void addTrainClassifier(CLI::App& train, Action& action);      // train classifier
void addRenderAutoencoder(CLI::App& render, Action& action);   // render recon|sample|interp|traverse
void addRenderDenoise(CLI::App& render, Action& action);       // render denoise
void addRenderNoise(CLI::App& render, Action& action);         // render noise (forward noising)

}  // namespace latentlab::cli
