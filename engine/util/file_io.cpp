#include "engine/util/file_io.h"

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "engine/util/errors.h"

namespace latentlab {

namespace {
struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<FILE, FileCloser>;

[[noreturn]] void tooLarge(const std::string& path, const std::string& size, uint64_t maxBytes) {
  throw BadInput(path + ": file is " + size + ", larger than the " + formatBytes(maxBytes) +
                 " limit for this kind of file");
}
}  // namespace

std::string formatBytes(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
  const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = double(bytes);
  int u = -1;
  while (v >= 1024 && u < 5) v /= 1024, ++u;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

Bytes readFileBytes(const std::string& path, uint64_t maxBytes) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw BadInput(path + ": is a folder, expected a file");
  FilePtr f(std::fopen(path.c_str(), "rb"));
  if (!f) throw BadInput(path + ": cannot open (" + std::strerror(errno) + ")");
  struct stat st {};
  bool regular = ::fstat(fileno(f.get()), &st) == 0 && S_ISREG(st.st_mode);
  Bytes out;
  if (regular) {
    uint64_t size = uint64_t(st.st_size);
    if (size > maxBytes)
      tooLarge(path, formatBytes(size) + (size >= 1024 ? " (" + std::to_string(size) + " bytes)" : ""), maxBytes);
    out.reserve(size_t(size));
  }
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    if (out.size() + n > maxBytes) tooLarge(path, "more than " + formatBytes(maxBytes), maxBytes);
    out.insert(out.end(), buf, buf + n);
  }
  if (std::ferror(f.get())) throw BadInput(path + ": read error");
  return out;
}

Bytes readMaybeGzip(const std::string& path, uint64_t maxBytes) {
  return gunzipIfCompressed(readFileBytes(path, maxBytes), path, maxBytes);
}

Bytes gunzipIfCompressed(Bytes raw, const std::string& path, uint64_t maxBytes) {
  if (raw.size() < 2 || raw[0] != 0x1f || raw[1] != 0x8b) return raw;
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) throw BadInput(path + ": cannot initialise gzip");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  Bytes out;
  uint8_t buf[1 << 16];
  size_t fed = 0;  // zlib counts input in 32-bit uInt: feed it in slices
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (zs.avail_in == 0 && fed < raw.size()) {
      size_t slice = std::min<size_t>(raw.size() - fed, size_t(1) << 30);
      zs.next_in = raw.data() + fed;
      zs.avail_in = static_cast<uInt>(slice);
      fed += slice;
    }
    zs.next_out = buf;
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) throw BadInput(path + ": corrupt or truncated gzip data");
    size_t produced = sizeof buf - zs.avail_out;
    if (out.size() + produced > maxBytes)
      throw BadInput(path + ": decompresses to more than " + formatBytes(maxBytes) + " (" + std::to_string(maxBytes) +
                     " bytes), the limit for this kind of file");
    out.insert(out.end(), buf, buf + produced);
    if (rc == Z_OK && zs.avail_in == 0 && fed == raw.size() && zs.avail_out != 0)
      throw BadInput(path + ": truncated gzip data");
  }
  return out;
}

void writeFileAtomic(const std::string& path, const void* data, size_t size) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) throw BadInput(path + ": cannot write (" + std::strerror(errno) + ")");
  bool ok = std::fwrite(data, 1, size, f) == size;
  ok = (std::fflush(f) == 0) && ok;
  ok = (::fsync(fileno(f)) == 0) && ok;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw BadInput(path + ": write failed (" + std::strerror(errno) + ")");
  }
}

}  // namespace latentlab
