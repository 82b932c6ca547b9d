// Animated GIF export (interpolation strips, traversals, denoising runs) through Debian's
// giflib 5.2, and a reader the tests use to check what was written. Torch-free; never touches
// GL. Writes are atomic (temporary name + rename).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/data/image.h"
#include "engine/util/file_io.h"

namespace latentlab {

enum class GifPalette {
  Auto,        // Gray when every frame is grey, else PerFrame
  Gray,        // one global 256-level grey palette (exact for grey images)
  FixedColor,  // one global palette: a 6x6x6 colour cube + 40 greys, nearest colour
  PerFrame,    // each frame its own palette: its colours when <= 256 (exact), else giflib's median cut
};

struct GifOptions {
  int delayCs = 10;        // frame delay in 1/100 s (GIF's unit); >= 1
  int loopCount = 0;       // 0 = loop forever, n > 0 = play n + 1 times, -1 = play once (no loop block)
  GifPalette palette = GifPalette::Auto;
};

// Frame delay in 1/100 s for `fps` frames per second (rounded, at least 1).
int gifDelayForFps(double fps);

// frames: same size, 1, 3 or 4 channels (alpha ignored), at most 65535 x 65535 and 100,000
// frames. BadInput for empty or mismatched frames.
Bytes encodeGif(const std::vector<Image>& frames, const GifOptions& opts = {});
void writeGif(const std::string& path, const std::vector<Image>& frames, const GifOptions& opts = {});

// What a GIF holds: every frame composited to full RGB, its delay, and the loop count
// (-1 when there is no NETSCAPE2.0 loop block, 0 = forever).
struct GifContents {
  int width = 0, height = 0;
  std::vector<Image> frames;  // RGB
  std::vector<int> delaysCs;
  int loopCount = -1;
  int globalColors = 0;       // size of the global palette (0 = none)
};
GifContents decodeGif(const Bytes& bytes, const std::string& where);
GifContents readGif(const std::string& path);

}  // namespace latentlab
