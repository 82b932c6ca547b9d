// The Tokens view, Next token and Codebook panels (app/tokens/) on the bundled fashion-vq,
// driven through ImGui input on a headless GuiApp. References come from the engine's networks
// directly (VqBundle: the prior's logits, sampleTokens, the VQ-VAE's decoder and encoder), not
// from the TokenModel face the panels use, and the sampling math (softmax, temperature, top-k,
// top-p) is written out here independently:
// - Step (button) adds exactly the next token of the seed's draw; the picture is the decode of
//   the drawn prefix with the rest filled from a blank image's tokens;
// - the timeline and the temperature slider are set through ImGui; Resample from here keeps the
//   shown prefix and draws the rest with the new class and temperature and the next seed;
// - clicking a cell and a code in its popup edits that token; Encode gives a test image's codes;
// - the temperature / top-k / top-p sliders and the greedy box change the shown bars as the math says.
#include <doctest/doctest.h>

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "app/panels/param_help.h"
#include "app/tokens/next_token_panel.h"
#include "app/tokens/tokens_panel.h"
#include "app_test_support.h"
#include "engine/data/image_tensor.h"
#include "engine/models/vq_bundle.h"
#include "gui_app_harness.h"

using namespace latentlab;

namespace {
std::string vqDir() { return test::sourcePath("assets/models/fashion-vq"); }

using Headless = test::HeadlessImGui;  // a 1600 x 1000 ImGui context for this test

void mouse(GuiApp& app, ImVec2 p, bool down, bool ctrl = false) {
  ImGuiIO& io = ImGui::GetIO();
  io.MousePos = p;
  io.MouseDown[0] = down;
  io.KeyCtrl = ctrl;
  app.headlessFrame();
  io.KeyCtrl = false;
}

void click(GuiApp& app, ImVec2 p) {
  mouse(app, p, false);
  mouse(app, p, true);
  mouse(app, p, false);
}

ImVec2 centre(const std::string& key) {
  ImVec4 r = helpItemRect(key);
  INFO(key);
  REQUIRE(r.z > 0);
  return ImVec2(std::floor(r.x + r.z * 0.5f), std::floor(r.y + r.w * 0.5f));
}

// Ctrl+click turns an ImGui slider into a text field (all selected): type the value, then
// click somewhere inert (the decoded picture) to leave the field.
void typeIntoSlider(GuiApp& app, const std::string& key, const std::string& text) {
  ImVec2 p = centre(key);
  mouse(app, p, false);
  mouse(app, p, true, true);
  mouse(app, p, false);
  for (char c : text) ImGui::GetIO().AddInputCharacter(unsigned(c));
  app.headlessFrame();
  click(app, centre("tokens-image"));
}

TokenSampling sampling(const TokenSettings& s) {
  TokenSampling t;
  t.temperature = s.temperature, t.topK = s.topK, t.topP = s.topP, t.greedy = s.greedy;
  return t;
}

std::vector<int> toInts(const torch::Tensor& t) {
  auto c = t.to(torch::kLong).contiguous();
  return std::vector<int>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

torch::Tensor prefixTensor(const std::vector<int>& p) {
  if (p.empty()) return {};
  return torch::tensor(std::vector<int64_t>(p.begin(), p.end()), torch::kLong).unsqueeze(0);
}

// The engine's own draw of a whole grid for class `cls` from `prefix`.
std::vector<int> draw(VqBundle& b, int cls, const std::vector<int>& prefix, const TokenSettings& s, uint64_t seed) {
  torch::NoGradGuard ng;
  return toInts(sampleTokens(*b.prior, torch::tensor({int64_t(cls)}), 1, prefixTensor(prefix), sampling(s), seed)[0]);
}

// The decoder's picture of `grid`, entries < 0 taken from an all-black image's tokens.
Image decodeRef(VqBundle& b, std::vector<int> grid) {
  torch::NoGradGuard ng;
  auto blank = toInts(b.vq->encode(torch::zeros({1, 1, 28, 28})).flatten());
  std::vector<int64_t> t;
  for (size_t i = 0; i < grid.size(); ++i) t.push_back(grid[i] < 0 ? blank[i] : grid[i]);
  return tensorToImages(b.decodeTokens(torch::tensor(t).unsqueeze(0)))[0];
}

int maxDiff(const Image& a, const Image& b) {
  REQUIRE(a.pixels.size() == b.pixels.size());
  int worst = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  return worst;
}

// What the next-token bars must show, computed here: softmax(logits), softmax(logits / T), then
// top-k (the k largest and any tied with the k-th), then top-p on the renormalised rest (the
// smallest set of most likely codes whose mass reaches p, plus ties with the last one kept).
struct Expected {
  std::vector<double> model, tempered;
  std::vector<bool> kept;
  double keptMass = 0;
  int keptCount = 0;
};

Expected expected(const std::vector<double>& logits, const TokenSettings& s) {
  const size_t V = logits.size();
  auto softmax = [&](double t) {
    std::vector<double> p(V);
    double mx = *std::max_element(logits.begin(), logits.end()), z = 0;
    for (size_t i = 0; i < V; ++i) z += p[i] = std::exp((logits[i] - mx) / t);
    for (double& v : p) v /= z;
    return p;
  };
  Expected e;
  e.model = softmax(1.0);
  const bool greedy = s.greedy || s.temperature <= 0;
  const double T = greedy ? 1.0 : s.temperature;
  const int k = greedy ? 1 : s.topK;
  const double topP = greedy ? 1.0 : s.topP;
  e.tempered = softmax(T);
  std::vector<size_t> order(V);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return logits[a] > logits[b]; });
  e.kept.assign(V, true);
  if (k > 0 && k < int(V)) {
    const double kth = logits[order[size_t(k - 1)]];
    for (size_t i = 0; i < V; ++i) e.kept[i] = logits[i] >= kth;
  }
  if (topP < 1.0) {
    double z = 0;
    for (size_t i = 0; i < V; ++i)
      if (e.kept[i]) z += e.tempered[i];
    double cum = 0, last = 0;
    std::vector<bool> in(V, false);
    for (size_t i : order) {
      if (!e.kept[i]) continue;
      if (cum >= topP) {
        if (logits[i] == last) in[i] = true;  // tied with the last one kept
        continue;
      }
      in[i] = true;
      cum += e.tempered[i] / z;
      last = logits[i];
    }
    e.kept = in;
  }
  for (size_t i = 0; i < V; ++i)
    if (e.kept[i]) e.keptMass += e.tempered[i], ++e.keptCount;
  return e;
}

