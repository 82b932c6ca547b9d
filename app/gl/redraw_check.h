// Debug switch that proves partial redraw exact (style rule 16: a shortcut shows the same
// picture as the plain path). With LATENTLAB_REDRAW_CHECK=FILE, after every frame the window's
// pixels are read back, the same ImDrawData is drawn again whole over them by the plain ImGui
// renderer (cleared, every command with its own clip rectangle), read back again and compared
// pixel for pixel. Frames that differ are counted, the first few dumped as PNG pairs with
// their damage rectangles, and a JSON report is written at exit (FILE). The reference is drawn
// into the window itself, not an offscreen texture: on llvmpipe an RGBA8 texture blends
// anti-aliased edges one level apart from the window's own format. What stays on screen is
// the exact frame, so each frame is checked from an exact start. GL thread only; it costs a
// whole frame and two read-backs per frame: for tests and debugging, not for users.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "app/dirty_regions.h"

namespace latentlab::gl {

class RedrawCheck {
 public:
  // From LATENTLAB_REDRAW_CHECK; nullptr when it is unset or empty.
  static std::unique_ptr<RedrawCheck> fromEnv();
  explicit RedrawCheck(std::string reportPath, int maxDumps = 4);
  ~RedrawCheck();  // writes the report (no GL: safe after the context is gone)
  RedrawCheck(const RedrawCheck&) = delete;
  RedrawCheck& operator=(const RedrawCheck&) = delete;

  // A frame is in the default framebuffer (the front buffer of a single-buffered window, the
  // back buffer before the swap of a double-buffered one): draws `dd` whole over it with the
  // plain renderer and compares. `damage`: what was redrawn, for the report; `full`: the
  // frame was drawn whole (then a difference means the check itself is wrong).
  void check(ImDrawData* dd, int fbw, int fbh, const std::vector<PixelRect>& damage, bool full);
  // The report; with `lastPng`, also the last checked frame as FILE-last.png (what the
  // sequence ended on, for whoever reads the report).
  void writeReport(bool lastPng = false) const;
  long mismatchedFrames() const { return m_mismatched; }

 private:
  struct Mismatch {
    long frame = 0;
    bool full = false;
    long pixels = 0;
    PixelRect bbox;
    std::vector<PixelRect> damage;
    std::string partialPng, fullPng;
  };
  std::string m_path;
  int m_maxDumps;
  long m_frames = 0, m_fullFrames = 0, m_fullMismatched = 0, m_checked = 0, m_damaged = 0, m_mismatched = 0;
  double m_damagedFraction = 0;  // summed over checked frames
  std::vector<Mismatch> m_mismatches;  // the first few, with details
  void noteWindows(const ImDrawData& dd);

  std::set<std::string> m_windows;  // every window that drew (tooltips, popups, panels): what was exercised
  int m_w = 0, m_h = 0;
  std::vector<uint8_t> m_window, m_full;  // RGBA read-backs, reused
};

}  // namespace latentlab::gl
