// Where the panels go: a pure function from the window size, the UI scale, which panels are
// open and what each wants for the loaded kind of model, to one rectangle per open panel.
// The rectangles tile the window below the menu bar exactly: no overlaps, nothing outside,
// and a closed panel leaves no hole (its neighbours grow). No ImGui, no GL: tested alone.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace latentlab {

// What is loaded, as far as placement goes.
// Gan: a generator without encoder, mapped from its prior samples. Tokens: a VQ-VAE + prior
// (no latent map; the Tokens view takes its place).
enum class ModelKind { None, Autoencoder, LatentDiffusion, PixelDiffusion, Gan, Tokens };

// Main: the large area on the left (the map). Side: stacked in the right column, heights by
// weight. Footer: small read-outs in a row along the bottom of the right column, or under the
// main panel when the column is too narrow for the row (large UI scales, small windows).
// Hidden: not shown for this kind of model (nor listed in the View menu).
enum class PanelRole { Main, Side, Footer, Hidden };

struct Placement {
  PanelRole role = PanelRole::Side;
  float weight = 1;       // share of its column (Side) or row (Footer)
  float minWidthEm = 14;  // what its content needs, in font heights
  float minHeightEm = 8;
  // false: listed in the View menu but closed until opened (a session or Reset layout then
  // decides), for panels that would crowd a small window if they all opened at once.
  bool startsOpen = true;
};

struct LayoutItem {
  std::string id;
  Placement placement;
  bool open = true;
};

struct LayoutInput {
  float width = 1600, height = 1000;  // the window, in ImGui units
  float top = 20;                     // height of the main menu bar
  float fontSize = 15;                // the scaled font: minimum sizes are in these
  std::vector<LayoutItem> items;      // in registration order (the order within a column)
};

struct LayoutRect {
  float x = 0, y = 0, w = 0, h = 0;
};

// One rectangle per open, non-hidden item; edges fall on whole pixels.
std::map<std::string, LayoutRect> computeLayout(const LayoutInput& in);

}  // namespace latentlab
