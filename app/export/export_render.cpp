#include "app/export/export_render.h"

#include <algorithm>
#include <cmath>

#include "app/export/image_export.h"
#include "app/export/map_raster.h"
#include "app/export/text_raster.h"

namespace latentlab {

namespace {

std::string axisName(const AppState& s, bool v) {
  if (s.planeMode == "pca") return v ? "PC2" : "PC1";
  if (s.planeMode == "axes") return "z" + std::to_string(v ? s.axisJ : s.axisI);
  return v ? "v" : "u";
}

MapRasterOptions mapOptions(const ExportView& v, const ExportOptions& o) {
  MapRasterOptions m;
  m.width = std::max(1, int(std::lround(v.mapW)));
  m.height = std::max(1, int(std::lround(v.mapH)));
  m.scale = std::max(1, o.scale);
  m.pointSize = v.state->pointSize;
  m.legend = o.legend;
  m.selected = v.state->selected;
  m.uName = axisName(*v.state, false);
  m.vName = axisName(*v.state, true);
  m.text = o.text;
  return m;
}

}  // namespace

const char* exportKindLabel(ExportKind k) {
  switch (k) {
    case ExportKind::Decoded: return "Decoded image";
    case ExportKind::Grid: return "Manifold grid";
    case ExportKind::Strip: return "Denoising strip";
    case ExportKind::Map: return "Latent map with legend";
  }
  return "?";
}

const char* exportFileName(ExportKind k) {
  switch (k) {
    case ExportKind::Decoded: return "decoded.png";
    case ExportKind::Grid: return "manifold-grid.png";
    case ExportKind::Strip: return "denoising-strip.png";
    case ExportKind::Map: return "latent-map.png";
  }
  return "export.png";
}

std::string exportUnavailable(ExportKind k, const ExportView& v) {
  switch (k) {
    case ExportKind::Decoded:
      return v.decoded && !v.decoded->empty() ? "" : "No decoded image yet: drag on the latent map (or run the sampler).";
    case ExportKind::Grid:
      return v.grid && !v.grid->empty() ? "" : "No manifold grid yet: it is drawn once the map is there (Manifold grid panel).";
    case ExportKind::Strip:
      return v.frames && !v.frames->empty() ? "" : "No denoising steps yet: run the sampler (Diffusion panel).";
    case ExportKind::Map:
      return v.points && v.points->count() > 0 && v.state && v.mapW > 0 && v.mapH > 0
                 ? ""
                 : "No latent map yet: load a model and encode a data set.";
  }
  return "?";
}

std::pair<int, int> exportSize(ExportKind k, const ExportView& v, const ExportOptions& o) {
  if (!exportUnavailable(k, v).empty()) return {0, 0};
  const int scale = std::max(1, o.scale);
  switch (k) {
    case ExportKind::Decoded: return {v.decoded->width * scale, v.decoded->height * scale};
    case ExportKind::Grid: return {v.grid->width * scale, v.grid->height * scale};
    case ExportKind::Strip: {
      // Labels change the margins a little; the size shown is the one written.
      StripLayout L = stripLayout(*v.frames, StripOptions{scale, 10, o.text});
      return {L.width, L.height};
    }
    case ExportKind::Map:
      return {std::max(1, int(std::lround(v.mapW))) * scale, std::max(1, int(std::lround(v.mapH))) * scale};
  }
  return {0, 0};
}

Image renderExport(ExportKind k, const ExportView& v, const ExportOptions& o, std::string* error,
                   std::string* note) {
  std::string why = exportUnavailable(k, v);
  if (!why.empty()) {
    if (error) *error = why;
    return {};
  }
  bool textOk = o.text && o.text->ok();
  auto noLabels = [&] {
    if (note && !textOk) *note = o.text ? o.text->error() : "exported without labels";
  };
  switch (k) {
    case ExportKind::Decoded: return scaleNearest(*v.decoded, o.scale);
    case ExportKind::Grid: return scaleNearest(*v.grid, o.scale);
    case ExportKind::Strip: {
      noLabels();
      return denoiseStrip(*v.frames, StripOptions{std::max(1, o.scale), 10, o.text});
    }
    case ExportKind::Map: {
      noLabels();
      MapRaster m = rasterizeMap(*v.points, v.state->hiddenClasses, v.state->view, mapOptions(v, o));
      return std::move(m.image);
    }
  }
  return {};
}

}  // namespace latentlab
