#include "app/widgets/file_dialog.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include <imgui_stdlib.h>

#include "app/widgets/recent_files.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace {

std::string humanSize(uintmax_t n) {
  char buf[32];
  if (n < 1024) std::snprintf(buf, sizeof buf, "%ju B", n);
  else if (n < (uintmax_t(1) << 20)) std::snprintf(buf, sizeof buf, "%.1f KB", double(n) / 1024);
  else if (n < (uintmax_t(1) << 30)) std::snprintf(buf, sizeof buf, "%.1f MB", double(n) / (1 << 20));
  else std::snprintf(buf, sizeof buf, "%.1f GB", double(n) / (1 << 30));
  return buf;
}

std::string normal(const std::string& p) {
  std::error_code ec;
  std::string s = fs::absolute(p, ec).lexically_normal().string();
  if (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool keyPressed(ImGuiKey key) {
  int i = ImGui::GetKeyIndex(key);
  return i >= 0 && ImGui::IsKeyPressed(i);
}

const ImVec4 kError(1.f, 0.45f, 0.4f, 1.f), kFolder(0.55f, 0.75f, 1.f, 1.f), kModel(0.5f, 0.9f, 0.5f, 1.f);

}  // namespace

void FileDialog::open(const FileDialogSpec& spec) {
  m_spec = spec;
  if (m_spec.confirm.empty())
    m_spec.confirm = spec.mode == FileDialogMode::Save ? "Save" : spec.mode == FileDialogMode::Open ? "Open" : "Choose";
  m_open = m_openRequested = true;
  m_focusField = 3;
  m_closePending = m_confirmed = false;
  m_message.clear();
  m_overwrite.clear();
  m_result.clear();
  m_selected = -1;
  m_filterText = spec.filter;
  m_browser.setFilter(spec.filter);
  m_browser.setMarker(spec.marker);
  // Picking folders lists no files, unless a filter names files that are answers too (a
  // model is a folder with model.json or a TorchScript .pt file).
  m_browser.setFoldersOnly(spec.mode == FileDialogMode::PickFolder && spec.filter.empty());
  // Start where asked; a file to preselect opens its folder. Fall back to the last folder,
  // then the working folder, so a stale path never leaves the dialog empty.
  std::string start = spec.start, pick;
  std::error_code ec;
  // A file, or (picking folders) an answer folder such as the open model: its folder opens
  // with it selected, so its neighbours are one click away.
  bool answer = spec.mode == FileDialogMode::PickFolder && !start.empty() && m_browser.hasMarker(start);
  if (!start.empty() && (answer || !fs::is_directory(start, ec))) {
    pick = fs::path(normal(start)).filename().string();
    start = fs::path(normal(start)).parent_path().string();
  }
  m_saveName = spec.mode == FileDialogMode::Save ? pick : "";
  bool ok = !start.empty() && m_browser.setDir(start);
  if (!ok && !m_lastDir.empty()) ok = m_browser.setDir(m_lastDir);
  if (!ok) ok = m_browser.setDir(".");
  if (!ok) m_message = m_browser.error();
  navigate(m_browser.dir());
  if (!pick.empty()) {
    int i = m_browser.find(pick);
    if (i >= 0) select(i);
    else if (spec.mode == FileDialogMode::Save) setField((fs::path(m_browser.dir()) / pick).string());
  }
}

std::pair<ImVec2, ImVec2> FileDialog::rowRect(int i) const {
  if (i < 0 || size_t(i) >= m_rows.size()) return {ImVec2(0, 0), ImVec2(0, 0)};
  return m_rows[size_t(i)];
}

void FileDialog::setField(const std::string& text) {
  m_field = text;
  m_fieldPushed = true;  // an active text field keeps its own copy: push ours into it
}

std::string FileDialog::resolve(const std::string& typedIn) const {
  std::string typed = typedIn;
  while (!typed.empty() && (typed.back() == ' ' || typed.back() == '\t')) typed.pop_back();
  if (typed.empty()) return m_browser.dir();
  if (typed[0] == '~') {
    const char* home = std::getenv("HOME");
    typed = std::string(home ? home : "") + typed.substr(1);
  }
  fs::path p(typed);
  if (p.is_relative()) p = fs::path(m_browser.dir()) / p;
  return normal(p.string());
}

void FileDialog::navigate(const std::string& dir) {
  if (!m_browser.setDir(dir)) {
    m_message = m_browser.error();
    return;
  }
  m_message.clear();
  m_lastDir = m_browser.dir();
  m_selected = -1;
  m_scrollToSelected = true;
  focusField();  // typing goes on in the new folder (Enter on a folder ends the edit)
  if (m_spec.mode == FileDialogMode::Save) {
    setField((fs::path(m_browser.dir()) / m_saveName).string());
  } else if (m_spec.mode == FileDialogMode::PickFolder) {
    setField(m_browser.dir());
  } else {
    setField(m_browser.dir() == "/" ? "/" : m_browser.dir() + "/");
  }
}

void FileDialog::select(int index) {
  const auto& es = m_browser.entries();
  if (index < 0 || size_t(index) >= es.size()) return;
  m_selected = index;
  m_scrollToSelected = true;
  m_overwrite.clear();
  const FileEntry& e = es[size_t(index)];
  if (!e.isDir && m_spec.mode == FileDialogMode::Save) m_saveName = e.name;
  setField(m_browser.pathOf(e));
}

bool FileDialog::activate(int index) {
  const auto& es = m_browser.entries();
  if (index < 0 || size_t(index) >= es.size()) return false;
  const FileEntry& e = es[size_t(index)];
  std::string p = normal(m_browser.pathOf(e));
  if (e.isDir) {
    if (m_spec.mode == FileDialogMode::PickFolder && e.marked) return finish(p);
    navigate(p);
    return false;
  }
  select(index);
  return confirmField(true);
}

bool FileDialog::confirmField(bool button) {
  bool chosen = confirmPath(button);
  // An error (a missing folder or file): the path field keeps the keyboard, with the typed
  // text and the cursor at its end, so the user corrects it at once without a click.
  if (!chosen && !m_message.empty()) {
    setField(m_field);
    focusField();
  }
  return chosen;
}

bool FileDialog::confirmPath(bool button) {
  if (!m_overwrite.empty()) return false;  // answered by Replace / Keep first
  std::string p = resolve(m_field);
  std::error_code ec;
  bool isDir = fs::is_directory(p, ec), exists = fs::exists(p, ec);
  switch (m_spec.mode) {
    case FileDialogMode::Open:
      if (isDir) {
        navigate(p);
        return false;
      }
      if (!exists) {
        m_message = "no file " + p + ": pick one from the list or type its path";
        return false;
      }
      return finish(p);
    case FileDialogMode::Save: {
      if (isDir) {
        navigate(p);
        return false;
      }
      fs::path fp(p);
      if (!m_spec.extension.empty() && !fp.has_extension()) {
        fp += m_spec.extension;
        p = fp.string();
        exists = fs::exists(p, ec);
      }
      if (!fs::is_directory(fp.parent_path(), ec)) {
        m_message = "folder " + fp.parent_path().string() + " does not exist";
        return false;
      }
      if (fp.filename().empty()) {
        m_message = "type a file name";
        return false;
      }
      if (exists) {
        m_overwrite = p;
        m_message.clear();
        return false;
      }
      return finish(p);
    }
    case FileDialogMode::PickFolder:
      if (!isDir) {
        bool fileAnswer = !m_spec.filter.empty() && matchesFilter(m_spec.filter, fs::path(p).filename().string());
        if (exists && fileAnswer) return finish(p);
        if (!exists) m_message = (m_spec.filter.empty() ? "folder " : "folder or file ") + p + " does not exist";
        else if (m_spec.filter.empty()) m_message = p + " is a file: pick a folder";
        else m_message = p + " is not a " + m_spec.filter + " file: pick one, or a folder";
        return false;
      }
      if (!m_spec.marker.empty()) {
        if (m_browser.hasMarker(p)) return finish(p);
        if (p != m_browser.dir()) {
          navigate(p);
          return false;
        }
        m_message = p + " has no " + m_spec.marker + ": open a folder marked \"model\"";
        return false;
      }
      if (p == m_browser.dir() || button) return finish(p);
      navigate(p);
      return false;
  }
  return false;
}

bool FileDialog::finish(const std::string& path) {
  m_result = normal(path);
  m_open = false;
  m_closePending = m_confirmed = true;
  m_overwrite.clear();
  if (m_recent && !m_spec.recentKind.empty()) m_recent->add(m_spec.recentKind, m_result);
  return true;
}

void FileDialog::cancel() {
  if (!m_overwrite.empty()) {  // Esc on "replace?" goes back to the dialog
    m_overwrite.clear();
    return;
  }
  m_open = false;
  m_closePending = true;
}

int FileDialog::fieldCallback(ImGuiInputTextCallbackData* data) {
  auto* self = static_cast<FileDialog*>(data->UserData);
  if (self->m_fieldPushed && data->EventFlag == ImGuiInputTextFlags_CallbackAlways) {
    data->DeleteChars(0, data->BufTextLen);
    data->InsertChars(0, self->m_field.c_str());
    data->SelectionStart = data->SelectionEnd = data->CursorPos = data->BufTextLen;
    self->m_fieldPushed = false;
  }
  return 0;
}

void FileDialog::handleKeys() {
  if (keyPressed(ImGuiKey_Escape)) {
    cancel();
    return;
  }
  if (keyPressed(ImGuiKey_Enter) || keyPressed(ImGuiKey_KeyPadEnter)) {
    if (!m_overwrite.empty()) finish(m_overwrite);
    else confirmField();
    return;
  }
  int n = int(m_browser.entries().size());
  if (n > 0 && keyPressed(ImGuiKey_DownArrow)) select(std::min(n - 1, m_selected + 1));
  if (n > 0 && keyPressed(ImGuiKey_UpArrow)) select(std::max(0, m_selected - 1));
  // Backspace goes up a folder only when no text field has it.
  if (!ImGui::GetIO().WantTextInput && keyPressed(ImGuiKey_Backspace)) navigate(m_browser.pathOf(FileEntry{".."}));
}

void FileDialog::drawPlaces() {
  auto place = [&](const std::string& label, const std::string& path, bool isFile) {
    std::error_code ec;
    bool exists = fs::exists(path, ec);
    if (!exists) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::PushID(path.c_str());
    if (ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_AllowDoubleClick) && exists) {
      bool twice = ImGui::IsMouseDoubleClicked(0);
      if (isFile || fs::path(path).has_parent_path()) {
        std::string parent = fs::path(path).parent_path().string();
        if (isFile || m_spec.mode == FileDialogMode::PickFolder) {
          navigate(parent);
          int i = m_browser.find(fs::path(path).filename().string());
          if (i >= 0) {
            select(i);
            if (twice) activate(i);
          }
        } else {
          navigate(path);
        }
      }
    }
    ImGui::PopID();
    if (!exists) ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s%s", path.c_str(), exists ? "" : " (missing)");
  };
  if (m_recent && !m_spec.recentKind.empty()) {
    auto recent = m_recent->list(m_spec.recentKind);
    ImGui::TextDisabled("Recent");
    if (recent.empty()) ImGui::TextDisabled("  (none yet)");
    for (const auto& r : recent) {
      std::error_code ec;
      bool isFile = !fs::is_directory(r, ec);
      place(fs::path(r).filename().string(), r, isFile);
    }
    ImGui::Separator();
  }
  ImGui::TextDisabled("Places");
  const char* home = std::getenv("HOME");
  if (home && *home) place("Home", home, false);
  place("Working folder", normal("."), false);
  for (const auto& [label, dir] : m_spec.places) place(label, normal(dir), false);
}

