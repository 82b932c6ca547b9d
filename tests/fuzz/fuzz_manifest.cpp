// libFuzzer target: model.json text -> parseJsonStrict -> parseManifest. An accepted
// manifest must survive manifestToJson -> parseManifest (what the trainers write back).
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/models/manifest.h"
#include "engine/util/json_strict.h"
#include "fuzz_check.h"

using namespace latentlab;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    Manifest m = parseManifest(parseJsonStrict(std::string(data, data + size), fuzz::kWhere), fuzz::kWhere);
    try {
      Manifest again = parseManifest(manifestToJson(m), "round trip");
      if (again.kind != m.kind || again.latentShape != m.latentShape || again.classes != m.classes ||
          again.description != m.description)
        fuzz::broken("manifest round trip changed it");
    } catch (const BadInput& e) {
      std::fprintf(stderr, "%s\n", e.what());
      fuzz::broken("a manifest we accepted is refused after writing it back");
    }
  } catch (const BadInput& e) {
    fuzz::checkRefusal(e);
  }
  return 0;
}
