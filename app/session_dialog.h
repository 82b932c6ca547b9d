// The session dialog: a modal asking for the path to open a session from or save it to
// (Enter confirms, Esc or Cancel closes). Only asks: reading and writing the file, and
// saying how it went, is GuiApp's job. ImGui only.
#pragma once
#include <optional>
#include <string>

namespace latentlab {

class SessionDialog {
 public:
  enum class Mode { Open, Save };
  struct Choice {
    Mode mode;
    std::string path;
  };
  // Shows the dialog from the next draw().
  void open(Mode mode) { m_request = mode; }
  bool isOpen() const { return m_visible; }
  // Draws it when open; returns the confirmed choice once.
  std::optional<Choice> draw();
  void setPath(const std::string& path);
  std::string path() const { return m_path; }

 private:
  std::optional<Mode> m_request;
  Mode m_mode = Mode::Open;
  bool m_visible = false, m_focus = false;
  char m_path[1024] = "session.json";
};

}  // namespace latentlab
