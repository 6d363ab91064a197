// Reader for blocks a browser extension extracted from a page's DOM.
//
// The JSON is parsed without exceptions (a WASM build may have none); only
// when that fails is it read again (FindJsonSyntaxError) to name the byte
// offset of the error.
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "core/json_error.h"
#include "core/out_of_line.h"
#include "core/reader_util.h"
#include "core/readers.h"
#include "core/utf8.h"

namespace fineprint {
namespace {

using Json = nlohmann::json;
using reader_internal::BlockBuilder;

Error BlockError(size_t index, const std::string& what) {
  return Error{"blocks JSON: block " + std::to_string(index) + " " + what};
}

bool KindFromName(const std::string& name, BlockKind* kind) {
  for (const BlockKind candidate : {BlockKind::kHeading, BlockKind::kParagraph,
                                    BlockKind::kListItem, BlockKind::kTableCell}) {
    if (name == BlockKindName(candidate)) {
      *kind = candidate;
      return true;
    }
  }
  return false;
}

// The "links" of block `index` ([{"start", "end", "href"}], offsets in
// UTF-16 code units of its text, as JavaScript counts them), appended to
// *links as spans of the joined source, where the block's text starts at
// `start`.
Expected<bool> ReadLinks(const Json& block, size_t index, uint32_t start, std::vector<SourceLink>* links) {
  const auto links_it = block.find("links");
  if (links_it == block.end() || links_it->is_null()) return true;
  if (!links_it->is_array()) return BlockError(index, "has \"links\" that is not a list");
  const std::string& text = block.find("text")->get_ref<const std::string&>();
  const Utf16OffsetMap offsets(text);
  const uint32_t text_units = offsets.ToUtf16(static_cast<uint32_t>(text.size()));
  for (const Json& link : *links_it) {
    const auto start_it = link.is_object() ? link.find("start") : link.end();
    const auto end_it = link.is_object() ? link.find("end") : link.end();
    const auto href_it = link.is_object() ? link.find("href") : link.end();
    if (!link.is_object() || start_it == link.end() || end_it == link.end() || href_it == link.end() ||
        !start_it->is_number_unsigned() || !end_it->is_number_unsigned() || !href_it->is_string() ||
        start_it->get<uint64_t>() > end_it->get<uint64_t>() || end_it->get<uint64_t>() > text_units) {
      return BlockError(index, "has a link that is not {\"start\", \"end\", \"href\"} with "
                               "0 <= start <= end <= the text's length in UTF-16 code units");
    }
    links->push_back(SourceLink{start + offsets.ToUtf8(static_cast<uint32_t>(start_it->get<uint64_t>())),
                                start + offsets.ToUtf8(static_cast<uint32_t>(end_it->get<uint64_t>())),
                                href_it->get<std::string>()});
  }
  return true;
}

// Block `index` of the blocks JSON, whose text (already checked) starts at
// `start` in the joined source, added through `builder`; the error names the
// block. Out of line: ReadBlocksJson runs once per page (core/out_of_line.h).
FINEPRINT_OUT_OF_LINE Expected<bool> AddBlock(const Json& block, size_t index, uint32_t start,
                                              BlockBuilder* builder) {
  BlockKind kind = BlockKind::kParagraph;
  const auto kind_it = block.find("kind");
  if (kind_it != block.end()) {
    if (!kind_it->is_string() ||
        !KindFromName(kind_it->get_ref<const std::string&>(), &kind)) {
      return BlockError(index, "has an unknown \"kind\" (expected heading, paragraph, "
                           "list_item or table_cell)");
    }
  }
  int level = kind == BlockKind::kHeading || kind == BlockKind::kListItem ? 1 : 0;
  const auto level_it = block.find("level");
  if (level_it != block.end() && !level_it->is_null()) {
    if (!level_it->is_number_integer()) return BlockError(index, "has a non-integer \"level\"");
    const int64_t value = level_it->get<int64_t>();
    // Headings are 1-6, list depths at least 1, table cells their column
    // (1-based, 0 unknown); paragraphs have none.
    if (kind == BlockKind::kHeading) {
      level = static_cast<int>(value < 1 ? 1 : (value > 6 ? 6 : value));
    } else if (kind == BlockKind::kListItem) {
      level = static_cast<int>(value < 1 ? 1 : (value > 100 ? 100 : value));
    } else if (kind == BlockKind::kTableCell) {
      // As the HTML reader: columns past the last are all the one after it.
      const int64_t past_last = reader_internal::kMaxTableColumns + 1;
      level = static_cast<int>(value < 0 ? 0 : (value > past_last ? past_last : value));
    }
  }
  // "navigation": true marks a table-of-contents entry (Block::navigation).
  bool navigation = false;
  const auto navigation_it = block.find("navigation");
  if (navigation_it != block.end() && !navigation_it->is_null()) {
    if (!navigation_it->is_boolean()) return BlockError(index, "has a non-boolean \"navigation\"");
    navigation = navigation_it->get<bool>();
  }
  // A table cell's "table" (its number, Block::table) and "table_header"
  // (one of the table's column headers); other kinds have neither.
  uint32_t table = 0;
  const auto table_it = block.find("table");
  if (table_it != block.end() && !table_it->is_null()) {
    if (!table_it->is_number_integer() || table_it->get<int64_t>() < 0 ||
        table_it->get<int64_t>() > 0xFFFFFFFFll) {
      return BlockError(index, "has a \"table\" that is not a whole number from 0");
    }
    if (kind == BlockKind::kTableCell) table = static_cast<uint32_t>(table_it->get<int64_t>());
  }
  bool header = false;
  const auto header_it = block.find("table_header");
  if (header_it != block.end() && !header_it->is_null()) {
    if (!header_it->is_boolean()) return BlockError(index, "has a non-boolean \"table_header\"");
    header = header_it->get<bool>() && table != 0;
  }
  const std::string& text = block.find("text")->get_ref<const std::string&>();
  builder->Start(kind, level);
  builder->set_navigation(navigation);
  builder->set_table(table, header);
  builder->AddText(text, start);
  builder->Finish();  // a block of white space only makes no block
  return true;
}

}  // namespace

Expected<Document> ReadBlocksJson(std::string_view json, std::string* source, std::string* url) {
  std::string local_source;
  if (source == nullptr) source = &local_source;
  source->clear();
  if (url != nullptr) url->clear();
  const Expected<bool> valid = ValidateInput(json);
  if (!valid.ok()) return Error{"blocks JSON: " + valid.error().message};

  const Json root = Json::parse(json.begin(), json.end(), nullptr,
                                /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    const std::optional<JsonSyntaxError> syntax_error = FindJsonSyntaxError(json);
    return Error{"blocks JSON: syntax error at byte offset " +
                 std::to_string(syntax_error ? syntax_error->offset : 0)};
  }
  if (!root.is_object()) return Error{"blocks JSON: the top level is not an object"};
  const auto blocks_it = root.find("blocks");
  if (blocks_it == root.end() || !blocks_it->is_array()) {
    return Error{"blocks JSON: \"blocks\" is missing or not an array"};
  }

  Document document;
  // The blocks come from a rendered web page.
  document.format = DocumentFormat::kHtml;

  // First the source: every block's text, joined with "\n".
  const Json& blocks = *blocks_it;
  std::vector<uint32_t> starts;
  starts.reserve(blocks.size());
  for (size_t i = 0; i < blocks.size(); ++i) {
    const Json& block = blocks[i];
    if (!block.is_object()) return BlockError(i, "is not an object");
    const auto text_it = block.find("text");
    if (text_it == block.end() || !text_it->is_string()) {
      return BlockError(i, "has no \"text\" string");
    }
    const std::string& text = text_it->get_ref<const std::string&>();
    if (text.find('\0') != std::string::npos) return BlockError(i, "text contains a NUL");
    if (i > 0) source->push_back('\n');
    if (source->size() + text.size() > kMaxInputBytes) {
      return Error{"blocks JSON: the blocks' text is over the limit of " +
                   std::to_string(kMaxInputBytes) + " bytes"};
    }
    starts.push_back(static_cast<uint32_t>(source->size()));
    source->append(text);
  }
  document.source_size = static_cast<uint32_t>(source->size());

  BlockBuilder builder(&document.blocks);
  std::vector<SourceLink> links;
  for (size_t i = 0; i < blocks.size(); ++i) {
    if (auto added = AddBlock(blocks[i], i, starts[i], &builder); !added.ok()) return added.error();
    if (auto read = ReadLinks(blocks[i], i, starts[i], &links); !read.ok()) return read.error();
  }
  AttachLinks(std::move(links), &document);

  const auto title_it = root.find("title");
  if (title_it != root.end() && !title_it->is_null()) {
    if (!title_it->is_string()) return Error{"blocks JSON: \"title\" is not a string"};
    // Folded like block text.
    std::vector<Block> scratch;
    BlockBuilder title(&scratch);
    title.Start(BlockKind::kHeading, 1);
    title.AddText(title_it->get_ref<const std::string&>(), 0);
    title.Finish();
    if (!scratch.empty()) document.title = scratch.front().text;
  }
  const auto url_it = root.find("url");
  if (url_it != root.end() && !url_it->is_null()) {
    if (!url_it->is_string()) return Error{"blocks JSON: \"url\" is not a string"};
    if (url != nullptr) *url = url_it->get<std::string>();
  }
  if (document.title.empty()) {
    for (const Block& block : document.blocks) {
      if (block.kind == BlockKind::kHeading) {
        document.title = block.text;
        break;
      }
    }
  }
  return document;
}

}  // namespace fineprint
