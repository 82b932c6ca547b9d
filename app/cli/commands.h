// The CLI's subcommands, as one table (app/cli/subcommands.cpp). runCli builds the parser
// from it and decides "is this a subcommand?" from it, so adding a command or a train kind
// is one table entry plus the declaration of its registration function below.
// A registration function gets the subcommand already created with the table's name and
// help: it adds options and a callback that sets `action`, which runCli calls after a
// successful parse; errors propagate as typed exceptions (see cli.cpp). It must never call
// add_subcommand for itself.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace latentlab::cli {

using Action = std::function<int()>;
using Register = void (*)(CLI::App& cmd, Action& action);

struct Subcommand {
  const char* path;  // "info", or "train vae": a group word, then the command
  const char* help;  // one line, shown by --help
  Register add;      // nullptr for a group ("train", "render"): it only holds commands
};

// Every subcommand, groups before their commands.
const std::vector<Subcommand>& subcommands();

void addInfo(CLI::App& cmd, Action& action);              // info
void addProbe(CLI::App& cmd, Action& action);             // probe (app/cli/cmd_probe.cpp)
void addEval(CLI::App& cmd, Action& action);              // eval
void addEncode(CLI::App& cmd, Action& action);            // encode
void addMap(CLI::App& cmd, Action& action);               // map (app/cli/cmd_map.cpp)
void addProject(CLI::App& cmd, Action& action);           // project (app/cli/cmd_project.cpp: GAN inversion)
void addBench(CLI::App& cmd, Action& action);             // bench
void addTrainVae(CLI::App& cmd, Action& action);          // train vae
void addTrainDiffusion(CLI::App& cmd, Action& action);    // train diffusion
void addTrainClassifier(CLI::App& cmd, Action& action);   // train classifier
void addTrainGan(CLI::App& cmd, Action& action);          // train gan
void addTrainVqvae(CLI::App& cmd, Action& action);        // train vqvae
void addTrainPrior(CLI::App& cmd, Action& action);        // train prior
void addRenderRecon(CLI::App& cmd, Action& action);       // render recon
void addRenderSample(CLI::App& cmd, Action& action);      // render sample
void addRenderInterp(CLI::App& cmd, Action& action);      // render interp
void addRenderTraverse(CLI::App& cmd, Action& action);    // render traverse
void addRenderDecode(CLI::App& cmd, Action& action);      // render decode (app/cli/cmd_render_decode.cpp)
void addRenderDenoise(CLI::App& cmd, Action& action);     // render denoise
void addRenderNoise(CLI::App& cmd, Action& action);       // render noise (forward noising)
void addRenderTokens(CLI::App& cmd, Action& action);      // render tokens (VQ + transformer prior)
void addRenderCompare(CLI::App& cmd, Action& action);     // render compare (two models side by side)
void addLesson(CLI::App& cmd, Action& action);            // lesson (app/cli/cmd_lesson.cpp: opens the window)

}  // namespace latentlab::cli
