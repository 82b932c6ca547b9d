#include "app/gui_options.h"

#include <CLI/CLI.hpp>

#include "app/cli/cli.h"

namespace latentlab {

int parseGuiOptions(int argc, char** argv, GuiOptions& opts) {
  CLI::App cli{"LatentLab: explore generative models. Without a subcommand the window opens."};
  cli.footer("Subcommands run without a window: " + subcommandNames() + " (latentlab NAME --help)");
  cli.add_option("--model", opts.models, "model bundle folder (model.json + weights)");
  cli.add_option("--image", opts.image, "CxHxW of a bare .pt given with --model, e.g. 3x32x32 (otherwise the window asks)");
  cli.add_option("--data", opts.data, "data set for the latent map (default fashion-mnist:test)");
  cli.add_option("--session", opts.session, "restore a saved session (JSON)");
  cli.add_option("--screenshot", opts.screenshot, "render, wait until every job is idle, write PNG and exit");
  cli.add_option("--bench-drag", opts.benchDrag, "scripted drag benchmark: write timings to this JSON and exit");
  cli.add_option("--bench-moves", opts.benchMoves, "cursor moves in --bench-drag")->check(CLI::Range(1, 100000));
  cli.add_option("--device", opts.device, "auto, cpu or cuda")->check(CLI::IsMember({"auto", "cpu", "cuda"}));
  cli.add_option("--scale", opts.scale, "UI scale 1.0 to 3.0")->check(CLI::Range(1.0, 3.0));
  cli.add_option("--tab", opts.diffusionTab, "diffusion models: open the Diffusion panel on this tab")
      ->check(CLI::IsMember({"denoise", "compare", "noise", "schedule"}));
  cli.add_option("--noise-item", opts.noiseIndex, "with --tab noise: the data item to noise")->check(CLI::NonNegativeNumber);
  cli.add_option("--noise-t", opts.noiseT, "with --tab noise: the timestep")->check(CLI::NonNegativeNumber);
  cli.add_option("--size", [&opts](const CLI::results_t& r) {
       return r.size() == 2 && std::sscanf(r[0].c_str(), "%d", &opts.width) == 1 &&
              std::sscanf(r[1].c_str(), "%d", &opts.height) == 1 && opts.width >= 320 && opts.height >= 240;
     }, "window size in pixels: W H")->expected(2);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) {
      std::printf("%s", cli.help().c_str());
      return 0;
    }
    std::fprintf(stderr, "latentlab: %s (see latentlab --help)\n", e.what());
    return 2;
  }
  return -1;
}

}  // namespace latentlab
