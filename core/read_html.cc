// HTML reader.
//
// Not an HTML5 parser, but a tolerant tokenizer with a small open-element
// stack that copes with the markup real policy pages carry:
//   * the tokenizer knows comments, CDATA sections, doctypes and processing
//     instructions (all skipped), quoted attribute values (which may hold
//     '>'), raw-text elements (script, style, textarea, title: their content
//     is never parsed as markup), and a '<' that starts no tag (text);
//   * the stack closes what HTML closes implicitly: an open <p> at the next
//     block-level start tag, an <li> at the next <li> of the same list,
//     <dt>/<dd>, table cells and rows, and everything inside an element when
//     its end tag comes; a stray end tag is ignored;
//   * text goes to the innermost block element (h1-h6, li, td/th, p, dt/dd,
//     blockquote, or the div/section/article/main/body holding bare text).
//     Any block-level tag, start or end, ends the current text run, so a
//     block nested in another ends the outer run and the outer text after it
//     becomes a new block: no text is ever in two blocks;
//   * chrome (nav, header, footer, aside, form, button, select, script,
//     style, noscript, template, svg, iframe, and anything marked hidden or
//     aria-hidden) is skipped. A header or footer inside an article or main
//     element is the document's own (its title, its date), so it is kept.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/reader_util.h"
#include "core/readers.h"

