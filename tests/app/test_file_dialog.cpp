// The file dialog driven headless: a temporary folder tree is browsed with the keys and the
// mouse the way a user would (Down/Up, Enter, Esc, double-click, typing a path), filtered,
// saved over (with the replace question), and folders holding model.json picked; the
// recent-files list survives a round trip, and a broken recent file is ignored.
#include <doctest/doctest.h>
#include <imgui.h>
#include <unistd.h>

#include <filesystem>

#include "app/widgets/file_dialog.h"
#include "app/widgets/recent_files.h"
#include "app_test_support.h"

using namespace latentlab;
namespace fs = std::filesystem;

namespace {

enum Key { kEnter = 300, kEscape, kUp, kDown, kBackspace };

// root/a/model.json (a model folder), root/b/, root/notes.txt, root/s1.json, root/S2.JSON,
// root/.hidden.json
std::string makeTree() {
  std::string root = test::tempDir("file_dialog");
  fs::create_directories(root + "/a");
  fs::create_directories(root + "/b");
  test::writeText(root + "/a/model.json", "{}");
  test::writeText(root + "/notes.txt", "x");
  test::writeText(root + "/s1.json", "{}");
  test::writeText(root + "/S2.JSON", "{}");
  test::writeText(root + "/.hidden.json", "{}");
  return fs::canonical(root).string();
}

std::vector<std::string> names(const FileBrowser& b) {
  std::vector<std::string> n;
  for (const auto& e : b.entries()) n.push_back(e.name);
  return n;
}

struct Ui {
  RecentFiles recent;
  FileDialog dialog{&recent};
  explicit Ui(const std::string& recentFile) : recent(recentFile) {
    test::startHeadlessImGui(ImVec2(1200, 800));
    ImGuiIO& io = ImGui::GetIO();
    io.KeyMap[ImGuiKey_Enter] = kEnter;
    io.KeyMap[ImGuiKey_Escape] = kEscape;
    io.KeyMap[ImGuiKey_UpArrow] = kUp;
    io.KeyMap[ImGuiKey_DownArrow] = kDown;
    io.KeyMap[ImGuiKey_Backspace] = kBackspace;
  }
  ~Ui() { ImGui::DestroyContext(); }
  ImVec2 mouse{-50, -50};
  bool frame(bool down = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = mouse;
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    bool confirmed = dialog.draw();
    ImGui::Render();
    return confirmed;
  }
  bool press(int key) {
    ImGui::GetIO().KeysDown[key] = true;
    bool c = frame();
    ImGui::GetIO().KeysDown[key] = false;
    return frame() || c;
  }
  void type(const std::string& text) {
    for (char ch : text) ImGui::GetIO().AddInputCharacter((unsigned)ch);
    frame();
  }
  bool doubleClick(int row) {
    auto [a, b] = dialog.rowRect(row);
    REQUIRE(b.x > a.x);
    mouse = ImVec2(std::floor((a.x + b.x) / 2), std::floor((a.y + b.y) / 2));
    bool c = false;
    for (int i = 0; i < 30; ++i) c = frame(false) || c;  // half a second apart from any earlier click
    c = frame(true) || c;
    c = frame(false) || c;
    c = frame(true) || c;
    c = frame(false) || c;
    return c;
  }
};

}  // namespace

TEST_CASE("glob filter") {
  CHECK(globMatch("*.json", "session.json"));
  CHECK(globMatch("*.json", "SESSION.JSON"));  // case-insensitive
  CHECK_FALSE(globMatch("*.json", "session.json.bak"));
  CHECK(globMatch("?.pt", "x.pt"));
  CHECK_FALSE(globMatch("?.pt", "xy.pt"));
  CHECK(globMatch("a*b*c", "aXXbYYc"));
  CHECK(matchesFilter("*.png; *.jpg", "a.jpg"));
  CHECK_FALSE(matchesFilter("*.png;*.jpg", "a.gif"));
  CHECK(matchesFilter("", "anything"));
}

