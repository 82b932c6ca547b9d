// Headless command line: info, render, encode, train, eval, bench. Exit codes: 0 ok,
// 2 usage error, 3 bad input (one line on stderr naming what and where).
#pragma once

namespace latentlab {

// Returns -1 when argv names no subcommand (the caller then starts the GUI).
int runCli(int argc, char** argv);

}  // namespace latentlab
