// Help: every key the app's code binds is in the one shortcut table; every global row of the
// table is what pressedShortcut reports for its keys (and nothing while typing or in a
// dialog); the shortcut window lists every row; About names the LibTorch version that
// Debian's python3-torch reports and the BLAS really loaded; README links point at headings
// that exist in README.md; the focused panel decides which one.
#include <doctest/doctest.h>
#include <imgui.h>

#define GLFW_INCLUDE_NONE
#include <GLFW/glfw3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "app/export/text_raster.h"
#include "app/gl/key_tap_latch.h"
#include "app/help/about_info.h"
#include "app/help/help_window.h"
#include "app/help/readme_links.h"
#include "app/help/shortcuts.h"
#include "app_test_support.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

// Key names as the code spells them -> GLFW key codes (what the table holds).
const std::map<std::string, int>& keyCodes() {
  static const std::map<std::string, int> m = [] {
    std::map<std::string, int> k;
    for (char c = 'A'; c <= 'Z'; ++c) {
      k[std::string("GLFW_KEY_") + c] = GLFW_KEY_A + (c - 'A');
      k[std::string("ImGuiKey_") + c] = GLFW_KEY_A + (c - 'A');
    }
    for (int i = 1; i <= 12; ++i) k["GLFW_KEY_F" + std::to_string(i)] = GLFW_KEY_F1 + i - 1;
    k["GLFW_KEY_EQUAL"] = GLFW_KEY_EQUAL;
    k["GLFW_KEY_MINUS"] = GLFW_KEY_MINUS;
    k["GLFW_KEY_KP_ADD"] = GLFW_KEY_KP_ADD;
    k["GLFW_KEY_KP_SUBTRACT"] = GLFW_KEY_KP_SUBTRACT;
    k["GLFW_KEY_SLASH"] = GLFW_KEY_SLASH;
    k["GLFW_KEY_ESCAPE"] = k["ImGuiKey_Escape"] = GLFW_KEY_ESCAPE;
    k["GLFW_KEY_ENTER"] = k["ImGuiKey_Enter"] = GLFW_KEY_ENTER;
    k["GLFW_KEY_KP_ENTER"] = k["ImGuiKey_KeyPadEnter"] = GLFW_KEY_KP_ENTER;
    k["GLFW_KEY_LEFT"] = k["ImGuiKey_LeftArrow"] = GLFW_KEY_LEFT;
    k["GLFW_KEY_RIGHT"] = k["ImGuiKey_RightArrow"] = GLFW_KEY_RIGHT;
    k["GLFW_KEY_UP"] = k["ImGuiKey_UpArrow"] = GLFW_KEY_UP;
    k["GLFW_KEY_DOWN"] = k["ImGuiKey_DownArrow"] = GLFW_KEY_DOWN;
    k["GLFW_KEY_BACKSPACE"] = k["ImGuiKey_Backspace"] = GLFW_KEY_BACKSPACE;
    k["GLFW_KEY_DELETE"] = k["ImGuiKey_Delete"] = GLFW_KEY_DELETE;
    k["GLFW_KEY_TAB"] = k["ImGuiKey_Tab"] = GLFW_KEY_TAB;
    k["GLFW_KEY_SPACE"] = k["ImGuiKey_Space"] = GLFW_KEY_SPACE;
    k["GLFW_KEY_HOME"] = k["ImGuiKey_Home"] = GLFW_KEY_HOME;
    k["GLFW_KEY_END"] = k["ImGuiKey_End"] = GLFW_KEY_END;
    k["GLFW_KEY_PAGE_UP"] = k["ImGuiKey_PageUp"] = GLFW_KEY_PAGE_UP;
    k["GLFW_KEY_PAGE_DOWN"] = k["ImGuiKey_PageDown"] = GLFW_KEY_PAGE_DOWN;
    return k;
  }();
  return m;
}

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("every key the app binds is in the shortcut table") {
  std::set<int> listed;
  for (const auto& s : shortcutTable()) listed.insert(s.key);
  // Key constants in the app's code are bindings; the table itself, the keys' own
  // definitions, and the GLFW backend glue are not.
  std::regex keyRe(R"(\b(GLFW_KEY_[A-Z0-9_]+|ImGuiKey_[A-Za-z0-9]+)\b)");
  int files = 0, found = 0;
  for (const auto& e : fs::recursive_directory_iterator(test::sourcePath("app"))) {
    std::string p = e.path().string();
    if (!e.is_regular_file() || (e.path().extension() != ".cpp" && e.path().extension() != ".h")) continue;
    if (p.find("app/help/shortcuts.") != std::string::npos || p.find("app/cli/") != std::string::npos) continue;
    ++files;
    std::string text = slurp(p);
    for (std::sregex_iterator it(text.begin(), text.end(), keyRe), end; it != end; ++it) {
      std::string name = (*it)[1];
      if (name == "ImGuiKey_COUNT" || name == "GLFW_KEY_UNKNOWN" || name == "GLFW_KEY_LAST") continue;
      ++found;
      CAPTURE(p);
      CAPTURE(name);
      auto code = keyCodes().find(name);
      REQUIRE_MESSAGE(code != keyCodes().end(), "a key this test does not know yet: add it to keyCodes()");
      CHECK_MESSAGE(listed.count(code->second), "bound in the code but missing from shortcutTable()");
    }
  }
  CHECK(files > 20);
  CHECK(found > 5);  // the scan sees the bindings that exist today
}

