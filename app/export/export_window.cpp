#include "app/export/export_window.h"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "app/export/text_raster.h"
#include "app/widgets/open_external.h"
#include "app/widgets/recent_files.h"

namespace fs = std::filesystem;

namespace latentlab {

namespace {
const ImVec4 kError(1.f, 0.45f, 0.4f, 1.f), kOk(0.5f, 0.9f, 0.5f, 1.f);
constexpr int kMaxScale = 8;
}  // namespace

ExportWindow::ExportWindow(RecentFiles* recent) : m_recent(recent), m_dialog(recent) {}

ExportWindow::~ExportWindow() {
  if (m_job.valid()) m_job.wait();  // the write finishes; nothing is left half-written
}

std::string ExportWindow::defaultPath(ExportKind kind) const {
  // Next to the last export, else in the working folder; never over an existing file.
  std::string dir = ".";
  if (m_recent) {
    auto l = m_recent->list("exports");
    if (!l.empty()) dir = fs::path(l.front()).parent_path().string();
  }
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) dir = ".";
  fs::path name(exportFileName(kind));
  fs::path p = fs::absolute(fs::path(dir) / name, ec).lexically_normal();
  for (int i = 2; fs::exists(p, ec) && i < 1000; ++i)
    p = p.parent_path() / (name.stem().string() + "-" + std::to_string(i) + name.extension().string());
  return p.string();
}

void ExportWindow::open(ExportKind kind) {
  m_open = m_center = true;
  m_replace.clear();
  if (m_pathAuto || m_path.empty()) {
    m_kind = kind;
    m_path = defaultPath(kind);
    m_pathAuto = true;
  } else {
    setKind(kind);
  }
}

void ExportWindow::setKind(ExportKind kind) {
  if (kind == m_kind && !m_path.empty()) return;
  m_kind = kind;
  m_replace.clear();
  if (m_pathAuto) m_path = defaultPath(kind);
}

void ExportWindow::setScale(int scale) { m_scale = std::clamp(scale, 1, kMaxScale); }

void ExportWindow::setPath(const std::string& path) {
  m_path = path;
  m_pathAuto = false;
  m_replace.clear();
}

bool ExportWindow::exportNow(const ExportView& view, bool replace) {
  if (busy()) return false;
  ExportOptions o;
  o.scale = m_scale;
  o.legend = m_legend;
  o.text = &defaultTextRaster();
  std::string error, note;
  Image img = renderExport(m_kind, view, o, &error, &note);
  if (img.empty()) {
    m_status = error;
    m_statusError = true;
    return false;
  }
  std::error_code ec;
  std::string path = m_path;
  if (!path.empty() && fs::path(path).extension().empty()) path += ".png";
  if (path.empty()) path = defaultPath(m_kind);
  if (fs::is_directory(path, ec)) path = (fs::path(path) / exportFileName(m_kind)).string();
  if (!replace && fs::exists(path, ec)) {
    m_replace = path;
    m_status.clear();
    return false;
  }
  m_replace.clear();
  m_path = path;
  m_note = note;
  m_status = "Writing " + path + " ...";
  m_statusError = false;
  // The picture is a private copy: the worker never sees the app's data.
  m_job = std::async(std::launch::async, [img = std::move(img), path] { return writeExportPng(img, path); });
  return true;
}

