// Reading whole files (optionally gzip) with size limits, and atomic writes
// (temporary name + rename) so a crash never leaves a half-written file.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace latentlab {

using Bytes = std::vector<uint8_t>;

// Reads a whole file. Throws BadInput naming the path if it is missing or unreadable.
Bytes readFileBytes(const std::string& path);

// Reads a file, transparently gunzipping when it starts with the gzip magic. The
// decompressed size is capped (maxBytes) so a gzip bomb is refused, not allocated.
Bytes readMaybeGzip(const std::string& path, uint64_t maxBytes = (uint64_t(2) << 30));

// Writes bytes to `path.tmp.<pid>` then renames over `path`. Throws BadInput on failure.
void writeFileAtomic(const std::string& path, const void* data, size_t size);
inline void writeFileAtomic(const std::string& path, const Bytes& bytes) {
  writeFileAtomic(path, bytes.data(), bytes.size());
}
inline void writeFileAtomic(const std::string& path, const std::string& text) {
  writeFileAtomic(path, text.data(), text.size());
}

}  // namespace latentlab
