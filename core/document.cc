#include "core/document.h"

#include <algorithm>

#include "core/reader_util.h"

namespace fineprint {

const char* BlockKindName(BlockKind kind) {
  switch (kind) {
    case BlockKind::kHeading:
      return "heading";
    case BlockKind::kParagraph:
      return "paragraph";
    case BlockKind::kListItem:
      return "list_item";
    case BlockKind::kTableCell:
      return "table_cell";
  }
  return "paragraph";
}

bool ParseDocumentFormat(std::string_view name, DocumentFormat* format) {
  for (DocumentFormat candidate :
       {DocumentFormat::kPlainText, DocumentFormat::kMarkdown, DocumentFormat::kHtml}) {
    if (name == DocumentFormatName(candidate)) {
      *format = candidate;
      return true;
    }
  }
  return false;
}

const char* DocumentFormatName(DocumentFormat format) {
  switch (format) {
    case DocumentFormat::kPlainText:
      return "text";
    case DocumentFormat::kMarkdown:
      return "markdown";
    case DocumentFormat::kHtml:
      return "html";
  }
  return "text";
}

namespace {

bool IsCopy(const SourceRun& run) {
  return run.text_length == run.source_length;
}

uint32_t RunSourceEnd(const SourceRun& run) {
  return run.source_start + run.source_length;
}

// Index of the last run whose text_start <= text_offset, or -1.
long RunAtOrBefore(const std::vector<SourceRun>& runs, uint32_t text_offset) {
  auto it = std::upper_bound(
      runs.begin(), runs.end(), text_offset,
      [](uint32_t offset, const SourceRun& run) { return offset < run.text_start; });
  return static_cast<long>(it - runs.begin()) - 1;
}

}  // namespace

uint32_t Block::SourceStart(uint32_t text_offset) const {
  if (runs.empty()) return 0;
  const long index = RunAtOrBefore(runs, text_offset);
  if (index < 0) return runs.front().source_start;
  const SourceRun& run = runs[index];
  const uint32_t within = text_offset - run.text_start;
  if (within < run.text_length) {
    return IsCopy(run) ? run.source_start + within : run.source_start;
  }
  // Past this run: the end of the block, or a gap no run covers, which maps
  // to where the next mapped text starts.
  if (static_cast<size_t>(index + 1) < runs.size()) {
    return runs[index + 1].source_start;
  }
  return RunSourceEnd(run);
}

uint32_t Block::SourceEnd(uint32_t text_offset) const {
  if (runs.empty()) return 0;
  if (text_offset == 0) return runs.front().source_start;
  const uint32_t last_byte = text_offset - 1;
  const long index = RunAtOrBefore(runs, last_byte);
  if (index < 0) return runs.front().source_start;
  const SourceRun& run = runs[index];
  const uint32_t within = last_byte - run.text_start;
  if (within < run.text_length) {
    return IsCopy(run) ? run.source_start + within + 1 : RunSourceEnd(run);
  }
  return RunSourceEnd(run);  // in a gap after the run, or past the text
}

void AppendText(Block& block, std::string_view text, uint32_t source_start,
                uint32_t source_length) {
  if (text.empty()) return;  // nothing in the text to map
  const auto text_start = static_cast<uint32_t>(block.text.size());
  block.text.append(text.data(), text.size());
  const auto text_length = static_cast<uint32_t>(text.size());
  // Copied text that continues the previous copied run in both the text and
  // the source extends that run: a paragraph of plain prose stays one run.
  if (!block.runs.empty() && text_length == source_length) {
    SourceRun& last = block.runs.back();
    if (IsCopy(last) && last.text_start + last.text_length == text_start &&
        RunSourceEnd(last) == source_start) {
      last.text_length += text_length;
      last.source_length += source_length;
      return;
    }
  }
  block.runs.push_back(SourceRun{text_start, text_length, source_start, source_length});
}

namespace reader_internal {

size_t UnicodeWhiteSpaceLength(std::string_view text, size_t pos) {
  const auto c = static_cast<unsigned char>(text[pos]);
  const size_t left = text.size() - pos;
  const auto b1 = left > 1 ? static_cast<unsigned char>(text[pos + 1]) : 0;
  const auto b2 = left > 2 ? static_cast<unsigned char>(text[pos + 2]) : 0;
  if (c == 0xC2 && b1 == 0xA0) return 2;  // U+00A0 no-break space
  if (c == 0xE1 && b1 == 0x9A && b2 == 0x80) return 3;  // U+1680
  if (c == 0xE2 && b1 == 0x80 && (b2 <= 0x8A || b2 == 0xAF)) {
    return 3;  // U+2000..U+200A, U+202F
  }
  if (c == 0xE2 && b1 == 0x81 && b2 == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && b1 == 0x80 && b2 == 0x80) return 3;  // U+3000
  return 0;
}

size_t ByteOrderMarkLength(std::string_view input) {
  return input.size() >= 3 && input.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

void BlockBuilder::Start(BlockKind kind, int level) {
  Finish();
  block_ = Block();
  block_.kind = kind;
  block_.level = level;
  open_ = true;
}

void BlockBuilder::FlushSpace() {
  if (!space_pending_) return;
  space_pending_ = false;
  // Leading white space is dropped: a block never starts with a space.
  if (!block_.text.empty()) {
    AppendText(block_, " ", space_start_, space_length_);
  }
}

void BlockBuilder::AddSpace(uint32_t source_start, uint32_t source_length) {
  // The first white space after a word stands for the whole gap: the space's
  // run then covers white space only, never markup between words.
  if (space_pending_) return;
  space_pending_ = true;
  space_start_ = source_start;
  space_length_ = source_length;
}

void BlockBuilder::AddText(std::string_view text, uint32_t source_start) {
  if (!open_) Start(BlockKind::kParagraph, 0);
  size_t i = 0;
  const size_t size = text.size();
  while (i < size) {
    size_t ws = WhiteSpaceLength(text, i);
    if (ws > 0) {
      const size_t begin = i;
      while (i < size && (ws = WhiteSpaceLength(text, i)) > 0) i += ws;
      AddSpace(source_start + static_cast<uint32_t>(begin),
               static_cast<uint32_t>(i - begin));
      continue;
    }
    // Copy words and the single spaces between them in one piece: only
    // other white space needs folding.
    const size_t begin = i;
    while (i < size) {
      const char c = text[i];
      if (!kMayStartSpace[c]) {
        ++i;
      } else if (c == ' ' && i + 1 < size && !kMayStartSpace[text[i + 1]]) {
        i += 2;
      } else if (WhiteSpaceLength(text, i) == 0) {
        ++i;  // a lead byte of something else ("’" starts with 0xE2)
      } else if (c == ' ' && i + 1 < size && WhiteSpaceLength(text, i + 1) == 0) {
        i += 2;
      } else {
        break;
      }
    }
    FlushSpace();
    AppendText(block_, text.substr(begin, i - begin),
               source_start + static_cast<uint32_t>(begin),
               static_cast<uint32_t>(i - begin));
  }
}

void BlockBuilder::AddAtomic(std::string_view text, uint32_t source_start,
                             uint32_t source_length) {
  if (!open_) Start(BlockKind::kParagraph, 0);
  if (text.empty()) return;
  bool all_space = true;
  for (size_t i = 0; i < text.size();) {
    const size_t ws = WhiteSpaceLength(text, i);
    if (ws == 0) {
      all_space = false;
      break;
    }
    i += ws;
  }
  if (all_space) {
    AddSpace(source_start, source_length);
    return;
  }
  FlushSpace();
  AppendText(block_, text, source_start, source_length);
}

void BlockBuilder::Finish() {
  space_pending_ = false;
  if (open_ && !block_.text.empty()) blocks_->push_back(std::move(block_));
  block_ = Block();
  open_ = false;
}

}  // namespace reader_internal
}  // namespace fineprint
