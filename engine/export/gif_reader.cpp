// GIF decoding with giflib 5.2 (DGifSlurp), for tests and for checking exports: frames
// composited onto the logical screen (transparency honoured), delays, the NETSCAPE2.0 loop
// count. Every frame must lie inside the screen; anything giflib refuses is a BadInput.
#include <gif_lib.h>

#include <cstring>

#include "engine/export/gif_writer.h"
#include "engine/util/errors.h"

namespace latentlab {

namespace {
struct Reader {
  const Bytes* bytes;
  size_t pos = 0;
};
int readFromBytes(GifFileType* gif, GifByteType* buf, int len) {
  auto* r = static_cast<Reader*>(gif->UserData);
  size_t n = std::min(size_t(len), r->bytes->size() - r->pos);
  std::memcpy(buf, r->bytes->data() + r->pos, n);
  r->pos += n;
  return int(n);
}
}  // namespace

GifContents decodeGif(const Bytes& bytes, const std::string& where) {
  Reader reader{&bytes};
  int err = 0;
  GifFileType* gif = DGifOpen(&reader, readFromBytes, &err);
  if (!gif) throw BadInput(where + ": not a GIF (" + GifErrorString(err) + ")");
  struct Closer {
    GifFileType* g;
    ~Closer() {
      int e = 0;
      DGifCloseFile(g, &e);
    }
  } closer{gif};
  if (DGifSlurp(gif) != GIF_OK) throw BadInput(where + ": damaged GIF (" + GifErrorString(gif->Error) + ")");
  GifContents c;
  c.width = gif->SWidth;
  c.height = gif->SHeight;
  c.globalColors = gif->SColorMap ? gif->SColorMap->ColorCount : 0;
  if (c.width < 1 || c.height < 1 || int64_t(c.width) * c.height > (int64_t(1) << 28))
    throw BadInput(where + ": GIF screen size " + std::to_string(c.width) + "x" + std::to_string(c.height) + " is not usable");
  Image canvas(c.width, c.height, 3);
  for (int i = 0; i < gif->ImageCount; ++i) {
    const SavedImage& s = gif->SavedImages[i];
    const GifImageDesc& d = s.ImageDesc;
    const std::string frame = where + ": frame " + std::to_string(i);
    if (d.Left < 0 || d.Top < 0 || d.Width < 1 || d.Height < 1 || d.Left + d.Width > c.width || d.Top + d.Height > c.height)
      throw BadInput(frame + " lies outside the GIF's screen");
    const ColorMapObject* map = d.ColorMap ? d.ColorMap : gif->SColorMap;
    if (!map) throw BadInput(frame + " has no colour palette");
    GraphicsControlBlock gcb{};
    gcb.TransparentColor = NO_TRANSPARENT_COLOR;
    if (DGifSavedExtensionToGCB(gif, i, &gcb) != GIF_OK) gcb.DelayTime = 0;
    for (int k = 0; k + 1 < s.ExtensionBlockCount; ++k) {
      const ExtensionBlock& e = s.ExtensionBlocks[k];
      const ExtensionBlock& next = s.ExtensionBlocks[k + 1];
      if (e.Function == APPLICATION_EXT_FUNC_CODE && e.ByteCount == 11 && std::memcmp(e.Bytes, "NETSCAPE2.0", 11) == 0 &&
          next.Function == CONTINUE_EXT_FUNC_CODE && next.ByteCount >= 3 && next.Bytes[0] == 1)
        c.loopCount = next.Bytes[1] | (next.Bytes[2] << 8);
    }
    for (int y = 0; y < d.Height; ++y)
      for (int x = 0; x < d.Width; ++x) {
        int idx = s.RasterBits[size_t(y) * d.Width + x];
        if (idx == gcb.TransparentColor) continue;
        if (idx >= map->ColorCount) throw BadInput(frame + ": colour index " + std::to_string(idx) + " outside its palette");
        uint8_t* p = canvas.at(d.Left + x, d.Top + y);
        p[0] = map->Colors[idx].Red, p[1] = map->Colors[idx].Green, p[2] = map->Colors[idx].Blue;
      }
    c.frames.push_back(canvas);
    c.delaysCs.push_back(gcb.DelayTime);
  }
  if (c.frames.empty()) throw BadInput(where + ": the GIF has no frames");
  return c;
}

GifContents readGif(const std::string& path) { return decodeGif(readFileBytes(path, kMaxImageFileBytes), path); }

}  // namespace latentlab
