#include "app/lesson/lesson_text.h"

#include <imgui.h>

namespace latentlab {

namespace {
const ImVec4 kBold(1.f, 0.85f, 0.45f, 1.f);
const ImVec4 kTry(0.55f, 0.85f, 1.f, 1.f);
const ImVec4 kHeading(0.75f, 0.9f, 0.6f, 1.f);

// Words laid out left to right, wrapping at the panel's edge: ImGui's TextWrapped cannot change
// colour inside a paragraph, so each word is its own item on the same line.
void drawWords(const std::vector<LessonWord>& words, const ImVec4& colour) {
  float right = ImGui::GetContentRegionMax().x;
  float space = ImGui::CalcTextSize(" ").x;
  float startX = ImGui::GetCursorPosX();
  bool first = true;
  for (const LessonWord& w : words) {
    float width = ImGui::CalcTextSize(w.text.c_str()).x;
    if (!first) {
      ImGui::SameLine(0, w.glued ? 0.f : space);
      if (ImGui::GetCursorPosX() + width > right) {
        ImGui::NewLine();
        ImGui::SetCursorPosX(startX);
      }
    }
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(ImGui::GetStyle().ItemSpacing.x, 0));
    ImGui::TextColored(w.bold ? kBold : colour, "%s", w.text.c_str());
    ImGui::PopStyleVar();
    first = false;
  }
}
}  // namespace

std::vector<LessonWord> lessonWords(const std::string& paragraph) {
  std::vector<LessonWord> out;
  bool bold = false, space = true;  // a space (or the start) came before the current word
  std::string word;
  bool glued = false;
  auto flush = [&] {
    if (!word.empty()) out.push_back({word, bold, glued});
    word.clear();
  };
  for (size_t i = 0; i < paragraph.size(); ++i) {
    char c = paragraph[i];
    if (c == '*' && i + 1 < paragraph.size() && paragraph[i + 1] == '*') {
      flush();
      bold = !bold;
      ++i;
    } else if (c == ' ' || c == '\n' || c == '\t') {
      flush();
      space = true;
    } else {
      if (word.empty()) glued = !space && !out.empty();
      word += c;
      space = false;
    }
  }
  flush();
  return out;
}

void drawLessonText(const std::vector<std::string>& paragraphs) {
  ImVec4 text = ImGui::GetStyle().Colors[ImGuiCol_Text];
  float gap = ImGui::GetFontSize() * 0.45f;
  for (const std::string& p : paragraphs) {
    if (p.rfind("- ", 0) == 0) {
      ImGui::Bullet();
      ImGui::SameLine();
      drawWords(lessonWords(p.substr(2)), text);
    } else if (p.rfind("> ", 0) == 0) {
      ImGui::TextColored(kTry, "Try:");
      ImGui::SameLine();
      drawWords(lessonWords(p.substr(2)), kTry);
    } else if (p.rfind("# ", 0) == 0) {
      drawWords(lessonWords(p.substr(2)), kHeading);
    } else {
      drawWords(lessonWords(p), text);
    }
    ImGui::Dummy(ImVec2(0, gap));
  }
}

}  // namespace latentlab
