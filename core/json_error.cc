#include "core/json_error.h"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

namespace fineprint {
namespace {

using Json = nlohmann::json;

// Accepts every value and remembers where the parser gave up.
class SyntaxErrorRecorder : public nlohmann::json_sax<Json> {
 public:
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    failed_ = true;
    position_ = position;
    return false;
  }

  bool failed() const { return failed_; }
  // nlohmann counts the characters read, the offending one included (and
  // the end of the input counts as one), so the offending byte is one back.
  size_t offset() const { return position_ > 0 ? position_ - 1 : 0; }

 private:
  bool failed_ = false;
  size_t position_ = 0;
};

}  // namespace

std::optional<JsonSyntaxError> FindJsonSyntaxError(std::string_view text) {
  SyntaxErrorRecorder recorder;
  Json::sax_parse(text.begin(), text.end(), &recorder, nlohmann::detail::input_format_t::json,
                  /*strict=*/true);
  if (!recorder.failed()) return std::nullopt;
  JsonSyntaxError error;
  error.offset = std::min(recorder.offset(), text.size());
  const std::string_view before = text.substr(0, error.offset);
  error.line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t line_start = before.rfind('\n');
  error.column = 1 + error.offset - (line_start == std::string_view::npos ? 0 : line_start + 1);
  return error;
}

}  // namespace fineprint
