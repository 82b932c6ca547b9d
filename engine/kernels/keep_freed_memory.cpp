#include "engine/kernels/keep_freed_memory.h"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace latentlab {

void keepFreedMemoryInProcess() {
  static std::once_flag once;
  std::call_once(once, [] {
#if defined(__GLIBC__)
    // Blocks up to 32 MB (a 16-row micro-batch's activations are 0.1-3.2 MB each) come from
    // the heap and go back to it; the heap top is returned to the kernel only when over
    // 256 MB of it is free. Fixing these also stops glibc's threshold adaptation.
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
  });
}

}  // namespace latentlab
