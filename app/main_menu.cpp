#include "app/main_menu.h"

#include <algorithm>

#include "app/help/shortcuts.h"
#include "app/lesson/bundled_lessons.h"

namespace latentlab {

bool allNotesShown(const AppState& state, const std::vector<Panel*>& panels) {
  for (Panel* p : panels) {
    auto it = state.showNotes.find(p->id());
    if (it == state.showNotes.end() || !it->second) return false;
  }
  return !panels.empty();
}

void setAllNotes(AppState& state, const std::vector<Panel*>& panels, bool shown) {
  for (Panel* p : panels) state.showNotes[p->id()] = shown;
}

namespace {
void drawMessage(const Messages& messages, MenuActions& a) {
  const Message* m = messages.newest();
  if (!m) return;
  ImGui::Separator();
  ImVec4 colour = m->error ? ImVec4(1, 0.6f, 0.4f, 1) : ImVec4(0.6f, 0.9f, 0.6f, 1);
  // Room for the text and the close button; a long message is cut with "..." and shown
  // whole in the tooltip, so the close button never leaves the screen.
  float close = ImGui::CalcTextSize("x").x + ImGui::GetStyle().FramePadding.x * 2 + ImGui::GetStyle().ItemSpacing.x;
  float room = std::max(ImGui::GetFontSize() * 4, ImGui::GetContentRegionAvail().x - close);
  std::string text = m->text;
  if (ImGui::CalcTextSize(text.c_str()).x > room) {
    while (!text.empty() && ImGui::CalcTextSize((text + "...").c_str()).x > room) text.pop_back();
    text += "...";
  }
  ImGui::TextColored(colour, "%s", text.c_str());
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
    size_t n = messages.all().size(), from = n > 5 ? n - 5 : 0;  // the last few, newest last
    for (size_t i = from; i < n; ++i) {
      const Message& x = messages.all()[i];
      ImGui::TextColored(x.error ? ImVec4(1, 0.6f, 0.4f, 1) : ImVec4(0.6f, 0.9f, 0.6f, 1), "%s", x.text.c_str());
    }
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
  if (ImGui::SmallButton("x")) a.dismissMessages = true;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Dismiss the messages");
}
}  // namespace

MenuActions drawMainMenu(AppState& state, const std::vector<Panel*>& panels, const Messages& messages,
                         const MenuExtras& extras) {
  MenuActions a;
  if (!ImGui::BeginMainMenuBar()) return a;
  if (ImGui::BeginMenu("File")) {
    if (extras.file) {
      extras.file();
    } else {
      if (ImGui::MenuItem("Open session...", "Ctrl+O")) a.openSession = true;
      if (ImGui::MenuItem("Save session...", "Ctrl+S")) a.saveSession = true;
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) a.quit = true;
    ImGui::EndMenu();
  }
  if (extras.edit) extras.edit();
  if (ImGui::BeginMenu("View")) {
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    float s = state.uiScale;
    if (ImGui::SliderFloat("UI scale", &s, 1.f, 3.f, "%.2fx")) state.uiScale = s;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Ctrl+= / Ctrl+- to change; larger for projectors");
    ImGui::Separator();
    for (Panel* p : panels)
      if (ImGui::MenuItem(p->title().c_str(), nullptr, &p->open)) a.panelsToggled = true;
    ImGui::Separator();
    if (ImGui::MenuItem("Reset layout")) a.resetLayout = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Every panel back in its place; closed panels open again");
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    bool all = allNotesShown(state, panels);
    if (ImGui::MenuItem("Show all notes", "F1", all)) setAllNotes(state, panels, !all);
    if (ImGui::BeginMenu("Lessons")) {  // the bundled lessons (assets/lessons), in the Lesson panel
      for (const std::string& path : listBundledLessons())
        if (ImGui::MenuItem(lessonMenuName(path).c_str())) a.openLesson = path;
      ImGui::EndMenu();
    }
    if (extras.help) {
      extras.help();
    } else {
      if (ImGui::BeginMenu("Keyboard shortcuts")) {
        for (const ShortcutInfo& s : shortcutTable())
          if (s.global) ImGui::MenuItem(s.action, s.keys, false, false);
        ImGui::EndMenu();
      }
    }
    ImGui::EndMenu();
  }
  drawMessage(messages, a);
  ImGui::EndMainMenuBar();
  return a;
}

}  // namespace latentlab
