#include "app/cli/cli.h"

#include <c10/util/Exception.h>

#include <iostream>
#include <string>

#include "app/cli/commands.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {

bool isSubcommand(const std::string& s) {
  for (const char* c : {"info", "render", "encode", "train", "eval", "bench"})
    if (s == c) return true;
  return false;
}

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

}  // namespace

int runCli(int argc, char** argv) {
  if (argc < 2 || !isSubcommand(argv[1])) return -1;
  CLI::App app{"LatentLab: explore generative models", "latentlab"};
  app.require_subcommand(1);
  cli::Action action;
  cli::addInfo(app, action);
  cli::addEval(app, action);
  cli::addEncode(app, action);
  cli::addBench(app, action);
  auto* train = app.add_subcommand("train", "Train a built-in model");
  train->require_subcommand(1);
  cli::addTrainVae(*train, action);
  cli::addTrainDiffusion(*train, action);
  cli::addTrainClassifier(*train, action);
  auto* render = app.add_subcommand("render", "Render images with a model to a PNG grid");
  render->require_subcommand(1);
  cli::addRenderAutoencoder(*render, action);
  cli::addRenderDenoise(*render, action);
  cli::addRenderNoise(*render, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "latentlab: " << e.what() << " (see --help)\n";
    return 2;
  }
  try {
    return action ? action() : 2;
  } catch (const UsageError& e) {
    std::cerr << "latentlab: " << e.what() << "\n";
    return 2;
  } catch (const BadInput& e) {
    std::cerr << "latentlab: " << e.what() << "\n";
    return 3;
  } catch (const c10::Error& e) {
    std::cerr << "latentlab: " << firstLine(e.what_without_backtrace()) << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "latentlab: " << firstLine(e.what()) << "\n";
    return 3;
  }
}

}  // namespace latentlab
