// One sentence of help for every parameter and button a student can touch, registered by
// key, and the helper that shows it as the widget's tooltip. Keeping the texts in one table
// lets a test check every entry (one plain sentence each) and lets headless tests find a
// widget's screen rectangle by its key. Never changes any state but its own test record.
#pragma once
#include <imgui.h>

#include <map>
#include <string>
#include <vector>

namespace latentlab {

struct HelpEntry {
  const char* key;
  const char* text;
};

// Every registered entry, in panel order.
const std::vector<HelpEntry>& helpEntries();
// The help of `key`; "" when it has none (a test asserts every key used has one).
const char* helpText(const std::string& key);

// Call right after a widget: records its rectangle under `key` and, when the mouse is over
// it (enabled or not), shows the key's help as its tooltip. `extra`, when given, is a
// second line with the current value's meaning (e.g. the DDIM-only note).
void itemHelp(const char* key, const char* extra = nullptr);

// Like itemHelp, with a text of its own instead of a registered one (e.g. an error message
// shown in full on hover). The text wraps at a readable width.
void itemTooltip(const char* key, const std::string& text);

// Records the last widget's rectangle under `key` and shows nothing (a widget with a tooltip
// of its own, e.g. the Notes toggle).
void itemRect(const char* key);

// Moves the rectangles recorded this frame by widgets inside panel `panelId`'s window (its
// child windows included; the window is titled "...###panelId") into `out`, keyed
// "<panelId>/<key>": the screenshot sidecar lists them, and a test checks that every one
// lies inside its panel's window (no toolbar clipped at a small window or a large scale).
void takePanelItemRects(const std::string& panelId, std::map<std::string, ImVec4>& out);

// Put at the top of a panel's drawContent: takes the panel's widget rectangles when it ends.
struct PanelItemRects {
  const std::string& panelId;
  std::map<std::string, ImVec4>& out;
  ~PanelItemRects() { takePanelItemRects(panelId, out); }
};

// For tests: the rectangle (x, y, w, h) `key`'s widget had when last drawn (w = 0 if never),
// and the key whose help was shown as a tooltip in the latest frame ("" if none).
ImVec4 helpItemRect(const std::string& key);
std::string shownHelpKey();

}  // namespace latentlab
