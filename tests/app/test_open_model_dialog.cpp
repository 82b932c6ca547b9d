// The window's own-model helpers (app/open_model/), driven through ImGui input on the
// headless GuiApp: the image-shape dialog of a bare TorchScript file (typed shapes checked
// as they are typed, Enter opens, Esc keeps the current model, a wrong shape is a message
// and the next open asks again) and the offer to resize data of another shape (its button
// re-encodes the data resized; where it would distort the pictures, no button and why), also
// on a pixel diffusion model's Forward-noising tab. Models made at test time by Debian's python3-torch (tools/export/example_models.py).
#include <doctest/doctest.h>

#include "app/gui_app.h"
#include "app/panels/diffusion_panel.h"
#include "app/panels/model_panel.h"
#include "app_test_support.h"
#include "engine/data/resize.h"
#include "gui_app_harness.h"

using namespace latentlab;

namespace {

const int kEnter = 300, kEscape = 301, kBackspace = 302;

struct Headless {
  Headless() {
    test::startHeadlessImGui(ImVec2(1600, 1000));
    ImGuiIO& io = ImGui::GetIO();
    io.KeyMap[ImGuiKey_Enter] = kEnter;
    io.KeyMap[ImGuiKey_Escape] = kEscape;
    io.KeyMap[ImGuiKey_Backspace] = kBackspace;
  }
  ~Headless() { ImGui::DestroyContext(); }
};

const std::string& fixtures() {
  static const std::string dir = [] {
    std::string d = test::tempDir("open_model_dialog");
    auto r = test::runCommand(std::string(PYTHON_WITH_TORCH) + " " +
                              test::sourcePath("tools/export/example_models.py") + " " + d + " vae bare bad denoiser_v");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    r = test::runCommand(std::string(PYTHON_WITH_TORCH) + " -c \"import numpy as np; np.save('" + d +
                         "/strip.npy', np.zeros((4, 16, 64), dtype=np.uint8))\"");
    REQUIRE_MESSAGE(r.exitCode == 0, r.err);
    return d;
  }();
  return dir;
}

std::string fx(const std::string& name) { return fixtures() + "/" + name; }

void press(GuiApp& app, int key) {
  ImGui::GetIO().KeysDown[key] = true;
  app.headlessFrame();
  ImGui::GetIO().KeysDown[key] = false;
  app.headlessFrame();
}

void type(GuiApp& app, const std::string& text) {
  app.headlessFrame();  // a field focused by code becomes active a frame later
  for (char c : text) ImGui::GetIO().AddInputCharacter(unsigned(c));
  app.headlessFrame();
}

void click(GuiApp& app, ImVec4 r) {
  REQUIRE(r.z > 0);
  ImVec2 p(r.x + r.z / 2, r.y + r.w / 2);
  for (int i = 0; i < 3; ++i) test::mouseFrame(app, p, false);
  test::mouseFrame(app, p, true);
  test::mouseFrame(app, p, false);
  test::mouseFrame(app, ImVec2(-50, -50), false);
}

bool hasError(const GuiApp& app, const std::string& part) {
  for (const auto& m : app.messages().all())
    if (m.error && m.text.find(part) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("a bare .pt asks for its image shape; a typed shape is checked, Enter opens it") {
  Headless imgui;
  std::string data = test::smallFashion(120) + "@3x32x32";
  auto app = test::makeHeadlessApp(fx("bare.pt"), data);
  for (int i = 0; i < 3; ++i) app->headlessFrame();
  const BareModelDialog& d = app->bareModelDialog();
  REQUIRE(d.isOpen());
  CHECK(d.path() == fx("bare.pt"));
  CHECK(d.text() == "1x28x28");  // nothing open yet: Fashion-MNIST's shape
  CHECK(!app->engine().loading());
  CHECK(!app->engine().model());
  CHECK(app->settled());  // waiting for the user (--screenshot shows the dialog)

  type(*app, "2x32");  // the field starts selected: typing replaces the suggestion
  CHECK(d.text() == "2x32");
  CHECK(d.problem() == "\"2x32\" is not an image shape; expected CxHxW, e.g. 3x32x32");
  press(*app, kEnter);  // refused: the dialog stays, the field selected to type again
  CHECK(d.isOpen());
  type(*app, "2 x 32 x 32");
  CHECK(d.text() == "2 x 32 x 32");
  CHECK(d.problem() == "2x32x32 has 2 channels, expected 1 or 3");
  for (int i = 0; i < 11; ++i) press(*app, kBackspace);
  type(*app, "3 x 32 x 32");
  CHECK(d.problem().empty());
  press(*app, kEnter);
  CHECK(!d.isOpen());
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  EngineClient& e = app->engine();
  REQUIRE_MESSAGE(e.model(), e.modelError);
  CHECK(e.model()->channels == 3);
  CHECK(e.model()->height == 32);
  CHECK(e.model()->width == 32);
  CHECK(e.model()->latentDim == 5);  // found by encode (the fixture's latent)
  REQUIRE(e.latents());
  CHECK(e.latents()->count == 120);
  CHECK(app->state().modelDir == fx("bare.pt"));
}

TEST_CASE("Esc keeps the current model; a wrong shape is a message and the next open asks again") {
  Headless imgui;
  std::string data = test::smallFashion(120) + "@3x32x32";
  auto app = test::makeHeadlessApp(fx("vae.pt"), data);
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  EngineClient& e = app->engine();
  REQUIRE(e.model());
  CHECK(e.model()->name == "tiny VAE");
  uint64_t generation = e.generation();

  app->openModel(fx("bare.pt"));  // as a dropped file
  for (int i = 0; i < 3; ++i) app->headlessFrame();
  const BareModelDialog& d = app->bareModelDialog();
  REQUIRE(d.isOpen());
  CHECK(d.text() == "3x32x32");  // the open data's shape
  press(*app, kEscape);
  CHECK(!d.isOpen());
  for (int i = 0; i < 5; ++i) app->headlessFrame();
  CHECK(!e.loading());
  CHECK(e.generation() == generation);
  CHECK(e.model()->name == "tiny VAE");

  app->openModel(fx("bare.pt"));
  for (int i = 0; i < 3; ++i) app->headlessFrame();
  REQUIRE(d.isOpen());
  type(*app, "1x28x28");
  CHECK(d.text() == "1x28x28");  // not what the network takes
  press(*app, kEnter);
  REQUIRE(test::framesUntil(*app, [&] { return d.isOpen(); }));  // asked again, saying why
  CHECK(!e.loading());
  CHECK(hasError(*app, "bare.pt"));
  CHECK(d.text() == "1x28x28");
  CHECK(d.failed().rfind("As 1x28x28 it did not open: ", 0) == 0);
  CHECK(d.failed().find("channels") != std::string::npos);  // LibTorch's reason: 1 channel given, 3 expected
  CHECK(e.model()->name == "tiny VAE");  // the open model stays
  CHECK(!app->frameFailed());
  press(*app, kEscape);
  CHECK(!d.isOpen());
  app->openModel(fx("bare.pt"));  // opened anew: asked again, with the last shape given
  for (int i = 0; i < 2; ++i) app->headlessFrame();
  CHECK(d.isOpen());
  CHECK(d.text() == "1x28x28");
  CHECK(d.failed().empty());
}

TEST_CASE("data of another shape: the offer's button maps the data resized to the model") {
  Headless imgui;
  std::string data = test::smallFashion(120);
  auto app = test::makeHeadlessApp(fx("vae.pt"), data);
  EngineClient& e = app->engine();
  const ResizeOffer& offer = app->resizeOffer();
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && offer.shown(); }));
  CHECK(!e.dataError.empty());
  CHECK(offer.offered());
  CHECK(offer.buttonLabel() == "Resize the data to 3x32x32");
  CHECK(offer.text() ==
        "The data set's images are 1x28x28 (C x H x W) but the model takes 3x32x32. Resizing fits every image to the "
        "model: grey is repeated into R, G and B; 28 x 28 pixels are resampled to 32 x 32 (bilinear, antialiased).");
  app->headlessFrame();
  click(*app, offer.acceptRect());
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && e.latents(); }));
  CHECK(app->state().dataSpec == data + "@3x32x32");
  CHECK(e.dataError.empty());
  CHECK(!offer.shown());
  CHECK(e.latents()->count == 120);
  REQUIRE(e.data());
  CHECK(e.data()->channels == 3);
  CHECK(e.data()->width == 32);
  // The Model panel's Data field follows, so its Encode maps what is on screen.
  auto* model = dynamic_cast<ModelPanel*>(app->panel("model"));
  REQUIRE(model);
  app->headlessFrame();
  CHECK(model->dataField() == data + "@3x32x32");
  // The unresized data asked for again fails again, and the offer comes back.
  app->state().dataSpec = data;
  app->engine().encodeData(data);
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && offer.shown(); }));
  CHECK(model->dataField() == data);
  CHECK(offer.buttonLabel() == "Resize the data to 3x32x32");
}

