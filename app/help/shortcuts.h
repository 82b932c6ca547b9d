// Every keyboard shortcut of the app in ONE table: the app's shortcut handler matches keys
// against it (pressedShortcut), Help > Shortcuts lists it, and a test checks that every key
// the app's code binds appears here. Rows with global = false are handled where they apply
// (a panel, the file dialog) and are listed for the user. Never binds anything by itself.
#pragma once
#include <optional>
#include <string>
#include <vector>

struct ImGuiIO;

namespace latentlab {

enum class ShortcutId {
  OpenSession, SaveSession, OpenModel, Export, Quit,
  Undo, Redo,
  ScaleUp, ScaleDown, FitMap, AllNotes, CancelWork, ShowShortcuts,
  // Handled by the Diffusion panel / file dialog; listed for the user.
  RunSample, StepSample, PrevStep, NextStep,
  DialogConfirm, DialogCancel, DialogMove, DialogUp,
  LessonNext, LessonBack,  // handled by the Lesson panel (app/lesson/)
  // Mouse gestures (no key): listed so the help is complete.
  MouseDrag, MouseZoom, MousePan, MouseClick, MouseLasso,
};

enum class Shift { No, Yes, Any };

struct ShortcutInfo {
  ShortcutId id;
  int key;  // GLFW_KEY_* (what the GLFW backend puts in io.KeysDown), 0 for a mouse gesture
  bool ctrl;
  Shift shift;
  const char* keys;    // as shown, e.g. "Ctrl+Shift+Z"
  const char* action;  // one sentence a student understands
  const char* scope;   // "Everywhere", "Diffusion panel", "File dialog", "Latent map"
  bool global;         // matched by the app's shortcut handler
};

// All rows; an action with two bindings (Redo: Ctrl+Shift+Z and Ctrl+Y) has two rows.
const std::vector<ShortcutInfo>& shortcutTable();
// The keys of every row of `id`, joined: "Ctrl+Shift+Z, Ctrl+Y" (menus show this).
std::string shortcutKeys(ShortcutId id);
// The global shortcut pressed this frame, if any. None while a text field has the
// keyboard (there Ctrl+Z is the field's own undo) or a popup (a dialog, a menu) is open.
std::optional<ShortcutId> pressedShortcut(const ImGuiIO& io);
// Every global shortcut pressed this frame, in table order, each once.
std::vector<ShortcutId> pressedShortcuts(const ImGuiIO& io);
// Stable lower-case name, e.g. "undo" (logs, tests).
const char* shortcutName(ShortcutId id);

}  // namespace latentlab
