// Helpers shared by the reader and segmenter tests: corpus access and the
// checks every reader's output must pass.
#ifndef FINEPRINT_TESTS_UNIT_READER_TEST_UTIL_H_
#define FINEPRINT_TESTS_UNIT_READER_TEST_UTIL_H_

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include "core/document.h"
#include "core/reader_util.h"
#include "core/segmenter.h"
#include "core/utf8.h"

namespace fineprint {
namespace testing {

inline std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

inline std::string CorpusPath(const std::string& relative) {
  return std::string(FINEPRINT_CORPUS_DIR) + "/" + relative;
}

// Every file under the corpus directory `relative` whose name ends in
// `suffix`, sorted.
inline std::vector<std::string> CorpusFiles(const std::string& relative,
                                            const std::string& suffix) {
  std::vector<std::string> files;
  std::error_code error;
  const std::filesystem::path root = CorpusPath(relative);
  if (!std::filesystem::exists(root, error)) return files;
  for (auto it = std::filesystem::recursive_directory_iterator(root, error);
       it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    const std::string path = it->path().string();
    if (path.size() >= suffix.size() &&
        path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0) {
      files.push_back(path);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

inline std::vector<std::string> Texts(const Document& document) {
  std::vector<std::string> texts;
  for (const Block& block : document.blocks) texts.push_back(block.text);
  return texts;
}

// The input bytes a block's text [start, end) maps back to.
inline std::string_view SourceOf(const Block& block, std::string_view source,
                                 uint32_t start, uint32_t end) {
  const uint32_t from = block.SourceStart(start);
  const uint32_t to = block.SourceEnd(end);
  return source.substr(from, to - from);
}

inline std::string_view SourceOf(const Block& block, std::string_view source) {
  return SourceOf(block, source, 0, static_cast<uint32_t>(block.text.size()));
}

inline bool AllWhiteSpace(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t ws = reader_internal::WhiteSpaceLength(text, i);
    if (ws == 0) return false;
    i += ws;
  }
  return true;
}

// What an atomic run's source may legitimately stand for: an entity, a
// backslash escape, white space (maybe with markup such as <br>).
inline bool AtomicRunMatches(std::string_view text, std::string_view source) {
  if (text == " ") {
    if (AllWhiteSpace(source)) return true;
    std::string decoded;
    if (!source.empty() && source[0] == '&' &&
        reader_internal::DecodeCharacterReference(source, 0, &decoded) == source.size()) {
      return AllWhiteSpace(decoded);
    }
    return source.size() >= 3 && source[0] == '<';  // <br>, <br/>
  }
  if (source.size() == 2 && source[0] == '\\') return text == source.substr(1);
  std::string decoded;
  if (!source.empty() && source[0] == '&' &&
      reader_internal::DecodeCharacterReference(source, 0, &decoded) == source.size()) {
    return decoded == text;
  }
  return false;
}

// The document model's invariants, and that every run maps its text to
// input bytes that say the same thing.
inline void CheckBlock(const Block& block, std::string_view source) {
  INFO("block text: " << block.text);
  REQUIRE_FALSE(block.text.empty());
  CHECK(FirstInvalidUtf8(block.text) == block.text.size());
  CHECK(block.text.front() != ' ');
  CHECK(block.text.back() != ' ');
  CHECK(block.text.find("  ") == std::string::npos);
  CHECK(block.text.find_first_of("\n\r\t") == std::string::npos);
  REQUIRE_FALSE(block.runs.empty());
  CHECK(block.runs.front().text_start == 0);
  uint32_t text_end = 0;
  uint32_t source_end = 0;
  for (const SourceRun& run : block.runs) {
    INFO("run text_start=" << run.text_start << " source_start=" << run.source_start);
    CHECK(run.text_start == text_end);  // ordered, contiguous, covering
    CHECK(run.text_length > 0);
    CHECK(run.source_start >= source_end);  // ordered, non-overlapping
    REQUIRE(run.source_start + run.source_length <= source.size());
    text_end = run.text_start + run.text_length;
    source_end = run.source_start + run.source_length;
    const std::string_view text(block.text.data() + run.text_start, run.text_length);
    const std::string_view bytes = source.substr(run.source_start, run.source_length);
    if (run.text_length == run.source_length) {
      for (size_t i = 0; i < text.size(); ++i) {
        const bool same = text[i] == bytes[i] ||
                          (text[i] == ' ' && (bytes[i] == '\n' || bytes[i] == '\r' ||
                                              bytes[i] == '\t' || bytes[i] == '\f'));
        if (!same) {
          FAIL_CHECK("copied run differs: text '" << text << "' source '" << bytes << "'");
          break;
        }
      }
    } else {
      INFO("atomic run: text '" << text << "' source '" << bytes << "'");
      CHECK(AtomicRunMatches(text, bytes));
    }
  }
  CHECK(text_end == block.text.size());
  CHECK(block.SourceStart(0) == block.runs.front().source_start);
  CHECK(block.SourceEnd(static_cast<uint32_t>(block.text.size())) == source_end);
  uint32_t link_end = 0;
  for (const Link& link : block.links) {
    INFO("link [" << link.text_start << ", " << link.text_end << ") to " << link.target);
    CHECK(link.text_start >= link_end);  // ordered, non-overlapping
    REQUIRE(link.text_end <= block.text.size());
    CHECK(link.text_end > link.text_start);
    CHECK(block.text[link.text_start] != ' ');
    CHECK(block.text[link.text_end - 1] != ' ');
    CHECK_FALSE(link.target.empty());
    CHECK(link.target.find_first_of(" \t\n\r") != 0);
    CHECK(link.target.find_last_of(" \t\n\r") != link.target.size() - 1);
    link_end = link.text_end;
  }
}

// A block's links as (link text, target) pairs, for comparing with a list.
using LinkList = std::vector<std::pair<std::string, std::string>>;
inline LinkList LinksOf(const Block& block) {
  LinkList links;
  for (const Link& link : block.links) {
    links.emplace_back(block.text.substr(link.text_start, link.text_end - link.text_start), link.target);
  }
  return links;
}

inline void CheckDocument(const Document& document, std::string_view source) {
  CHECK(document.source_size == source.size());
  for (const Block& block : document.blocks) CheckBlock(block, source);
}

// The non-empty lines of a text, as [start, end) byte offsets; lines end
// at '\n'.
inline std::vector<std::pair<uint32_t, uint32_t>> NonEmptyLines(std::string_view text) {
  std::vector<std::pair<uint32_t, uint32_t>> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) lines.emplace_back(static_cast<uint32_t>(start), static_cast<uint32_t>(end));
    start = end + 1;
  }
  return lines;
}

// Removes what a reader strips, on either side, so that a clause's text and
// the source span it maps to can be compared: markup characters, link
// targets, tags, comments, entities (decoded) and white space.
inline std::string Normalize(std::string_view text, bool is_source) {
  std::string out;
  auto emit = [&out](std::string_view piece) {
    for (size_t k = 0; k < piece.size();) {
      const size_t space = reader_internal::WhiteSpaceLength(piece, k);
      if (space > 0) {
        k += space;
        continue;
      }
      const char c = piece[k++];
      if (std::strchr("*_[]\\`!|-+<>", c) == nullptr) out.push_back(c);
    }
  };
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (is_source && c == ']' && i + 1 < text.size() && text[i + 1] == '(') {
      // A link target: skip to the matching ')'.
      int depth = 0;
      size_t j = i + 1;
      for (; j < text.size(); ++j) {
        if (text[j] == '(') ++depth;
        if (text[j] == ')' && --depth == 0) break;
      }
      i = j + 1;
      continue;
    }
    if (is_source && c == '<') {
      size_t skip_to = 0;
      if (text.compare(i, 4, "<!--") == 0) {
        const size_t close = text.find("-->", i);
        if (close != std::string_view::npos) skip_to = close + 3;
      } else if (text.compare(i, 9, "<![CDATA[") == 0) {
        const size_t close = text.find("]]>", i);
        if (close != std::string_view::npos) skip_to = close + 3;
      } else {
        // A tag ("<br>", "</span>"), not an autolink ("<a@b.c>").
        size_t name_end = i + 1;
        if (name_end < text.size() && text[name_end] == '/') ++name_end;
        while (name_end < text.size() &&
               std::isalnum(static_cast<unsigned char>(text[name_end]))) {
          ++name_end;
        }
        const size_t close = text.find('>', i);
        if (close != std::string_view::npos && name_end > i + 1 && name_end < text.size() &&
            (text[name_end] == ' ' || text[name_end] == '>' || text[name_end] == '/')) {
          skip_to = close + 1;
        }
      }
      if (skip_to > 0) {
        i = skip_to;
        continue;
      }
    }
    if (is_source && c == '&') {
      std::string decoded;
      const size_t length = reader_internal::DecodeCharacterReference(text, i, &decoded);
      if (length > 0) {
        emit(decoded);
        i += length;
        continue;
      }
    }
    const size_t space = reader_internal::WhiteSpaceLength(text, i);
    if (space > 0) {
      i += space;
      continue;
    }
    emit(text.substr(i, 1));
    ++i;
  }
  return out;
}

// Every clause of the document maps back to a source span that says what
// the clause says.
inline void CheckClauseSpans(const Document& document, std::string_view source) {
  for (const ClauseSpan& clause : SegmentDocument(document)) {
    const Block& block = document.blocks[clause.block_index];
    const std::string_view text(block.text.data() + clause.start, clause.end - clause.start);
    const std::string_view span = SourceOf(block, source, clause.start, clause.end);
    INFO("clause: " << text << "\nsource: " << span);
    CHECK(Normalize(text, false) == Normalize(span, true));
  }
}

// Whether ReadChecked also checks that every clause maps back to a source
// span that says what the clause says. Inputs whose skipped inline
// elements (script, svg) leave text inside a clause's span opt out.
enum class ClauseSpanCheck { kCheck, kSkip };

// Reads `input` with `reader` (ReadPlainText, ReadMarkdown, ReadHtml),
// fails the test with the reader's message if it is rejected, and checks
// the document's invariants before returning it.
template <typename Reader>
Document ReadChecked(Reader reader, std::string_view input, ClauseSpanCheck clause_spans) {
  const auto result = reader(input);
  if (!result.ok()) FAIL(result.error().message);
  CheckDocument(result.value(), input);
  if (clause_spans == ClauseSpanCheck::kCheck) CheckClauseSpans(result.value(), input);
  return result.value();
}

}  // namespace testing
}  // namespace fineprint

#endif  // FINEPRINT_TESTS_UNIT_READER_TEST_UTIL_H_
