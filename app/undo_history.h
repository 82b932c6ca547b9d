// Undo/redo of what a user changes by hand: the map plane (mode, axes, the three points),
// which classes are hidden, the selected point, and the diffusion settings (sampler,
// steps, guidance, eta, seed, class). Snapshot-based: the app copies these few fields out
// of AppState once per frame; a change made while the mouse is down or a field is being
// edited is one step when it ends, so a slider dragged over 100 frames undoes at once.
// Plain data, no ImGui, no engine: it never decides what a change means, it only restores.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/app_state.h"
#include "app/panels/diffusion_settings.h"

namespace latentlab {

struct UndoSnapshot {
  std::string planeMode;
  std::array<int64_t, 3> planePoints{{-1, -1, -1}};
  int axisI = 0, axisJ = 1;
  LatentPlane customPlane;  // the vectors themselves, only for planeMode "custom"
  std::vector<bool> hiddenClasses;  // trailing shown classes trimmed (the engine pads the list)
  int64_t selected = -1;
  bool hasDiffusion = false;
  DiffusionSettings diffusion;

  bool samePlane(const UndoSnapshot& o) const;
  bool sameDiffusion(const UndoSnapshot& o) const;
  bool operator==(const UndoSnapshot& o) const;
  bool operator!=(const UndoSnapshot& o) const { return !(*this == o); }
  // What differs from `o`, for the menu: "plane", "class visibility", "selection",
  // "diffusion settings" (joined with ", " when several).
  std::string describeChange(const UndoSnapshot& o) const;
};

// The fields of `s` (and of the Diffusion panel's settings, when there is one) undo covers.
UndoSnapshot captureUndo(const AppState& s, const DiffusionSettings* diffusion);
// Writes a snapshot back. Returns true when the plane changed, so the caller asks for it to
// be recomputed (UiRequests::planeChanged).
[[nodiscard]] bool restoreUndo(const UndoSnapshot& snap, AppState& s, DiffusionSettings* diffusion);

class UndoHistory {
 public:
  explicit UndoHistory(size_t limit = 200) : m_limit(limit) {}
  // Forgets every step; `current` is the starting point (a model or session was opened).
  void reset(const UndoSnapshot& current);
  // Takes `current` as the new starting point without an undo step (changes the app made
  // itself, e.g. a model's recommended settings while it loads). Keeps the older steps.
  void rebase(const UndoSnapshot& current);
  // Once per frame. `interacting`: the mouse is down or a field is being edited; the change
  // becomes one step when the interaction ends. A new step clears the redo list.
  void observe(const UndoSnapshot& current, bool interacting);
  // The snapshot to restore, or nothing. `current` is what the app holds now: a change still
  // in progress is committed first, so Undo goes back to before it.
  std::optional<UndoSnapshot> undo(const UndoSnapshot& current);
  std::optional<UndoSnapshot> redo(const UndoSnapshot& current);

  bool canUndo() const { return !m_undo.empty(); }
  bool canRedo() const { return !m_redo.empty(); }
  size_t undoSteps() const { return m_undo.size(); }
  size_t redoSteps() const { return m_redo.size(); }
  // "Undo class visibility" / "Redo plane" for menu items; "Undo" / "Redo" when empty.
  std::string undoLabel() const;
  std::string redoLabel() const;

 private:
  void commit(const UndoSnapshot& current);
  size_t m_limit;
  bool m_started = false;
  UndoSnapshot m_committed;  // the state the newest step leads to
  std::vector<UndoSnapshot> m_undo, m_redo;
};

}  // namespace latentlab
