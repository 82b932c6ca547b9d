// Precompiled header for the engine: LibTorch is heavy, compile it once.
#pragma once
#include <torch/torch.h>
