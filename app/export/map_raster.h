// The latent map drawn on the CPU for export: the points as discs in their class colours
// (hidden classes left out), the axes through the plane origin, the selected point ringed,
// and a legend (a swatch per class, and its name when a font is there) in the top-right
// corner, at the map panel's size times `scale`. Uses the same MapView mapping as the panel,
// so a point lands where the panel shows it. CPU only: never touches GL or ImGui state.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/map_points.h"
#include "app/map_view.h"
#include "engine/data/image.h"

namespace latentlab {

class TextRaster;

struct MapRasterOptions {
  int width = 800, height = 600;  // the map at 1x: the panel's map area in screen pixels
  int scale = 1;
  float pointSize = 3;   // dot diameter at 1x (AppState::pointSize)
  bool legend = true;
  bool axes = true;
  int64_t selected = -1;        // ringed when >= 0
  std::string uName, vName;     // axis names at the edges ("PC1", "PC2"); blank: none
  const TextRaster* text = nullptr;  // class and axis names; null or no font: swatches only
};

struct MapRasterSwatch {
  int label = 0;
  int x = 0, y = 0, size = 0;  // the square in output pixels
  bool hidden = false;         // outlined only: the class is hidden on the map
};

struct MapRaster {
  Image image;  // RGB
  std::vector<MapRasterSwatch> swatches;
  bool named = false;  // class names were drawn
  std::string note;    // why not, when they were not
};

MapRaster rasterizeMap(const MapPoints& points, const std::vector<bool>& hidden, const MapView& view,
                       const MapRasterOptions& options);

// The RGB of classColor(label).
void classRgb(int label, uint8_t rgb[3]);

}  // namespace latentlab
