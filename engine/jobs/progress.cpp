#include "engine/jobs/progress.h"

#include "engine/util/errors.h"

namespace latentlab {

void CancelToken::throwIfCancelled() const {
  if (cancelled()) throw Cancelled();
}

}  // namespace latentlab
