#include "app/widgets/desktop_tools.h"

#include <imgui.h>

#include <filesystem>

#include "app/bundled_models.h"

namespace fs = std::filesystem;

namespace latentlab {

DesktopTools::DesktopTools(const std::string& recentFile) : m_recent(recentFile) {
  m_recent.load();  // a broken file is ignored (RecentFiles says why in error())
}

void DesktopTools::openSessionDialog(bool save, const AppState& state) {
  FileDialogSpec spec;
  spec.id = save ? "save-session" : "open-session";
  spec.mode = save ? FileDialogMode::Save : FileDialogMode::Open;
  spec.title = save ? "Save session" : "Open session";
  spec.filter = "*.json";
  spec.extension = ".json";
  spec.recentKind = "sessions";
  auto recent = m_recent.list("sessions");
  if (!recent.empty()) spec.start = save ? fs::path(recent.front()).parent_path().string() + "/session.json" : recent.front();
  else if (save) spec.start = "session.json";
  m_dialog.open(spec);
}

void DesktopTools::openModelDialog(const AppState& state) {
  FileDialogSpec spec;
  spec.id = "open-model";
  spec.mode = FileDialogMode::PickFolder;
  spec.title = "Open model: a folder with model.json, or a TorchScript .pt file";
  spec.confirm = "Open model";
  spec.marker = "model.json";
  spec.filter = "*.pt";  // a researcher's own checkpoint (a bare one asks its image shape next)
  spec.recentKind = "models";
  // Start beside the open model, so its siblings (other bundles, other runs) are one click away.
  spec.start = state.modelDir.empty() ? "" : state.modelDir;
  auto bundled = listBundledModels();
  if (!bundled.empty()) spec.places.push_back({"Bundled models", fs::path(bundled.front()).parent_path().string()});
  m_dialog.open(spec);
}

bool DesktopTools::undoNow(AppState& state, DiffusionSettings* diffusion) {
  auto snap = m_undo.undo(captureUndo(state, diffusion));
  if (!snap) return false;
  m_pending.planeChanged = restoreUndo(*snap, state, diffusion) || m_pending.planeChanged;
  return true;
}

bool DesktopTools::redoNow(AppState& state, DiffusionSettings* diffusion) {
  auto snap = m_undo.redo(captureUndo(state, diffusion));
  if (!snap) return false;
  m_pending.planeChanged = restoreUndo(*snap, state, diffusion) || m_pending.planeChanged;
  return true;
}

void DesktopTools::recentMenu(const char* label, const char* kind, std::string& pick) {
  auto list = m_recent.list(kind);
  if (!ImGui::BeginMenu(label, !list.empty())) return;
  for (const auto& path : list) {
    std::error_code ec;
    bool exists = fs::exists(path, ec);
    std::string name = fs::path(path).filename().string() + "##" + path;
    if (ImGui::MenuItem(name.c_str(), nullptr, false, exists)) pick = path;
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip("%s%s", path.c_str(), exists ? "" : "\n(no longer there)");
  }
  ImGui::Separator();
  if (ImGui::MenuItem("Clear this list"))
    for (const auto& path : list) m_recent.remove(kind, path);
  ImGui::EndMenu();
}

void DesktopTools::fileMenuItems(const AppState& state, const ExportView& view) {
  if (ImGui::MenuItem("Open session...", shortcutKeys(ShortcutId::OpenSession).c_str())) openSessionDialog(false, state);
  if (ImGui::MenuItem("Save session...", shortcutKeys(ShortcutId::SaveSession).c_str())) openSessionDialog(true, state);
  recentMenu("Recent sessions", "sessions", m_pending.openSession);
  ImGui::Separator();
  if (ImGui::MenuItem("Open model...", shortcutKeys(ShortcutId::OpenModel).c_str())) openModelDialog(state);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A folder with a model.json (a bundle written by latentlab train)");
  recentMenu("Recent models", "models", m_pending.openModel);
  ImGui::Separator();
  if (ImGui::BeginMenu("Export")) {
    for (ExportKind k : kExportKinds) {
      std::string why = exportUnavailable(k, view);
      std::string label = std::string(k == ExportKind::Decoded ? view.decodedLabel.c_str() : exportKindLabel(k)) + "...";
      if (ImGui::MenuItem(label.c_str(), nullptr, false, why.empty())) m_export.open(k);
      if (!why.empty() && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("%s", why.c_str());
    }
    ImGui::Separator();
    if (ImGui::MenuItem("Export window", shortcutKeys(ShortcutId::Export).c_str())) m_export.open(m_export.kind());
    ImGui::EndMenu();
  }
}

void DesktopTools::editMenu(AppState& state, DiffusionSettings* diffusion) {
  if (!ImGui::BeginMenu("Edit")) return;
  if (ImGui::MenuItem(m_undo.undoLabel().c_str(), shortcutKeys(ShortcutId::Undo).c_str(), false, m_undo.canUndo()))
    undoNow(state, diffusion);
  if (ImGui::MenuItem(m_undo.redoLabel().c_str(), shortcutKeys(ShortcutId::Redo).c_str(), false, m_undo.canRedo()))
    redoNow(state, diffusion);
  ImGui::Separator();
  ImGui::TextDisabled("Undo covers the plane, hidden classes,\nthe selected point and diffusion settings.");
  ImGui::EndMenu();
}

void DesktopTools::helpMenuItems(const AppState& state, int engineWorkers) {
  m_help.menuItems(state.device, engineWorkers);
}

bool DesktopTools::onShortcut(ShortcutId id, AppState& state, DiffusionSettings* diffusion, int engineWorkers) {
  switch (id) {
    case ShortcutId::OpenSession: openSessionDialog(false, state); return true;
    case ShortcutId::SaveSession: openSessionDialog(true, state); return true;
    case ShortcutId::OpenModel: openModelDialog(state); return true;
    case ShortcutId::Export: m_export.open(m_export.kind()); return true;
    case ShortcutId::Undo: undoNow(state, diffusion); return true;
    case ShortcutId::Redo: redoNow(state, diffusion); return true;
    case ShortcutId::ShowShortcuts: m_help.showShortcuts(); return true;
    default: return false;
  }
}

ToolActions DesktopTools::endFrame(AppState& state, DiffusionSettings* diffusion, const ExportView& view,
                                   uint64_t modelGeneration, bool busy) {
  m_help.trackFocusedPanel();
  m_help.draw();
  m_export.draw(view);
  if (m_dialog.draw()) {
    const std::string& id = m_dialog.spec().id;
    if (id == "open-session") m_pending.openSession = m_dialog.result();
    if (id == "save-session") m_pending.saveSession = m_dialog.result();
    if (id == "open-model") m_pending.openModel = m_dialog.result();
  }
  if (!m_pending.openSession.empty()) m_recent.add("sessions", m_pending.openSession);
  if (!m_pending.openModel.empty()) m_recent.add("models", m_pending.openModel);

  // Undo: a new model starts a fresh history; what the app sets while loading (a model's
  // recommended sampler, the Diffusion panel appearing) is no step of the user's.
  UndoSnapshot snap = captureUndo(state, diffusion);
  if (modelGeneration != m_generation) {
    m_undo.reset(snap);
    m_generation = modelGeneration;
  } else if (busy || snap.hasDiffusion != m_hadDiffusion) {
    m_undo.rebase(snap);
  } else {
    m_undo.observe(snap, ImGui::IsAnyMouseDown() || ImGui::IsAnyItemActive());
  }
  m_hadDiffusion = snap.hasDiffusion;
  ToolActions out = m_pending;
  m_pending = ToolActions{};
  return out;
}

}  // namespace latentlab
