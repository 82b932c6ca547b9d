#include "app/help/readme_links.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace latentlab {

const std::vector<ReadmeSection>& readmeSections() {
  static const std::vector<ReadmeSection> sections = {
      {"map", "Latent map", "Latent map"},
      {"image", "Decoded image", "Decoded image"},
      {"manifold", "Manifold grid", "Manifold grid"},
      {"model", "Model and data", "Model and data"},
      {"perf", "Performance", "Performance"},
      {"diffusion", "Diffusion", "Diffusion"},
      {"interp", "Interpolation", "Interpolation"},
      {"directions", "Directions", "Directions"},
      {"inspector", "Latent inspector", "Latent inspector"},
      {"seeds", "Seed grid", "Seed grid"},
      {"train", "Train a GAN", "Train a GAN"},
  };
  return sections;
}

std::string markdownAnchor(const std::string& heading) {
  std::string a;
  for (unsigned char c : heading) {
    if (std::isalnum(c) || c == '-' || c == '_') a += char(std::tolower(c));
    else if (c == ' ') a += '-';
    else if (c >= 0x80) a += char(c);  // GitHub keeps non-ASCII letters
  }
  return a;
}

std::vector<std::string> markdownAnchors(const std::string& markdown) {
  std::vector<std::string> out;
  std::istringstream in(markdown);
  std::string line;
  bool fence = false;
  while (std::getline(in, line)) {
    if (line.rfind("```", 0) == 0) fence = !fence;
    if (fence || line.empty() || line[0] != '#') continue;
    size_t i = line.find_first_not_of('#');
    if (i == std::string::npos || i > 6 || line[i] != ' ') continue;
    std::string h = line.substr(i + 1);
    while (!h.empty() && (h.back() == ' ' || h.back() == '#' || h.back() == '\r')) h.pop_back();
    out.push_back(markdownAnchor(h));
  }
  return out;
}

std::string readmeAnchor(const std::string& panelId, const std::string& readmeText) {
  auto anchors = markdownAnchors(readmeText);
  auto has = [&](const std::string& a) { return std::find(anchors.begin(), anchors.end(), a) != anchors.end(); };
  for (const auto& s : readmeSections())
    if (panelId == s.panelId && has(markdownAnchor(s.heading))) return markdownAnchor(s.heading);
  return markdownAnchor(kReadmeFallbackHeading);
}

std::string findReadme() {
  std::error_code ec;
  std::vector<fs::path> candidates;
  char exe[4096];
  ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = 0;
    fs::path dir = fs::path(exe).parent_path();
    candidates.push_back(dir / "README.md");
    candidates.push_back(dir.parent_path() / "README.md");
    candidates.push_back(dir.parent_path() / "share/doc/latentlab/README.md");
  }
#ifdef LATENTLAB_SOURCE_DIR
  candidates.push_back(fs::path(LATENTLAB_SOURCE_DIR) / "README.md");
#endif
  for (const auto& c : candidates)
    if (fs::is_regular_file(c, ec)) return fs::canonical(c, ec).string();
  return "";
}

}  // namespace latentlab
