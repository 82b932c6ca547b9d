// Help: the keyboard-shortcut list (drawn from the one shortcut table), About (versions,
// BLAS, device, threads, with Copy for bug reports) and the README section for the panel
// that has the focus (path#anchor, Copy link, Open README with xdg-open when installed).
// Draws only its own windows; never changes app state.
#pragma once
#include <string>

#include "app/help/about_info.h"

namespace latentlab {

class HelpWindow {
 public:
  void showShortcuts() { m_shortcuts = true; m_focusShortcuts = true; }
  void showAbout(const std::string& deviceRequest, int engineWorkers);
  void showReadme() { m_readme = true; }
  // Which panel the README link is for: the focused panel window (call once per frame,
  // after the panels drew). A menu or dialog taking the focus keeps the previous panel.
  void trackFocusedPanel();
  void setCurrentPanel(const std::string& panelId) { m_panel = panelId; }
  const std::string& currentPanel() const { return m_panel; }

  // The Help menu's items (call inside BeginMenu("Help")).
  void menuItems(const std::string& deviceRequest, int engineWorkers);
  // The windows; once per frame at the top level.
  void draw();

  bool shortcutsOpen() const { return m_shortcuts; }
  bool aboutOpen() const { return m_about; }
  bool readmeOpen() const { return m_readme; }
  const AboutInfo& about() const { return m_info; }
  // "/path/README.md#latent-map" for the current panel ("" when no README was found).
  std::string readmeLink() const;
  // The rows the shortcut window showed in its last frame (tests: every table row is there).
  int shownShortcutRows() const { return m_shownRows; }

 private:
  void drawShortcuts();
  void drawAbout();
  void drawReadme();
  bool m_shortcuts = false, m_about = false, m_readme = false, m_focusShortcuts = false;
  AboutInfo m_info;
  std::string m_panel = "map", m_filter, m_status;
  std::string m_link, m_linkPanel;  // the README link, recomputed when the panel changes
  int m_shownRows = 0;
};

}  // namespace latentlab