namespace fineprint {
namespace reader_internal {
namespace {

struct NamedEntity {
  const char* name;
  uint32_t code_point;
};

// The named references policies use in practice (punctuation, spaces,
// symbols, Latin letters). An unknown name is left as text.
constexpr NamedEntity kNamedEntities[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
    {"nbsp", 0xA0}, {"ensp", 0x2002}, {"emsp", 0x2003}, {"thinsp", 0x2009},
    {"hairsp", 0x200A}, {"zwsp", 0x200B}, {"zwnj", 0x200C}, {"zwj", 0x200D},
    {"lrm", 0x200E}, {"rlm", 0x200F}, {"shy", 0xAD},
    {"ndash", 0x2013}, {"mdash", 0x2014}, {"horbar", 0x2015}, {"dash", 0x2010},
    {"hyphen", 0x2010}, {"minus", 0x2212},
    {"lsquo", 0x2018}, {"rsquo", 0x2019}, {"sbquo", 0x201A}, {"ldquo", 0x201C},
    {"rdquo", 0x201D}, {"bdquo", 0x201E}, {"laquo", 0xAB}, {"raquo", 0xBB},
    {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"prime", 0x2032}, {"Prime", 0x2033},
    {"hellip", 0x2026}, {"mldr", 0x2026}, {"bull", 0x2022}, {"bullet", 0x2022},
    {"middot", 0xB7}, {"centerdot", 0xB7}, {"dagger", 0x2020}, {"Dagger", 0x2021},
    {"permil", 0x2030}, {"sect", 0xA7}, {"para", 0xB6}, {"copy", 0xA9},
    {"COPY", 0xA9}, {"reg", 0xAE}, {"REG", 0xAE}, {"trade", 0x2122},
    {"TRADE", 0x2122}, {"deg", 0xB0}, {"plusmn", 0xB1}, {"times", 0xD7},
    {"divide", 0xF7}, {"frac12", 0xBD}, {"frac14", 0xBC}, {"frac34", 0xBE},
    {"sup1", 0xB9}, {"sup2", 0xB2}, {"sup3", 0xB3}, {"micro", 0xB5},
    {"ordf", 0xAA}, {"ordm", 0xBA}, {"not", 0xAC}, {"acute", 0xB4},
    {"cedil", 0xB8}, {"uml", 0xA8}, {"macr", 0xAF}, {"brvbar", 0xA6},
    {"iexcl", 0xA1}, {"iquest", 0xBF}, {"cent", 0xA2}, {"pound", 0xA3},
    {"curren", 0xA4}, {"yen", 0xA5}, {"euro", 0x20AC}, {"larr", 0x2190},
    {"rarr", 0x2192}, {"uarr", 0x2191}, {"darr", 0x2193}, {"harr", 0x2194},
    {"check", 0x2713}, {"star", 0x2606}, {"starf", 0x2605},
    {"Agrave", 0xC0}, {"Aacute", 0xC1}, {"Acirc", 0xC2}, {"Atilde", 0xC3},
    {"Auml", 0xC4}, {"Aring", 0xC5}, {"AElig", 0xC6}, {"Ccedil", 0xC7},
    {"Egrave", 0xC8}, {"Eacute", 0xC9}, {"Ecirc", 0xCA}, {"Euml", 0xCB},
    {"Igrave", 0xCC}, {"Iacute", 0xCD}, {"Icirc", 0xCE}, {"Iuml", 0xCF},
    {"ETH", 0xD0}, {"Ntilde", 0xD1}, {"Ograve", 0xD2}, {"Oacute", 0xD3},
    {"Ocirc", 0xD4}, {"Otilde", 0xD5}, {"Ouml", 0xD6}, {"Oslash", 0xD8},
    {"Ugrave", 0xD9}, {"Uacute", 0xDA}, {"Ucirc", 0xDB}, {"Uuml", 0xDC},
    {"Yacute", 0xDD}, {"THORN", 0xDE}, {"szlig", 0xDF}, {"agrave", 0xE0},
    {"aacute", 0xE1}, {"acirc", 0xE2}, {"atilde", 0xE3}, {"auml", 0xE4},
    {"aring", 0xE5}, {"aelig", 0xE6}, {"ccedil", 0xE7}, {"egrave", 0xE8},
    {"eacute", 0xE9}, {"ecirc", 0xEA}, {"euml", 0xEB}, {"igrave", 0xEC},
    {"iacute", 0xED}, {"icirc", 0xEE}, {"iuml", 0xEF}, {"eth", 0xF0},
    {"ntilde", 0xF1}, {"ograve", 0xF2}, {"oacute", 0xF3}, {"ocirc", 0xF4},
    {"otilde", 0xF5}, {"ouml", 0xF6}, {"oslash", 0xF8}, {"ugrave", 0xF9},
    {"uacute", 0xFA}, {"ucirc", 0xFB}, {"uuml", 0xFC}, {"yacute", 0xFD},
    {"thorn", 0xFE}, {"yuml", 0xFF}, {"OElig", 0x152}, {"oelig", 0x153},
    {"Scaron", 0x160}, {"scaron", 0x161}, {"Yuml", 0x178}, {"fnof", 0x192},
    {"circ", 0x2C6}, {"tilde", 0x2DC},
    {"Alpha", 0x391}, {"Beta", 0x392}, {"Gamma", 0x393}, {"Delta", 0x394},
    {"Omega", 0x3A9}, {"alpha", 0x3B1}, {"beta", 0x3B2}, {"gamma", 0x3B3},
    {"delta", 0x3B4}, {"mu", 0x3BC}, {"pi", 0x3C0}, {"sigma", 0x3C3},
    {"omega", 0x3C9}, {"le", 0x2264}, {"ge", 0x2265}, {"ne", 0x2260},
    {"asymp", 0x2248}, {"infin", 0x221E},
};

// Legacy references HTML decodes even without the ';' ("&copy 2024").
constexpr const char* kLegacyEntities[] = {"amp", "lt", "gt", "quot", "nbsp",
                                           "copy", "reg"};

// Windows-1252 meanings of the C1 range, which HTML gives numeric
// references like "&#146;" (a right single quote in old pages).
constexpr uint16_t kWindows1252[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The text a code point from a numeric reference stands for.
void AppendReferencedCodePoint(uint32_t cp, std::string* out) {
  if (cp >= 0x80 && cp <= 0x9F) cp = kWindows1252[cp - 0x80];
  const bool white = cp == '\t' || cp == '\n' || cp == '\f' || cp == '\r' || cp == ' ';
  if (cp == 0 || (cp < 0x20 && !white) || cp == 0x7F ||
      (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
    cp = 0xFFFD;  // NUL, controls and non-characters never reach the text
  }
  if (cp == 0xAD) return;  // a soft hyphen is invisible: no text
  AppendUtf8(cp, out);
}

}  // namespace

size_t DecodeCharacterReference(std::string_view text, size_t pos,
                                std::string* decoded) {
  decoded->clear();
  if (pos + 2 >= text.size() || text[pos] != '&') return 0;
  size_t i = pos + 1;
  if (text[i] == '#') {
    ++i;
    const bool hex = i < text.size() && (text[i] == 'x' || text[i] == 'X');
    if (hex) ++i;
    const size_t digits_start = i;
    uint32_t value = 0;
    while (i < text.size()) {
      const int digit = hex ? HexValue(text[i])
                            : (text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1);
      if (digit < 0) break;
      if (value <= 0x10FFFF) value = value * (hex ? 16 : 10) + static_cast<uint32_t>(digit);
      ++i;
    }
    if (i == digits_start) return 0;
    if (i < text.size() && text[i] == ';') ++i;  // HTML tolerates a missing ';'
    AppendReferencedCodePoint(value, decoded);
    return i - pos;
  }
  const size_t name_start = i;
  while (i < text.size() && i - name_start < 32 && IsAsciiAlnum(text[i])) ++i;
  const std::string_view name = text.substr(name_start, i - name_start);
  if (name.empty()) return 0;
  const bool terminated = i < text.size() && text[i] == ';';
  if (!terminated) {
    // Only the legacy names, and only where they cannot be the start of a
    // longer word ("&copy2024" is still decoded, "&amplifier" is not).
    bool legacy = false;
    for (const char* candidate : kLegacyEntities) {
      const size_t length = std::strlen(candidate);
      if (name.substr(0, length) == candidate &&
          (name.size() == length || !(name[length] >= 'a' && name[length] <= 'z'))) {
        legacy = true;
        i = name_start + length;
        break;
      }
    }
    if (!legacy) return 0;
  }
  const std::string_view lookup = text.substr(name_start, i - name_start);
  for (const NamedEntity& entity : kNamedEntities) {
    if (lookup == entity.name) {
      if (entity.code_point != 0xAD) AppendUtf8(entity.code_point, decoded);
      return (terminated ? i + 1 : i) - pos;
    }
  }
  return 0;
}

}  // namespace reader_internal

namespace {

using reader_internal::BlockBuilder;
using reader_internal::EqualsIgnoringCase;
using reader_internal::DecodeCharacterReference;

enum class Role {
  kInline,      // a, span, b, ...: no effect on blocks
  kBlock,       // block-level: ends the text run, holds no text of its own
  kContainer,   // div, section, ...: bare text inside becomes a paragraph
  kParagraph,   // p, dt, dd, blockquote, caption, ...
  kHeading,     // h1-h6
  kListItem,    // li
  kList,        // ul, ol, menu, dir
  kTableCell,   // td, th
  kTableRow,    // tr
  kTableGroup,  // table, thead, tbody, tfoot
  kSkip,        // block-level chrome (nav, header, ...): nothing inside is text
  kSkipInline,  // inline chrome (script, svg, button, ...): nothing inside is
                // text, but the text around it stays one run
};

struct ElementInfo {
  const char* name;
  Role role;
};

constexpr ElementInfo kElements[] = {
    {"h1", Role::kHeading}, {"h2", Role::kHeading}, {"h3", Role::kHeading},
    {"h4", Role::kHeading}, {"h5", Role::kHeading}, {"h6", Role::kHeading},
    {"p", Role::kParagraph}, {"dt", Role::kParagraph}, {"dd", Role::kParagraph},
    {"blockquote", Role::kParagraph}, {"caption", Role::kParagraph},
    {"figcaption", Role::kParagraph}, {"pre", Role::kParagraph},
    {"address", Role::kParagraph}, {"summary", Role::kParagraph},
    {"legend", Role::kParagraph},
    {"li", Role::kListItem}, {"ul", Role::kList}, {"ol", Role::kList},
    {"menu", Role::kList}, {"dir", Role::kList},
    {"td", Role::kTableCell}, {"th", Role::kTableCell}, {"tr", Role::kTableRow},
    {"table", Role::kTableGroup}, {"thead", Role::kTableGroup},
    {"tbody", Role::kTableGroup}, {"tfoot", Role::kTableGroup},
    {"div", Role::kContainer}, {"section", Role::kContainer},
    {"article", Role::kContainer}, {"main", Role::kContainer},
    {"body", Role::kContainer}, {"html", Role::kContainer},
    {"center", Role::kContainer}, {"details", Role::kContainer},
    {"figure", Role::kContainer}, {"fieldset", Role::kContainer},
    {"hgroup", Role::kContainer}, {"dialog", Role::kContainer},
    {"dl", Role::kBlock}, {"hr", Role::kBlock}, {"colgroup", Role::kBlock},
    {"col", Role::kBlock},
    {"head", Role::kBlock},
    {"nav", Role::kSkip}, {"header", Role::kSkip}, {"footer", Role::kSkip},
    {"aside", Role::kSkip}, {"form", Role::kSkip},
    {"button", Role::kSkipInline}, {"select", Role::kSkipInline},
    {"script", Role::kSkipInline}, {"style", Role::kSkipInline},
    {"noscript", Role::kSkipInline}, {"template", Role::kSkipInline},
    {"svg", Role::kSkipInline}, {"math", Role::kSkipInline},
    {"iframe", Role::kSkipInline}, {"object", Role::kSkipInline},
    {"canvas", Role::kSkipInline}, {"textarea", Role::kSkipInline},
    {"datalist", Role::kSkipInline}, {"video", Role::kSkipInline},
    {"audio", Role::kSkipInline}, {"map", Role::kSkipInline},
};

Role RoleOf(std::string_view name) {
  for (const ElementInfo& info : kElements) {
    if (name == info.name) return info.role;
  }
  return Role::kInline;
}

bool IsVoid(std::string_view name) {
  static constexpr const char* kVoid[] = {"area", "base", "br", "col", "embed",
                                          "hr", "img", "input", "link", "meta",
                                          "param", "source", "track", "wbr",
                                          "keygen"};
  for (const char* candidate : kVoid) {
    if (name == candidate) return true;
  }
  return false;
}

// Elements whose content is raw text: markup inside is not parsed.
bool IsRawText(std::string_view name) {
  return name == "script" || name == "style" || name == "textarea" ||
         name == "title" || name == "xmp" || name == "noembed" ||
         name == "noframes" || name == "iframe";
}

bool IsTagNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == ':' || c == '_' || c == '.';
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

char ToLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Case-insensitive search for `</name` followed by a delimiter, from pos.
size_t FindRawTextEnd(std::string_view input, size_t pos, std::string_view name) {
  while (true) {
    pos = input.find("</", pos);
    if (pos == std::string_view::npos) return input.size();
    size_t i = pos + 2;
    size_t k = 0;
    while (k < name.size() && i < input.size() && ToLower(input[i]) == name[k]) ++i, ++k;
    if (k == name.size() &&
        (i == input.size() || IsAsciiSpace(input[i]) || input[i] == '>' || input[i] == '/')) {
      return pos;
    }
    pos += 2;
  }
}

struct Tag {
  std::string name;  // lower case
  bool end = false;
  bool self_closing = false;
  bool hidden = false;  // has a hidden attribute or aria-hidden="true"
  std::string_view href;  // an <a>'s first href as written (entities not decoded)
  int colspan = 1;  // a td's or th's columns (1-1000, as browsers clamp it)
  int rowspan = 1;  // a td's or th's rows (1-65534; 0, "to the end", reads as 1)
  size_t length = 0;    // bytes, '<' to '>' inclusive
};

enum class TagParse { kNotATag, kTag, kEndOfInput };

// A colspan or rowspan value as browsers read it: leading digits (after
// white space and an optional '+'), at least 1, at most `max`.
int ParseSpan(std::string_view value, int max) {
  int span = 0;
  size_t k = 0;
  while (k < value.size() && IsAsciiSpace(value[k])) ++k;
  if (k < value.size() && value[k] == '+') ++k;
  for (; k < value.size() && value[k] >= '0' && value[k] <= '9' && span <= max; ++k) {
    span = span * 10 + (value[k] - '0');
  }
  return span < 1 ? 1 : (span > max ? max : span);
}

// Parses a start or end tag at input[pos] == '<'. kNotATag: the '<' is text.
// kEndOfInput: the input ends inside the tag, which HTML then drops.
TagParse ParseTag(std::string_view input, size_t pos, Tag* tag) {
  size_t i = pos + 1;
  tag->end = i < input.size() && input[i] == '/';
  if (tag->end) ++i;
  if (i >= input.size() ||
      !((input[i] >= 'a' && input[i] <= 'z') || (input[i] >= 'A' && input[i] <= 'Z'))) {
    return TagParse::kNotATag;
  }
  tag->name.clear();
  while (i < input.size() && IsTagNameChar(input[i])) tag->name.push_back(ToLower(input[i++]));
  tag->self_closing = false;
  tag->hidden = false;
  tag->href = {};
  bool href_seen = false;
  tag->colspan = 1;
  tag->rowspan = 1;
  // Attributes: name[=value]; a value quoted with " or ' may hold '>'.
  while (i < input.size() && input[i] != '>') {
    if (IsAsciiSpace(input[i])) {
      ++i;
      continue;
    }
    if (input[i] == '/') {
      ++i;
      tag->self_closing = i < input.size() && input[i] == '>';
      continue;
    }
    const size_t name_start = i;
    while (i < input.size() && !IsAsciiSpace(input[i]) && input[i] != '=' &&
           input[i] != '>' && input[i] != '/') {
      ++i;
    }
    if (i == name_start) ++i;  // a stray '=': skip it
    const std::string_view attribute = input.substr(name_start, i - name_start);
    size_t j = i;
    while (j < input.size() && IsAsciiSpace(input[j])) ++j;
    std::string_view value;
    if (j < input.size() && input[j] == '=') {
      ++j;
      while (j < input.size() && IsAsciiSpace(input[j])) ++j;
      if (j < input.size() && (input[j] == '"' || input[j] == '\'')) {
        const size_t close = input.find(input[j], j + 1);
        if (close == std::string_view::npos) return TagParse::kEndOfInput;
        value = input.substr(j + 1, close - j - 1);
        j = close + 1;
      } else {
        const size_t value_start = j;
        while (j < input.size() && !IsAsciiSpace(input[j]) && input[j] != '>') ++j;
        value = input.substr(value_start, j - value_start);
      }
      i = j;
    }
    const bool cell = tag->name == "td" || tag->name == "th";
    if (tag->name == "a" && EqualsIgnoringCase(attribute, "href") && !href_seen) {
      href_seen = true;  // browsers use an attribute's first value
      tag->href = value;
    } else if (EqualsIgnoringCase(attribute, "hidden")) {
      tag->hidden = true;
    } else if (cell && EqualsIgnoringCase(attribute, "colspan")) {
      tag->colspan = ParseSpan(value, reader_internal::kMaxTableColumns);
    } else if (cell && EqualsIgnoringCase(attribute, "rowspan")) {
      tag->rowspan = ParseSpan(value, 65534);
    } else if (EqualsIgnoringCase(attribute, "aria-hidden") && EqualsIgnoringCase(value, "true")) {
      tag->hidden = true;
    }
  }
  if (i >= input.size()) return TagParse::kEndOfInput;
  tag->length = i + 1 - pos;
  return TagParse::kTag;
}

// An attribute's value with its character references decoded
// ("?a=1&amp;b=2" -> "?a=1&b=2").
std::string DecodedAttribute(std::string_view value) {
  std::string decoded, reference;
  for (size_t i = 0; i < value.size(); ++i) {
    const size_t length = value[i] == '&' ? DecodeCharacterReference(value, i, &reference) : 0;
    if (length == 0) {
      decoded.push_back(value[i]);
    } else {
      decoded += reference;
      i += length - 1;
    }
  }
  return decoded;
}

struct OpenElement {
  std::string name;
  Role role;
  bool hidden;  // marked hidden: skipped whatever its role
  bool in_page_link;  // <a href="#...">
  // An <a> linking elsewhere: its href, decoded, and where its content
  // starts in the input.
  std::string href;
  uint32_t content_start = 0;
  // Tables: a table's number (Block::table), also on its rows and cells
  // (the table's grid is in HtmlReader::grids_).
  uint32_t table = 0;
  bool first_row = false;  // a row: its table's first
  bool in_thead = false;   // a row: inside <thead>
  int column = 0;  // a cell: its column (1-based; 0 outside a row): Block::level
  bool header = false;  // a cell: one of its table's column headers
};

bool IsBlockLevel(Role role) {
  return role != Role::kInline && role != Role::kSkipInline;
}

class HtmlReader {
 public:
  HtmlReader(std::string_view input, Document* document)
      : input_(input), document_(document), builder_(&document->blocks) {}

