#include "core/snapshot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <nlohmann/json.hpp>

#include "core/json_error.h"
#include "core/normalize.h"
#include "core/segmenter.h"

namespace fineprint {
namespace {

using nlohmann::json;

constexpr std::string_view kSchemaPrefix = "fineprint.snapshot/";

// Per-clause hashes are the low 24 bits of the fingerprint in 4 base64url
// characters: enough to say which clause is damaged (one in 16 million
// slips through, and the 64-bit document hash still covers it), at 4 bytes
// a clause, which keeps snapshots well within 1.2x of the plain text.
constexpr size_t kHashDigits = 4;
// "place" holds a level or column in one base64url digit and a table's
// number in two: larger ones are left out (MakeSnapshot).
constexpr int kMaxPlaceLevel = 63;
constexpr uint32_t kMaxPlaceTable = 64 * 64 - 1;
constexpr uint64_t kHashMask = 0xFFFFFF;
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The low 6 * `digits` bits of `value` in base64url digits, most
// significant first.
std::string Base64Digits(uint64_t value, size_t digits) {
  std::string out(digits, 'A');
  for (size_t i = digits; i-- > 0;) {
    out[i] = kBase64[value & 63];
    value >>= 6;
  }
  return out;
}

// What Base64Digits wrote; false on any other character.
bool ParseBase64Digits(std::string_view text, uint64_t* value) {
  *value = 0;
  for (const char c : text) {
    const char* at = std::strchr(kBase64, c);
    if (c == '\0' || at == nullptr) return false;
    *value = (*value << 6) | static_cast<uint64_t>(at - kBase64);
  }
  return true;
}

char KindLetter(BlockKind kind) {
  switch (kind) {
    case BlockKind::kHeading: return 'h';
    case BlockKind::kParagraph: return 'p';
    case BlockKind::kListItem: return 'l';
    case BlockKind::kTableCell: return 't';
  }
  return 'p';
}

bool KindFromLetter(char letter, BlockKind* kind, bool* block_start) {
  *block_start = letter >= 'A' && letter <= 'Z';
  switch (letter | 0x20) {
    case 'h': *kind = BlockKind::kHeading; return true;
    case 'p': *kind = BlockKind::kParagraph; return true;
    case 'l': *kind = BlockKind::kListItem; return true;
    case 't': *kind = BlockKind::kTableCell; return true;
  }
  return false;
}

char BoundLetter(DurationBound bound) {
  switch (bound) {
    case DurationBound::kAtMost: return '<';
    case DurationBound::kAtLeast: return '>';
    case DurationBound::kExact: return '=';
  }
  return '=';
}

bool ParseHex(std::string_view text, uint64_t* value) {
  *value = 0;
  for (const char c : text) {
    int digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else return false;
    *value = (*value << 4) | static_cast<uint64_t>(digit);
  }
  return true;
}

// Days rounded to 1/10000: enough for months of 365/12 days, and short in
// JSON ("30.4167" rather than "30.416666666666668").
double RoundDays(double days) { return std::round(days * 10000.0) / 10000.0; }

Error Corrupt(const std::string& what) { return Error{"corrupt snapshot: " + what}; }

// Field readers: each returns false and sets *error on a missing field or
// a wrong type; `where` names the object for the message.
bool GetObject(const json& parent, const char* key, const json** out, Error* error) {
  auto it = parent.find(key);
  if (it == parent.end() || !it->is_object()) {
    *error = Corrupt(std::string("\"") + key + "\" must be an object");
    return false;
  }
  *out = &*it;
  return true;
}

bool GetArray(const json& parent, const char* key, const json** out, Error* error) {
  auto it = parent.find(key);
  if (it == parent.end() || !it->is_array()) {
    *error = Corrupt(std::string("\"") + key + "\" must be a list");
    return false;
  }
  *out = &*it;
  return true;
}

bool GetString(const json& parent, const char* key, std::string* out, Error* error, bool required = true) {
  auto it = parent.find(key);
  if (it == parent.end()) {
    if (!required) return true;
    *error = Corrupt(std::string("missing \"") + key + "\"");
    return false;
  }
  if (!it->is_string()) {
    *error = Corrupt(std::string("\"") + key + "\" must be a string");
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

bool GetUint(const json& value, uint64_t limit, uint64_t* out) {
  if (!value.is_number_unsigned() && !(value.is_number_integer() && value.get<int64_t>() >= 0)) return false;
  *out = value.get<uint64_t>();
  return *out <= limit;
}

bool GetUintField(const json& parent, const char* key, uint32_t* out, Error* error) {
  auto it = parent.find(key);
  uint64_t value = 0;
  if (it == parent.end() || !GetUint(*it, UINT32_MAX, &value)) {
    *error = Corrupt(std::string("\"") + key + "\" must be a whole number");
    return false;
  }
  *out = static_cast<uint32_t>(value);
  return true;
}

bool ParseFormat(const std::string& name, DocumentFormat* format) {
  for (DocumentFormat f : {DocumentFormat::kPlainText, DocumentFormat::kMarkdown, DocumentFormat::kHtml}) {
    if (name == DocumentFormatName(f)) {
      *format = f;
      return true;
    }
  }
  return false;
}

std::string ClauseName(size_t index) { return "clause " + std::to_string(index); }

// "rules": the fingerprint only when known (a pack built in code has none).
nlohmann::ordered_json RulesJson(const Snapshot& snapshot) {
  nlohmann::ordered_json rules = {{"language", snapshot.rules_language}, {"version", snapshot.rules_version}};
  if (!snapshot.rules_fingerprint.empty()) rules["fingerprint"] = snapshot.rules_fingerprint;
  return rules;
}

Expected<Snapshot> ReadVersion1(const json& root) {
  Error error;
  Snapshot snapshot;
  const json* document = nullptr;
  const json* rules = nullptr;
  const json* labels = nullptr;
  const json* clauses = nullptr;
  std::string format;
  std::string document_hash;
  if (!GetString(root, "date", &snapshot.date, &error, /*required=*/false) ||
      !GetObject(root, "document", &document, &error) ||
      !GetString(*document, "title", &snapshot.title, &error) ||
      !GetString(*document, "service", &snapshot.service, &error, /*required=*/false) ||
      !GetString(*document, "format", &format, &error) ||
      !GetUintField(*document, "bytes", &snapshot.source_size, &error) ||
      !GetUintField(*document, "text_bytes", &snapshot.text_size, &error) ||
      !GetString(*document, "hash", &document_hash, &error) ||
      !GetObject(root, "rules", &rules, &error) ||
      !GetString(*rules, "language", &snapshot.rules_language, &error) ||
      !GetString(*rules, "version", &snapshot.rules_version, &error) ||
      !GetString(*rules, "fingerprint", &snapshot.rules_fingerprint, &error, /*required=*/false) ||
      !GetArray(root, "labels", &labels, &error) || !GetObject(root, "clauses", &clauses, &error)) {
    return error;
  }
  if (!ParseFormat(format, &snapshot.format)) return Corrupt("unknown document format \"" + format + "\"");

  std::vector<std::string> label_table;
  for (const json& label : *labels) {
    if (!label.is_string() || label.get_ref<const std::string&>().empty()) {
      return Corrupt("\"labels\" must hold label ids");
    }
    label_table.push_back(label.get<std::string>());
  }

  const json* texts = nullptr;
  const json* spans = nullptr;
  std::string kinds;
  std::string hashes;
  if (!GetArray(*clauses, "text", &texts, &error) || !GetString(*clauses, "kind", &kinds, &error) ||
      !GetArray(*clauses, "span", &spans, &error) || !GetString(*clauses, "hash", &hashes, &error)) {
    return error;
  }
  const size_t n = texts->size();
  if (kinds.size() != n) return Corrupt("\"kind\" has " + std::to_string(kinds.size()) + " entries for " + std::to_string(n) + " clauses");
  if (spans->size() != 2 * n) return Corrupt("\"span\" has " + std::to_string(spans->size()) + " numbers for " + std::to_string(n) + " clauses");
  if (hashes.size() != kHashDigits * n) {
    return Corrupt("\"hash\" has " + std::to_string(hashes.size()) + " digits for " + std::to_string(n) + " clauses");
  }

  snapshot.clauses.resize(n);
  uint64_t position = 0;
  for (size_t i = 0; i < n; ++i) {
    SnapshotClause& clause = snapshot.clauses[i];
    const json& text = (*texts)[i];
    if (!text.is_string()) return Corrupt(ClauseName(i) + ": text must be a string");
    clause.text = text.get<std::string>();
    if (!KindFromLetter(kinds[i], &clause.kind, &clause.block_start)) {
      return Corrupt(ClauseName(i) + ": unknown kind '" + std::string(1, kinds[i]) + "'");
    }
    uint64_t gap = 0;
    const json& extra = (*spans)[2 * i + 1];
    if (!GetUint((*spans)[2 * i], UINT32_MAX, &gap) || !extra.is_number_integer()) {
      return Corrupt(ClauseName(i) + ": span must be whole numbers");
    }
    const int64_t signed_length = static_cast<int64_t>(clause.text.size()) + extra.get<int64_t>();
    if (signed_length < 0) return Corrupt(ClauseName(i) + ": span has a negative length");
    const uint64_t length = static_cast<uint64_t>(signed_length);
    position += gap;
    if (position + length > snapshot.source_size) {
      return Corrupt(ClauseName(i) + ": span ends past the document (" + std::to_string(snapshot.source_size) + " bytes)");
    }
    clause.source_start = static_cast<uint32_t>(position);
    clause.source_end = static_cast<uint32_t>(position + length);
    position += length;
    uint64_t stored = 0;
    if (!ParseBase64Digits(std::string_view(hashes).substr(kHashDigits * i, kHashDigits), &stored)) {
      return Corrupt(ClauseName(i) + ": hash is not base64url");
    }
    if (stored != (ClauseFingerprint(clause.text) & kHashMask)) {
      return Corrupt(ClauseName(i) + " does not match its hash (text altered or damaged)");
    }
  }

  // "place" (optional: snapshots made before it was kept have none).
  std::string places;
  if (!GetString(*clauses, "place", &places, &error, /*required=*/false)) return error;
  if (!places.empty()) {
    size_t at = 0;
    uint32_t table = 0;  // of the cell before
    // The next `count` digits, as a number; -1 when they are not there.
    auto digits = [&](size_t count) -> int64_t {
      uint64_t value = 0;
      if (at + count > places.size() || !ParseBase64Digits(std::string_view(places).substr(at, count), &value)) {
        return -1;
      }
      at += count;
      return static_cast<int64_t>(value);
    };
    for (size_t i = 0; i < n; ++i) {
      SnapshotClause& clause = snapshot.clauses[i];
      if (!clause.block_start) continue;
      char marker = 0;
      if (clause.kind == BlockKind::kTableCell) {
        if (at >= places.size() || places[at] == '\0' || std::strchr(".^:!", places[at]) == nullptr) {
          return Corrupt(ClauseName(i) + ": \"place\" lacks a table cell's marker");
        }
        marker = places[at++];
        if (marker == ':' || marker == '!') {
          const int64_t number = digits(2);
          if (number <= 0) return Corrupt(ClauseName(i) + ": \"place\" lacks a table number");
          table = static_cast<uint32_t>(number);
        }
      }
      const int64_t level = digits(1);
      if (level < 0) return Corrupt(ClauseName(i) + ": \"place\" lacks a level");
      clause.block_level = static_cast<int>(level);
      if (marker != 0 && clause.block_level > 0 && table != 0) {
        clause.table = table;
        clause.table_header = marker == '^' || marker == '!';
      }
    }
    if (at != places.size()) return Corrupt("\"place\" is longer than the blocks");
  }

  auto optional_array = [&](const char* key, const json** out) -> bool {
    auto it = clauses->find(key);
    if (it == clauses->end()) {
      *out = nullptr;
      return true;
    }
    if (!it->is_array()) {
      error = Corrupt(std::string("\"") + key + "\" must be a list");
      return false;
    }
    *out = &*it;
    return true;
  };
  auto clause_index = [&](const json& entry, const char* key, size_t min_size, size_t* index) -> bool {
    uint64_t value = 0;
    if (!entry.is_array() || entry.size() < min_size || !GetUint(entry[0], n == 0 ? 0 : n - 1, &value) || n == 0) {
      error = Corrupt(std::string("\"") + key + "\" entry must start with a clause index below " + std::to_string(n));
      return false;
    }
    *index = static_cast<size_t>(value);
    return true;
  };

  const json* label_entries = nullptr;
  const json* slot_entries = nullptr;
  const json* duration_entries = nullptr;
  if (!optional_array("labels", &label_entries) || !optional_array("slots", &slot_entries) ||
      !optional_array("durations", &duration_entries)) {
    return error;
  }
  if (label_entries != nullptr) {
    for (const json& entry : *label_entries) {
      size_t index = 0;
      if (!clause_index(entry, "labels", 2, &index)) return error;
      for (size_t k = 1; k < entry.size(); ++k) {
        uint64_t label = 0;
        if (label_table.empty() || !GetUint(entry[k], label_table.size() - 1, &label)) {
          return Corrupt(ClauseName(index) + ": label index out of range");
        }
        snapshot.clauses[index].labels.push_back(label_table[label]);
      }
      std::sort(snapshot.clauses[index].labels.begin(), snapshot.clauses[index].labels.end());
    }
  }
  if (slot_entries != nullptr) {
    for (const json& entry : *slot_entries) {
      size_t index = 0;
      if (!clause_index(entry, "slots", 3, &index)) return error;
      if (entry.size() != 3 || !entry[1].is_string() || !entry[2].is_string()) {
        return Corrupt(ClauseName(index) + ": a slot is [clause, name, value]");
      }
      snapshot.clauses[index].slots.push_back({entry[1].get<std::string>(), entry[2].get<std::string>()});
    }
  }
  if (duration_entries != nullptr) {
    for (const json& entry : *duration_entries) {
      size_t index = 0;
      if (!clause_index(entry, "durations", 5, &index)) return error;
      SnapshotClause& clause = snapshot.clauses[index];
      uint64_t start = 0, end = 0;
      if (entry.size() != 5 || !GetUint(entry[1], clause.text.size(), &start) ||
          !GetUint(entry[2], clause.text.size(), &end) || start >= end || !entry[3].is_number() ||
          entry[3].get<double>() < 0 || !entry[4].is_string()) {
        return Corrupt(ClauseName(index) + ": a duration is [clause, start, end, days, bound] inside the text");
      }
      Duration duration;
      duration.start = static_cast<uint32_t>(start);
      duration.end = static_cast<uint32_t>(end);
      duration.days = entry[3].get<double>();
      const std::string& bound = entry[4].get_ref<const std::string&>();
      if (bound == "<") duration.bound = DurationBound::kAtMost;
      else if (bound == ">") duration.bound = DurationBound::kAtLeast;
      else if (bound == "=") duration.bound = DurationBound::kExact;
      else return Corrupt(ClauseName(index) + ": duration bound must be <, = or >");
      clause.durations.push_back(duration);
    }
  }

  uint64_t expected_hash = 0;
  if (document_hash.size() != 16 || !ParseHex(document_hash, &expected_hash)) {
    return Corrupt("document hash must be 16 hexadecimal digits");
  }
  if (expected_hash != DocumentFingerprint(snapshot)) {
    return Corrupt("document hash does not match its clauses (clauses missing or reordered)");
  }
  return snapshot;
}

}  // namespace

uint64_t ClauseFingerprint(std::string_view text) { return Fingerprint64(ComparisonKey(text)); }

uint64_t DocumentFingerprint(const Snapshot& snapshot) {
  std::string all;
  all.reserve(snapshot.clauses.size() * 17);
  for (const SnapshotClause& clause : snapshot.clauses) {
    all += Hex16(ClauseFingerprint(clause.text));
    all.push_back('\n');
  }
  return Fingerprint64(all);
}

Snapshot MakeSnapshot(const Analysis& analysis, std::string_view date) {
  Snapshot snapshot;
  const Document& document = analysis.document;
  snapshot.date = std::string(date);
  snapshot.title = document.title;
  snapshot.service = analysis.service;
  snapshot.format = document.format;
  snapshot.source_size = document.source_size;
  for (size_t b = 0; b < document.blocks.size(); ++b) {
    snapshot.text_size += static_cast<uint32_t>(document.blocks[b].text.size() + (b > 0 ? 1 : 0));
  }
  if (analysis.pack != nullptr) {
    snapshot.rules_language = analysis.pack->language;
    snapshot.rules_version = analysis.pack->version;
    snapshot.rules_fingerprint = analysis.pack->fingerprint;
  }
  snapshot.clauses.reserve(analysis.clauses.size());
  uint32_t previous_block = UINT32_MAX;
  for (const AnalyzedClause& analyzed : analysis.clauses) {
    SnapshotClause clause;
    clause.text = NormalizeTypography(analysis.ClauseText(analyzed));
    clause.kind = document.blocks[analyzed.span.block_index].kind;
    clause.block_start = analyzed.span.block_index != previous_block;
    previous_block = analyzed.span.block_index;
    if (clause.block_start) {
      // A place past what "place" holds (a level or column over 63, a table
      // over 4095) is left out rather than merged with another; so is a
      // cell outside any table, which the classifier reads as no cell.
      const Block& block = document.blocks[analyzed.span.block_index];
      if (block.kind != BlockKind::kTableCell) {
        clause.block_level = block.level >= 0 && block.level <= kMaxPlaceLevel ? block.level : 0;
      } else if (block.table != 0 && block.table <= kMaxPlaceTable && block.level > 0 &&
                 block.level <= kMaxPlaceLevel) {
        clause.block_level = block.level;
        clause.table = block.table;
        clause.table_header = block.table_header;
      }
    }
    clause.source_start = analyzed.source_start;
    clause.source_end = std::max(analyzed.source_start, analyzed.source_end);
    for (const LabelMatch& match : analyzed.labels) clause.labels.push_back(match.label);
    std::sort(clause.labels.begin(), clause.labels.end());
    clause.labels.erase(std::unique(clause.labels.begin(), clause.labels.end()), clause.labels.end());
    if (!clause.labels.empty()) {
      for (const SlotValue& slot : analyzed.slots) clause.slots.push_back({slot.name, slot.value});
      clause.durations = ExtractDurations(clause.text);
      for (Duration& d : clause.durations) d.days = RoundDays(d.days);
    }
    snapshot.clauses.push_back(std::move(clause));
  }
  return snapshot;
}

std::string SnapshotToJson(const Snapshot& snapshot) {
  // Insertion order, so "schema" comes first (LooksLikeSnapshot reads the
  // head of a file only).
  using json = nlohmann::ordered_json;
  std::vector<std::string> table;  // label ids in first-use order
  auto label_index = [&](const std::string& id) {
    auto it = std::find(table.begin(), table.end(), id);
    if (it != table.end()) return static_cast<size_t>(it - table.begin());
    table.push_back(id);
    return table.size() - 1;
  };
  json texts = json::array();
  json spans = json::array();
  json labels = json::array();
  json slots = json::array();
  json durations = json::array();
  std::string kinds;
  std::string hashes;
  std::string places;  // "place": see snapshot.h
  uint32_t previous_table = 0;
  kinds.reserve(snapshot.clauses.size());
  hashes.reserve(snapshot.clauses.size() * 8);
  uint32_t position = 0;
  for (size_t i = 0; i < snapshot.clauses.size(); ++i) {
    const SnapshotClause& clause = snapshot.clauses[i];
    texts.push_back(clause.text);
    char letter = KindLetter(clause.kind);
    if (clause.block_start) letter = static_cast<char>(letter - 'a' + 'A');
    kinds.push_back(letter);
    if (clause.block_start) {
      if (clause.kind == BlockKind::kTableCell) {
        // Another table than the cell before's (a nested one, or back out
        // of it): its number, in two base64url digits.
        const uint32_t table = std::min(clause.table, kMaxPlaceTable);  // (a hand-built clause)
        const bool other_table = table != 0 && table != previous_table;
        places.push_back(clause.table_header ? (other_table ? '!' : '^') : (other_table ? ':' : '.'));
        if (other_table) {
          places += Base64Digits(table, 2);
          previous_table = table;
        }
      }
      places += Base64Digits(static_cast<uint64_t>(std::max(0, std::min(clause.block_level, kMaxPlaceLevel))), 1);
    }
    // Spans never go backwards in a real document; clamp rather than write
    // a negative gap if a caller built one that does.
    const uint32_t start = std::max(clause.source_start, position);
    spans.push_back(start - position);
    // The source length as a difference from the text's: usually a few
    // bytes of markup, so one or two digits instead of three or four.
    spans.push_back(static_cast<int64_t>(std::max(clause.source_end, start) - start) -
                    static_cast<int64_t>(clause.text.size()));
    position = std::max(clause.source_end, start);
    hashes += Base64Digits(ClauseFingerprint(clause.text) & kHashMask, kHashDigits);
    if (!clause.labels.empty()) {
      json entry = json::array({i});
      for (const std::string& id : clause.labels) entry.push_back(label_index(id));
      labels.push_back(std::move(entry));
    }
    for (const SnapshotSlot& slot : clause.slots) slots.push_back(json::array({i, slot.name, slot.value}));
    for (const Duration& d : clause.durations) {
      durations.push_back(json::array({i, d.start, d.end, RoundDays(d.days), std::string(1, BoundLetter(d.bound))}));
    }
  }
  json document = json::object();
  document["title"] = snapshot.title;
  // Left out when empty: an unnamed service reads the same as a snapshot
  // from before the field existed (named from the title).
  if (!snapshot.service.empty()) document["service"] = snapshot.service;
  document["format"] = DocumentFormatName(snapshot.format);
  document["bytes"] = snapshot.source_size;
  document["text_bytes"] = snapshot.text_size;
  document["hash"] = Hex16(DocumentFingerprint(snapshot));
  json root = {
      {"schema", std::string(kSchemaPrefix) + std::to_string(kSnapshotVersion)},
      {"date", snapshot.date},
      {"document", std::move(document)},
      {"rules", RulesJson(snapshot)},
      {"labels", table},
      {"clauses", {{"text", std::move(texts)},
                   {"kind", kinds},
                   {"span", std::move(spans)},
                   {"hash", hashes},
                   {"labels", std::move(labels)},
                   {"slots", std::move(slots)},
                   {"durations", std::move(durations)}}}};
  // Left out when it says nothing (no levels, no tables): such a snapshot
  // reads the same as one from before "place" was kept.
  if (places.find_first_not_of('A') != std::string::npos) root["clauses"]["place"] = places;
  return root.dump(-1, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace);
}

const std::map<int, SnapshotMigration>& BuiltinSnapshotMigrations() {
  static const std::map<int, SnapshotMigration> kMigrations;
  return kMigrations;
}

Expected<Snapshot> ParseSnapshot(std::string_view text) {
  return ParseSnapshot(text, BuiltinSnapshotMigrations());
}

Expected<Snapshot> ParseSnapshot(std::string_view text, const std::map<int, SnapshotMigration>& migrations) {
  json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) {
    if (text.empty()) return Corrupt("empty");
    // "byte N of M" counts from 1, so N is M + 1 when the text ends early.
    const std::optional<JsonSyntaxError> syntax_error = FindJsonSyntaxError(text);
    const size_t byte_number = (syntax_error ? syntax_error->offset : 0) + 1;
    return Corrupt("not valid JSON (error at byte " + std::to_string(byte_number) + " of " +
                   std::to_string(text.size()) + ")");
  }
  if (!root.is_object()) return Corrupt("top level must be an object");
  std::string schema;
  Error error;
  if (!GetString(root, "schema", &schema, &error)) return error;
  if (schema.compare(0, kSchemaPrefix.size(), kSchemaPrefix) != 0) {
    return Corrupt("schema is \"" + schema + "\", not " + std::string(kSchemaPrefix) + "<version>");
  }
  const std::string version_text = schema.substr(kSchemaPrefix.size());
  if (version_text.empty() || version_text.size() > 6 ||
      version_text.find_first_not_of("0123456789") != std::string::npos) {
    return Corrupt("schema version \"" + version_text + "\" is not a number");
  }
  int version = std::stoi(version_text);
  if (version > kSnapshotVersion) {
    return Error{"unsupported snapshot: version " + std::to_string(version) +
                 " is newer than this build reads (" + std::to_string(kSnapshotVersion) + ")"};
  }
  while (version < kSnapshotVersion) {
    auto step = migrations.find(version);
    if (step == migrations.end()) {
      return Error{"unsupported snapshot: no migration from version " + std::to_string(version)};
    }
    Expected<bool> migrated = step->second(root);
    if (!migrated.ok()) {
      return Corrupt("cannot migrate from version " + std::to_string(version) + ": " + migrated.error().message);
    }
    ++version;
    root["schema"] = std::string(kSchemaPrefix) + std::to_string(version);
  }
  return ReadVersion1(root);
}

bool LooksLikeSnapshot(std::string_view input) {
  size_t i = 0;
  if (input.substr(0, 3) == "\xEF\xBB\xBF") i = 3;
  while (i < input.size() && (input[i] == ' ' || input[i] == '\n' || input[i] == '\r' || input[i] == '\t')) ++i;
  if (i >= input.size() || input[i] != '{') return false;
  // The schema is written first; look only at the head so a policy that
  // quotes the name is not mistaken for a snapshot.
  return input.substr(i, 256).find(kSchemaPrefix) != std::string_view::npos;
}

bool LabelledUnderOtherRules(const Snapshot& snapshot, const RulePack& pack) {
  return snapshot.rules_version != pack.version || snapshot.rules_language != pack.language ||
         (!pack.fingerprint.empty() && !snapshot.rules_fingerprint.empty() &&
          snapshot.rules_fingerprint != pack.fingerprint);
}

void RelabelSnapshot(Snapshot* snapshot, const Classifier& classifier) {
  // Rebuild blocks from the clauses (a block's clauses joined by spaces) so
  // context rules see the same headings, lead-ins and list items.
  Document document;
  document.format = snapshot->format;
  document.title = snapshot->title;
  std::vector<ClauseSpan> spans;
  spans.reserve(snapshot->clauses.size());
  for (const SnapshotClause& clause : snapshot->clauses) {
    if (clause.block_start || document.blocks.empty()) {
      Block block;
      block.kind = clause.kind;
      block.level = clause.block_level;
      block.table = clause.table;
      block.table_header = clause.table_header;
      document.blocks.push_back(std::move(block));
    }
    Block& block = document.blocks.back();
    if (!block.text.empty()) block.text.push_back(' ');
    ClauseSpan span;
    span.block_index = static_cast<uint32_t>(document.blocks.size() - 1);
    span.start = static_cast<uint32_t>(block.text.size());
    block.text += clause.text;
    span.end = static_cast<uint32_t>(block.text.size());
    spans.push_back(span);
  }
  const std::vector<std::vector<LabelMatch>> labels = classifier.ClassifyClauses(document, spans);
  for (size_t i = 0; i < snapshot->clauses.size(); ++i) {
    SnapshotClause& clause = snapshot->clauses[i];
    clause.labels.clear();
    for (const LabelMatch& match : labels[i]) clause.labels.push_back(match.label);
    std::sort(clause.labels.begin(), clause.labels.end());
    clause.labels.erase(std::unique(clause.labels.begin(), clause.labels.end()), clause.labels.end());
    clause.slots.clear();
    clause.durations.clear();
    if (!clause.labels.empty()) {
      // A snapshot keeps no links, so slots of kind "link" go: no change
      // summary reads slots (they are for a reader of the snapshot).
      for (const SlotValue& slot : classifier.ExtractSlots(clause.text, labels[i])) {
        clause.slots.push_back({slot.name, slot.value});
      }
      clause.durations = ExtractDurations(clause.text);
      for (Duration& d : clause.durations) d.days = RoundDays(d.days);
    }
  }
  snapshot->rules_language = classifier.pack().language;
  snapshot->rules_version = classifier.pack().version;
  snapshot->rules_fingerprint = classifier.pack().fingerprint;
}

}  // namespace fineprint