TEST_CASE("Forward noising of a pixel diffusion model on data of another shape: the same offer, in the tab") {
  Headless imgui;
  std::string data = test::smallFashion(120);  // 1x28x28; the v denoiser takes 3x16x16
  auto app = test::makeHeadlessApp(fx("denoiser_v.pt"), data);
  EngineClient& e = app->engine();
  auto* panel = dynamic_cast<DiffusionPanel*>(app->panel("diffusion"));
  REQUIRE(panel);
  panel->selectTab("noise");
  panel->forwardNoise().set(7, 500);
  const ResizeOffer& offer = panel->forwardNoise().resizeOffer();
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && offer.shown(); }));
  CHECK(!e.noised.error.empty());  // what the tab showed before: the engine's refusal
  CHECK(!app->resizeOffer().shown());  // the map's offer stays out of it: there is no map
  CHECK(offer.offered());
  CHECK(offer.buttonLabel() == "Resize the data to 3x16x16");
  CHECK(offer.text() ==
        "The data set's images are 1x28x28 (C x H x W) but the model takes 3x16x16. Resizing fits every image to the "
        "model: grey is repeated into R, G and B; 28 x 28 pixels are resampled to 16 x 16 (bilinear, antialiased).");
  app->headlessFrame();
  click(*app, offer.acceptRect());
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && e.noised.error.empty() && !e.noised.original.empty(); }));
  CHECK(app->state().dataSpec == data + "@3x16x16");
  CHECK(!offer.shown());
  bool said = false;  // the status line says what changed instead of keeping the refusal
  for (const auto& m : app->messages().all())
    said |= !m.error && m.text == "Noising items of " + data + "@3x16x16: the data set resized to the model's image shape";
  CHECK(said);
  CHECK(!app->messages().newest()->error);
  // The item noised is the data set's item 7 resized: 16 x 16, grey repeated into RGB.
  const Image& x0 = e.noised.original;
  CHECK(e.noised.index == 7);
  CHECK(e.noised.t == 500);
  CHECK(x0.width == 16);
  CHECK(x0.height == 16);
  CHECK(x0.channels == 3);
  Image want = resizeDataset(openDataset(data), ImageShape{3, 16, 16}).image(7);
  CHECK(x0.pixels == want.pixels);
  CHECK(e.noised.result.image.width == 16);
  // The Model panel's Data field says what is used.
  auto* model = dynamic_cast<ModelPanel*>(app->panel("model"));
  REQUIRE(model);
  app->headlessFrame();
  CHECK(model->dataField() == data + "@3x16x16");
  // The data unresized again: refused again, offered again; Dismiss leaves the refusal with a
  // button that brings the offer back.
  app->state().dataSpec = data;
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && offer.shown(); }));
  app->headlessFrame();
  click(*app, offer.dismissRect());
  CHECK(!offer.shown());
  CHECK(offer.dismissed());
  REQUIRE(test::framesUntil(*app, [&] { return app->rects().count("noise/resize-again") == 1; }));
  click(*app, app->rects().at("noise/resize-again"));
  CHECK(offer.shown());
  CHECK(!offer.dismissed());
  CHECK(offer.buttonLabel() == "Resize the data to 3x16x16");
  CHECK(!app->frameFailed());
}