void FileDialog::drawEntries() {
  const auto& es = m_browser.entries();
  m_rows.assign(es.size(), {ImVec2(0, 0), ImVec2(0, 0)});
  if (!ImGui::BeginTable("##entries", 2, ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersOuter))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("Name", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("Size", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 6);
  ImGui::TableHeadersRow();
  int activateIndex = -1;
  for (int i = 0; i < int(es.size()); ++i) {
    const FileEntry& e = es[size_t(i)];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::PushID(i);
    if (e.isDir) ImGui::PushStyleColor(ImGuiCol_Text, e.marked ? kModel : kFolder);
    std::string label = e.isDir && e.name != ".." ? e.name + "/" : e.name;
    bool clicked = ImGui::Selectable(label.c_str(), m_selected == i,
                                     ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowDoubleClick);
    if (e.isDir) ImGui::PopStyleColor();
    m_rows[size_t(i)] = {ImGui::GetItemRectMin(), ImGui::GetItemRectMax()};
    if (clicked) {
      select(i);
      if (ImGui::IsMouseDoubleClicked(0)) activateIndex = i;
    }
    if (m_scrollToSelected && m_selected == i) ImGui::SetScrollHereY();
    ImGui::TableNextColumn();
    if (e.marked) ImGui::TextColored(kModel, "model");
    else if (!e.isDir) ImGui::TextDisabled("%s", humanSize(e.size).c_str());
    ImGui::PopID();
  }
  if (m_selected < 0 && m_scrollToSelected) ImGui::SetScrollY(0);
  m_scrollToSelected = false;
  ImGui::EndTable();
  if (activateIndex >= 0) activate(activateIndex);
}

void FileDialog::drawFooter() {
  float font = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(-font * 4);
  if (m_focusField > 0) ImGui::SetKeyboardFocusHere();
  ImGui::InputText("Path", &m_field, ImGuiInputTextFlags_CallbackAlways, fieldCallback, this);
  if (m_focusField > 0) m_focusField = ImGui::IsItemActive() ? 0 : m_focusField - 1;
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Type a path (absolute, ~/..., or relative to this folder); Enter %s",
                      m_spec.mode == FileDialogMode::Save ? "saves" : "opens it");
  if (m_spec.mode != FileDialogMode::PickFolder) {
    ImGui::SetNextItemWidth(font * 12);
    if (ImGui::InputText("Filter", &m_filterText)) m_browser.setFilter(m_filterText);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Which files are listed, e.g. *.json or *.png;*.jpg (empty: all)");
    ImGui::SameLine();
  }
  bool hidden = m_browser.showHidden();
  if (ImGui::Checkbox("Hidden files", &hidden)) m_browser.setShowHidden(hidden);
  if (!m_spec.marker.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("green folders hold a %s", m_spec.marker.c_str());
  }
  if (m_browser.truncated()) {
    ImGui::SameLine();
    ImGui::TextDisabled("(first %zu entries)", FileBrowser::kMaxEntries);
  }
  if (!m_message.empty()) ImGui::TextColored(kError, "%s", m_message.c_str());
  if (!m_overwrite.empty()) {
    ImGui::TextColored(kError, "%s already exists. Replace it?", fs::path(m_overwrite).filename().c_str());
    if (ImGui::Button("Replace")) finish(m_overwrite);
    ImGui::SameLine();
    if (ImGui::Button("Keep it")) m_overwrite.clear();
    return;
  }
  if (ImGui::Button(m_spec.confirm.c_str())) confirmField(true);
  ImGui::SameLine();
  if (ImGui::Button("Cancel")) cancel();
  ImGui::SameLine();
  ImGui::TextDisabled("Enter: %s   Esc: cancel   Backspace: up", m_spec.confirm.c_str());
}

