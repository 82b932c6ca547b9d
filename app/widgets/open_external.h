// Handing a file, folder or URL to the desktop (xdg-open), and finding programs on PATH.
// Never blocks: the program is started and reaped in the background; a missing xdg-open
// is reported, never fatal.
#pragma once
#include <string>

namespace latentlab {

// Full path of `program` found on $PATH, or "".
std::string findProgram(const std::string& program);
// Opens `target` with xdg-open. False (and *error set) when xdg-open is not installed or
// could not be started.
bool openExternal(const std::string& target, std::string* error = nullptr);

}  // namespace latentlab