bool ExportWindow::poll(bool wait) {
  if (!m_job.valid()) return false;
  if (!wait && m_job.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return false;
  m_last = m_job.get();
  if (m_last.ok) {
    m_status = "Saved " + m_last.path + " (" + std::to_string(m_last.width) + " x " + std::to_string(m_last.height) + ")";
    if (!m_note.empty()) m_status += "; " + m_note;
    m_statusError = false;
    if (m_recent) m_recent->add("exports", m_last.path);
    if (m_pathAuto) m_path = defaultPath(m_kind);  // the next export does not replace this one
  } else {
    m_status = m_last.error;
    m_statusError = true;
  }
  return true;
}

bool ExportWindow::copyPath() {
  if (!m_last.ok) return false;
  ImGui::SetClipboardText(m_last.path.c_str());
  m_status = "Copied the path " + m_last.path;
  m_statusError = false;
  return true;
}

void ExportWindow::keepChoiceAvailable(const ExportView& view) {
  if (exportUnavailable(m_kind, view).empty()) return;
  for (ExportKind k : kExportKinds)
    if (exportUnavailable(k, view).empty()) {
      setKind(k);
      return;
    }
  // Nothing can be exported now: the choice stays, Export stays disabled with the reason.
}

void ExportWindow::drawChoices(const ExportView& view) {
  for (ExportKind k : kExportKinds) {
    std::string why = exportUnavailable(k, view);
    std::string label = k == ExportKind::Decoded ? view.decodedLabel : exportKindLabel(k);
    ImGui::BeginDisabled(!why.empty());
    if (ImGui::RadioButton(label.c_str(), m_kind == k)) setKind(k);
    ImGui::EndDisabled();
    if (!why.empty() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", why.c_str());
  }
}

void ExportWindow::draw(const ExportView& view) {
  poll();
  if (!m_open) return;
  ImGuiIO& io = ImGui::GetIO();
  if (m_center) {
    ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.4f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowFocus();
    m_center = false;
  }
  if (!ImGui::Begin("Export", &m_open, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  float fs = ImGui::GetFontSize();
  if (!busy() && m_replace.empty()) keepChoiceAvailable(view);
  ImGui::TextDisabled("What");
  drawChoices(view);
  ImGui::Separator();
  ImGui::SetNextItemWidth(fs * 8);
  int scale = m_scale;
  if (ImGui::SliderInt("Scale", &scale, 1, kMaxScale, "%dx")) setScale(scale);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Every pixel is repeated this many times across and down: 1x is the picture as computed, 4x is sharp on a slide.");
  ExportOptions o;
  o.scale = m_scale;
  o.text = &defaultTextRaster();
  auto [w, h] = exportSize(m_kind, view, o);
  ImGui::SameLine();
  if (w > 0) ImGui::TextDisabled("%d x %d px", w, h);
  if (m_kind == ExportKind::Map) {
    ImGui::Checkbox("Legend", &m_legend);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A box in the top-right corner with each class's colour and name.");
  }
  if (!o.text->ok() && (m_kind == ExportKind::Map || m_kind == ExportKind::Strip))
    ImGui::TextColored(kError, "No labels: %s", o.text->error().c_str());

  ImGui::SetNextItemWidth(fs * 26);
  std::string path = m_path;
  if (ImGui::InputText("##path", &path)) setPath(path);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Where the PNG goes (a folder: the default name inside it)");
  ImGui::SameLine();
  if (ImGui::Button("Browse...")) {
    FileDialogSpec spec;
    spec.id = "export";
    spec.mode = FileDialogMode::Save;
    spec.title = "Export PNG";
    spec.filter = "*.png";
    spec.extension = ".png";
    spec.recentKind = "exports";
    spec.start = m_path;
    m_dialog.open(spec);
  }
  if (!m_replace.empty()) {
    ImGui::TextColored(kError, "%s already exists. Replace it?", fs::path(m_replace).filename().c_str());
    if (ImGui::Button("Replace")) {
      m_path = m_replace;
      exportNow(view, true);
    }
    ImGui::SameLine();
    if (ImGui::Button("Keep it")) m_replace.clear();
  } else {
    ImGui::BeginDisabled(busy() || w == 0);
    if (ImGui::Button("Export")) exportNow(view);
    ImGui::EndDisabled();
  }
  ImGui::SameLine();
  ImGui::BeginDisabled(!m_last.ok);
  if (ImGui::Button("Copy path")) copyPath();
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip("Copies the exported PNG's path as text. The window's clipboard (GLFW) holds text only, so the\n"
                      "picture itself cannot be copied: paste the path into a file chooser or an upload box.");
  static const bool haveXdg = !findProgram("xdg-open").empty();
  ImGui::SameLine();
  ImGui::BeginDisabled(!m_last.ok || !haveXdg);
  if (ImGui::Button("Open")) {
    std::string err;
    if (!openExternal(m_last.path, &err)) m_status = err, m_statusError = true;
  }
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
    ImGui::SetTooltip(haveXdg ? "Open the PNG in the desktop's image viewer (xdg-open)"
                              : "xdg-open is not installed (package xdg-utils): open the file by hand");
  if (!m_status.empty()) {
    ImGui::PushTextWrapPos(fs * 34);
    ImGui::TextColored(m_statusError ? kError : kOk, "%s", m_status.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::End();
  if (m_dialog.draw()) {
    m_path = m_dialog.result();
    m_pathAuto = false;
    exportNow(view, true);  // the dialog already asked before replacing
  }
}

}  // namespace latentlab
