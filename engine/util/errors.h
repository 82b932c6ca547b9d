// Typed errors. The CLI maps them to exit codes (BadInput -> 3, UsageError -> 2); the GUI
// shows their message. Messages are one line that names the file/field and the problem.
#pragma once
#include <stdexcept>
#include <string>

namespace latentlab {

// Something the user gave us (file, model, data set, session) is wrong.
class BadInput : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The command line itself is wrong.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A long job was cancelled by the user; not an error to report.
class Cancelled : public std::runtime_error {
 public:
  Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace latentlab