TEST_CASE("browser lists folders first, filters files, marks model folders") {
  std::string root = makeTree();
  FileBrowser b;
  b.setMarker("model.json");
  REQUIRE(b.setDir(root));
  CHECK(names(b) == std::vector<std::string>{"..", "a", "b", "notes.txt", "s1.json", "S2.JSON"});
  CHECK(b.entries()[1].marked);
  CHECK_FALSE(b.entries()[2].marked);
  b.setFilter("*.json");
  CHECK(names(b) == std::vector<std::string>{"..", "a", "b", "s1.json", "S2.JSON"});
  b.setShowHidden(true);
  CHECK(names(b) == std::vector<std::string>{"..", "a", "b", ".hidden.json", "s1.json", "S2.JSON"});
  b.setFoldersOnly(true);
  CHECK(names(b) == std::vector<std::string>{"..", "a", "b"});

  SUBCASE("a folder that cannot be listed keeps the old listing and says why") {
    CHECK_FALSE(b.setDir(root + "/missing"));
    CHECK(b.error().find(root + "/missing") != std::string::npos);
    CHECK(b.dir() == root);
    CHECK_FALSE(b.setDir(root + "/notes.txt"));
    CHECK(b.error().find("is not a folder") != std::string::npos);
    if (geteuid() != 0) {  // root reads any folder, so this part needs a normal user
      fs::create_directories(root + "/locked");
      fs::permissions(root + "/locked", fs::perms::none);
      CHECK_FALSE(b.setDir(root + "/locked"));
      CHECK(b.error().find("cannot read folder") != std::string::npos);
      fs::permissions(root + "/locked", fs::perms::owner_all);
    }
  }
}

TEST_CASE("keys: Down selects, Enter enters a folder and confirms a file, Esc cancels") {
  std::string root = makeTree();
  Ui ui(root + "/recent.json");
  FileDialogSpec spec;
  spec.id = "open-session";
  spec.title = "Open session";
  spec.filter = "*.json";
  spec.recentKind = "sessions";
  spec.start = root;
  ui.dialog.open(spec);
  ui.frame();
  ui.frame();
  CHECK(ui.dialog.isOpen());
  CHECK(names(ui.dialog.browser()) == std::vector<std::string>{"..", "a", "b", "s1.json", "S2.JSON"});
  ui.press(kDown);
  ui.press(kDown);
  CHECK(ui.dialog.selected() == 1);
  CHECK(ui.dialog.pathField() == root + "/a");
  CHECK_FALSE(ui.press(kEnter));  // a folder: go in
  CHECK(ui.dialog.browser().dir() == root + "/a");
  CHECK(names(ui.dialog.browser()) == std::vector<std::string>{"..", "model.json"});
  ui.press(kDown);
  ui.press(kDown);
  CHECK(ui.press(kEnter));  // a file: chosen
  CHECK(ui.dialog.result() == root + "/a/model.json");
  CHECK_FALSE(ui.dialog.isOpen());
  CHECK(ui.recent.list("sessions") == std::vector<std::string>{root + "/a/model.json"});

  ui.dialog.open(spec);  // reopens in the last folder
  ui.frame();
  CHECK(ui.dialog.browser().dir() == root);
  CHECK_FALSE(ui.press(kEscape));
  CHECK_FALSE(ui.dialog.isOpen());
  CHECK(ui.dialog.result().empty());
}

TEST_CASE("double-click enters a folder and opens a file; a typed path opens") {
  std::string root = makeTree();
  Ui ui(root + "/recent.json");
  FileDialogSpec spec;
  spec.filter = "*.json";
  spec.start = root;
  ui.dialog.open(spec);
  ui.frame();
  ui.frame();
  CHECK_FALSE(ui.doubleClick(1));  // a/
  CHECK(ui.dialog.browser().dir() == root + "/a");
  CHECK(ui.doubleClick(1));  // model.json
  CHECK(ui.dialog.result() == root + "/a/model.json");

  ui.dialog.open(spec);
  ui.frame();
  ui.frame();
  // The path field has the keyboard when the dialog opens; a typed name is relative to the folder.
  ui.mouse = ImVec2(-50, -50);
  ui.type("S2.JSON");
  CHECK(ui.dialog.pathField().find("S2.JSON") != std::string::npos);
  CHECK(ui.press(kEnter));
  CHECK(ui.dialog.result() == root + "/S2.JSON");
}

TEST_CASE("errors are shown in the dialog") {
  std::string root = makeTree();
  Ui ui(root + "/recent.json");
  FileDialogSpec spec;
  spec.start = root;
  ui.dialog.open(spec);
  ui.frame();
  ui.dialog.navigate(root + "/nowhere");
  ui.frame();
  CHECK(ui.dialog.isOpen());
  CHECK(ui.dialog.message().find(root + "/nowhere") != std::string::npos);
  CHECK(ui.dialog.browser().dir() == root);
}

