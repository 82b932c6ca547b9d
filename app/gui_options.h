// Parsing the GUI's command line: latentlab [--model DIR]... [--data SPEC] [--session FILE]
// [--screenshot PNG] [--device auto|cpu|cuda] [--scale S]. Exit 2 on a usage error.
#pragma once
#include "app/gui_app.h"

namespace latentlab {

// Returns -1 and fills opts on success; otherwise the exit code (0 for --help, 2 on error).
int parseGuiOptions(int argc, char** argv, GuiOptions& opts);

}  // namespace latentlab
