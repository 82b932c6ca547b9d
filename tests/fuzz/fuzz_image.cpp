// libFuzzer target: image file bytes -> decodeImage (signature, size checks, stb_image),
// then the grey/RGB conversions every loaded image goes through.
#include <cstddef>
#include <cstdint>

#include "engine/data/image_io.h"
#include "fuzz_check.h"

using namespace latentlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    // At most 1 Mpx: a 600-byte JPEG may declare 16 Mpx, whose decode under ASan on a busy
    // 2-core CI machine ran past the 10 s per-input limit (a timeout, not a bug; the size
    // check itself is the same code at any cap).
    Image img = decodeImage(std::vector<uint8_t>(data, data + size), fuzz::kWhere, int64_t(1) << 20);
    if (img.width < 1 || img.height < 1 || (img.channels != 1 && img.channels != 3))
      fuzz::broken("decoded image has an impossible size or channel count");
    if (img.pixels.size() != size_t(img.width) * size_t(img.height) * size_t(img.channels))
      fuzz::broken("decoded pixels do not match the size");
    Image other = toChannels(img, img.channels == 1 ? 3 : 1);
    if (other.width != img.width || other.height != img.height) fuzz::broken("toChannels changed the size");
  } catch (const BadInput& e) {
    fuzz::checkRefusal(e);
  }
  return 0;
}
