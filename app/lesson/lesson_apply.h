// Putting a lesson step into the app: which panels are shown and which are locked, the map,
// cursor, selection and grid, and the settings of the Directions, Interpolation, Diffusion
// and Seed grid panels (through the same restoreState a saved session uses, so a step is a
// saved app state plus text). Runs on the main thread between frames of the panels; asks for
// engine work only through UiRequests, never waits for it.
#pragma once
#include <string>
#include <vector>

#include "app/lesson/lesson.h"
#include "app/panels/panel.h"

namespace latentlab {

class GuiApp;

// The model folder the app has open ("" when none), and whether two paths name the same folder.
std::string openModelDir(const GuiApp& app);
bool sameFolder(const std::string& a, const std::string& b);

// Opens the step's panels (and the Lesson panel), closes the others.
void applyStepPanels(GuiApp& app, const LessonStep& step);
// Presenter mode: every shown panel but the Lesson panel and the step's "unlock" ones is
// locked; off: none is.
void applyStepLocks(GuiApp& app, const LessonStep& step, bool presenter);
// Map, cursor, selection, grid and the panels' settings. The step's model must be open (and
// its data encoded, for a model with a map). Returns what could not be applied (a class name
// the model does not have...), one line each; the rest is applied.
std::vector<std::string> applyStepState(GuiApp& app, PanelContext& ctx, const LessonStep& step);
// The map view (centre, extent) goes in a frame after the plane, whose change refits the view.
void applyStepView(PanelContext& ctx, const LessonStep& step);

}  // namespace latentlab
