#include "app/map_points.h"

namespace latentlab {

ImU32 classColor(int label) {
  // Tableau-10: distinct on a dark background and for most colour-blind viewers.
  static const ImU32 palette[10] = {
      IM_COL32(78, 121, 167, 255),  IM_COL32(242, 142, 43, 255), IM_COL32(225, 87, 89, 255),
      IM_COL32(118, 183, 178, 255), IM_COL32(89, 161, 79, 255),  IM_COL32(237, 201, 72, 255),
      IM_COL32(176, 122, 161, 255), IM_COL32(255, 157, 167, 255), IM_COL32(156, 117, 95, 255),
      IM_COL32(186, 176, 172, 255)};
  if (label < 0) return IM_COL32(160, 160, 160, 255);
  return palette[label % 10];
}

}  // namespace latentlab