TEST_CASE("save: a new name gets the extension; an existing file asks before replacing") {
  std::string root = makeTree();
  Ui ui(root + "/recent.json");
  FileDialogSpec spec;
  spec.mode = FileDialogMode::Save;
  spec.title = "Save session";
  spec.filter = "*.json";
  spec.extension = ".json";
  spec.start = root + "/new";
  ui.dialog.open(spec);
  ui.frame();
  CHECK(ui.dialog.pathField() == root + "/new");
  CHECK(ui.press(kEnter));
  CHECK(ui.dialog.result() == root + "/new.json");

  spec.start = root + "/s1.json";
  ui.dialog.open(spec);
  ui.frame();
  CHECK(ui.dialog.pathField() == root + "/s1.json");
  CHECK_FALSE(ui.press(kEnter));
  CHECK(ui.dialog.confirmingOverwrite());
  CHECK_FALSE(ui.press(kEscape));  // back to the dialog, nothing chosen
  CHECK(ui.dialog.isOpen());
  CHECK_FALSE(ui.dialog.confirmingOverwrite());
  CHECK_FALSE(ui.press(kEnter));
  CHECK(ui.dialog.confirmingOverwrite());
  CHECK(ui.press(kEnter));  // Enter answers "Replace"
  CHECK(ui.dialog.result() == root + "/s1.json");
}

TEST_CASE("pick folder: folders holding model.json are the answers") {
  std::string root = makeTree();
  Ui ui(root + "/recent.json");
  FileDialogSpec spec;
  spec.mode = FileDialogMode::PickFolder;
  spec.marker = "model.json";
  spec.recentKind = "models";
  spec.start = root;
  ui.dialog.open(spec);
  ui.frame();
  CHECK(names(ui.dialog.browser()) == std::vector<std::string>{"..", "a", "b"});  // folders only
  ui.press(kDown);
  ui.press(kDown);
  ui.press(kDown);  // b: no model.json
  CHECK_FALSE(ui.press(kEnter));
  CHECK(ui.dialog.browser().dir() == root + "/b");
  CHECK_FALSE(ui.press(kEnter));  // b itself is no answer
  CHECK(ui.dialog.isOpen());
  CHECK(ui.dialog.message().find("model.json") != std::string::npos);
  ui.press(kDown);  // ..
  CHECK_FALSE(ui.press(kEnter));
  CHECK(ui.dialog.browser().dir() == root);
  ui.press(kDown);
  ui.press(kDown);  // a
  CHECK(ui.press(kEnter));
  CHECK(ui.dialog.result() == root + "/a");
  CHECK(ui.recent.list("models") == std::vector<std::string>{root + "/a"});
}

TEST_CASE("pick a model: a folder holding model.json or a file the filter names (a TorchScript .pt)") {
  std::string root = makeTree();
  test::writeText(root + "/mine.pt", "x");
  Ui ui(root + "/recent.json");
  FileDialogSpec spec;
  spec.mode = FileDialogMode::PickFolder;
  spec.marker = "model.json";
  spec.filter = "*.pt";
  spec.recentKind = "models";
  spec.start = root;
  ui.dialog.open(spec);
  ui.frame();
  ui.frame();  // rows have their places from the second frame (the modal's first is hidden)
  // Folders, then only the files the filter names (QA: a .pt could not be opened from here).
  CHECK(names(ui.dialog.browser()) == std::vector<std::string>{"..", "a", "b", "mine.pt"});
  int pt = ui.dialog.browser().find("mine.pt");
  REQUIRE(pt >= 0);
  CHECK(ui.doubleClick(pt));
  CHECK(ui.dialog.result() == root + "/mine.pt");
  CHECK(ui.recent.list("models") == std::vector<std::string>{root + "/mine.pt"});

  // A typed file the filter does not name is refused in the dialog, saying what is wanted.
  ui.dialog.open(spec);
  ui.frame();
  ui.frame();
  ui.type("/notes.txt");  // the field holds the folder: this names a file in it
  CHECK_FALSE(ui.press(kEnter));
  CHECK(ui.dialog.isOpen());
  CHECK(ui.dialog.message() == root + "/notes.txt is not a *.pt file: pick one, or a folder");
  // A model folder is still an answer.
  ui.dialog.open(spec);
  ui.frame();
  ui.press(kDown);
  ui.press(kDown);  // a
  CHECK(ui.press(kEnter));
  CHECK(ui.dialog.result() == root + "/a");
}

