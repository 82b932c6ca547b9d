// Reading whole files (optionally gzip) with size limits checked before anything is read,
// and atomic writes (temporary name + rename) so a crash never leaves a half-written file.
// Never reads more than its cap: a 5 GiB file, /dev/zero or a gzip bomb is refused by size.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace latentlab {

using Bytes = std::vector<uint8_t>;

// Caps for files we read whole. Data sets and weights can be big; JSON and images cannot.
// The image cap also keeps sizes inside stb_image's 32-bit `int` lengths.
inline constexpr uint64_t kMaxFileBytes = uint64_t(4) << 30;        // 4 GiB
inline constexpr uint64_t kMaxJsonFileBytes = uint64_t(64) << 20;   // 64 MiB
inline constexpr uint64_t kMaxImageFileBytes = uint64_t(256) << 20; // 256 MiB

// "4.0 GiB", "12 bytes": sizes in messages.
std::string formatBytes(uint64_t bytes);

// Reads a whole file. Throws BadInput naming the path if it is missing, unreadable, a
// folder, or larger than maxBytes (checked against its size before reading, and again while
// reading for files whose size is not known up front, such as pipes and devices).
Bytes readFileBytes(const std::string& path, uint64_t maxBytes = kMaxFileBytes);

// Reads a file, transparently gunzipping when it starts with the gzip magic. Both the file
// and its decompressed size are capped by maxBytes, so a gzip bomb is refused, not allocated.
Bytes readMaybeGzip(const std::string& path, uint64_t maxBytes = uint64_t(2) << 30);
// The in-memory half of readMaybeGzip: returns `raw` itself unless it starts with the gzip
// magic; `where` names the source in messages.
Bytes gunzipIfCompressed(Bytes raw, const std::string& where, uint64_t maxBytes);

// Writes bytes to `path.tmp.<pid>` then renames over `path`. Throws BadInput on failure.
void writeFileAtomic(const std::string& path, const void* data, size_t size);
inline void writeFileAtomic(const std::string& path, const Bytes& bytes) {
  writeFileAtomic(path, bytes.data(), bytes.size());
}
inline void writeFileAtomic(const std::string& path, const std::string& text) {
  writeFileAtomic(path, text.data(), text.size());
}

}  // namespace latentlab