std::vector<double> logitsAt(VqBundle& b, int cls, const std::vector<int>& prefix) {
  torch::NoGradGuard ng;
  auto x = prefix.empty() ? torch::zeros({1, 0}, torch::kLong) : prefixTensor(prefix);
  auto l = b.prior->forward(torch::tensor({int64_t(cls)}), x).select(1, int64_t(prefix.size()))[0].to(torch::kDouble);
  return std::vector<double>(l.data_ptr<double>(), l.data_ptr<double>() + l.numel());
}

void checkBars(const NextTokenView& v, const Expected& e) {
  REQUIRE(v.tokens.size() == 16);
  // The 16 most likely codes under the model, most likely first.
  std::vector<size_t> order(e.model.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return e.model[a] > e.model[b]; });
  for (size_t i = 0; i < 16; ++i) {
    CAPTURE(i);
    const size_t code = size_t(v.tokens[i]);
    CHECK(e.model[code] == doctest::Approx(e.model[order[i]]).epsilon(1e-6));  // same rank (ties may swap)
    CHECK(v.probModel[i] == doctest::Approx(e.model[code]).epsilon(1e-4));
    CHECK(v.probTempered[i] == doctest::Approx(e.tempered[code]).epsilon(1e-4));
    CHECK(v.kept[i] == e.kept[code]);
    if (!e.kept[code]) CHECK(v.probSampled[i] == 0.f);
  }
  CHECK(v.keptCount == e.keptCount);
  CHECK(v.keptMass == doctest::Approx(e.keptMass).epsilon(1e-5));
}
}  // namespace

