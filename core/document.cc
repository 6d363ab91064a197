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

namespace {

// The block's text offset where input offset `source` falls: inside a copied
// run, the byte it was copied to; in an atomic run or a gap between runs,
// the run's start; past every run, the end of the text.
uint32_t TextStartAtSource(const Block& block, uint32_t source) {
  auto run = std::upper_bound(block.runs.begin(), block.runs.end(), source,
                              [](uint32_t offset, const SourceRun& r) { return offset < RunSourceEnd(r); });
  if (run == block.runs.end()) return static_cast<uint32_t>(block.text.size());
  if (source <= run->source_start || !IsCopy(*run)) return run->text_start;
  return run->text_start + (source - run->source_start);
}

// The block's text offset just past input offset `source_end - 1`: the end
// of the text a link ending there covers. An atomic run counts whole.
uint32_t TextEndAtSource(const Block& block, uint32_t source_end) {
  auto run = std::lower_bound(block.runs.begin(), block.runs.end(), source_end,
                              [](const SourceRun& r, uint32_t offset) { return r.source_start < offset; });
  if (run == block.runs.begin()) return 0;
  --run;  // the last run starting before source_end
  const uint32_t within = source_end - run->source_start;
  if (IsCopy(*run) && within < run->text_length) return run->text_start + within;
  return run->text_start + run->text_length;
}

}  // namespace

void AttachLinks(std::vector<SourceLink> links, Document* document) {
  std::stable_sort(links.begin(), links.end(),
                   [](const SourceLink& a, const SourceLink& b) { return a.source_start < b.source_start; });
  std::vector<Block>& blocks = document->blocks;
  size_t first = 0;  // blocks before it end before every link still to come
  for (SourceLink& link : links) {
    // Browsers ignore white space around an href; so do we. An in-page
    // target ("#section") is navigation, not a place.
    const size_t target_start = link.target.find_first_not_of(" \t\n\r\f");
    if (target_start == std::string::npos || link.target[target_start] == '#' ||
        link.source_end <= link.source_start) {
      continue;
    }
    link.target.erase(0, target_start);
    link.target.erase(link.target.find_last_not_of(" \t\n\r\f") + 1);
    while (first < blocks.size() &&
           (blocks[first].runs.empty() || RunSourceEnd(blocks[first].runs.back()) <= link.source_start)) {
      ++first;
    }
    // Blocks are in input order, but one block's runs may surround
    // another's (text resuming after a nested list): take the first block
    // whose text the link really covers.
    for (size_t b = first; b < blocks.size(); ++b) {
      Block& block = blocks[b];
      if (block.runs.empty()) continue;
      if (block.runs.front().source_start >= link.source_end) break;
      uint32_t start = TextStartAtSource(block, link.source_start);
      uint32_t end = TextEndAtSource(block, link.source_end);
      while (start < end && block.text[start] == ' ') ++start;
      while (end > start && block.text[end - 1] == ' ') --end;
      if (end <= start) continue;
      if (!block.links.empty() && block.links.back().text_end > start) break;  // overlaps: keep the first
      block.links.push_back(Link{start, end, std::move(link.target)});
      break;
    }
  }
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
