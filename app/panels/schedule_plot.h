// Two small plots of a diffusion model's noise schedule, drawn with ImGui's draw list:
// alpha_bar(t) (how much of the clean image is left at timestep t) and the signal-to-noise
// ratio SNR(t) = alpha_bar / (1 - alpha_bar), both on a log10 axis because they span many
// decades. The timesteps a run visits are marked on the curves; the current one stands out.
// Hovering shows the numbers at the timestep under the mouse.
#pragma once
#include <imgui.h>

#include <cstdint>
#include <vector>

namespace latentlab {

struct ScheduleMarks {
  std::vector<int64_t> timesteps;  // the run's timesteps (any order)
  int64_t current = -1;            // highlighted timestep, -1 for none
};

// Draws both plots into `size` (stacked, one labelled t axis under them); returns the
// timestep under the mouse or -1. `textRects`, when given, receives the rectangle (x, y, w, h)
// of every label drawn.
int64_t drawSchedulePlots(const std::vector<double>& alphaBars, const ScheduleMarks& marks, ImVec2 size,
                          std::vector<ImVec4>* textRects = nullptr);

// log10 of SNR(t) for alpha_bar a, kept finite at both ends (a = 0 or 1).
double log10Snr(double alphaBar);

}  // namespace latentlab
