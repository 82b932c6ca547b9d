// LatentLab entry point: a subcommand runs headless (see app/cli); otherwise the GUI opens.
#include <cstdio>

#include "app/cli/cli.h"

int main(int argc, char** argv) {
  int rc = latentlab::runCli(argc, argv);
  if (rc >= 0) return rc;
  std::fprintf(stderr, "latentlab: the GUI is not built yet; use a subcommand (--help)\n");
  return 2;
}
