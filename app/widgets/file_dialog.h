// A modal file dialog for sessions, models and exports: browse folders (.. and
// double-click to go in), a filter ("*.json"), folders holding a marker file (model.json)
// flagged as models, a path field that takes a typed path, recent files and places on the
// left, Enter confirms, Esc cancels, and errors (an unreadable folder, a missing file) shown
// in the dialog. Modes: open a file, save a file (asks before replacing one), pick a folder.
// Draw it every frame from the top level (outside any window); it never touches the engine.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <imgui.h>

#include "app/widgets/file_browser.h"

namespace latentlab {

class RecentFiles;

enum class FileDialogMode { Open, Save, PickFolder };

struct FileDialogSpec {
  std::string id;  // what the answer is for ("open-session"); the caller dispatches on it
  FileDialogMode mode = FileDialogMode::Open;
  std::string title = "Open";  // window title
  std::string confirm;         // button label; blank: Open / Save / Choose
  std::string filter;          // files listed, e.g. "*.json"; blank = all files (PickFolder:
                               // none; given, such files are answers beside the marked folders)
  std::string marker;          // PickFolder: the folders holding this file are the answers
  std::string extension;       // Save: added when the typed name has none (".json")
  std::string recentKind;      // the recent list shown and updated ("sessions", "models")
  std::string start;           // a folder, or a file to preselect; blank = last folder or cwd
  std::vector<std::pair<std::string, std::string>> places;  // label, folder
};

class FileDialog {
 public:
  explicit FileDialog(RecentFiles* recent = nullptr) : m_recent(recent) {}
  void open(const FileDialogSpec& spec);
  // Draws the dialog while it is open. True on the frame the user confirms; result() is
  // then the chosen absolute path and spec().id says what it was for.
  bool draw();
  bool isOpen() const { return m_open; }
  const std::string& result() const { return m_result; }
  const FileDialogSpec& spec() const { return m_spec; }

  // What the user sees, for tests.
  const FileBrowser& browser() const { return m_browser; }
  int selected() const { return m_selected; }
  const std::string& pathField() const { return m_field; }
  const std::string& message() const { return m_message; }
  bool confirmingOverwrite() const { return !m_overwrite.empty(); }
  // Screen rectangle (min, max) of entry i's row in the last frame; zero size if not drawn.
  std::pair<ImVec2, ImVec2> rowRect(int i) const;

  // What the controls do (the UI calls these; tests may too).
  void navigate(const std::string& dir);
  void select(int index);
  // Double-click or Enter on an entry: go into a folder, choose a file. True if chosen.
  bool activate(int index);
  // Enter in the path field: a folder is entered (or chosen, when it is the answer), a file
  // chosen. True if chosen.
  bool confirmField(bool button = false);
  void cancel();

 private:
  bool confirmPath(bool button);
  void focusField() { m_focusField = m_open ? 3 : 0; }
  bool finish(const std::string& path);
  void setField(const std::string& text);
  std::string resolve(const std::string& typed) const;
  void drawPlaces();
  void drawEntries();
  void drawFooter();
  void handleKeys();
  static int fieldCallback(ImGuiInputTextCallbackData* data);

  RecentFiles* m_recent = nullptr;
  FileDialogSpec m_spec;
  FileBrowser m_browser;
  bool m_open = false, m_openRequested = false, m_closePending = false, m_confirmed = false;
  bool m_fieldPushed = false, m_scrollToSelected = false;
  // Frames left to give the path field the keyboard (asked again until it has it: Enter in
  // the field lets go of it in the very frame the request is made).
  int m_focusField = 0;
  int m_selected = -1;
  std::string m_field, m_filterText, m_message, m_result, m_overwrite, m_saveName;
  std::string m_lastDir;  // where the next dialog without a start folder opens
  std::vector<std::pair<ImVec2, ImVec2>> m_rows;
};

}  // namespace latentlab
