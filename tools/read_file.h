// Reading a whole file, for the native tools and benchmarks (never the core,
// which takes bytes and leaves I/O to its callers).
#ifndef FINEPRINT_TOOLS_READ_FILE_H_
#define FINEPRINT_TOOLS_READ_FILE_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fineprint {

// Reads the file at `path` into *out, byte for byte. Returns false (and
// leaves *out alone) when it cannot be opened.
inline bool ReadFile(const std::filesystem::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

}  // namespace fineprint

#endif  // FINEPRINT_TOOLS_READ_FILE_H_