TEST_CASE("each global row of the table is the shortcut its keys give, and only then") {
  test::startHeadlessImGui(ImVec2(800, 600));
  ImGuiIO& io = ImGui::GetIO();
  auto pressed = [&](int key, bool ctrl, bool shift) {
    io.KeyCtrl = ctrl;
    io.KeyShift = shift;
    io.KeysDown[key] = true;
    ImGui::NewFrame();
    auto s = pressedShortcut(io);
    ImGui::Render();
    io.KeysDown[key] = false;
    ImGui::NewFrame();
    ImGui::Render();
    io.KeyCtrl = io.KeyShift = false;
    return s;
  };
  int rows = 0;
  for (const auto& s : shortcutTable()) {
    if (!s.global) continue;
    CAPTURE(s.keys);
    ++rows;
    auto got = pressed(s.key, s.ctrl, s.shift == Shift::Yes);
    REQUIRE(got.has_value());
    CHECK(shortcutName(*got) == std::string(shortcutName(s.id)));
    if (s.ctrl) CHECK_FALSE(pressed(s.key, false, false).has_value());  // the key alone is not it
  }
  CHECK(rows >= 10);
  CHECK(shortcutKeys(ShortcutId::Redo) == "Ctrl+Shift+Z, Ctrl+Y");

  // Not while a dialog (a popup) is open: there Esc and Enter belong to the dialog.
  for (int i = 0; i < 3; ++i) {
    io.KeysDown[GLFW_KEY_ESCAPE] = i == 2;
    ImGui::NewFrame();
    if (i == 2) CHECK_FALSE(pressedShortcut(io).has_value());
    if (i == 0) ImGui::OpenPopup("dialog");
    if (ImGui::BeginPopupModal("dialog")) ImGui::EndPopup();
    ImGui::Render();
  }
  io.KeysDown[GLFW_KEY_ESCAPE] = false;
  ImGui::DestroyContext();
}

