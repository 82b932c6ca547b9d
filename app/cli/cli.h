// Headless command line: the subcommands of the table in app/cli/subcommands.cpp. Exit codes:
// 0 ok, 2 usage error, 3 bad input (one line on stderr naming what and where).
#pragma once
#include <string>

namespace latentlab {

// Returns -1 when argv names no subcommand (no words, or options first): the caller then
// parses GUI options and opens the window. A first word that is not an option and not a
// subcommand is a usage error (exit 2), never GUI options.
int runCli(int argc, char** argv);

// The commands of a group, comma separated: the top-level subcommands for "", or e.g. the
// render commands for "render".
std::string subcommandNames(const std::string& group = "");

}  // namespace latentlab
