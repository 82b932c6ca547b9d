// LatentLab entry point: a subcommand runs headless (see app/cli); otherwise the GUI opens.
#include <cstdio>

#include "app/cli/cli.h"
#include "app/gui_options.h"

int main(int argc, char** argv) {
  int rc = latentlab::runCli(argc, argv);
  if (rc >= 0) return rc;
  latentlab::GuiOptions opts;
  rc = latentlab::parseGuiOptions(argc, argv, opts);
  if (rc >= 0) return rc;
  return latentlab::runGui(opts);
}