// A tap whose press and release both arrive between two frames (a slow frame, xdotool, a
// presenter's clicker) must still fire its shortcut once: QA saw F1 lost after a map click.
TEST_CASE("a key tap between two frames still fires its shortcut, once") {
  test::startHeadlessImGui(ImVec2(800, 600));
  ImGuiIO& io = ImGui::GetIO();
  // What the GLFW backend does with an event it is given: the held/not-held array.
  auto deliver = [&](int key, bool down) {
    io.KeysDown[key] = down;
    io.KeyCtrl = io.KeysDown[GLFW_KEY_LEFT_CONTROL];
  };
  auto frame = [&] {
    ImGui::NewFrame();
    auto s = pressedShortcuts(io);
    ImGui::Render();
    return s;
  };
  using A = gl::KeyTapLatch::Action;
  auto event = [&](gl::KeyTapLatch* latch, int key, A a) {
    if (!latch || latch->pass(key, a)) deliver(key, a != A::Release);
  };
  auto latchedFrame = [&](gl::KeyTapLatch& latch) {
    for (int key : latch.startFrame()) deliver(key, false);
    return frame();
  };
  frame();

  // Without the latch the tap is gone before the frame: the failure the latch exists for.
  event(nullptr, GLFW_KEY_F1, A::Press);
  event(nullptr, GLFW_KEY_F1, A::Release);
  CHECK(frame().empty());

  gl::KeyTapLatch latch;
  event(&latch, GLFW_KEY_F1, A::Press);
  event(&latch, GLFW_KEY_F1, A::Release);
  CHECK(latch.holding());
  auto first = latchedFrame(latch);
  REQUIRE(first.size() == 1);
  CHECK(first[0] == ShortcutId::AllNotes);
  CHECK(latch.holding());                  // the release still has to come
  CHECK(latchedFrame(latch).empty());       // once, not again
  CHECK_FALSE(io.KeysDown[GLFW_KEY_F1]);   // and the key is up after that frame's start
  CHECK_FALSE(latch.holding());

  // A chord tapped within one poll (Ctrl+S from a script) keeps its modifier for its frame.
  event(&latch, GLFW_KEY_LEFT_CONTROL, A::Press);
  event(&latch, GLFW_KEY_S, A::Press);
  event(&latch, GLFW_KEY_S, A::Release);
  event(&latch, GLFW_KEY_LEFT_CONTROL, A::Release);
  auto chord = latchedFrame(latch);
  REQUIRE(chord.size() == 1);
  CHECK(chord[0] == ShortcutId::SaveSession);
  latchedFrame(latch);
  CHECK_FALSE(io.KeyCtrl);

  // A chord whose modifier went down a frame earlier, the rest tapped within one poll (QA saw
  // Ctrl+M lost this way): Ctrl's release waits with M's.
  event(&latch, GLFW_KEY_LEFT_CONTROL, A::Press);
  CHECK(latchedFrame(latch).empty());
  event(&latch, GLFW_KEY_M, A::Press);
  event(&latch, GLFW_KEY_M, A::Release);
  event(&latch, GLFW_KEY_LEFT_CONTROL, A::Release);
  auto late = latchedFrame(latch);
  REQUIRE(late.size() == 1);
  CHECK(late[0] == ShortcutId::OpenModel);
  latchedFrame(latch);
  CHECK_FALSE(io.KeyCtrl);
  CHECK_FALSE(io.KeysDown[GLFW_KEY_M]);

  // A key held across frames is released at once, as the backend alone would.
  event(&latch, GLFW_KEY_F, A::Press);
  CHECK(latchedFrame(latch).size() == 1);
  event(&latch, GLFW_KEY_F, A::Release);
  CHECK_FALSE(io.KeysDown[GLFW_KEY_F]);
  CHECK_FALSE(latch.holding());
  ImGui::DestroyContext();
}

TEST_CASE("the shortcut window lists every row of the table") {
  test::startHeadlessImGui(ImVec2(1600, 1400));
  HelpWindow help;
  help.showShortcuts();
  for (int i = 0; i < 3; ++i) {
    ImGui::NewFrame();
    help.draw();
    ImGui::Render();
  }
  CHECK(help.shortcutsOpen());
  CHECK(help.shownShortcutRows() == int(shortcutTable().size()));
  ImGui::DestroyContext();
}

TEST_CASE("About: the LibTorch version Debian's python3-torch reports, the BLAS in use, threads") {
  AboutInfo a = collectAbout("cpu", 2);
  REQUIRE_FALSE(a.torchVersion.empty());
  auto py = test::runCommand(std::string(PYTHON_WITH_TORCH) + " -c 'import torch; print(torch.__version__)'");
  REQUIRE(py.exitCode == 0);
  CHECK(py.out.rfind(a.torchVersion, 0) == 0);  // "1.13.0a0" starts with "1.13.0"
  CHECK_FALSE(a.version.empty());
  CHECK_FALSE(a.imguiVersion.empty());
  CHECK(a.device.rfind("cpu -> cpu", 0) == 0);
  CHECK(a.torchThreads >= 1);
  CHECK(a.engineWorkers == 2);
  CHECK(a.cores >= 1);
  CHECK(a.blas != "unknown");
  CHECK(a.blas.find("BLAS") != std::string::npos);  // LibTorch is loaded: its BLAS is mapped
  CHECK(a.text().find("LibTorch: " + a.torchVersion) != std::string::npos);
  CHECK(a.labelFont == (fs::exists(TextRaster::kDefaultFont) ? std::string(TextRaster::kDefaultFont) : a.labelFont));
  CHECK_FALSE(a.labelFont.empty());

  test::startHeadlessImGui(ImVec2(1200, 800));
  HelpWindow help;
  help.showAbout("cpu", 2);
  ImGui::NewFrame();
  help.draw();
  ImGui::Render();
  CHECK(help.aboutOpen());
  CHECK(help.about().torchVersion == a.torchVersion);
  ImGui::DestroyContext();
}

