// The small modal that asks for the image shape of a bare TorchScript file (no model.json,
// no latentlab.json inside) dropped on the window or given with --model: one text field
// "CxHxW" with a sensible default (the open data set's shape) and a few common shapes,
// checked as the user types. Enter = Open, Esc = Cancel. Open hands back the path and the
// shape; the app remembers the shape and opens the file (probe first, with that shape);
// Cancel keeps the current model. Draws only; never opens anything itself.
#pragma once
#include <imgui.h>

#include <optional>
#include <string>

#include "engine/models/manifest.h"

namespace latentlab {

class BareModelDialog {
 public:
  // Shows the dialog from the next frame on. `suggestion` fills the field ("1x28x28");
  // `failed`: why the last shape given did not open (shown under the field).
  void ask(const std::string& path, const std::string& suggestion, const std::string& failed = "");
  bool isOpen() const { return m_open; }
  const std::string& path() const { return m_path; }

  struct Answer {
    std::string path;
    ImageSpec image;
  };
  // Once per frame. The answer on the frame the user opens with a valid shape; nullopt
  // otherwise (also on Cancel, which just closes).
  std::optional<Answer> draw();

  // For tests: what the field holds and what is wrong with it ("" when it is a shape).
  const std::string& text() const { return m_text; }
  const std::string& problem() const { return m_problem; }
  const std::string& failed() const { return m_failed; }
  ImVec4 rect() const { return m_rect; }  // x, y, w, h of the dialog last drawn (screenshot sidecars)

 private:
  void check();
  std::string m_path, m_text, m_problem, m_failed;
  ImVec4 m_rect{0, 0, 0, 0};
  bool m_open = false, m_openRequested = false, m_focus = false;
};

}  // namespace latentlab
