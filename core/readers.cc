#include "core/readers.h"

#include <cstring>
#include <string>

#include "core/utf8.h"

namespace fineprint {

Expected<bool> ValidateInput(std::string_view input) {
  if (input.size() > kMaxInputBytes) {
    return Error{"input is " + std::to_string(input.size()) +
                 " bytes, over the limit of " + std::to_string(kMaxInputBytes) +
                 " bytes"};
  }
  // NUL is checked before UTF-8: a binary file usually fails both, and
  // "binary file" is the more useful thing to tell a person.
  if (!input.empty()) {
    const void* nul = std::memchr(input.data(), '\0', input.size());
    if (nul != nullptr) {
      const auto offset = static_cast<const char*>(nul) - input.data();
      return Error{"binary file: NUL byte at byte offset " + std::to_string(offset)};
    }
  }
  const size_t bad = FirstInvalidUtf8(input);
  if (bad < input.size()) {
    return Error{"invalid UTF-8 at byte offset " + std::to_string(bad)};
  }
  return true;
}

Expected<Document> ReadDocument(std::string_view input, DocumentFormat format) {
  switch (format) {
    case DocumentFormat::kMarkdown:
      return ReadMarkdown(input);
    case DocumentFormat::kHtml:
      return ReadHtml(input);
    case DocumentFormat::kPlainText:
      break;
  }
  return ReadPlainText(input);
}

DocumentFormat FormatForPath(std::string_view path) {
  const size_t slash = path.find_last_of("/\\");
  const std::string_view name =
      slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return DocumentFormat::kPlainText;
  std::string extension(name.substr(dot + 1));
  for (char& c : extension) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (extension == "md" || extension == "markdown") return DocumentFormat::kMarkdown;
  if (extension == "html" || extension == "htm") return DocumentFormat::kHtml;
  return DocumentFormat::kPlainText;
}

}  // namespace fineprint