  void Run();

 private:
  void Text(size_t begin, size_t end);
  void Title(size_t begin, size_t end);
  void StartTag(const Tag& tag, size_t pos);
  void EndTag(const Tag& tag, size_t pos);
  void CloseElementsFrom(size_t index);
  void ClosePInScope();
  void CloseNearest(Role role, std::initializer_list<Role> boundary);
  void RecountSkip();

  std::string_view input_;
  Document* document_;
  BlockBuilder builder_;
  std::vector<OpenElement> stack_;
  int skip_depth_ = 0;  // open elements that hide their content
  int link_depth_ = 0;  // open in-page links (<a href="#...">)
  // Links closed so far (for AttachLinks), and the input offset of the tag
  // being read, where any element it closes ends.
  std::vector<SourceLink> links_;
  size_t tag_start_ = 0;
  uint32_t tables_ = 0;  // <table>s so far: each is numbered (Block::table)
  // Per table (number - 1): where its cells go.
  struct TableGrid {
    int rows = 0;  // rows opened so far; the current row is number `rows`
    // column - 1 -> the last row a cell of a row above spans into (rowspan)
    std::vector<int> covered_to;
    int next_column = 1;  // where the current row's next cell starts
  };
  std::vector<TableGrid> grids_;
  std::string decoded_;
  bool have_title_ = false;
};

// Text between tags goes to the open block, or opens one of the kind the
// innermost heading, list item or table cell around it calls for (else a
// paragraph).
void HtmlReader::Text(size_t begin, size_t end) {
  if (skip_depth_ > 0 || begin >= end) return;
  bool visible = false;  // don't open a block for white space alone
  for (size_t i = begin; i < end;) {
    const size_t ws = reader_internal::WhiteSpaceLength(input_, i);
    if (ws == 0) {
      visible = true;
      break;
    }
    i += ws;
  }
  if (!builder_.is_open()) {
    if (!visible) return;
    BlockKind kind = BlockKind::kParagraph;
    int level = 0;
    uint32_t table = 0;
    bool header = false;
    for (size_t k = stack_.size(); k-- > 0;) {
      const OpenElement& element = stack_[k];
      if (element.role == Role::kHeading) {
        kind = BlockKind::kHeading;
        level = element.name[1] - '0';
        break;
      }
      if (element.role == Role::kListItem) {
        // Depth: the lists or the items around this one, whichever nest
        // deeper (a list directly in a list, an <li> with no list).
        kind = BlockKind::kListItem;
        int lists = 0, items = 0;
        for (size_t j = 0; j <= k; ++j) {
          if (stack_[j].role == Role::kList) ++lists;
          if (stack_[j].role == Role::kListItem) ++items;
        }
        level = std::max(lists, items);
        break;
      }
      if (element.role == Role::kTableCell) {
        kind = BlockKind::kTableCell;
        level = element.column;
        table = element.table;
        header = element.header;
        break;
      }
      // A <p> or <div> inside a list item or table cell (a "loose" list)
      // is still that item's text: keep looking outwards.
    }
    builder_.Start(kind, level);
    builder_.set_table(table, header);
    // A block whose visible text is all in-page links is navigation (a
    // table of contents); any visible text outside a link clears it.
    builder_.set_navigation(link_depth_ > 0 && kind != BlockKind::kHeading);
  } else if (visible && link_depth_ == 0) {
    builder_.set_navigation(false);
  }
  size_t i = begin;
  const std::string_view text = input_.substr(0, end);
  while (i < end) {
    const size_t amp = text.find('&', i);
    const size_t stop = amp == std::string_view::npos ? end : amp;
    if (stop > i) builder_.AddText(text.substr(i, stop - i), static_cast<uint32_t>(i));
    if (stop == end) break;
    const size_t length = DecodeCharacterReference(text, stop, &decoded_);
    if (length == 0) {
      builder_.AddText(text.substr(stop, 1), static_cast<uint32_t>(stop));
      i = stop + 1;
    } else {
      builder_.AddAtomic(decoded_, static_cast<uint32_t>(stop), static_cast<uint32_t>(length));
      i = stop + length;
    }
  }
}

// The first <title>'s text, decoded and folded, is the document's title.
void HtmlReader::Title(size_t begin, size_t end) {
  if (have_title_) return;
  for (const OpenElement& element : stack_) {
    if (element.name == "svg" || element.name == "math") return;  // an icon's title
  }
  std::vector<Block> scratch;
  BlockBuilder title(&scratch);
  title.Start(BlockKind::kHeading, 1);
  const std::string_view text = input_.substr(0, end);
  for (size_t i = begin; i < end;) {
    const size_t length = text[i] == '&' ? DecodeCharacterReference(text, i, &decoded_) : 0;
    if (length > 0) {
      title.AddAtomic(decoded_, static_cast<uint32_t>(i), static_cast<uint32_t>(length));
      i += length;
    } else {
      const size_t amp = text.find('&', i + 1);
      const size_t stop = amp == std::string_view::npos ? end : amp;
      title.AddText(text.substr(i, stop - i), static_cast<uint32_t>(i));
      i = stop;
    }
  }
  title.Finish();
  if (!scratch.empty()) {
    document_->title = scratch.front().text;
    have_title_ = true;
  }
}

void HtmlReader::RecountSkip() {
  skip_depth_ = 0;
  link_depth_ = 0;
  bool in_document_section = false;  // inside article or main
  for (const OpenElement& element : stack_) {
    if (element.in_page_link) ++link_depth_;
    if (element.name == "article" || element.name == "main") in_document_section = true;
    if (element.hidden || element.role == Role::kSkipInline) {
      ++skip_depth_;
    } else if (element.role == Role::kSkip &&
               !((element.name == "header" || element.name == "footer") &&
                 in_document_section)) {
      ++skip_depth_;
    }
  }
}

void HtmlReader::CloseElementsFrom(size_t index) {
  for (size_t k = index; k < stack_.size(); ++k) {
    if (stack_[k].href.empty()) continue;
    links_.push_back(SourceLink{stack_[k].content_start, static_cast<uint32_t>(tag_start_),
                                std::move(stack_[k].href)});
  }
  stack_.resize(index);
  RecountSkip();
}

// Closes an open <p> (with what is open inside it) unless a list item, table
// cell or container that holds it is nearer.
void HtmlReader::ClosePInScope() {
  for (size_t k = stack_.size(); k-- > 0;) {
    if (stack_[k].name == "p") {
      CloseElementsFrom(k);
      return;
    }
    const Role role = stack_[k].role;
    if (role == Role::kTableCell || role == Role::kTableGroup || role == Role::kListItem ||
        role == Role::kContainer || role == Role::kSkip || role == Role::kSkipInline) {
      return;
    }
  }
}

// Closes the nearest open element of `role`, with everything inside it,
// unless an element whose role is in `boundary` is nearer.
void HtmlReader::CloseNearest(Role role, std::initializer_list<Role> boundary) {
  for (size_t k = stack_.size(); k-- > 0;) {
    if (stack_[k].role == role) {
      CloseElementsFrom(k);
      return;
    }
    for (const Role stop : boundary) {
      if (stack_[k].role == stop) return;
    }
  }
}

constexpr size_t kMaxOpenElements = 512;
// Rowspans are followed in this many first columns only (real tables have
// far fewer), which keeps each row's and cell's bookkeeping small on hostile
// markup.
constexpr int kMaxRowspanColumns = 64;

void HtmlReader::StartTag(const Tag& tag, size_t pos) {
  const std::string& name = tag.name;
  if (name == "br") {
    // A line break separates words; it does not end the block.
    if (skip_depth_ == 0 && builder_.is_open()) {
      builder_.AddSpace(static_cast<uint32_t>(pos), static_cast<uint32_t>(tag.length));
    }
    return;
  }
  const Role role = RoleOf(name);
  if (IsBlockLevel(role)) {
    builder_.Finish();  // any block-level tag ends the current text run
    ClosePInScope();
    switch (role) {
      case Role::kListItem:
        CloseNearest(Role::kListItem, {Role::kList, Role::kTableCell, Role::kSkip});
        break;
      case Role::kTableCell:
        CloseNearest(Role::kTableCell, {Role::kTableRow, Role::kTableGroup, Role::kSkip});
        // A cell straight inside a table or a table section has a row
        // opened for it, as browsers' parsers do ("<table><td>"), so it
        // gets the column the page's DOM gives it.
        for (size_t k = stack_.size(); k-- > 0;) {
          const Role open = stack_[k].role;
          if (open == Role::kTableGroup) {
            Tag row;
            row.name = "tr";
            StartTag(row, pos);
          }
          if (open == Role::kTableRow || open == Role::kTableGroup || open == Role::kSkip) break;
        }
        break;
      case Role::kTableRow:
        CloseNearest(Role::kTableRow, {Role::kTableGroup, Role::kSkip});
        break;
      case Role::kTableGroup:
        // A thead, tbody or tfoot ends whatever of its table is still open
        // (a cell, a row, the section before), as browsers read it.
        if (name != "table") {
          for (size_t k = stack_.size(); k-- > 0;) {
            if (stack_[k].name == "table") {
              if (k + 1 < stack_.size()) CloseElementsFrom(k + 1);
              break;
            }
            if (stack_[k].role == Role::kSkip) break;
          }
        }
        break;
      case Role::kHeading:
        // A heading start tag closes a heading left open.
        if (!stack_.empty() && stack_.back().role == Role::kHeading) {
          CloseElementsFrom(stack_.size() - 1);
        }
        break;
      default:
        if (name == "dt" || name == "dd") {
          for (size_t k = stack_.size(); k-- > 0;) {
            if (stack_[k].name == "dt" || stack_[k].name == "dd") {
              CloseElementsFrom(k);
              break;
            }
            if (stack_[k].name == "dl" || stack_[k].role == Role::kSkip) break;
          }
        }
        break;
    }
  }
  // "<div/>" is read as closed, which is what authors mean by it.
  if (IsVoid(name) || tag.self_closing) return;
  // Browsers' HTML parsers stop nesting at 512 levels too. Past that, a start
  // tag is read as transparent, which keeps every stack scan (and so the whole
  // read) linear in the input on hostile, deeply nested markup.
  if (stack_.size() >= kMaxOpenElements) return;
  // An in-page link (<a href="#...">) makes a block of nothing else
  // navigation (Text); AttachLinks drops it as a place.
  const bool in_page_link = name == "a" && tag.href.size() > 1 && tag.href[0] == '#';
  OpenElement element{name, role, tag.hidden, in_page_link, {}, 0};
  if (name == "a") {
    // Links do not nest: a new one closes one still open in the same run of
    // text, as browsers' parsers do ("<a href=1>one <a href=2>two").
    for (size_t k = stack_.size(); k-- > 0 && !IsBlockLevel(stack_[k].role);) {
      if (stack_[k].name == "a") {
        CloseElementsFrom(k);
        break;
      }
    }
    element.href = DecodedAttribute(tag.href);
    element.content_start = static_cast<uint32_t>(pos + tag.length);
  }
  if (name == "table") {
    element.table = ++tables_;
    grids_.emplace_back();
  } else if (role == Role::kTableRow) {
    // Its table, through any thead, tbody or tfoot: the nearest of those
    // says whether it is a header row (a <tbody> after an unclosed <thead>
    // ends it, as in browsers).
    bool in_section = false;
    for (size_t k = stack_.size(); k-- > 0;) {
      const std::string& open = stack_[k].name;
      if (!in_section && (open == "thead" || open == "tbody" || open == "tfoot")) {
        in_section = true;
        element.in_thead = open == "thead";
      }
      if (open == "table") {
        element.table = stack_[k].table;
        TableGrid& grid = grids_[element.table - 1];
        element.first_row = grid.rows++ == 0;
        grid.next_column = 1;
        break;
      }
      if (stack_[k].role == Role::kSkip || stack_[k].role == Role::kTableCell) break;
    }
  } else if (role == Role::kTableCell) {
    // Its column: past the columns the row's cells before it span and those
    // cells of rows above still cover.
    for (size_t k = stack_.size(); k-- > 0;) {
      if (stack_[k].role == Role::kTableRow) {
        const OpenElement& row = stack_[k];
        if (row.table == 0) break;
        TableGrid& grid = grids_[row.table - 1];
        int column = grid.next_column;
        while (column <= static_cast<int>(grid.covered_to.size()) && grid.covered_to[column - 1] >= grid.rows) {
          ++column;
        }
        // Columns past kMaxTableColumns are past any real table.
        column = std::min(column, reader_internal::kMaxTableColumns + 1);
        element.table = row.table;
        element.column = column;
        const int last = std::min(column + tag.colspan - 1, kMaxRowspanColumns);
        if (tag.rowspan > 1 && last >= column) {
          if (static_cast<int>(grid.covered_to.size()) < last) grid.covered_to.resize(last, 0);
          const int to = grid.rows + tag.rowspan - 1;
          for (int c = column; c <= last; ++c) grid.covered_to[c - 1] = std::max(grid.covered_to[c - 1], to);
        }
        grid.next_column = std::min(column + tag.colspan, reader_internal::kMaxTableColumns + 1);
        // A title spanning several columns heads none of them.
        element.header = tag.colspan == 1 && (row.in_thead || (name == "th" && row.first_row));
        break;
      }
      if (stack_[k].role == Role::kTableGroup || stack_[k].role == Role::kSkip) break;
    }
  }
  stack_.push_back(std::move(element));
  if (tag.hidden || in_page_link || role == Role::kSkip || role == Role::kSkipInline) {
    RecountSkip();
  }
}

void HtmlReader::EndTag(const Tag& tag, size_t pos) {
  if (tag.name == "br") {  // "</br>" is read as <br>, as browsers do
    StartTag(tag, pos);
    return;
  }
  for (size_t k = stack_.size(); k-- > 0;) {
    if (stack_[k].name != tag.name) continue;
    for (size_t j = k; j < stack_.size(); ++j) {
      if (IsBlockLevel(stack_[j].role)) {
        builder_.Finish();
        break;
      }
    }
    CloseElementsFrom(k);
    return;
  }
  // A stray end tag is ignored, except that a block-level one still ends
  // the text run ("</p>" with no <p> separates what is around it).
  if (IsBlockLevel(RoleOf(tag.name))) builder_.Finish();
}

void HtmlReader::Run() {
  size_t pos = reader_internal::ByteOrderMarkLength(input_);
  size_t text_start = pos;
  Tag tag;
  const size_t size = input_.size();
  while (pos < size) {
    const size_t lt = input_.find('<', pos);
    if (lt == std::string_view::npos) break;
    pos = lt;
    size_t skip_to = 0;  // end of a comment, CDATA section, doctype, ...
    if (input_.compare(pos, 4, "<!--") == 0) {
      const size_t close = input_.find("-->", pos + 4);
      skip_to = close == std::string_view::npos ? size : close + 3;
    } else if (input_.compare(pos, 9, "<![CDATA[") == 0) {
      const size_t close = input_.find("]]>", pos + 9);
      skip_to = close == std::string_view::npos ? size : close + 3;
    } else if (pos + 1 < size && (input_[pos + 1] == '!' || input_[pos + 1] == '?')) {
      const size_t close = input_.find('>', pos + 2);
      skip_to = close == std::string_view::npos ? size : close + 1;
    }
    if (skip_to > 0) {
      Text(text_start, pos);
      pos = text_start = skip_to;
      continue;
    }
    const TagParse parsed = ParseTag(input_, pos, &tag);
    if (parsed == TagParse::kNotATag) {
      ++pos;  // the '<' is text
      continue;
    }
    Text(text_start, pos);
    if (parsed == TagParse::kEndOfInput) {
      text_start = size;
      break;
    }
    const size_t tag_start = pos;
    tag_start_ = tag_start;
    pos = text_start = pos + tag.length;
    if (tag.end) {
      EndTag(tag, tag_start);
      continue;
    }
    StartTag(tag, tag_start);
    if (IsRawText(tag.name) && !tag.self_closing) {
      // The content is not markup: jump to the end tag, which then closes
      // the element as usual.
      const size_t close = FindRawTextEnd(input_, pos, tag.name);
      if (tag.name == "title") Title(pos, close);
      pos = text_start = close;
    }
  }
  Text(text_start, size);
  builder_.Finish();
  tag_start_ = size;
  CloseElementsFrom(0);  // links left open end with the input
  AttachLinks(std::move(links_), document_);

  if (!have_title_) {
    for (const Block& block : document_->blocks) {
      if (block.kind == BlockKind::kHeading) {
        document_->title = block.text;
        break;
      }
    }
  }
}

}  // namespace

Expected<Document> ReadHtml(std::string_view input) {
  const Expected<bool> valid = ValidateInput(input);
  if (!valid.ok()) return valid.error();
  Document document;
  document.format = DocumentFormat::kHtml;
  document.source_size = static_cast<uint32_t>(input.size());
  HtmlReader reader(input, &document);
  reader.Run();
  return document;
}

}  // namespace fineprint
