#include "engine/models/torchscript_archive.h"

#include <zip.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "engine/util/errors.h"

namespace latentlab {

namespace {

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;

std::string zipErrorText(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string s = zip_error_strerror(&e);
  zip_error_fini(&e);
  return s;
}

bool startsWith(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool endsWith(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

// A name LibTorch would resolve inside its folder: relative, no "..", no backslashes or NULs.
bool safeEntryName(const std::string& n) {
  if (n.empty() || n[0] == '/' || n.find('\\') != std::string::npos || n.find('\0') != std::string::npos) return false;
  size_t start = 0;
  while (start <= n.size()) {
    size_t end = n.find('/', start);
    if (end == std::string::npos) end = n.size();
    if (n.compare(start, end - start, "..") == 0 && end - start == 2) return false;
    start = end + 1;
  }
  return true;
}

std::string humanBytes(uint64_t b) {
  char buf[32];
  if (b >= (uint64_t(1) << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", double(b) / double(uint64_t(1) << 30));
  else if (b >= (uint64_t(1) << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / double(1 << 20));
  else std::snprintf(buf, sizeof buf, "%llu bytes", (unsigned long long)b);
  return buf;
}

// Reads a whole entry whose declared size was already bounded; a stream longer or shorter
// than declared is a damaged archive.
std::string readEntry(zip_t* z, zip_uint64_t index, uint64_t declared, const std::string& where,
                      const std::string& name) {
  zip_file_t* f = zip_fopen_index(z, index, 0);
  if (!f) throw BadInput(where + ": cannot read entry \"" + name + "\" (" + zip_strerror(z) + ")");
  std::string out(size_t(declared), '\0');
  zip_int64_t got = declared ? zip_fread(f, out.data(), declared) : 0;
  char extra;
  zip_int64_t more = zip_fread(f, &extra, 1);
  zip_fclose(f);
  if (got < 0 || uint64_t(got) != declared || more > 0)
    throw BadInput(where + ": entry \"" + name + "\" is damaged (its data does not match its declared size)");
  return out;
}

ArchiveScan scanZip(zip_t* z, uint64_t fileBytes, const std::string& where, const ArchiveLimits& lim) {
  ArchiveScan scan;
  zip_int64_t n = zip_get_num_entries(z, 0);
  if (n <= 0) throw BadInput(where + ": empty zip archive, not TorchScript; " + exportHint());
  if (uint64_t(n) > lim.maxEntries)
    throw BadInput(where + ": " + std::to_string(n) + " entries in the archive, more than the " +
                   std::to_string(lim.maxEntries) + " allowed");
  scan.entries = uint64_t(n);
  struct Entry {
    std::string name;
    uint64_t size;
    zip_uint64_t index;
  };
  std::vector<Entry> entries;
  bool hasData = false, hasConstants = false, hasCode = false;
  for (zip_int64_t i = 0; i < n; ++i) {
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(z, zip_uint64_t(i), 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE))
      throw BadInput(where + ": damaged zip directory at entry " + std::to_string(i));
    std::string name = st.name;
    if (!safeEntryName(name))
      throw BadInput(where + ": refused: entry name \"" + name + "\" leaves the archive's folder (absolute or \"..\")");
    size_t slash = name.find('/');
    std::string prefix = slash == std::string::npos ? std::string() : name.substr(0, slash);
    if (i == 0) scan.prefix = prefix;
    if (prefix.empty() || prefix != scan.prefix)
      throw BadInput(where + ": entry \"" + name + "\" is outside the archive's top folder \"" + scan.prefix +
                     "\" (not written by torch.jit.save)");
    if (st.size > lim.maxTotalBytes || scan.totalBytes + st.size > lim.maxTotalBytes)
      throw BadInput(where + ": refused: the archive declares more than " + humanBytes(lim.maxTotalBytes) +
                     " of uncompressed data");
    scan.totalBytes += st.size;
    std::string rest = name.substr(slash + 1);
    if (rest == "data.pkl") hasData = true;
    if (rest == "constants.pkl") hasConstants = true;
    if (startsWith(rest, "code/")) hasCode = true;
    entries.push_back({std::move(rest), st.size, zip_uint64_t(i)});
  }
  if (double(scan.totalBytes) > lim.maxRatio * double(std::max<uint64_t>(fileBytes, 1)) &&
      scan.totalBytes > (uint64_t(1) << 20))
    throw BadInput(where + ": refused: the archive would inflate " + humanBytes(fileBytes) + " to " +
                   humanBytes(scan.totalBytes) + " (a zip bomb?)");
  if (hasData && !hasConstants && !hasCode)
    throw BadInput(where + ": this is a torch.save file (a state_dict or pickled module), not TorchScript; " +
                   exportHint());
  if (!hasData) throw BadInput(where + ": not a TorchScript archive (no data.pkl); " + exportHint());
  if (!hasConstants || !hasCode)
    throw BadInput(where + ": not a complete TorchScript archive (no " + std::string(hasCode ? "constants.pkl" : "code/") +
                   "); " + exportHint());
  uint64_t codeBytes = 0;
  for (const Entry& e : entries) {
    if (e.name == "extra/latentlab.json") {
      if (e.size > lim.maxExtraBytes)
        throw BadInput(where + ": extra/latentlab.json is " + humanBytes(e.size) + ", more than the " +
                       humanBytes(lim.maxExtraBytes) + " allowed");
      scan.metadata = readEntry(z, e.index, e.size, where, e.name);
      scan.hasMetadata = true;
    }
    if (!startsWith(e.name, "code/") || !endsWith(e.name, ".py")) continue;
    codeBytes += e.size;
    if (codeBytes > lim.maxCodeBytes)
      throw BadInput(where + ": more than " + humanBytes(lim.maxCodeBytes) + " of TorchScript code");
    std::string code = readEntry(z, e.index, e.size, where, e.name);
    for (const DeniedOperator& d : deniedOperators())
      if (code.find(d.codeForm) != std::string::npos)
        throw BadInput(where + ": refused: " + e.name + " calls " + d.op + " (" + d.why +
                       "); LatentLab does not run models that reach files, processes or the network");
  }
  return scan;
}

// A zip's first local header: a file that starts like one but has no readable central
// directory at its end was cut short.
bool startsLikeZip(const unsigned char* head, size_t n) {
  return n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
}

void refusePickle(const unsigned char* head, size_t n, const std::string& where) {
  // Protocol 2+ pickles start with PROTO (0x80) and the version: torch.save before 1.6, or
  // with _use_new_zipfile_serialization=False.
  if (n >= 2 && head[0] == 0x80 && head[1] >= 2 && head[1] <= 5)
    throw BadInput(where + ": this is a pickle saved with torch.save (a state_dict or a whole module), not "
                           "TorchScript; " + exportHint());
}

}  // namespace

std::string exportHint() {
  return "export the model with tools/export/latentlab_export.py (TorchScript + metadata, see docs/model-format.md)";
}

const std::vector<DeniedOperator>& deniedOperators() {
  static const std::vector<DeniedOperator> ops = {
      {"aten::from_file", "torch.from_file(", "reads a file"},
      {"aten::save", "torch.save(", "writes a file"},
  };
  return ops;
}

ArchiveScan scanTorchScriptArchive(const std::string& path, const ArchiveLimits& lim) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw BadInput(path + ": is a folder, expected a TorchScript .pt file");
  if (!fs::is_regular_file(path, ec)) throw BadInput(path + ": file not found");
  uint64_t size = fs::file_size(path, ec);
  if (ec) throw BadInput(path + ": cannot read the file size (" + ec.message() + ")");
  if (size == 0) throw BadInput(path + ": empty file, not TorchScript");
  if (size > lim.maxFileBytes)
    throw BadInput(path + ": " + humanBytes(size) + ", more than the " + humanBytes(lim.maxFileBytes) + " allowed");
  unsigned char head[4] = {0, 0, 0, 0};
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw BadInput(path + ": cannot open the file");
    in.read(reinterpret_cast<char*>(head), sizeof head);
    refusePickle(head, size_t(in.gcount()), path);
  }
  int err = 0;
  ZipPtr z(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err));
  if (!z) {
    if (err == ZIP_ER_NOZIP && !startsLikeZip(head, sizeof head))
      throw BadInput(path + ": not a TorchScript archive (not a zip file); " + exportHint());
    throw BadInput(path + ": damaged or truncated TorchScript archive (" + zipErrorText(err) + ")");
  }
  return scanZip(z.get(), size, path, lim);
}

ArchiveScan scanTorchScriptBytes(const void* data, size_t size, const std::string& where, const ArchiveLimits& lim) {
  if (size == 0) throw BadInput(where + ": empty file, not TorchScript");
  if (size > lim.maxFileBytes) throw BadInput(where + ": more than " + humanBytes(lim.maxFileBytes));
  refusePickle(static_cast<const unsigned char*>(data), size, where);
  zip_error_t zerr;
  zip_error_init(&zerr);
  zip_source_t* src = zip_source_buffer_create(data, size, 0, &zerr);
  if (!src) {
    zip_error_fini(&zerr);
    throw BadInput(where + ": cannot read the archive");
  }
  ZipPtr z(zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &zerr));
  if (!z) {
    int code = zip_error_code_zip(&zerr);
    zip_source_free(src);
    zip_error_fini(&zerr);
    if (code == ZIP_ER_NOZIP && !startsLikeZip(static_cast<const unsigned char*>(data), size))
      throw BadInput(where + ": not a TorchScript archive (not a zip file); " + exportHint());
    throw BadInput(where + ": damaged or truncated TorchScript archive (" + zipErrorText(code) + ")");
  }
  zip_error_fini(&zerr);
  return scanZip(z.get(), size, where, lim);
}

}  // namespace latentlab