TEST_CASE("Tokens view: Step adds the seed's next token, Resample keeps the prefix and redraws with the new class and temperature") {
  Headless imgui;
  auto app = test::makeHeadlessApp(vqDir(), test::smallFashion(100));
  auto* panel = dynamic_cast<TokensPanel*>(app->panel("tokens"));
  REQUIRE(panel);
  TokenSession& s = panel->session();
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  CHECK(app->modelKind() == ModelKind::Tokens);
  auto b = loadVqBundle(vqDir());
  // It opens on seed 1's grid, half drawn, with the bundle's recommended settings.
  CHECK(s.seed == 1);
  CHECK(s.recorded() == 24);
  CHECK(s.settings.temperature == b->recommended.temperature);
  CHECK(s.settings.topP == b->recommended.topP);
  const std::vector<int> ref = draw(*b, 0, {}, s.settings, 1);
  CHECK(s.record() == std::vector<int>(ref.begin(), ref.begin() + 24));
  CHECK(maxDiff(s.image(), decodeRef(*b, s.shownGrid())) <= 1);

  // Step, through the button: one more token each time, the seed's own.
  for (int n = 25; n <= 27; ++n) {
    click(*app, centre("tokens-step"));
    REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
    CHECK(s.recorded() == n);
    CHECK(s.shown() == n);
  }
  CHECK(s.record() == std::vector<int>(ref.begin(), ref.begin() + 27));
  CHECK(s.shownGrid()[27] == -1);
  CHECK(maxDiff(s.image(), decodeRef(*b, s.shownGrid())) <= 1);

  // Back to 10 tokens on the timeline, another class and temperature, Resample from here.
  typeIntoSlider(*app, "tokens-timeline", "10");
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  CHECK(s.shown() == 10);
  CHECK(s.recorded() == 27);  // the record stays until something new is drawn
  CHECK(maxDiff(s.image(), decodeRef(*b, s.shownGrid())) <= 1);
  typeIntoSlider(*app, "tokens-temperature", "0.7");
  CHECK(s.settings.temperature == doctest::Approx(0.7).epsilon(1e-6));
  s.cls = 3;  // what the class combo writes
  s.speed = 100;
  click(*app, centre("tokens-resample"));
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && s.recorded() == 49; }));
  CHECK(s.seed == 2);
  const std::vector<int> prefix(ref.begin(), ref.begin() + 10);
  CHECK(std::vector<int>(s.record().begin(), s.record().begin() + 10) == prefix);
  CHECK(s.record() == draw(*b, 3, prefix, s.settings, 2));
  CHECK(s.record() != ref);
  CHECK(maxDiff(s.image(), decodeRef(*b, s.record())) <= 1);

  // Edit: click the first cell, pick code 5 in its popup; the picture follows.
  ImVec4 g = app->rects().at("tokens-grid");
  const float cell = g.z / 7.f;
  const int before = s.record()[0];
  const int code = before == 5 ? 6 : 5;
  click(*app, ImVec2(std::floor(g.x + cell * 0.5f), std::floor(g.y + cell * 0.5f)));
  CHECK(panel->editing() == 0);
  ImVec4 c0 = helpItemRect("tokens-code-0");
  REQUIRE(c0.z > 0);
  click(*app, ImVec2(std::floor(c0.x + (c0.z + 2) * float(code) + c0.z * 0.5f), std::floor(c0.y + c0.w * 0.5f)));
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  CHECK(s.record()[0] == code);
  CHECK(panel->editing() == -1);
  CHECK(maxDiff(s.image(), decodeRef(*b, s.record())) <= 1);

  // Encode test image 0: its tokens are the VQ-VAE's nearest codes.
  click(*app, centre("tokens-encode"));
  REQUIRE(test::framesUntil(*app, [&] { return app->settled() && s.source().find("test image #0") == 0; }));
  Dataset data = openDataset(test::smallFashion(100));
  torch::NoGradGuard ng;
  CHECK(s.record() == toInts(b->vq->encode(datasetToTensor(data, 0, 1)).flatten()));
  CHECK(s.shown() == 49);
  // Usage over the 100 images: every one of their 49 tokens counted once.
  REQUIRE(s.usage().size() == 128);
  CHECK(std::accumulate(s.usage().begin(), s.usage().end(), int64_t(0)) == 100 * 49);
}

TEST_CASE("Next token: the temperature, top-k, top-p sliders and greedy change the bars as the math says") {
  Headless imgui;
  auto app = test::makeHeadlessApp(vqDir(), test::smallFashion(100));
  auto* tokens = dynamic_cast<TokensPanel*>(app->panel("tokens"));
  auto* next = dynamic_cast<NextTokenPanel*>(app->panel("next-token"));
  REQUIRE(tokens);
  REQUIRE(next);
  TokenSession& s = tokens->session();
  REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
  auto b = loadVqBundle(vqDir());
  const std::vector<double> logits = logitsAt(*b, s.cls, s.shownPrefix());
  auto shown = [&] {
    REQUIRE(test::framesUntil(*app, [&] { return app->settled(); }));
    REQUIRE(next->shownView());
    CHECK(next->shownView()->position == s.shown());
    return *next->shownView();
  };
  checkBars(shown(), expected(logits, s.settings));  // the bundle's T 1.0, top-p 0.95

  typeIntoSlider(*app, "tokens-temperature", "0.6");
  CHECK(s.settings.temperature == doctest::Approx(0.6).epsilon(1e-6));
  NextTokenView v = shown();
  checkBars(v, expected(logits, s.settings));
  CHECK(v.probTempered[0] > v.probModel[0]);  // colder: the favourite gains

  typeIntoSlider(*app, "tokens-temperature", "1.6");
  typeIntoSlider(*app, "tokens-top-p", "0.5");
  v = shown();
  CHECK(s.settings.topP == doctest::Approx(0.5).epsilon(1e-6));
  checkBars(v, expected(logits, s.settings));
  CHECK(v.probTempered[0] < v.probModel[0]);  // hotter: flatter

  typeIntoSlider(*app, "tokens-top-p", "1");
  typeIntoSlider(*app, "tokens-top-k", "3");
  v = shown();
  CHECK(s.settings.topK == 3);
  checkBars(v, expected(logits, s.settings));
  CHECK(v.keptCount == 3);

  click(*app, centre("tokens-greedy"));
  CHECK(s.settings.greedy);
  v = shown();
  checkBars(v, expected(logits, s.settings));
  CHECK(v.keptCount == 1);
  CHECK(v.kept[0]);
}
