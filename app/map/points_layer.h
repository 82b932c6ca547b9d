// The latent map's base layer (background, the axes through the plane origin, every point in
// its class colour) rendered on the CPU into one RGBA image, and redrawn only when what it
// shows changes: the points (a new layout frame), hidden classes, zoom, dot size or the map's
// size. A pan by whole pixels shifts the image and draws only the strip that came into view.
// Why not the GPU: under Xvfb the rasteriser is Mesa llvmpipe, which spends about 1.5 us
// per instanced quad, so 70,000 points cost ~100 ms a frame; splatting precomputed
// sub-pixel stamps costs a few ms, and an unchanged layer costs nothing (the texture is
// not re-uploaded, so partial redraws leave it alone). No GL or ImGui state: unit-tested.
#pragma once
#include <cstdint>
#include <vector>

#include "app/map_points.h"
#include "engine/data/image.h"

namespace latentlab {

// A dot: opaque in the middle, a soft edge over the outer third of its radius (side / 2).
// Sub-pixel steps of a dot's position: its stamp is exact for a dot centred in the middle of
// its step, off by at most 1/(2 kSub) pixel elsewhere.
constexpr int kSub = 16;

// What the layer shows, in framebuffer pixels.
struct LayerView {
  int width = 0, height = 0;              // the map's size in framebuffer pixels
  double centerU = 0, centerV = 0;        // plane point at the layer's centre
  double pixelsPerUnitX = 1, pixelsPerUnitY = 1;  // framebuffer pixels per plane unit
  float side = 4;                         // a dot's square side in framebuffer pixels
  int lineWidth = 1;                      // the axes' width in framebuffer pixels
};

// The layer for the map drawn at `view` (screen units) with ImGui's framebuffer scale: one
// layer pixel per framebuffer pixel.
LayerView layerView(const PointsDrawer::View& view, ImVec2 framebufferScale);

class PointsLayer {
 public:
  static constexpr ImU32 kBackground = IM_COL32(22, 24, 30, 255);
  static constexpr ImU32 kAxes = IM_COL32(70, 75, 90, 255);

  // Brings the image up to date; true when any pixel may have changed (then version() moved).
  bool update(const MapPoints& points, const std::vector<bool>& hidden, const LayerView& view);
  const Image& image() const { return m_image; }
  uint64_t version() const { return m_version; }
  // Counters for tests and bench/: whole redraws, and pans served by shifting.
  size_t fullRedraws() const { return m_full; }
  size_t shiftedRedraws() const { return m_shifted; }

 private:
  void redraw(const MapPoints& points, const std::vector<bool>& hidden, int x0, int y0, int x1, int y1);
  void buildStamps();

  Image m_image;
  uint64_t m_version = 0;
  size_t m_full = 0, m_shifted = 0;
  // The inputs of the last redraw. Positions are computed from a fixed anchor (the centre of
  // the last whole redraw) plus a whole-pixel shift, so a shifted layer matches a redrawn one
  // pixel for pixel.
  bool m_valid = false;
  uint64_t m_pointsVersion = 0;
  std::vector<bool> m_hidden;
  LayerView m_view;            // as last shown
  double m_anchorU = 0, m_anchorV = 0;
  long m_shiftX = 0, m_shiftY = 0;  // pixels the anchor moved since the last whole redraw
  // Alpha stamps of one dot for each sub-pixel offset (kSub x kSub), (2R+1)^2 each.
  int m_radius = 0;
  float m_stampSide = -1;
  std::vector<uint8_t> m_stamps;
};

}  // namespace latentlab
