// runGui: from the command line's options to an open window. The session (or its failure),
// --model/--data/--device/--scale over it, a bare TorchScript file's --image, and for
// --screenshot the checks that refuse a model before a window opens. Split from
// gui_app.cpp, which runs the window itself.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "app/bundled_models.h"
#include "app/gui_app.h"
#include "app/session.h"
#include "engine/models/manifest.h"
#include "engine/models/model_file.h"

namespace latentlab {

int runGui(const GuiOptions& opts) {
  bool shot = !opts.screenshot.empty();
  try {
    AppState state;
    std::vector<std::string> warnings;
    if (!opts.session.empty()) {
      try {
        warnings = loadSession(opts.session, state);
      } catch (const std::exception& e) {
        if (shot) {
          std::fprintf(stderr, "latentlab: %s\n", e.what());
          return 3;
        }
        // Without --screenshot the window opens and says so; the user can open another.
        state = AppState{};
        warnings = {std::string("Could not open the session: ") + e.what()};
      }
      // The warnings go to the window's messages (and from there to stderr).
    }
    if (!opts.models.empty()) state.modelDir = opts.models.front();
    if (!opts.data.empty()) state.dataSpec = opts.data;
    if (!opts.device.empty() && (opts.session.empty() || opts.device != "auto")) state.device = opts.device;
    if (opts.scale > 0) state.uiScale = opts.scale;
    if (state.modelDir.empty()) state.modelDir = findBundledModel("fashion-vae-16");
    if (!opts.image.empty()) {  // a bare .pt's image shape given up front: no dialog
      try {
        ImageSpec image = parseImageShape(opts.image);
        if (isBareModelFile(state.modelDir)) rememberBareImageShape(state.modelDir, image);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "latentlab: %s\n", e.what());
        return 3;
      }
    }
    if (shot) {
      // A screenshot of a model that cannot even be described is refused before a window
      // opens. Without --screenshot the window opens, shows the error and offers the picker.
      try {
        if (!needsImageShape(state.modelDir)) readModelManifest(state.modelDir);  // a bare .pt: the window asks
      } catch (const std::exception& e) {
        std::fprintf(stderr, "latentlab: %s\n", e.what());
        return 3;
      }
    }
    auto app = std::make_unique<GuiApp>(opts, std::move(state), std::move(warnings));
    int rc = app->run();
    if (app->abandonedWork()) {
      // A worker is still inside LibTorch (a model load): destructors must not run under it.
      std::fflush(nullptr);
      std::_Exit(rc);
    }
    return rc;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "latentlab: %s\n", e.what());
    return shot ? 3 : 1;
  }
}

}  // namespace latentlab
