#include "app/undo_history.h"

namespace latentlab {

namespace {

bool samePlaneVectors(const LatentPlane& a, const LatentPlane& b) {
  return a.origin == b.origin && a.axisU == b.axisU && a.axisV == b.axisV;
}

}  // namespace

bool UndoSnapshot::samePlane(const UndoSnapshot& o) const {
  return planeMode == o.planeMode && planePoints == o.planePoints && axisI == o.axisI && axisJ == o.axisJ &&
         samePlaneVectors(customPlane, o.customPlane);
}

bool UndoSnapshot::sameDiffusion(const UndoSnapshot& o) const {
  if (hasDiffusion != o.hasDiffusion) return false;
  if (!hasDiffusion) return true;
  const auto &a = diffusion, &b = o.diffusion;
  return a.seed == b.seed && a.classIndex == b.classIndex && a.guidance == b.guidance && a.sampler == b.sampler &&
         a.steps == b.steps && a.eta == b.eta;
}

bool UndoSnapshot::operator==(const UndoSnapshot& o) const {
  return samePlane(o) && hiddenClasses == o.hiddenClasses && selected == o.selected && sameDiffusion(o);
}

std::string UndoSnapshot::describeChange(const UndoSnapshot& o) const {
  std::string d;
  auto add = [&](const char* what) { d += (d.empty() ? "" : ", ") + std::string(what); };
  if (!samePlane(o)) add("plane");
  if (hiddenClasses != o.hiddenClasses) add("class visibility");
  if (selected != o.selected) add("selection");
  if (!sameDiffusion(o)) add("diffusion settings");
  return d;
}

UndoSnapshot captureUndo(const AppState& s, const DiffusionSettings* diffusion) {
  UndoSnapshot u;
  u.planeMode = s.planeMode;
  u.planePoints = s.planePoints;
  u.axisI = s.axisI;
  u.axisJ = s.axisJ;
  // Other modes compute their vectors from the data: only a custom plane is the vectors.
  if (s.planeMode == "custom") u.customPlane = s.plane;
  u.hiddenClasses = s.hiddenClasses;
  while (!u.hiddenClasses.empty() && !u.hiddenClasses.back()) u.hiddenClasses.pop_back();
  u.selected = s.selected;
  u.hasDiffusion = diffusion != nullptr;
  if (diffusion) u.diffusion = *diffusion;
  return u;
}

bool restoreUndo(const UndoSnapshot& snap, AppState& s, DiffusionSettings* diffusion) {
  bool planeChanged = !snap.samePlane(captureUndo(s, nullptr));
  s.planeMode = snap.planeMode;
  s.planePoints = snap.planePoints;
  s.axisI = snap.axisI;
  s.axisJ = snap.axisJ;
  if (snap.planeMode == "custom") s.plane = snap.customPlane;
  if (s.hiddenClasses.size() < snap.hiddenClasses.size()) s.hiddenClasses.resize(snap.hiddenClasses.size(), false);
  for (size_t i = 0; i < s.hiddenClasses.size(); ++i)
    s.hiddenClasses[i] = i < snap.hiddenClasses.size() && snap.hiddenClasses[i];
  s.selected = snap.selected;
  if (diffusion && snap.hasDiffusion) *diffusion = snap.diffusion;
  return planeChanged;
}

void UndoHistory::reset(const UndoSnapshot& current) {
  m_undo.clear();
  m_redo.clear();
  m_committed = current;
  m_started = true;
}

void UndoHistory::rebase(const UndoSnapshot& current) {
  if (!m_started) return reset(current);
  m_committed = current;
}

void UndoHistory::commit(const UndoSnapshot& current) {
  m_undo.push_back(m_committed);
  if (m_undo.size() > m_limit) m_undo.erase(m_undo.begin());
  m_redo.clear();
  m_committed = current;
}

void UndoHistory::observe(const UndoSnapshot& current, bool interacting) {
  if (!m_started) return reset(current);
  if (interacting || current == m_committed) return;
  commit(current);
}

std::optional<UndoSnapshot> UndoHistory::undo(const UndoSnapshot& current) {
  if (!m_started) reset(current);
  if (current != m_committed) commit(current);
  if (m_undo.empty()) return std::nullopt;
  m_redo.push_back(m_committed);
  m_committed = m_undo.back();
  m_undo.pop_back();
  return m_committed;
}

std::optional<UndoSnapshot> UndoHistory::redo(const UndoSnapshot& current) {
  if (!m_started) reset(current);
  if (current != m_committed) commit(current);  // a fresh change ends the redo list
  if (m_redo.empty()) return std::nullopt;
  m_undo.push_back(m_committed);
  m_committed = m_redo.back();
  m_redo.pop_back();
  return m_committed;
}

std::string UndoHistory::undoLabel() const {
  return m_undo.empty() ? "Undo" : "Undo " + m_committed.describeChange(m_undo.back());
}

std::string UndoHistory::redoLabel() const {
  return m_redo.empty() ? "Redo" : "Redo " + m_redo.back().describeChange(m_committed);
}

}  // namespace latentlab
