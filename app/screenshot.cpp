#include "app/screenshot.h"

#include "engine/data/image_io.h"
#include "engine/util/file_io.h"

namespace latentlab {

nlohmann::json screenshotSidecar(const ScreenshotInfo& info, int fbw, int fbh) {
  nlohmann::json side;
  ImVec2 s = info.framebufferScale;
  for (auto& [name, r] : info.rects) side[name] = {r.x * s.x, r.y * s.y, r.z * s.x, r.w * s.y};
  side["framebuffer"] = {fbw, fbh};
  side["cursor_latent"] = info.cursorLatent;
  side["points"] = info.points;
  side["model"] = info.model;
  side["messages"] = info.messages;
  return side;
}

void writeScreenshot(const std::string& path, const Image& pixels, const nlohmann::json& sidecar) {
  writePng(path, pixels);
  writeFileAtomic(path + ".json", sidecar.dump(2) + "\n");
}

}  // namespace latentlab
