// A lesson step's text drawn with ImGui: paragraphs wrapped to the panel, "- " lines as
// bullets, "> " lines as a coloured "try this" line, "# " lines as a coloured heading, and
// **bold** spans as highlighted words. ImGui only; never reads files.
#pragma once
#include <string>
#include <vector>

namespace latentlab {

// One paragraph cut into words with their emphasis (for drawing and for tests).
struct LessonWord {
  std::string text;
  bool bold = false;
  bool glued = false;  // no space before it ("**holes**." -> "holes" then "." glued)
};
std::vector<LessonWord> lessonWords(const std::string& paragraph);

void drawLessonText(const std::vector<std::string>& paragraphs);

}  // namespace latentlab
