#include "engine/util/file_io.h"

#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "engine/util/errors.h"

namespace latentlab {

Bytes readFileBytes(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw BadInput(path + ": is a folder, expected a file");
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) throw BadInput(path + ": cannot open (" + std::strerror(errno) + ")");
  Bytes out;
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
  bool err = std::ferror(f);
  std::fclose(f);
  if (err) throw BadInput(path + ": read error");
  return out;
}

Bytes readMaybeGzip(const std::string& path, uint64_t maxBytes) {
  Bytes raw = readFileBytes(path);
  if (raw.size() < 2 || raw[0] != 0x1f || raw[1] != 0x8b) return raw;
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) throw BadInput(path + ": cannot initialise gzip");
  zs.next_in = raw.data();
  zs.avail_in = static_cast<uInt>(raw.size());
  Bytes out;
  uint8_t buf[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = buf;
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      throw BadInput(path + ": corrupt or truncated gzip data");
    }
    out.insert(out.end(), buf, buf + (sizeof buf - zs.avail_out));
    if (out.size() > maxBytes) {
      inflateEnd(&zs);
      throw BadInput(path + ": decompresses to more than " + std::to_string(maxBytes) + " bytes");
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      throw BadInput(path + ": truncated gzip data");
    }
  }
  inflateEnd(&zs);
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