TEST_CASE("recent files: round trip, newest first, no duplicates, at most ten") {
  std::string dir = test::tempDir("recent");
  std::string file = dir + "/cfg/latentlab/recent.json";  // folders made on first save
  {
    RecentFiles r(file);
    CHECK_FALSE(r.load());  // nothing yet, and that is no error
    CHECK(r.error().empty());
    CHECK(r.add("sessions", dir + "/one.json"));
    CHECK(r.add("sessions", dir + "/two.json"));
    CHECK(r.add("models", dir + "/m"));
    CHECK(r.add("sessions", dir + "/one.json"));
  }
  RecentFiles r(file);
  CHECK(r.load());
  CHECK(r.list("sessions") == std::vector<std::string>{dir + "/one.json", dir + "/two.json"});
  CHECK(r.list("models") == std::vector<std::string>{dir + "/m"});
  for (int i = 0; i < 15; ++i) r.add("sessions", dir + "/s" + std::to_string(i) + ".json");
  CHECK(r.list("sessions").size() == RecentFiles::kMaxPerKind);
  CHECK(r.list("sessions").front() == dir + "/s14.json");
  // No temporary file left next to it.
  int files = 0;
  for (auto& e : fs::directory_iterator(dir + "/cfg/latentlab")) files += e.is_regular_file();
  CHECK(files == 1);
}

TEST_CASE("a broken recent file is ignored, never fatal") {
  std::string dir = test::tempDir("recent_broken");
  std::string file = dir + "/recent.json";
  test::writeText(file, "{\"sessions\": [\"/a.json\", ");
  RecentFiles r(file);
  CHECK_FALSE(r.load());
  CHECK(r.list("sessions").empty());
  CHECK(r.error().find(file) != std::string::npos);
  CHECK(r.add("sessions", "/b.json"));  // and it is replaced by a good one
  RecentFiles again(file);
  CHECK(again.load());
  CHECK(again.list("sessions") == std::vector<std::string>{"/b.json"});

  test::writeText(file, "{\"sessions\": 5, \"models\": [\"/m\", 3, null, \"/n\"]}");
  CHECK(again.load());
  CHECK(again.list("sessions").empty());
  CHECK(again.list("models") == std::vector<std::string>{"/m", "/n"});

  test::writeText(dir + "/plain", "x");  // a file where the folder should be: saving fails, says so
  RecentFiles blocked(dir + "/plain/recent.json");
  CHECK_FALSE(blocked.add("sessions", "/c.json"));
  CHECK_FALSE(blocked.error().empty());
  CHECK(blocked.list("sessions") == std::vector<std::string>{"/c.json"});
}

TEST_CASE("after an error the path field keeps the keyboard: typing goes on at once") {
  std::string root = makeTree();
  Ui ui(root + "/recent.json");
  FileDialogSpec spec;
  spec.mode = FileDialogMode::Save;
  spec.title = "Save session";
  spec.extension = ".json";
  spec.start = root;
  ui.dialog.open(spec);
  ui.frame();
  ui.frame();
  ui.type("nowhere/x");
  CHECK(ui.dialog.pathField() == root + "/nowhere/x");
  CHECK_FALSE(ui.press(kEnter));  // the folder does not exist: an error, the dialog stays
  CHECK(ui.dialog.isOpen());
  CHECK(ui.dialog.message().find("does not exist") != std::string::npos);
  ui.frame();
  CHECK(ImGui::GetIO().WantTextInput);
  ui.type("y");  // no click: the field still takes the typing
  CHECK(ui.dialog.pathField() == root + "/nowhere/xy");

  // Open mode: a missing file is an error too, and the field keeps the keyboard.
  spec.mode = FileDialogMode::Open;
  ui.dialog.open(spec);
  ui.frame();
  ui.frame();
  ui.type("missing.json");
  CHECK_FALSE(ui.press(kEnter));
  CHECK(ui.dialog.message().find("no file") != std::string::npos);
  ui.type("z");
  CHECK(ui.dialog.pathField() == root + "/missing.jsonz");
}
