// Where a JSON text stops being JSON, so that an error message can point a
// person at the offending byte. The core parses JSON without exceptions (a
// WASM build may have none), and a parse that fails that way says only that
// it failed; this re-reads the text to say where.
#ifndef FINEPRINT_CORE_JSON_ERROR_H_
#define FINEPRINT_CORE_JSON_ERROR_H_

#include <cstddef>
#include <optional>
#include <string_view>

namespace fineprint {

// The place of a syntax error in a JSON text.
struct JsonSyntaxError {
  // The 0-based byte offset of the first byte that cannot continue the
  // text as JSON; text.size() when the text ends before its value does.
  size_t offset = 0;
  // 1-based line (lines end at '\n') and 1-based column, in bytes, of
  // that byte: for a person who opens the file in an editor.
  size_t line = 1;
  size_t column = 1;
};

// The first syntax error in `text`, read as nlohmann::json::parse reads it
// (one value, then only white space; strings must be valid UTF-8), or
// nullopt when the text is valid JSON. It parses the whole text again
// without building anything, so call it only once a parse has failed.
std::optional<JsonSyntaxError> FindJsonSyntaxError(std::string_view text);

}  // namespace fineprint

#endif  // FINEPRINT_CORE_JSON_ERROR_H_
