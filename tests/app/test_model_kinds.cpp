// One way in for models, app side: the kinds the window opens (guiOpensKind, the model picker's
// filter) are exactly the guiOpens rows of the kind table (engine/models/model_kinds.h), and
// every bundled model the picker lists has such a kind. A kind added to the table without
// deciding whether the GUI opens it, or an app-side list of kinds, fails here.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "app/bundled_models.h"
#include "engine/models/manifest.h"
#include "engine/models/model_kinds.h"

using namespace latentlab;

TEST_CASE("the app opens exactly the kinds the table marks guiOpens") {
  std::set<std::string> tableOpens, appOpens;
  for (const auto& k : modelKinds()) {
    CAPTURE(k.name);
    CHECK(guiOpensKind(k.name) == k.guiOpens);
    if (k.guiOpens) tableOpens.insert(k.name);
    if (guiOpensKind(k.name)) appOpens.insert(k.name);
  }
  CHECK(appOpens == tableOpens);
  // What the window has panels for today: the map (autoencoders, a GAN's samples), the
  // Diffusion panel, the GAN's Seed grid and Train view, the Tokens view.
  CHECK(tableOpens == std::set<std::string>{"autoencoder", "diffusion", "latent-diffusion", "gan", "vq-autoregressive"});
  CHECK_FALSE(guiOpensKind(""));
  CHECK_FALSE(guiOpensKind("no-such-kind"));
}

TEST_CASE("the table's families and latent maps are what the app's loaders assume") {
  for (const auto& k : modelKinds()) {
    CAPTURE(k.name);
    // Only diffusion and token kinds can lack a latent map in the window (the Diffusion panel
    // or the Tokens view takes its place).
    if (k.guiOpens && !k.latentMap) CHECK((k.family == ModelFamily::Diffusion || k.family == ModelFamily::Tokens));
    CHECK(isPixelDiffusionKind(k.name) == (k.family == ModelFamily::Diffusion && !k.latentMap));
  }
  CHECK(isPixelDiffusionKind("diffusion"));
  CHECK(isDiffusionKind("latent-diffusion"));
  CHECK_FALSE(isPixelDiffusionKind("latent-diffusion"));
  CHECK(modelFamily("classifier") == ModelFamily::Classifier);
  CHECK(modelFamily("gan") == ModelFamily::Gan);
  CHECK(modelFamily("no-such-kind") == ModelFamily::Autoencoder);
}

TEST_CASE("every bundled model the picker lists has a guiOpens kind") {
  auto listed = listBundledModels();
  CHECK_FALSE(listed.empty());
  for (const auto& dir : listed) {
    CAPTURE(dir);
    const ModelKindInfo* k = findModelKind(readManifest(dir).kind);
    REQUIRE(k != nullptr);
    CHECK(k->guiOpens);
  }
}
