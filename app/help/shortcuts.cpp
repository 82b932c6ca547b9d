#include "app/help/shortcuts.h"

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>

namespace latentlab {

const std::vector<ShortcutInfo>& shortcutTable() {
  using S = ShortcutId;
  static const std::vector<ShortcutInfo> table = {
      {S::OpenSession, GLFW_KEY_O, true, Shift::No, "Ctrl+O", "Open a saved session (model, plane, view, selection).", "Everywhere", true},
      {S::SaveSession, GLFW_KEY_S, true, Shift::No, "Ctrl+S", "Save the session to a JSON file to reopen it later.", "Everywhere", true},
      {S::OpenModel, GLFW_KEY_M, true, Shift::No, "Ctrl+M", "Open a model: a folder with a model.json, or a TorchScript .pt file.", "Everywhere", true},
      {S::Export, GLFW_KEY_E, true, Shift::No, "Ctrl+E", "Export a picture (decoded image, grid, denoising strip or map) as PNG.", "Everywhere", true},
      {S::Quit, GLFW_KEY_Q, true, Shift::No, "Ctrl+Q", "Quit LatentLab.", "Everywhere", true},
      {S::Undo, GLFW_KEY_Z, true, Shift::No, "Ctrl+Z", "Undo the last change of plane, hidden classes, selection or diffusion settings.", "Everywhere", true},
      {S::Redo, GLFW_KEY_Z, true, Shift::Yes, "Ctrl+Shift+Z", "Redo what Undo took back.", "Everywhere", true},
      {S::Redo, GLFW_KEY_Y, true, Shift::No, "Ctrl+Y", "Redo what Undo took back.", "Everywhere", true},
      {S::ScaleUp, GLFW_KEY_EQUAL, true, Shift::Any, "Ctrl+=", "Make everything larger (for a projector).", "Everywhere", true},
      {S::ScaleUp, GLFW_KEY_KP_ADD, true, Shift::Any, "Ctrl+Keypad +", "Make everything larger (for a projector).", "Everywhere", true},
      {S::ScaleDown, GLFW_KEY_MINUS, true, Shift::Any, "Ctrl+-", "Make everything smaller.", "Everywhere", true},
      {S::ScaleDown, GLFW_KEY_KP_SUBTRACT, true, Shift::Any, "Ctrl+Keypad -", "Make everything smaller.", "Everywhere", true},
      {S::FitMap, GLFW_KEY_F, false, Shift::No, "F", "Zoom the latent map so every point is in view.", "Everywhere", true},
      {S::AllNotes, GLFW_KEY_F1, false, Shift::Any, "F1", "Show or hide every panel's \"what am I looking at?\" notes.", "Everywhere", true},
      {S::CancelWork, GLFW_KEY_ESCAPE, false, Shift::Any, "Esc", "Cancel long work: encoding, the manifold grid, a sampling run.", "Everywhere", true},
      {S::ShowShortcuts, GLFW_KEY_SLASH, true, Shift::Any, "Ctrl+/", "Show this list of shortcuts.", "Everywhere", true},
      // Run and Step reach the Diffusion panel whichever window has the focus.
      {S::RunSample, GLFW_KEY_ENTER, false, Shift::No, "Enter", "Run the sampler (Tokens view: write a new grid, or finish a half-written one).", "Diffusion panel, Tokens view", true},
      {S::RunSample, GLFW_KEY_KP_ENTER, false, Shift::No, "Keypad Enter", "Run the sampler (Tokens view: write a new grid, or finish a half-written one).", "Diffusion panel, Tokens view", true},
      {S::StepSample, GLFW_KEY_ENTER, false, Shift::Yes, "Shift+Enter", "Do one denoising step (Tokens view: draw one token).", "Diffusion panel, Tokens view", true},
      {S::StepSample, GLFW_KEY_KP_ENTER, false, Shift::Yes, "Shift+Keypad Enter", "Do one denoising step (Tokens view: draw one token).", "Diffusion panel, Tokens view", true},
      {S::PrevStep, GLFW_KEY_LEFT, false, Shift::No, "Left", "Show the previous recorded denoising step.", "Diffusion panel", false},
      {S::NextStep, GLFW_KEY_RIGHT, false, Shift::No, "Right", "Show the next recorded denoising step.", "Diffusion panel", false},
      {S::DialogConfirm, GLFW_KEY_ENTER, false, Shift::Any, "Enter", "Open the selected folder, or choose the selected file.", "File dialog", false},
      {S::DialogConfirm, GLFW_KEY_KP_ENTER, false, Shift::Any, "Keypad Enter", "Same as Enter.", "File dialog", false},
      {S::DialogCancel, GLFW_KEY_ESCAPE, false, Shift::Any, "Esc", "Close the dialog without choosing.", "File dialog", false},
      {S::DialogMove, GLFW_KEY_UP, false, Shift::Any, "Up", "Select the entry above.", "File dialog", false},
      {S::DialogMove, GLFW_KEY_DOWN, false, Shift::Any, "Down", "Select the entry below.", "File dialog", false},
      {S::DialogUp, GLFW_KEY_BACKSPACE, false, Shift::Any, "Backspace", "Go to the folder above (when not typing).", "File dialog", false},
      {S::LessonNext, GLFW_KEY_PAGE_DOWN, false, Shift::Any, "PageDown", "Next lesson step (what a presenter's clicker sends); Right too, unless a timeline has the focus.", "Lesson panel", false},
      {S::LessonBack, GLFW_KEY_PAGE_UP, false, Shift::Any, "PageUp", "Previous lesson step; Left too, unless a timeline has the focus.", "Lesson panel", false},
      {S::MouseDrag, 0, false, Shift::Any, "Left-drag", "Move the cursor over the map: the image under it is decoded live.", "Latent map", false},
      {S::MouseClick, 0, false, Shift::Any, "Click a point", "Select it and show it next to its reconstruction.", "Latent map", false},
      {S::MouseZoom, 0, false, Shift::Any, "Scroll", "Zoom the map around the mouse.", "Latent map", false},
      {S::MousePan, 0, false, Shift::Any, "Right-drag", "Pan the map.", "Latent map", false},
      {S::MouseLasso, 0, false, Shift::Any, "Shift / Ctrl + drag", "Lasso dots into group A / B for a two-group direction (Shift / Ctrl + click: one dot).", "Latent map", false},
  };
  return table;
}

std::string shortcutKeys(ShortcutId id) {
  std::string keys;
  for (const auto& s : shortcutTable())
    if (s.id == id) keys += (keys.empty() ? "" : ", ") + std::string(s.keys);
  return keys;
}

std::vector<ShortcutId> pressedShortcuts(const ImGuiIO& io) {
  std::vector<ShortcutId> out;
  // A text field has the keys, or a dialog/menu is open and its own keys (Esc, Enter) rule.
  if (io.WantTextInput || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) return out;
  for (const auto& s : shortcutTable()) {
    if (!s.global || s.key <= 0) continue;
    if (s.ctrl != io.KeyCtrl) continue;
    if (s.shift != Shift::Any && (s.shift == Shift::Yes) != io.KeyShift) continue;
    bool repeat = s.id == ShortcutId::ScaleUp || s.id == ShortcutId::ScaleDown;
    if (ImGui::IsKeyPressed(s.key, repeat) && std::find(out.begin(), out.end(), s.id) == out.end())
      out.push_back(s.id);
  }
  return out;
}

std::optional<ShortcutId> pressedShortcut(const ImGuiIO& io) {
  auto all = pressedShortcuts(io);
  if (all.empty()) return std::nullopt;
  return all.front();
}

const char* shortcutName(ShortcutId id) {
  switch (id) {
    case ShortcutId::OpenSession: return "open_session";
    case ShortcutId::SaveSession: return "save_session";
    case ShortcutId::OpenModel: return "open_model";
    case ShortcutId::Export: return "export";
    case ShortcutId::Quit: return "quit";
    case ShortcutId::Undo: return "undo";
    case ShortcutId::Redo: return "redo";
    case ShortcutId::ScaleUp: return "scale_up";
    case ShortcutId::ScaleDown: return "scale_down";
    case ShortcutId::FitMap: return "fit_map";
    case ShortcutId::AllNotes: return "all_notes";
    case ShortcutId::CancelWork: return "cancel_work";
    case ShortcutId::ShowShortcuts: return "show_shortcuts";
    case ShortcutId::RunSample: return "run_sample";
    case ShortcutId::StepSample: return "step_sample";
    case ShortcutId::PrevStep: return "prev_step";
    case ShortcutId::NextStep: return "next_step";
    case ShortcutId::DialogConfirm: return "dialog_confirm";
    case ShortcutId::DialogCancel: return "dialog_cancel";
    case ShortcutId::DialogMove: return "dialog_move";
    case ShortcutId::DialogUp: return "dialog_up";
    case ShortcutId::MouseDrag: return "mouse_drag";
    case ShortcutId::MouseZoom: return "mouse_zoom";
    case ShortcutId::MousePan: return "mouse_pan";
    case ShortcutId::MouseClick: return "mouse_click";
    case ShortcutId::MouseLasso: return "mouse_lasso";
  }
  return "?";
}

}  // namespace latentlab
