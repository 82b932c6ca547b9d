// "README section for the current panel": which heading of README.md explains each panel,
// as a path#anchor link. A panel whose own heading is not in the README (yet) links to the
// general "Using the window" section, so the link never points at nothing. No ImGui.
#pragma once
#include <string>
#include <vector>

namespace latentlab {

struct ReadmeSection {
  const char* panelId;  // Panel::id(): "map", "image", ...
  const char* title;    // the panel's title, as shown in the Help menu
  const char* heading;  // the README heading that explains it
};

const std::vector<ReadmeSection>& readmeSections();
constexpr const char* kReadmeFallbackHeading = "Using the window";

// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to '-'.
std::string markdownAnchor(const std::string& heading);
// Anchors of every heading (#, ##, ...) in a Markdown text.
std::vector<std::string> markdownAnchors(const std::string& markdown);
// The anchor for `panelId`: its own heading when the README has it, else the fallback's.
std::string readmeAnchor(const std::string& panelId, const std::string& readmeText);
// README.md of this installation: next to the binary's folder or in the source tree; "".
std::string findReadme();

}  // namespace latentlab