TEST_CASE("BLAS: OpenBLAS variants, the reference BLAS, and non-BLAS lines") {
  CHECK(blasKind("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3") == "OpenBLAS (openblas-pthread)");
  CHECK(blasKind("/usr/lib/x86_64-linux-gnu/libopenblas.so.0") == "OpenBLAS");
  CHECK(blasKind("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0").rfind("reference BLAS", 0) == 0);
  CHECK(blasKind("/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3") == "BLIS");
  CHECK(blasKind("/usr/lib/x86_64-linux-gnu/libgomp.so.1").empty());
  std::string maps =
      "7f00-7f01 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/libgomp.so.1\n"
      "7f02-7f03 r-xp 00000000 08:01 2 /usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0\n"
      "7f04-7f05 r--p 00001000 08:01 2 /usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0\n"
      "7f06-7f07 rw-p 00000000 00:00 0 [heap]\n";
  CHECK(blasFromMaps(maps) == "reference BLAS (netlib, slow: install libopenblas0) /usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0");
  CHECK(blasFromMaps("7f06-7f07 rw-p 00000000 00:00 0 [heap]\n").empty());
}

TEST_CASE("README links point at headings that exist") {
  CHECK(markdownAnchor("Using the window") == "using-the-window");
  CHECK(markdownAnchor("Your own model") == "your-own-model");
  CHECK(markdownAnchor("Model and data (VAE)") == "model-and-data-vae");
  std::string md = "# T\n\n```\n# not a heading\n```\n## Using the window\n### Latent map\ntext\n";
  CHECK(markdownAnchors(md) == std::vector<std::string>{"t", "using-the-window", "latent-map"});
  CHECK(readmeAnchor("map", md) == "latent-map");
  CHECK(readmeAnchor("diffusion", md) == "using-the-window");  // no own heading yet

  std::string readme = slurp(test::sourcePath("README.md"));
  REQUIRE_FALSE(readme.empty());
  auto anchors = markdownAnchors(readme);
  for (const auto& s : readmeSections()) {
    CAPTURE(s.panelId);
    std::string a = readmeAnchor(s.panelId, readme);
    CHECK(std::find(anchors.begin(), anchors.end(), a) != anchors.end());
  }
  CHECK_FALSE(findReadme().empty());
}

TEST_CASE("the README link follows the focused panel") {
  test::startHeadlessImGui(ImVec2(1200, 800));
  HelpWindow help;
  auto frame = [&](const char* focus) {
    ImGui::NewFrame();
    for (const char* name : {"Latent map###map", "Diffusion###diffusion", "Other"}) {
      if (focus && std::string(name) == focus) ImGui::SetNextWindowFocus();
      ImGui::Begin(name);
      ImGui::Text("x");
      ImGui::End();
    }
    ImGui::Render();
    help.trackFocusedPanel();
  };
  frame(nullptr);  // new windows take the focus as they appear
  frame(nullptr);
  frame("Diffusion###diffusion");
  frame(nullptr);
  CHECK(help.currentPanel() == "diffusion");
  frame("Latent map###map");
  frame(nullptr);
  CHECK(help.currentPanel() == "map");
  frame("Other");  // not a panel: the link stays with the map
  frame(nullptr);
  CHECK(help.currentPanel() == "map");
  std::string link = help.readmeLink();
  CHECK(link.find("README.md#") != std::string::npos);
  ImGui::DestroyContext();
}
