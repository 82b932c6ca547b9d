#include "app/panels/param_help.h"

#include <imgui_internal.h>  // the widget's top-level window (takePanelItemRects)

#include <algorithm>
#include <map>

namespace latentlab {

const std::vector<HelpEntry>& helpEntries() {
  // One sentence each, for a student seeing the word for the first time: what it does to
  // the picture, not how it is implemented.
  static const std::vector<HelpEntry> entries = {
      // Latent map
      {"plane", "Chooses which flat slice of the model's latent space the map shows; PCA picks the slice where "
                "the images spread out the most."},
      {"plane-dims", "The two latent numbers drawn as the map's left-right and up-down directions."},
      {"pick-points", "Click three dots on the map and it shows the flat slice that passes through those three "
                      "images."},
      {"fit", "Zooms and pans so that every dot fits on the map (F)."},
      {"dot-size", "How large each image's dot is drawn, in pixels; it changes only the drawing, not the model."},
      {"legend-class", "Click a class to hide or show its dots on the map."},
      {"show-all", "Shows the dots of every class again."},
      // Decoded image
      {"filter-nearest", "Shows each pixel of the model's small picture as a sharp square."},
      {"filter-bilinear", "Blends neighbouring pixels so the enlarged picture looks smooth."},
      // Manifold grid
      {"grid-k", "How many pictures per side of the grid: K by K decodes spread evenly over the part of the map "
                 "you can see."},
      {"decode-grid", "Decodes a K by K grid of pictures over the visible part of the map."},
      {"grid-cancel", "Stops decoding the grid."},
      {"grid-overlay", "Draws the grid's pictures on the map, each one centred on the point it was decoded from."},
      // Model and data
      {"model", "The trained model to explore; only models this window can open are listed."},
      {"browse", "Look through folders for another model (a folder with a model.json)."},
      {"data", "Which images to place on the map, e.g. fashion-mnist:test for the 10,000 test images."},
      {"data-use", "Uses these images for Forward noising; this model has no encoder, so it has no map to fill."},
      {"encode", "Runs every image through the encoder to find its place on the map."},
      {"encode-cancel", "Stops encoding; the map keeps what it had before."},
      // Diffusion
      {"seed", "The number that picks the starting noise: the same seed and settings always give the same "
               "picture."},
      {"class", "Which kind of picture to ask for; unconditional lets the model pick by itself."},
      {"sampler", "The rule for each denoising step: ddpm adds fresh noise every step, ddim is repeatable, euler "
                  "and dpmpp-2m reach a clean picture in fewer steps."},
      {"steps", "How many denoising steps the run takes: more steps are slower but usually cleaner."},
      {"guidance", "How hard each step pushes the picture towards the chosen class: 1 means no push, higher "
                   "means more typical but less varied pictures."},
      {"eta", "How much fresh noise DDIM adds at each step: 0 makes the run repeatable, 1 makes it as random as "
              "DDPM (other samplers ignore it)."},
      {"run", "Samples a new picture from fresh noise, showing every step as it happens (Enter)."},
      {"step", "Does exactly one denoising step and then waits, so you can look at each step (Shift+Enter)."},
      {"continue", "Runs the remaining steps of a run that is waiting after Step (Enter)."},
      {"cancel", "Stops the run; the steps so far stay on the timeline (Esc)."},
      {"timeline", "Drag to look at any recorded step (Left and Right arrows move one step)."},
      {"run-from-step", "Starts a new run from this step's noisy picture with the current settings, keeping the "
                        "steps before it."},
      {"compare-on", "Runs a second sample with the same seed and class but one setting changed, shown beside "
                     "the first."},
      {"vary-sampler", "The second run uses a different sampler, so you see what the stepping rule changes."},
      {"vary-guidance", "The second run uses a different guidance, so you see what pushing towards the class "
                        "changes."},
      {"b-sampler", "The sampler of the second run."},
      {"b-guidance", "The guidance of the second run: 1 means no push towards the class."},
      {"compare-timeline", "Drag to compare both runs at the same step."},
      {"noise-item", "Which data image to add noise to (its number in the data set)."},
      {"noise-random", "Picks a random data image."},
      {"noise-seed", "The number that picks the noise added to the image."},
      {"noise-t", "How far along the noising the image is: 0 is the clean image, the last timestep is pure "
                  "noise."},
      // Interpolation (app/steer/)
      {"interp-add-selected", "Adds the data image selected on the map (click a dot) as the next point of the path."},
      {"interp-add-cursor", "Adds the latent under the map cursor, with any slider or inspector edits, as the next point."},
      {"interp-add-random", "Adds a random latent drawn from the prior, the way the model invents new images."},
      {"interp-add-sample", "Adds the finished diffusion sample's latent as the next point of the path."},
      {"interp-clear", "Removes every point of the path."},
      {"interp-remove", "Removes this point from the path."},
      {"interp-mode", "Switches this segment between a straight line (lerp) and a walk around the sphere (slerp)."},
      {"interp-steps", "How many pictures each segment of the path is decoded into, both ends included."},
      {"interp-play", "Plays the morph along the path over and over (Pause stops it on the current picture)."},
      {"interp-pingpong", "When on, the animation runs forward then backward; when off, it jumps back to the start."},
      {"interp-speed", "How many pictures of the path the animation shows per second."},
      {"interp-frame", "Drag to look at any picture along the path; its point is marked on the map."},
      {"interp-mode-path", "Morphs between points in the model's latent space, decoded picture by picture."},
      {"interp-mode-seeds", "Morphs between two seeds' starting noise and runs the whole sampler for every picture."},
      {"interp-seeds", "The two seeds whose starting noise the path joins; everything else stays the same."},
      {"interp-seed-class", "Which kind of picture every run asks for; unconditional lets the model pick."},
      {"interp-seed-count", "How many pictures along the way from seed A's noise to seed B's, both ends included."},
      {"interp-seed-run", "Samples one picture for every step between the two seeds' noise (this takes a while)."},
      {"interp-seed-cancel", "Stops the runs; the strip keeps the pictures it had."},
      {"interp-export", "Opens the export: save every picture of the path side by side as a PNG."},
      {"interp-export-path", "The file the strip is saved to (a PNG picture)."},
      {"interp-export-scale", "How many screen pixels each pixel of the model's pictures becomes in the file."},
      {"interp-export-png", "Saves every picture of the path side by side as one PNG."},
      {"interp-export-gif", "Saves the animation as an animated GIF (same name, .gif) at the play speed, back and forth with Ping-pong."},
      // Directions (app/steer/)
      {"dir-source", "Where a new direction comes from: two classes, the data's principal directions, the decoder's "
                     "own (SeFa), two groups of points you pick, or a file."},
      {"dir-class-from", "The class the arrow starts at (its average latent)."},
      {"dir-class-to", "The class the arrow points to (its average latent)."},
      {"dir-add", "Adds the chosen direction as a new slider."},
      {"dir-pca", "A principal direction of the encoded data, with the share of the data's spread it explains."},
      {"dir-sefa", "A direction the decoder's first layer stretches most (SeFa), with its eigenvalue: larger means "
                   "a bigger change in the picture."},
      {"dir-group-a", "Adds the point selected on the map to group A; Shift + drag on the map lassoes many at once."},
      {"dir-group-b", "Adds the point selected on the map to group B; Ctrl + drag on the map lassoes many at once."},
      {"dir-group-clear", "Empties both groups."},
      {"dir-file", "A JSON file of directions (saved here or written by a script)."},
      {"dir-load", "Adds every direction in the file as a slider."},
      {"dir-slider", "Moves the picture along this direction, in units of the data's typical spread (Ctrl+click to "
                     "type a value)."},
      {"dir-reset", "Puts this slider back to zero."},
      {"dir-orthogonal", "When ticked, this slider moves only along what its direction does not share with the other "
                         "sliders, so their features stay put."},
      {"dir-remove", "Removes this slider."},
      {"dir-reset-all", "Puts every slider back to zero: the picture returns to where it started."},
      {"dir-save-move", "Turns the sliders' combined move into one new direction (its length is one unit)."},
      {"dir-save", "Saves every slider's direction with its name and units to the JSON file."},
      {"dir-grid-path", "The file the traversal grid is saved to (a PNG picture)."},
      {"dir-grid", "Saves a grid: one row per slider's direction, nine steps from -3 to +3 units from the current "
                   "latent."},
      // Latent inspector (app/steer/)
      {"inspect-bars", "Each bar is one number of the latent; drag a bar up or down to change it and watch the "
                       "picture (the band is the prior's usual range)."},
      {"inspect-reset", "Undoes every change made by dragging bars or jumping to a data point."},
      {"inspect-active", "How many latent numbers really vary over the data (the rest are ignored), and the KL: nats the encoder spends per image."},
      {"inspect-histogram", "The data's spread along the hovered number (bars) against the prior N(0, 1) the decoder expects (line)."},
      {"inspect-error", "Where the reconstruction differs from the original: the brighter, the larger the error."},
      {"inspect-nearest", "A data image whose latent is near this one; click it to move the latent there."},
      // Seed grid (GAN)
      {"seed-psi", "Truncation: pulls every z toward the average; lower values give more typical, less varied pictures."},
      {"seed-class", "The kind of clothing the generator is asked to draw, here and under the map cursor."},
      {"seed-resample", "Jumps to a random new seed, so the grid shows pictures you have not seen yet."},
      {"seed-seed", "The seed in the middle of the grid: each seed is one fixed random z, so one fixed picture."},
      {"seed-grid-k", "How many pictures per side of the grid of neighbouring seeds."},
      {"seed-drag", "Drag to move through the seeds (between two seeds their z are blended); click a picture to put it in the middle."},
      {"invert-item", "Which data image to look for in the generator's latent space (its number in the data set)."},
      {"invert-class", "The class the generator draws while searching; its label, one you choose, or the best of all classes."},
      {"invert-steps", "How many small corrections of z to make; more steps fit the picture more closely, up to what the generator can draw."},
      {"invert-prior", "Keeps z close to typical values; higher values give a more ordinary picture that fits less closely."},
      {"invert-run", "Searches for the z whose generated picture looks most like the data image, step by step."},
      {"invert-cancel", "Stops the search; the previous result stays."},
      // Train a GAN
      {"train-play", "Starts or pauses training: the generator and the discriminator take turns learning, a few steps per update."},
      {"train-step", "Does exactly one training step of the kind chosen next to it, then waits."},
      {"train-step-kind", "What one step trains: both networks, only the discriminator, or only the generator."},
      {"train-reset", "Throws the training away and builds two fresh untrained networks from the seed."},
      {"train-speed", "How many training steps happen between two updates of the pictures and curves."},
      {"train-seed", "The random seed of a fresh GAN after Reset: the same seed always trains the same way."},
      {"train-lr-g", "How big a change the generator makes at each step; too big and training becomes unstable."},
      {"train-lr-d", "How big a change the discriminator makes at each step; a discriminator that learns too fast can starve the generator."},
      {"train-optimizer", "How the networks update their weights after Reset: Adam adapts the step size per weight, SGD does not."},
      // Tokens view, Next token, Codebook (a VQ-VAE + transformer)
      {"tokens-class", "The kind of clothing the transformer is asked to write; change it half-way and the rest follows the new class."},
      {"tokens-run", "Writes a new grid from the start with the next seed, one token after another (Enter)."},
      {"tokens-step", "Draws exactly one more token with the current settings, then waits (Shift+Enter)."},
      {"tokens-continue", "Draws the remaining tokens one after another until the grid is full (Enter when half-written)."},
      {"tokens-cancel", "Stops drawing; the tokens drawn so far stay (Esc)."},
      {"tokens-seed", "The random draw used for the tokens: the same seed and settings always write the same grid."},
      {"tokens-keep-seed", "Run and Resample use this seed again instead of moving on to the next one."},
      {"tokens-speed", "How many tokens appear per second while Run or Continue fills the grid."},
      {"tokens-grid", "The 7 x 7 tokens: each cell is the number of one codebook entry; empty cells are not drawn yet; click a cell to give it another code."},
      {"tokens-image", "The picture the VQ-VAE's decoder makes from the token grid; tokens not drawn yet come from a blank picture (tinted)."},
      {"tokens-timeline", "Goes back and forth through the tokens in the order they were drawn (Left and Right arrows)."},
      {"tokens-resample", "Keeps the tokens shown up to here and draws the rest again, with the current class, settings and a new seed."},
      {"tokens-encode-index", "Which test image to turn into tokens (its number in the data set)."},
      {"tokens-encode", "Runs the test image through the VQ-VAE's encoder: each 4 x 4 patch becomes its nearest codebook entry, and its tokens can then be edited."},
      {"tokens-temperature", "Below 1 makes the likely codes even likelier (safer, duller pictures); above 1 flattens the chances (wilder pictures)."},
      {"tokens-top-k", "Only the k most likely codes may be drawn; off keeps them all."},
      {"tokens-top-p", "Only the most likely codes whose chances add up to p may be drawn (nucleus sampling); off keeps them all."},
      {"tokens-greedy", "Always takes the single most likely code instead of drawing one at random."},
      {"tokens-kept-mass", "How many codes survive top-k and top-p, and how much of the probability (after temperature) they hold."},
      {"tokens-beams", "Greedy and beam search pick the most likely tokens instead of drawing them at random."},
      {"tokens-beam-width", "How many partial grids beam search keeps at each step; 1 is greedy decoding."},
      {"tokens-beam-search", "Finds the most likely whole grids from the shown tokens on, for the current class, and shows them with their log-probability."},
      {"tokens-usage", "How often each code appears in the tokens of the test images (the bar under each code)."},
      {"tokens-code-map", "Each code's learned vector, placed on the two directions along which the codes differ most (PCA)."},
      // Train a VAE
      {"vtrain-play", "Starts or pauses training the VAE from scratch; the map, curves and bars update as it learns."},
      {"vtrain-step", "Does exactly one training step on one batch of photos, then waits."},
      {"vtrain-reset", "Throws the training away and builds a fresh untrained VAE from the seed and latent size."},
      {"vtrain-beta", "How much the KL term counts against reconstruction from the next step on; raise it to watch the latent dimensions collapse."},
      {"vtrain-lr", "How big a change the VAE makes at each step; too big and training becomes unstable."},
      {"vtrain-seed", "The random seed of a fresh VAE after Reset: the same seed always trains the same way."},
      {"vtrain-latent", "How many numbers the encoder squeezes each photo into, for a fresh VAE after Reset; above 2 the map shows their PCA plane."},
      {"vtrain-map-every", "How many training steps pass between two encodings of the 2,000 test photos on the map."},
      {"vtrain-save-path", "The folder the trained VAE is saved to as a model bundle that LatentLab can open."},
      {"vtrain-save", "Saves the VAE as it is now into the folder on the left, as a model you can open with --model."},
      {"vtrain-open", "Opens the saved VAE in the explorer, with its map, decoded image and manifold grid."},
      {"vtrain-status", "Steps and epochs so far, and how often a test photo's 5 nearest neighbours on the map share its class."},
      {"vtrain-map", "Each dot is a test photo placed where the encoder puts it; hover to decode a point, click to pin it."},
      {"vtrain-decoded", "The decoder's picture of the point under the mouse (or the pin), from the weights as they are now."},
      {"vtrain-kl-bars", "How much information each latent number carries; a bar at zero is a dimension the model has stopped using."},
      // Compare two models
      {"compare-bundled", "Picks a bundled model as B, the model compared with the open one."},
      {"compare-path", "The folder of model B, for example a training snapshot such as run/snapshots/epoch-0003."},
      {"compare-open", "Opens the folder on the left as model B, next to the open model A."},
      {"compare-a", "The open model's picture of the latent under the map cursor."},
      {"compare-b", "Model B's picture of the same latent."},
      {"compare-diff", "Where the two pictures differ: black is the same, white a difference of half the brightness range or more."},
      {"compare-epoch", "Moves model B through the training run's saved epochs; let go to open the chosen one."},
  };
  return entries;
}

const char* helpText(const std::string& key) {
  for (const HelpEntry& e : helpEntries())
    if (key == e.key) return e.text;
  return "";
}

namespace {
struct Pending {
  std::string root, key;  // root: the name of the widget's top-level window
  ImVec4 rect;
};
struct Record {
  std::map<std::string, ImVec4> rects;
  std::vector<Pending> pending;  // this frame's, until a panel takes them
  int pendingFrame = -1;
  std::string shownKey;
  int shownFrame = -1;
};
Record& record() {
  static Record r;  // main thread only, like ImGui itself
  return r;
}
}  // namespace

namespace {
// Records the last item's rectangle under `key` (and for takePanelItemRects).
void storeRect(const char* key) {
  Record& r = record();
  ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  r.rects[key] = ImVec4(a.x, a.y, b.x - a.x, b.y - a.y);
  int frame = ImGui::GetFrameCount();
  if (r.pendingFrame != frame) r.pending.clear(), r.pendingFrame = frame;
  const ImGuiWindow* w = ImGui::GetCurrentWindowRead();
  if (w && w->RootWindow && w->RootWindow->Name) r.pending.push_back({w->RootWindow->Name, key, r.rects[key]});
}

// Records the last item's rectangle under `key`; true when its tooltip should show.
bool recordItem(const char* key) {
  storeRect(key);
  Record& r = record();
  if (!ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) return false;
  r.shownKey = key;
  r.shownFrame = ImGui::GetFrameCount();
  return true;
}

void tooltip(const char* text, const char* extra) {
  ImGui::BeginTooltip();
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 24);
  ImGui::TextUnformatted(text);
  if (extra) ImGui::TextDisabled("%s", extra);
  ImGui::PopTextWrapPos();
  ImGui::EndTooltip();
}
}  // namespace

void itemHelp(const char* key, const char* extra) {
  if (recordItem(key)) tooltip(helpText(key), extra);
}

void itemTooltip(const char* key, const std::string& text) {
  if (recordItem(key)) tooltip(text.c_str(), nullptr);
}

void itemRect(const char* key) { storeRect(key); }

void takePanelItemRects(const std::string& panelId, std::map<std::string, ImVec4>& out) {
  Record& r = record();
  if (r.pendingFrame != ImGui::GetFrameCount()) return;
  std::string suffix = "###" + panelId;
  auto mine = [&](const Pending& p) {
    return p.root.size() >= suffix.size() && p.root.compare(p.root.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  for (const Pending& p : r.pending)
    if (mine(p)) out[panelId + "/" + p.key] = p.rect;
  r.pending.erase(std::remove_if(r.pending.begin(), r.pending.end(), mine), r.pending.end());
}

ImVec4 helpItemRect(const std::string& key) {
  auto it = record().rects.find(key);
  return it == record().rects.end() ? ImVec4(0, 0, 0, 0) : it->second;
}

std::string shownHelpKey() {
  const Record& r = record();
  return r.shownFrame == ImGui::GetFrameCount() ? r.shownKey : "";
}

}  // namespace latentlab
