#include "core/json_error.h"

#include <catch2/catch.hpp>
#include <optional>
#include <string>

namespace fineprint {
namespace {

TEST_CASE("FindJsonSyntaxError finds nothing in valid JSON", "[json_error]") {
  CHECK_FALSE(FindJsonSyntaxError(R"({"a": [1, 2.5, "x", true, null]})").has_value());
  CHECK_FALSE(FindJsonSyntaxError("  [] \n\t").has_value());  // white space after the value
  CHECK_FALSE(FindJsonSyntaxError(R"("caf\u00e9 é")").has_value());
}

TEST_CASE("FindJsonSyntaxError points at the offending byte", "[json_error]") {
  const std::optional<JsonSyntaxError> comma = FindJsonSyntaxError(R"({"a": 1,})");
  REQUIRE(comma.has_value());
  CHECK(comma->offset == 8);  // the '}' after the trailing comma
  CHECK(comma->line == 1);
  CHECK(comma->column == 9);

  const std::optional<JsonSyntaxError> word = FindJsonSyntaxError("[tru]");
  REQUIRE(word.has_value());
  CHECK(word->offset == 4);  // "tru]" is not "true"
}

TEST_CASE("FindJsonSyntaxError: text that ends early errs at its end", "[json_error]") {
  const std::optional<JsonSyntaxError> empty = FindJsonSyntaxError("");
  REQUIRE(empty.has_value());
  CHECK(empty->offset == 0);
  CHECK(empty->line == 1);
  CHECK(empty->column == 1);

  const std::string unclosed = R"({"blocks": [)";
  const std::optional<JsonSyntaxError> error = FindJsonSyntaxError(unclosed);
  REQUIRE(error.has_value());
  CHECK(error->offset == unclosed.size());
}

TEST_CASE("FindJsonSyntaxError: content after the value is an error", "[json_error]") {
  const std::optional<JsonSyntaxError> error = FindJsonSyntaxError("{} x");
  REQUIRE(error.has_value());
  CHECK(error->offset == 3);
}

TEST_CASE("FindJsonSyntaxError counts lines and columns in bytes", "[json_error]") {
  // Line 3 starts after the second '\n'; "é" is two bytes, so the
  // offending '}' is column 9, not 8.
  const std::string text = "{\n  \"a\": 1,\n  \"é\": }";
  const std::optional<JsonSyntaxError> error = FindJsonSyntaxError(text);
  REQUIRE(error.has_value());
  CHECK(error->offset == text.size() - 1);
  CHECK(error->line == 3);
  CHECK(error->column == 9);
}

TEST_CASE("FindJsonSyntaxError rejects what the parser rejects", "[json_error]") {
  CHECK(FindJsonSyntaxError(R"(["\ud800"])").has_value());           // lone surrogate
  CHECK(FindJsonSyntaxError(std::string("[\"\xff\"]")).has_value());  // invalid UTF-8
  const std::optional<JsonSyntaxError> deep = FindJsonSyntaxError(std::string(100000, '['));
  REQUIRE(deep.has_value());
  CHECK(deep->offset == 100000);
}

}  // namespace
}  // namespace fineprint
