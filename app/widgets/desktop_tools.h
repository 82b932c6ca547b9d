// The desktop-tool parts of the window in one object for GuiApp: the file dialog for
// sessions and models with recent files (File menu), File > Export, Edit > Undo/Redo, and
// Help (shortcuts, README section, About). GuiApp calls it at a few fixed points per frame
// and acts on the ToolActions it returns: opening and saving sessions and models stays
// GuiApp's job. ImGui only; never calls the engine.
#pragma once
#include <cstdint>
#include <string>

#include "app/app_state.h"
#include "app/export/export_window.h"
#include "app/help/help_window.h"
#include "app/help/shortcuts.h"
#include "app/panels/diffusion_settings.h"
#include "app/undo_history.h"
#include "app/widgets/file_dialog.h"
#include "app/widgets/recent_files.h"

namespace latentlab {

// What GuiApp must do after this frame's menus, keys and dialogs.
struct ToolActions {
  std::string openSession;    // a session file to open (the dialog, or File > Recent)
  std::string saveSession;    // where to save the session
  std::string openModel;      // a model folder to open
  bool planeChanged = false;  // Undo/Redo changed the plane: recompute it
};

class DesktopTools {
 public:
  // `recentFile` blank: ~/.config/latentlab/recent.json.
  explicit DesktopTools(const std::string& recentFile = "");

  // Menus, inside the app's BeginMainMenuBar:
  // File items before Quit: Open/Save session, Open model folder, Recent sessions/models, Export.
  void fileMenuItems(const AppState& state, const ExportView& view);
  // The whole Edit menu (Undo / Redo, saying what they change).
  void editMenu(AppState& state, DiffusionSettings* diffusion);
  // Help items: Keyboard shortcuts, README for the focused panel, About.
  void helpMenuItems(const AppState& state, int engineWorkers);

  // The shortcuts this object owns (session/model dialogs, export, undo, redo, the shortcut
  // list). True when `id` was one of them.
  bool onShortcut(ShortcutId id, AppState& state, DiffusionSettings* diffusion, int engineWorkers);

  // Once per frame after the panels: draws the dialog and windows, records undo steps, and
  // returns what to do. `modelGeneration` changes when a model finished loading (a fresh
  // undo history); `busy`: a model or session is loading (changes then are not the user's).
  ToolActions endFrame(AppState& state, DiffusionSettings* diffusion, const ExportView& view,
                       uint64_t modelGeneration, bool busy);

  // A session or model opened by other means (command line, drop, the model picker): it
  // goes to the recent list.
  void noteSession(const std::string& path) { m_recent.add("sessions", path); }
  void noteModel(const std::string& dir) { m_recent.add("models", dir); }

  void openSessionDialog(bool save, const AppState& state);
  void openModelDialog(const AppState& state);
  bool undoNow(AppState& state, DiffusionSettings* diffusion);
  bool redoNow(AppState& state, DiffusionSettings* diffusion);

  FileDialog& dialog() { return m_dialog; }
  ExportWindow& exporter() { return m_export; }
  HelpWindow& help() { return m_help; }
  UndoHistory& history() { return m_undo; }
  RecentFiles& recent() { return m_recent; }

 private:
  void recentMenu(const char* label, const char* kind, std::string& pick);
  RecentFiles m_recent;
  FileDialog m_dialog{&m_recent};
  ExportWindow m_export{&m_recent};
  HelpWindow m_help;
  UndoHistory m_undo;
  ToolActions m_pending;
  uint64_t m_generation = ~uint64_t(0);
  bool m_hadDiffusion = false;
};

}  // namespace latentlab
