// The main menu bar: File (sessions, quit), View (UI scale, one entry per panel shown for the
// loaded model, Reset layout), Help (notes, shortcuts) and the newest message at the right,
// cut to fit with the whole text in its tooltip. Draws and reports what was chosen; acting
// on it is GuiApp's job. ImGui only.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "app/app_state.h"
#include "app/messages.h"
#include "app/panels/panel.h"

namespace latentlab {

struct MenuActions {
  bool openSession = false, saveSession = false, quit = false;
  bool resetLayout = false;     // put every panel back in its place, closed ones reopened
  bool panelsToggled = false;   // a View entry opened or closed a panel
  bool dismissMessages = false;
  std::string openLesson;       // Help > Lessons: a bundled lesson file to open
};

// Items other parts put in the menus (DesktopTools: sessions, models, Export, Undo, Help).
struct MenuExtras {
  std::function<void()> file;  // inside File, before Quit (replaces Open/Save session)
  std::function<void()> edit;  // a whole menu between File and View
  std::function<void()> help;  // inside Help, after "Show all notes" (replaces the key list)
};

// `panels`: the panels shown for the loaded model, in registration order.
MenuActions drawMainMenu(AppState& state, const std::vector<Panel*>& panels, const Messages& messages,
                         const MenuExtras& extras = {});

// Notes (F1): on when every listed panel shows its notes.
bool allNotesShown(const AppState& state, const std::vector<Panel*>& panels);
void setAllNotes(AppState& state, const std::vector<Panel*>& panels, bool shown);

}  // namespace latentlab
