#include "app/help/help_window.h"

#include <imgui.h>
#include <imgui_internal.h>  // the focused window (NavWindow), to know the current panel
#include <imgui_stdlib.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

#include "app/help/readme_links.h"
#include "app/help/shortcuts.h"
#include "app/widgets/open_external.h"

namespace latentlab {

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower((unsigned char)c));
  return s;
}

std::string readText(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

const char* panelTitle(const std::string& id) {
  for (const auto& s : readmeSections())
    if (id == s.panelId) return s.title;
  return "this window";
}

}  // namespace

void HelpWindow::showAbout(const std::string& deviceRequest, int engineWorkers) {
  m_info = collectAbout(deviceRequest, engineWorkers);
  m_about = true;
}

void HelpWindow::trackFocusedPanel() {
  ImGuiContext* g = ImGui::GetCurrentContext();
  ImGuiWindow* w = g ? g->NavWindow : nullptr;
  while (w && w->ParentWindow) w = w->ParentWindow;
  if (!w) return;
  // Panels are "Title###id" windows (Panel::draw).
  std::string name = w->Name;
  auto pos = name.find("###");
  if (pos == std::string::npos) return;
  std::string id = name.substr(pos + 3);
  for (const auto& s : readmeSections())
    if (id == s.panelId) m_panel = id;
}

std::string HelpWindow::readmeLink() const {
  std::string readme = findReadme();
  if (readme.empty()) return "";
  return readme + "#" + readmeAnchor(m_panel, readText(readme));
}

void HelpWindow::menuItems(const std::string& deviceRequest, int engineWorkers) {
  if (ImGui::MenuItem("Keyboard shortcuts", shortcutKeys(ShortcutId::ShowShortcuts).c_str())) showShortcuts();
  std::string readme = std::string("README: ") + panelTitle(m_panel);
  if (ImGui::MenuItem(readme.c_str())) showReadme();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Where the README explains the panel you last clicked in");
  if (ImGui::MenuItem("About LatentLab")) showAbout(deviceRequest, engineWorkers);
}

void HelpWindow::drawShortcuts() {
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowSize(ImVec2(ImGui::GetFontSize() * 40, io.DisplaySize.y * 0.6f), ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (m_focusShortcuts) {
    ImGui::SetNextWindowFocus();
    m_focusShortcuts = false;
  }
  if (!ImGui::Begin("Keyboard shortcuts", &m_shortcuts)) {
    ImGui::End();
    return;
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14);
  ImGui::InputTextWithHint("##filter", "search", &m_filter);
  ImGui::SameLine();
  ImGui::TextDisabled("Keys work when no text field is being edited.");
  m_shownRows = 0;
  if (ImGui::BeginTable("##shortcuts", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerH)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    float keysW = 0;  // the widest key text, so none is cut
    for (const auto& s : shortcutTable()) keysW = std::max(keysW, ImGui::CalcTextSize(s.keys).x);
    ImGui::TableSetupColumn("Keys", ImGuiTableColumnFlags_WidthFixed, keysW + ImGui::GetFontSize() * 0.5f);
    ImGui::TableSetupColumn("What it does", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("Where", ImGuiTableColumnFlags_WidthFixed, ImGui::GetFontSize() * 8);
    ImGui::TableHeadersRow();
    std::string f = lower(m_filter);
    for (const auto& s : shortcutTable()) {
      std::string all = lower(std::string(s.keys) + " " + s.action + " " + s.scope);
      if (!f.empty() && all.find(f) == std::string::npos) continue;
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(s.keys);
      ImGui::TableNextColumn();
      ImGui::PushTextWrapPos(0);
      ImGui::TextUnformatted(s.action);
      ImGui::PopTextWrapPos();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", s.scope);
      ++m_shownRows;
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

void HelpWindow::drawAbout() {
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.4f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::Begin("About LatentLab", &m_about, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  ImGui::Text("LatentLab %s", m_info.version.c_str());
  ImGui::TextDisabled("A desktop explorer for generative models: latent maps, decoding, diffusion.");
  ImGui::Separator();
  if (ImGui::BeginTable("##about", 2, ImGuiTableFlags_SizingFixedFit)) {
    auto row = [](const char* k, const std::string& v, const char* tip) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", k);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(v.c_str());
      if (tip && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", tip);
    };
    row("LibTorch", m_info.torchVersion, "The C++ library that runs the models");
    row("Dear ImGui", m_info.imguiVersion, nullptr);
    row("BLAS", m_info.blas, "The matrix library under LibTorch on the CPU; OpenBLAS is many times faster than the reference one");
    row("Device", m_info.device, "Where the models run (--device auto|cpu|cuda)");
    row("Threads", std::to_string(m_info.torchThreads) + " LibTorch, " + std::to_string(m_info.engineWorkers) +
                       " workers, " + std::to_string(m_info.cores) + " cores",
        "LibTorch intra-op threads, the app's engine worker threads, and the machine's CPU cores");
    row("Export labels", m_info.labelFont, "The font class names and step numbers in exported PNGs are drawn with");
    ImGui::EndTable();
  }
  if (ImGui::Button("Copy")) ImGui::SetClipboardText(m_info.text().c_str());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Copy these lines as text (for a bug report)");
  ImGui::SameLine();
  if (ImGui::Button("Close")) m_about = false;
  ImGui::End();
}

void HelpWindow::drawReadme() {
  ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.4f), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  if (!ImGui::Begin("README section", &m_readme, ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse)) {
    ImGui::End();
    return;
  }
  if (m_linkPanel != m_panel) {  // reading README.md once per panel, not once per frame
    m_link = readmeLink();
    m_linkPanel = m_panel;
  }
  const std::string& link = m_link;
  ImGui::Text("%s is explained in:", panelTitle(m_panel));
  if (link.empty()) {
    ImGui::TextDisabled("README.md was not found next to the program or in its source folder.");
  } else {
    ImGui::TextUnformatted(link.c_str());
    if (ImGui::Button("Copy link")) {
      ImGui::SetClipboardText(link.c_str());
      m_status = "Copied.";
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Copy the path and #section as text (paste it in a browser or editor)");
    static const bool haveXdg = !findProgram("xdg-open").empty();
    ImGui::SameLine();
    ImGui::BeginDisabled(!haveXdg);
    if (ImGui::Button("Open README")) {
      std::string err;
      std::string file = link.substr(0, link.find('#'));
      m_status = openExternal(file, &err) ? "Opened (scroll to \"" + link.substr(link.find('#') + 1) + "\")." : err;
    }
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip(haveXdg ? "Open README.md with the desktop's viewer (xdg-open); it opens at the top"
                                : "xdg-open is not installed (package xdg-utils): use Copy link");
  }
  if (!m_status.empty()) ImGui::TextDisabled("%s", m_status.c_str());
  ImGui::End();
}

void HelpWindow::draw() {
  if (m_shortcuts) drawShortcuts();
  if (m_about) drawAbout();
  if (m_readme) drawReadme();
}

}  // namespace latentlab