bool FileDialog::draw() {
  if (!m_open && !m_closePending) return false;
  std::string id = m_spec.title + "##file_dialog";
  if (m_openRequested) {
    ImGui::OpenPopup(id.c_str());
    m_openRequested = false;
  }
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowSize(ImVec2(io.DisplaySize.x * 0.62f, io.DisplaySize.y * 0.7f), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Appearing,
                          ImVec2(0.5f, 0.5f));
  bool keep = true;
  if (!ImGui::BeginPopupModal(id.c_str(), &keep)) {
    // Closed from outside (the title bar's x, or another popup took over).
    m_open = false;
    m_closePending = false;
    bool c = m_confirmed;
    m_confirmed = false;
    return c;
  }
  if (m_open) {
    handleKeys();
    ImGui::TextDisabled("Folder");
    ImGui::SameLine();
    if (ImGui::SmallButton("Up")) navigate(m_browser.pathOf(FileEntry{".."}));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The folder above (Backspace)");
    ImGui::SameLine();
    ImGui::TextUnformatted(m_browser.dir().c_str());
    float footer = ImGui::GetFrameHeightWithSpacing() * 3 + ImGui::GetTextLineHeightWithSpacing() * 2;
    float left = std::max(ImGui::GetFontSize() * 8, ImGui::GetContentRegionAvail().x * 0.24f);
    ImGui::BeginChild("##places", ImVec2(left, -footer), true);
    drawPlaces();
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("##list", ImVec2(0, -footer), false);
    drawEntries();
    ImGui::EndChild();
    drawFooter();
  }
  if (!keep) {
    m_open = false;
    m_closePending = true;
  }
  if (m_closePending) {
    ImGui::CloseCurrentPopup();
    m_closePending = false;
  }
  ImGui::EndPopup();
  bool c = m_confirmed;
  m_confirmed = false;
  return c;
}

}  // namespace latentlab