TEST_CASE("where resizing would distort the pictures the offer says why and has no button") {
  Headless imgui;
  auto app = test::makeHeadlessApp(fx("vae.pt"), "npy:" + fx("strip.npy"));
  const ResizeOffer& offer = app->resizeOffer();
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && offer.shown(); }));
  CHECK(!offer.offered());
  CHECK(offer.text().find("Not resized: resizing would stretch the images 4.0x out of proportion") != std::string::npos);
  app->headlessFrame();
  CHECK(offer.acceptRect().z == 0);  // no button drawn
}

TEST_CASE("the bad-file catalogue in the window: each is a message naming the file, the open model stays") {
  Headless imgui;
  std::string data = test::smallFashion(60) + "@3x32x32";
  auto app = test::makeHeadlessApp(fx("vae.pt"), data);
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  EngineClient& e = app->engine();
  REQUIRE(e.model());
  const BareModelDialog& d = app->bareModelDialog();
  // loops.pt and hogs.pt need the probe's child process (tests/cli/test_info_torchscript.cpp).
  for (const char* name : {"random.pt", "empty.pt", "truncated.pt", "bomb.pt", "traversal.pt", "pickle.pt",
                           "state_dict.pt", "nan_weights.pt", "from_file.pt", "writes_file.pt", "wrong_shape.pt",
                           "int_output.pt", "nan_output.pt", "wrong_range.pt", "no_decode.pt", "wrong_arity.pt"}) {
    CAPTURE(name);
    uint64_t before = app->messages().count();
    app->openModel(fx(name));
    for (int i = 0; i < 3; ++i) app->headlessFrame();
    if (d.isOpen()) {  // no metadata inside (nan_weights.pt): the shape it was made for
      type(*app, "3x32x32");
      press(*app, kEnter);
    }
    REQUIRE(test::framesUntil(*app, [&] { return app->settled() && !e.loading() && app->messages().count() > before; }));
    CHECK(hasError(*app, fx(name)));
    CHECK(e.model()->name == "tiny VAE");
    CHECK(!app->frameFailed());
    for (int i = 0; i < 3; ++i) app->headlessFrame();
    bool askedAgain = d.isOpen();  // only the file without metadata: its shape is asked again, with the reason
    CHECK(askedAgain == (std::string(name) == "nan_weights.pt"));
    if (d.isOpen()) press(*app, kEscape);
  }
}

TEST_CASE("a session whose model is a .pt file opens again") {
  Headless imgui;
  std::string data = test::smallFashion(60) + "@3x32x32";
  auto app = test::makeHeadlessApp(fx("vae.pt"), data);
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  std::string session = test::tempDir("open_model_session") + "/s.json";
  REQUIRE(app->saveSession(session));
  REQUIRE(app->openSession(session));
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  CHECK(!hasError(*app, "not found"));
  CHECK(app->state().modelDir == fx("vae.pt"));
  CHECK(app->engine().model()->name == "tiny VAE");
  CHECK(app->state().dataSpec == data);
}
