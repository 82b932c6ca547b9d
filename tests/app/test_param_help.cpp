// Every parameter's help: one plain sentence per registered key, every key a panel uses is
// registered (read from the panels' sources), hovering Guidance or Eta shows its sentence;
// and the app style makes pop-ups and menus opaque.
#include <doctest/doctest.h>
#include <imgui.h>

#include <cctype>
#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include "app/panels/param_help.h"
#include "app/panels/style.h"
#include "diffusion_panel_harness.h"

using namespace latentlab;
namespace fs = std::filesystem;

TEST_CASE("every help entry is one short sentence") {
  std::set<std::string> keys;
  for (const HelpEntry& e : helpEntries()) {
    CAPTURE(e.key);
    std::string t = e.text;
    CHECK(keys.insert(e.key).second);  // no key twice
    CHECK(t.size() >= 20);
    CHECK(t.size() <= 200);
    CHECK(t.back() == '.');
    CHECK(std::isupper(static_cast<unsigned char>(t[0])));
    CHECK(t.find('\n') == std::string::npos);
    // One sentence: no full stop followed by a space and a capital inside.
    CHECK_FALSE(std::regex_search(t.substr(0, t.size() - 1), std::regex("[.!?] [A-Z]")));
    CHECK(std::string(helpText(e.key)) == t);
  }
  CHECK(std::string(helpText("no-such-key")) == "");
}

TEST_CASE("every key the panels use has help, and every entry is used") {
  std::set<std::string> used;
  // itemHelp(KEY) or itemHelp(cond ? "a" : "b", ...): every key literal in its first argument.
  std::regex helpCall(R"re(itemHelp\(([^;,)]*))re");
  std::regex literal(R"re("([a-z0-9-]+)")re");
  // itemTooltip(KEY, text) brings its own text: the key needs no entry in the table.
  std::regex tooltipCall(R"re(itemTooltip\("([a-z0-9-]+)")re");
  std::regex button(R"re(button\("[^"]+", "([a-z0-9-]+)")re");  // the Diffusion panel's fixed row
  std::set<std::string> ownText;
  for (const char* dir : {"app/panels", "app/steer", "app/gan", "app/train_vae", "app/tokens", "app/compare"})
  for (auto& entry : fs::directory_iterator(test::sourcePath(dir))) {
    if (entry.path().extension() != ".cpp") continue;
    std::string src = test::readText(entry.path().string());
    for (std::sregex_iterator it(src.begin(), src.end(), helpCall), end; it != end; ++it) {
      std::string arg = (*it)[1];
      for (std::sregex_iterator l(arg.begin(), arg.end(), literal), e; l != e; ++l) used.insert((*l)[1]);
    }
    for (std::sregex_iterator it(src.begin(), src.end(), button), end; it != end; ++it) used.insert((*it)[1]);
    for (std::sregex_iterator it(src.begin(), src.end(), tooltipCall), end; it != end; ++it) ownText.insert((*it)[1]);
  }
  REQUIRE(used.size() >= 30);
  REQUIRE(ownText.count("model-error"));  // the Model panel's message tooltips
  for (const std::string& k : used) {
    CAPTURE(k);
    if (!ownText.count(k)) CHECK(std::string(helpText(k)) != "");
  }
  for (const HelpEntry& e : helpEntries()) {
    CAPTURE(e.key);
    CHECK(used.count(e.key) == 1);
  }
}

TEST_CASE("hovering Guidance or Eta shows its sentence") {
  test::DiffusionPanelHarness h;  // no model: the controls are there all the same
  h.frame();
  for (const char* key : {"guidance", "eta", "sampler", "steps", "seed", "class"}) {
    CAPTURE(key);
    ImVec4 r = helpItemRect(key);
    REQUIRE(r.z > 0);
    ImGui::GetIO().MousePos = ImVec2(std::floor(r.x + r.z * 0.5f), std::floor(r.y + r.w * 0.5f));
    h.frame();
    h.frame();
    CHECK(shownHelpKey() == key);
  }
  ImGui::GetIO().MousePos = ImVec2(-100, -100);
  h.frame();
  CHECK(shownHelpKey() == "");
}

TEST_CASE("pop-ups and menus are opaque at every scale") {
  for (float scale : {1.f, 2.f}) {
    ImGuiStyle style;
    applyAppStyle(style, scale);
    CHECK(style.Colors[ImGuiCol_PopupBg].w == 1.f);
    CHECK(style.Colors[ImGuiCol_MenuBarBg].w == 1.f);
    CHECK(style.Colors[ImGuiCol_WindowBg].w == 1.f);
    CHECK(style.FramePadding.x == doctest::Approx(ImGuiStyle().FramePadding.x * scale));
  }
}
