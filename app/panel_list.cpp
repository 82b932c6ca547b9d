#include "app/panel_list.h"

#include "app/gan/seed_grid_panel.h"
#include "app/gan/train_panel.h"
#include "app/lesson/lesson_panel.h"
#include "app/panels/diffusion_panel.h"
#include "app/panels/image_panel.h"
#include "app/panels/latent_map_panel.h"
#include "app/panels/manifold_panel.h"
#include "app/panels/model_panel.h"
#include "app/panels/performance_panel.h"
#include "app/steer/directions_panel.h"
#include "app/steer/inspector_panel.h"
#include "app/steer/interp_panel.h"
#include "app/tokens/codebook_panel.h"
#include "app/tokens/next_token_panel.h"
#include "app/tokens/tokens_panel.h"
#include "app/train_vae/vae_train_panel.h"
#include "app/compare/compare_panel.h"

namespace latentlab {

namespace {
Placement place(PanelRole role, float weight, float minWidthEm, float minHeightEm) {
  return Placement{role, weight, minWidthEm, minHeightEm};
}
const Placement kHidden{PanelRole::Hidden};
}  // namespace

std::vector<PanelEntry> makePanels() {
  using K = ModelKind;
  using R = PanelRole;
  std::vector<PanelEntry> list;
  // Order matters within a column: earlier entries sit higher (Side) or further left (Footer).
  list.push_back({std::make_unique<LatentMapPanel>(), [](K k) {
                    // A pixel diffusion model has no encoder, so no latent space to map.
                    if (k == K::PixelDiffusion) return kHidden;
                    // A token model's code vectors: above the Tokens view when opened from View.
                    Placement p = place(R::Main, k == K::Tokens ? 0.9f : 1.f, 30, k == K::Tokens ? 14 : 20);
                    p.startsOpen = k != K::Tokens;
                    return p;
                  }});
  list.push_back({std::make_unique<LessonPanel>(), [](K k) {
                    // Opened by a lesson. Under the map, so the side column stays whole for the
                    // panels a step talks about and the text gets long lines; beside the Diffusion
                    // or Tokens view, which fill the main column themselves.
                    bool side = k == K::PixelDiffusion || k == K::Tokens;
                    Placement p = side ? place(R::Side, 1.0f, 18, 10) : place(R::Main, 0.7f, 30, 8);
                    p.startsOpen = false;
                    return p;
                  }});
  list.push_back({std::make_unique<DiffusionPanel>(), [](K k) {
                    if (k == K::PixelDiffusion) return place(R::Main, 1, 30, 20);
                    return k == K::LatentDiffusion ? place(R::Side, 0.62f, 24, 18) : kHidden;
                  }});
  list.push_back({std::make_unique<ImagePanel>(), [](K k) {
                    if (k == K::PixelDiffusion) return kHidden;
                    // Beside a latent diffusion run it shows the VAE's decode under the map cursor.
                    // 15 em high at least: a picture of 4x the model's 28 px and its captions
                    // (a crowded side column squeezed it to a thumbnail, QA Q19).
                    Placement p = place(R::Side, k == K::LatentDiffusion ? 0.38f : 0.42f, 14, 15);
                    p.startsOpen = k != K::Tokens;  // a token model: opened with the map, from View
                    return p;
                  }});
  list.push_back({std::make_unique<ManifoldPanel>(), [](K k) {
                    if (k == K::Gan) {  // a GAN's map plane is random directions of z: less to see
                      Placement p = place(R::Side, 0.25f, 14, 8);
                      p.startsOpen = false;
                      return p;
                    }
                    return k == K::Autoencoder || k == K::None ? place(R::Side, 0.30f, 14, 11) : kHidden;
                  }});
  list.push_back({std::make_unique<InterpolationPanel>(), [](K k) {
                    // Every model with a latent (a pixel diffusion model has none to walk).
                    // Closed until opened from View, like Directions and the Latent inspector:
                    // beside a latent diffusion run at 2x it left the Diffusion panel and its
                    // own controls no room. Open/closed is decided once at start (kind None).
                    // 15 em: endpoints, playback and a row of the strip in view (QA Q22).
                    Placement p = place(R::Side, 0.40f, 22, 15);
                    p.startsOpen = false;
                    if (k == K::None || k == K::PixelDiffusion) p.role = R::Hidden;
                    return p;
                  }});
  list.push_back({std::make_unique<DirectionsPanel>(), [](K k) {
                    // Closed until opened from View: beside the map, image, grid and
                    // interpolation there is no room for it at 1024 x 700.
                    Placement p = place(R::Side, 0.50f, 24, 12);
                    p.startsOpen = false;
                    if (k == K::None || k == K::PixelDiffusion) p.role = R::Hidden;
                    return p;
                  }});
  list.push_back({std::make_unique<SeedGridPanel>(), [](K k) {
                    return k == K::Gan ? place(R::Side, 0.90f, 20, 15) : kHidden;
                  }});
  list.push_back({std::make_unique<TrainPanel>(), [](K k) {
                    // Under the map: a GAN learning from scratch next to the trained one's latent space.
                    return k == K::Gan ? place(R::Main, 0.75f, 34, 15) : kHidden;
                  }});
  list.push_back({std::make_unique<ComparePanel>(), [](K k) {
                    // A second model beside any model with a latent; closed until opened from View.
                    Placement p = place(R::Side, 0.45f, 22, 10);
                    p.startsOpen = false;
                    if (k != K::Autoencoder && k != K::LatentDiffusion && k != K::Gan) p.role = R::Hidden;
                    return p;
                  }});
  list.push_back({std::make_unique<VaeTrainPanel>(), [](K k) {
                    // A small VAE trained from scratch under the map; closed until opened
                    // from View (it needs no model, so it is there before one is opened too).
                    Placement p = place(R::Main, 2.f, 34, 22);
                    p.startsOpen = false;
                    if (k != K::None && k != K::Autoencoder) p.role = R::Hidden;
                    return p;
                  }});
  // A token model (vq-autoregressive): the Tokens view takes the map's place with the Next
  // token bars under it (16 readable rows need the height); the Codebook has the side column.
  // One TokenSession links the three.
  auto tokens = std::make_shared<TokenSession>();
  list.push_back({std::make_unique<TokensPanel>(tokens), [](K k) {
                    return k == K::Tokens ? place(R::Main, 0.48f, 30, 16) : kHidden;
                  }});
  list.push_back({std::make_unique<NextTokenPanel>(tokens), [](K k) {
                    return k == K::Tokens ? place(R::Main, 0.52f, 30, 16) : kHidden;
                  }});
  list.push_back({std::make_unique<CodebookPanel>(tokens), [](K k) {
                    // 36 em: wide enough that Model and Performance fit under it at 1280 x 720,
                    // so the Tokens view and the bars keep the main column's full height.
                    return k == K::Tokens ? place(R::Side, 1.0f, 36, 12) : kHidden;
                  }});
  list.push_back({std::make_unique<InspectorPanel>(), [](K k) {
                    // 18 em: bars, histogram and the nearest-neighbour row all in view.
                    Placement p = place(R::Side, 0.50f, 24, 18);
                    p.startsOpen = false;  // like Directions: opened from View when wanted
                    if (k == K::None || k == K::PixelDiffusion) p.role = R::Hidden;
                    return p;
                  }});
  list.push_back({std::make_unique<ModelPanel>(), [](K) { return place(R::Footer, 0.55f, 20, 12); }});
  list.push_back({std::make_unique<PerformancePanel>(), [](K) { return place(R::Footer, 0.45f, 16, 8); }});
  return list;
}

}  // namespace latentlab
