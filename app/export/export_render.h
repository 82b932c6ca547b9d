// The four pictures File > Export can write, rendered from what the app shows now: the
// decoded image, the manifold grid, the denoising strip and the map with its legend. The
// app fills an ExportView with pointers to its live data each frame; renderExport copies
// what it needs, on the main thread, so writing can go on elsewhere. No GL, no ImGui.
#pragma once
#include <string>
#include <vector>

#include "app/app_state.h"
#include "app/map_points.h"
#include "engine/data/image.h"
#include "engine/explore/diffusion_sampling.h"

namespace latentlab {

class TextRaster;

enum class ExportKind { Decoded, Grid, Strip, Map };
constexpr ExportKind kExportKinds[] = {ExportKind::Decoded, ExportKind::Grid, ExportKind::Strip, ExportKind::Map};

const char* exportKindLabel(ExportKind k);  // "Decoded image", ...
const char* exportFileName(ExportKind k);   // "decoded.png", ...

// Pointers into the app's data for this frame; null (or empty) = not available now.
struct ExportView {
  const Image* decoded = nullptr;  // the image under the cursor (a diffusion model: the final sample)
  std::string decodedLabel = "Decoded image";
  const Image* grid = nullptr;  // the manifold grid atlas
  const std::vector<SampleFrame>* frames = nullptr;  // the recorded denoising steps
  const MapPoints* points = nullptr;
  const AppState* state = nullptr;  // view, hidden classes, dot size, selection, plane mode
  float mapW = 0, mapH = 0;         // the map panel's drawing area in screen pixels
};

// "" when `k` can be exported now, else why not, in words for a tooltip.
std::string exportUnavailable(ExportKind k, const ExportView& v);
struct ExportOptions {
  int scale = 1;
  bool legend = true;                // the map
  const TextRaster* text = nullptr;  // labels (legend names, step numbers); null: none
};

// Output size in pixels, {0, 0} when unavailable (shown before exporting).
std::pair<int, int> exportSize(ExportKind k, const ExportView& v, const ExportOptions& o);

// The picture, or an empty image with *error set. *note: e.g. "no labels: no font".
Image renderExport(ExportKind k, const ExportView& v, const ExportOptions& o, std::string* error,
                   std::string* note = nullptr);

}  // namespace latentlab
