// Fitting a data set to a model whose images have another shape (issue 11: "a model whose
// image shape differs from the data set's: offer resize where it makes sense").
//
// A data spec may end in "@CxHxW" (e.g. fashion-mnist:test@3x32x32): openDataset() then
// opens the spec before the "@" and resizes every image to C x H x W. Sides are resampled
// with an antialiased bilinear (triangle) filter, the one torch.nn.functional.interpolate
// uses with mode="bilinear", antialias=True, align_corners=False (plain bilinear when
// enlarging, an average over the covered pixels when shrinking). Channels: grey -> RGB
// repeats the grey value; RGB -> grey takes the luma 0.299 R + 0.587 G + 0.114 B (ITU-R
// BT.601, what PIL's convert("L") and torchvision's Grayscale use).
//
// When resizing makes no sense: it is still done when asked for by the suffix, but never
// offered (no suggestion on the command line, no button in the window) when it would
// change the images' aspect ratio by more than 2x (a 28 x 28 item squeezed into 16 x 64 is
// no longer recognisable). Torch-free.
#pragma once
#include <optional>
#include <string>

#include "engine/data/dataset.h"

namespace latentlab {

struct ImageShape {
  int channels = 1, height = 28, width = 28;
  bool operator==(const ImageShape& o) const {
    return channels == o.channels && height == o.height && width == o.width;
  }
  bool operator!=(const ImageShape& o) const { return !(*this == o); }
};

std::string shapeText(const ImageShape& s);  // "3x32x32"
ImageShape shapeOf(const Dataset& d);

struct ResizeSpec {
  std::string base;  // the data spec before "@"
  ImageShape to;
};

// "SPEC@CxHxW" -> {SPEC, shape}. nullopt when there is no such suffix, or when the whole
// text names an existing file or folder (a folder may be called "faces@3x64x64").
// BadInput when the suffix is there but is not a shape (channels 1 or 3, sides 1..1024).
std::optional<ResizeSpec> splitResizeSuffix(const std::string& spec);

// The spec that opens `spec` resized to `to` ("fashion-mnist:test" -> "fashion-mnist:test@3x32x32";
// an existing suffix is replaced).
std::string resizedSpec(const std::string& spec, const ImageShape& to);

// Every image resized (see above); labels and class names kept; spec = d.spec + "@" + shape.
Dataset resizeDataset(const Dataset& d, const ImageShape& to);

// Whether a data set of shape `from` is offered a resize to `to`, and if not, why.
struct ResizeAdvice {
  bool offered = false;
  std::string reason;  // when not offered: one clause, e.g. "it would stretch ... more than 2x"
};
ResizeAdvice adviseResize(const ImageShape& from, const ImageShape& to);

// The one line for a data set whose images do not fit a model ("`modelName` expects ..."):
// names both shapes and, where it makes sense, the spec that resizes; otherwise why not.
std::string dataShapeMismatch(const Dataset& d, const ImageShape& model, const std::string& modelName);

}  // namespace latentlab
