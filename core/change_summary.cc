#include "core/change_summary.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <set>

#include "core/analysis.h"
#include "core/durations.h"

namespace fineprint {
namespace {

using nlohmann::json;

constexpr std::string_view kSchema = "fineprint.change_notes/1";

// Families in taxonomy order, for sorting the summary when no rule pack
// says otherwise.
constexpr const char* kFamilyOrder[] = {"ai_training", "choice", "retention", "sharing",
                                        "scraping",    "data",   "legal",     "policy"};

int SeverityRank(const std::string& severity) {
  if (severity == "alert") return 0;
  if (severity == "caution") return 1;
  if (severity == "good") return 2;
  return 3;
}

bool Contains(const std::vector<std::string>& sorted, const std::string& id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

std::string Family(const std::string& label) { return label.substr(0, label.find('.')); }

// ---------------------------------------------------------------------------
// Parsing the notes.

bool ReadStrings(const json& entry, const char* key, const std::string& where, std::vector<std::string>* out,
                 Error* error) {
  auto it = entry.find(key);
  if (it == entry.end()) return true;
  if (!it->is_array()) {
    *error = Error{where + ": \"" + key + "\" must be a list of strings"};
    return false;
  }
  for (const json& item : *it) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      *error = Error{where + ": \"" + key + "\" must hold non-empty strings"};
      return false;
    }
    out->push_back(item.get<std::string>());
  }
  return true;
}

bool ReadString(const json& entry, const char* key, bool required, const std::string& where, std::string* out,
                Error* error) {
  auto it = entry.find(key);
  if (it == entry.end()) {
    if (!required) return true;
    *error = Error{where + ": missing \"" + key + "\""};
    return false;
  }
  if (!it->is_string() || (required && it->get_ref<const std::string&>().empty())) {
    *error = Error{where + ": \"" + key + "\" must be a non-empty string"};
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

// ---------------------------------------------------------------------------
// Values of a side: durations, amounts.

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// A number at text[i] ("15,000", "1.5"); returns its end or i.
size_t NumberEnd(std::string_view text, size_t i) {
  size_t j = i;
  while (j < text.size() &&
         (IsAsciiDigit(text[j]) ||
          ((text[j] == ',' || text[j] == '.') && j > i && j + 1 < text.size() && IsAsciiDigit(text[j + 1])))) {
    ++j;
  }
  return j;
}

struct SideValues {
  std::vector<std::string> phrases;  // as written: "up to 90 days", "$15,000 per ..."
  std::vector<std::pair<double, int>> durations;  // (days, bound), sorted
  double longest = -1;
};

SideValues ValuesOf(const Snapshot& snapshot, uint32_t begin, uint32_t end, const std::string& kind) {
  SideValues values;
  for (uint32_t i = begin; i < end && i < snapshot.clauses.size(); ++i) {
    const SnapshotClause& clause = snapshot.clauses[i];
    if (kind == "durations") {
      for (const Duration& d : clause.durations) {
        if (d.end > clause.text.size() || d.start >= d.end) continue;
        values.phrases.push_back(clause.text.substr(d.start, d.end - d.start));
        values.durations.emplace_back(d.days, static_cast<int>(d.bound));
        values.longest = std::max(values.longest, d.days);
      }
    } else if (kind == "amount") {
      const std::string amount = ExtractAmount(clause.text);
      if (!amount.empty()) values.phrases.push_back(amount);
    }
  }
  std::sort(values.durations.begin(), values.durations.end());
  return values;
}

bool SameValues(const SideValues& x, const SideValues& y, const std::string& kind) {
  if (kind != "durations") return x.phrases == y.phrases;
  if (x.durations.size() != y.durations.size()) return false;
  for (size_t k = 0; k < x.durations.size(); ++k) {
    if (!SameDays(x.durations[k].first, y.durations[k].first) || x.durations[k].second != y.durations[k].second) {
      return false;
    }
  }
  return true;
}

std::string JoinPhrases(const std::vector<std::string>& phrases) {
  std::string out;
  std::set<std::string> seen;
  for (const std::string& phrase : phrases) {
    if (!seen.insert(phrase).second) continue;
    if (!out.empty()) out += ", ";
    out += phrase;
  }
  return out;
}

// The first ~`limit` bytes of a text, cut at a space and never inside a
// UTF-8 character, with "..." when cut.
std::string Excerpt(std::string_view text, size_t limit = 140) {
  if (text.size() <= limit) return std::string(text);
  size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  const size_t space = text.rfind(' ', cut);
  if (space != std::string_view::npos && space > limit / 2) cut = space;
  return std::string(text.substr(0, cut)) + "...";
}

std::string SideText(const Snapshot& snapshot, uint32_t begin, uint32_t end) {
  std::string out;
  for (uint32_t i = begin; i < end && i < snapshot.clauses.size(); ++i) {
    if (!out.empty()) out.push_back(' ');
    out += snapshot.clauses[i].text;
  }
  return out;
}

std::vector<std::string> SideLabels(const Snapshot& snapshot, uint32_t begin, uint32_t end) {
  std::vector<std::string> labels;
  for (uint32_t i = begin; i < end && i < snapshot.clauses.size(); ++i) {
    labels.insert(labels.end(), snapshot.clauses[i].labels.begin(), snapshot.clauses[i].labels.end());
  }
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  return labels;
}

// ---------------------------------------------------------------------------
// Events and notes.

struct Event {
  std::string label;
  std::string change;  // added, removed, changed
  uint32_t index = 0;  // into DocumentDiff::changes
  std::string when;    // longer, shorter, or ""
  std::string before_value, after_value;  // durations / amounts, "" for none
  const ChangeNoteRule* rule = nullptr;
  bool consumed = false;
  std::vector<uint32_t> also;  // adjacent changes told by this event
};

Event MakeEvent(const std::string& label, const char* change, uint32_t index) {
  Event event;
  event.label = label;
  event.change = change;
  event.index = index;
  return event;
}

bool Fits(const ChangeNoteRule& rule, const Event& event, const DocumentChange& change) {
  if (rule.change != event.change) return false;
  if (rule.label != "*" && rule.label != event.label) return false;
  for (const std::string& id : rule.before_has) {
    if (!Contains(change.labels_before, id)) return false;
  }
  for (const std::string& id : rule.after_has) {
    if (!Contains(change.labels_after, id)) return false;
  }
  for (const std::string& id : rule.before_lacks) {
    if (Contains(change.labels_before, id)) return false;
  }
  for (const std::string& id : rule.after_lacks) {
    if (Contains(change.labels_after, id)) return false;
  }
  if (!rule.kind.empty() &&
      std::find(rule.kind.begin(), rule.kind.end(), ChangeKindName(change.clause.kind)) == rule.kind.end()) {
    return false;
  }
  if (!rule.when.empty() && rule.when != event.when) return false;
  if (event.when == "reworded" && rule.when != "reworded") return false;
  for (const std::string& need : rule.needs) {
    if (need == "before" && event.before_value.empty()) return false;
    if (need == "after" && event.after_value.empty()) return false;
    if (need == "amount" && event.after_value.empty() && event.before_value.empty()) return false;
  }
  return true;
}

std::string Render(const std::string& note, const Event& event, const std::string& name,
                   const std::string& service) {
  std::string out;
  size_t i = 0;
  while (i < note.size()) {
    const size_t open = note.find('{', i);
    const size_t close = open == std::string::npos ? std::string::npos : note.find('}', open);
    if (close == std::string::npos) {
      out += note.substr(i);
      break;
    }
    out += note.substr(i, open - i);
    const std::string field = note.substr(open + 1, close - open - 1);
    if (field == "before") out += event.before_value;
    else if (field == "after") out += event.after_value;
    else if (field == "amount") out += event.after_value.empty() ? event.before_value : event.after_value;
    else if (field == "name") out += name;
    else if (field == "service") out += service;
    else out += note.substr(open, close - open + 1);  // unknown: left as written
    i = close + 1;
  }
  return out;
}

}  // namespace

Expected<ChangeNotes> ParseChangeNotes(std::string_view text) {
  const json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return Error{"change notes: not valid JSON"};
  if (!root.is_object()) return Error{"change notes: top level must be an object"};
  Error error;
  ChangeNotes notes;
  std::string schema;
  if (!ReadString(root, "schema", true, "change notes", &schema, &error)) return error;
  if (schema != kSchema) {
    return Error{"change notes: schema is \"" + schema + "\", expected \"" + std::string(kSchema) + "\""};
  }
  if (!ReadString(root, "language", true, "change notes", &notes.language, &error) ||
      !ReadString(root, "version", true, "change notes", &notes.version, &error)) {
    return error;
  }
  auto values = root.find("values");
  if (values != root.end()) {
    if (!values->is_object()) return Error{"change notes: \"values\" must be an object"};
    for (auto it = values->begin(); it != values->end(); ++it) {
      if (!it->is_string() || (*it != "durations" && *it != "amount")) {
        return Error{"change notes: values of \"" + it.key() + "\" must be \"durations\" or \"amount\""};
      }
      notes.values[it.key()] = it->get<std::string>();
    }
  }
  auto entries = root.find("notes");
  if (entries == root.end() || !entries->is_array()) return Error{"change notes: \"notes\" must be a list"};
  for (size_t i = 0; i < entries->size(); ++i) {
    const json& entry = (*entries)[i];
    const std::string where = "change note #" + std::to_string(i + 1);
    if (!entry.is_object()) return Error{where + ": must be an object"};
    ChangeNoteRule rule;
    if (!ReadString(entry, "label", true, where, &rule.label, &error) ||
        !ReadString(entry, "change", true, where, &rule.change, &error) ||
        !ReadString(entry, "severity", true, where, &rule.severity, &error) ||
        !ReadString(entry, "note", true, where, &rule.note, &error) ||
        !ReadString(entry, "when", false, where, &rule.when, &error) ||
        !ReadStrings(entry, "before_has", where, &rule.before_has, &error) ||
        !ReadStrings(entry, "after_has", where, &rule.after_has, &error) ||
        !ReadStrings(entry, "before_lacks", where, &rule.before_lacks, &error) ||
        !ReadStrings(entry, "after_lacks", where, &rule.after_lacks, &error) ||
        !ReadStrings(entry, "kind", where, &rule.kind, &error) ||
        !ReadStrings(entry, "needs", where, &rule.needs, &error) ||
        !ReadStrings(entry, "consumes", where, &rule.consumes, &error)) {
      return error;
    }
    if (rule.change != "added" && rule.change != "removed" && rule.change != "changed") {
      return Error{where + ": change must be added, removed or changed, not \"" + rule.change + "\""};
    }
    if (rule.severity != "alert" && rule.severity != "caution" && rule.severity != "info" &&
        rule.severity != "good") {
      return Error{where + ": severity must be alert, caution, info or good, not \"" + rule.severity + "\""};
    }
    if (!rule.when.empty() && rule.when != "longer" && rule.when != "shorter" && rule.when != "reworded") {
      return Error{where + ": when must be longer, shorter or reworded, not \"" + rule.when + "\""};
    }
    for (const std::string& kind : rule.kind) {
      if (kind != "added" && kind != "removed" && kind != "modified") {
        return Error{where + ": kind may only name added, removed or modified, not \"" + kind + "\""};
      }
    }
    for (const std::string& need : rule.needs) {
      if (need != "before" && need != "after" && need != "amount") {
        return Error{where + ": needs may only name before, after or amount, not \"" + need + "\""};
      }
    }
    notes.rules.push_back(std::move(rule));
  }
  return notes;
}

const Expected<ChangeNotes>& BuiltinChangeNotes() {
  static const Expected<ChangeNotes> notes = ParseChangeNotes(BuiltinChangeNotesJson());
  return notes;
}

std::string ExtractAmount(std::string_view text) {
  // Currency signs as UTF-8: $, €, £.
  static const std::string_view kSigns[] = {"$", "\xE2\x82\xAC", "\xC2\xA3"};
  for (size_t i = 0; i < text.size(); ++i) {
    std::string_view sign;
    for (std::string_view s : kSigns) {
      if (text.substr(i, s.size()) == s) sign = s;
    }
    if (sign.empty()) continue;
    size_t j = i + sign.size();
    const size_t number_end = NumberEnd(text, j);
    if (number_end == j) continue;
    std::string amount(text.substr(i, number_end - i));
    size_t k = number_end;
    // "USD", "EUR" after a sign says nothing the sign did not.
    if (k + 4 <= text.size() && text[k] == ' ' && std::isupper(static_cast<unsigned char>(text[k + 1])) &&
        std::isupper(static_cast<unsigned char>(text[k + 2])) && std::isupper(static_cast<unsigned char>(text[k + 3])) &&
        (k + 4 == text.size() || !std::isalpha(static_cast<unsigned char>(text[k + 4])))) {
      k += 4;
    }
    // "... per 1,000,000 posts"
    if (text.substr(k, 5) == " per ") {
      size_t m = k + 5;
      size_t unit_start = m;
      const size_t count_end = NumberEnd(text, m);
      m = count_end;
      if (m < text.size() && text[m] == ' ') ++m;
      size_t word_end = m;
      while (word_end < text.size() && std::isalpha(static_cast<unsigned char>(text[word_end]))) ++word_end;
      if (word_end > m) amount += " per " + std::string(text.substr(unit_start, word_end - unit_start));
    }
    return amount;
  }
  return "";
}

DocumentDiff DiffSnapshots(const Snapshot& before_in, const Snapshot& after_in, const ChangeNotes& notes,
                           const Classifier* classifier, const AlignOptions& options) {
  // The alignment reads texts only; labels are read per change, so a
  // snapshot labelled under other rules is relabelled (a copy) only when
  // there is a change to label.
  DocumentDiff diff;
  std::vector<std::string_view> old_texts, new_texts;
  old_texts.reserve(before_in.clauses.size());
  new_texts.reserve(after_in.clauses.size());
  for (const SnapshotClause& clause : before_in.clauses) old_texts.push_back(clause.text);
  for (const SnapshotClause& clause : after_in.clauses) new_texts.push_back(clause.text);
  std::vector<ClauseChange> changes = AlignClauses(old_texts, new_texts, options);
  Snapshot before_copy, after_copy;
  const Snapshot* before = &before_in;
  const Snapshot* after = &after_in;
  if (classifier != nullptr && !changes.empty()) {
    if (LabelledUnderOtherRules(before_in, classifier->pack())) {
      before_copy = before_in;
      RelabelSnapshot(&before_copy, *classifier);
      before = &before_copy;
    }
    if (LabelledUnderOtherRules(after_in, classifier->pack())) {
      after_copy = after_in;
      RelabelSnapshot(&after_copy, *classifier);
      after = &after_copy;
    }
  }
  for (ClauseChange& change : changes) {
    DocumentChange document_change;
    document_change.labels_before = SideLabels(*before, change.old_begin, change.has_old() ? change.old_end : change.old_begin);
    document_change.labels_after = SideLabels(*after, change.new_begin, change.has_new() ? change.new_end : change.new_begin);
    document_change.clause = std::move(change);
    diff.changes.push_back(std::move(document_change));
  }

  // Events: label by label, what each change did.
  std::vector<Event> events;
  for (uint32_t index = 0; index < diff.changes.size(); ++index) {
    const DocumentChange& change = diff.changes[index];
    const ClauseChange& clause = change.clause;
    if (clause.kind == ChangeKind::kMoved) continue;  // same words, same meaning
    auto values = [&](const std::string& label, const Snapshot& snapshot, uint32_t begin, uint32_t end) {
      auto kind = notes.values.find(label);
      if (kind == notes.values.end()) return SideValues();
      return ValuesOf(snapshot, begin, end, kind->second);
    };
    for (const std::string& label : change.labels_after) {
      if (Contains(change.labels_before, label)) continue;
      Event event = MakeEvent(label, "added", index);
      event.after_value = JoinPhrases(values(label, *after, clause.new_begin, clause.new_end).phrases);
      events.push_back(std::move(event));
    }
    for (const std::string& label : change.labels_before) {
      if (Contains(change.labels_after, label)) continue;
      Event event = MakeEvent(label, "removed", index);
      event.before_value = JoinPhrases(values(label, *before, clause.old_begin, clause.old_end).phrases);
      events.push_back(std::move(event));
    }
    if (clause.kind != ChangeKind::kModified) continue;
    for (const std::string& label : change.labels_after) {
      if (!Contains(change.labels_before, label)) continue;
      auto kind = notes.values.find(label);
      const SideValues old_values = values(label, *before, clause.old_begin, clause.old_end);
      const SideValues new_values = values(label, *after, clause.new_begin, clause.new_end);
      if (kind == notes.values.end() || old_values.phrases.empty() || new_values.phrases.empty() ||
          SameValues(old_values, new_values, kind->second)) {
        // Same label, same values, other words: only notes written for
        // "reworded" pick this up (no catch-all, or every edit would speak).
        Event event = MakeEvent(label, "changed", index);
        event.when = "reworded";
        events.push_back(std::move(event));
        continue;
      }
      Event event = MakeEvent(label, "changed", index);
      event.before_value = JoinPhrases(old_values.phrases);
      event.after_value = JoinPhrases(new_values.phrases);
      if (kind->second == "durations" && !SameDays(old_values.longest, new_values.longest)) {
        event.when = new_values.longest > old_values.longest ? "longer" : "shorter";
      }
      events.push_back(std::move(event));
    }
  }

  // A passage: the same label added (or removed) by changes that follow
  // each other in the document is one event, its values pooled ("You will
  // be liable for liquidated damages ... $15,000 ..." + "You agree that
  // these amounts are ...").
  {
    // Change `next` continues change `last`: same kind, clauses adjacent.
    auto follows = [&](uint32_t last, uint32_t next) {
      const ClauseChange& a = diff.changes[last].clause;
      const ClauseChange& b = diff.changes[next].clause;
      if (next != last + 1 || a.kind != b.kind) return false;
      if (a.kind == ChangeKind::kAdded) return a.new_end == b.new_begin;
      if (a.kind == ChangeKind::kRemoved) return a.old_end == b.old_begin;
      return false;
    };
    std::vector<Event> merged;
    for (Event& event : events) {
      Event* head = nullptr;
      for (auto it = merged.rbegin(); it != merged.rend(); ++it) {
        if (it->label != event.label || it->change != event.change) continue;
        const uint32_t last = it->also.empty() ? it->index : it->also.back();
        if (follows(last, event.index)) head = &*it;
        break;
      }
      if (head == nullptr) {
        merged.push_back(std::move(event));
        continue;
      }
      head->also.push_back(event.index);
      auto pool = [](std::string* into, const std::string& more) {
        if (more.empty() || into->find(more) != std::string::npos) return;
        *into += into->empty() ? more : ", " + more;
      };
      pool(&head->before_value, event.before_value);
      pool(&head->after_value, event.after_value);
    }
    events = std::move(merged);
  }

  // Notes: the first fitting template; then what the notes already tell.
  for (Event& event : events) {
    for (const ChangeNoteRule& rule : notes.rules) {
      if (Fits(rule, event, diff.changes[event.index])) {
        event.rule = &rule;
        break;
      }
    }
  }
  for (const Event& event : events) {
    if (event.rule == nullptr || event.rule->consumes.empty()) continue;
    const std::string opposite = event.change == "added" ? "removed" : event.change == "removed" ? "added" : "";
    for (Event& other : events) {
      if (other.index == event.index && other.change == opposite &&
          std::find(event.rule->consumes.begin(), event.rule->consumes.end(), other.label) !=
              event.rule->consumes.end()) {
        other.consumed = true;
      }
    }
  }

  // The newer version's service as its analysis named it (from the page's
  // address where known), else the older one's; snapshots that do not
  // record one are named from their title.
  std::string service = !after->service.empty() ? after->service : before->service;
  if (service.empty()) {
    Document titled;
    titled.title = after->title.empty() ? before->title : after->title;
    // ServiceName takes only a title that names a kind of document and a
    // name of at most four words: other titles are headings the reader took
    // for the title ("Contents").
    service = ServiceName(titled);
  }
  if (service.empty()) service = "the service";
  const RulePack* pack = classifier != nullptr ? &classifier->pack() : nullptr;
  std::vector<std::string> family_order;
  if (pack != nullptr) {
    for (const LabelInfo& info : pack->labels) {
      if (std::find(family_order.begin(), family_order.end(), info.family) == family_order.end()) {
        family_order.push_back(info.family);
      }
    }
  }
  for (const char* family : kFamilyOrder) {
    if (std::find(family_order.begin(), family_order.end(), family) == family_order.end()) {
      family_order.push_back(family);
    }
  }

  for (const Event& event : events) {
    if (event.consumed || event.rule == nullptr) continue;
    const LabelInfo* info = pack != nullptr ? pack->FindLabel(event.label) : nullptr;
    const std::string name = info != nullptr ? info->name : event.label;
    const std::string note = Render(event.rule->note, event, name, service);
    auto same = [&](const SummaryItem& item) {
      return item.label == event.label && item.change == event.change && item.note == note;
    };
    auto it = std::find_if(diff.summary.begin(), diff.summary.end(), same);
    if (it != diff.summary.end()) {
      it->changes.push_back(event.index);
      it->changes.insert(it->changes.end(), event.also.begin(), event.also.end());
      continue;
    }
    const ClauseChange& clause = diff.changes[event.index].clause;
    SummaryItem item;
    item.label = event.label;
    item.family = info != nullptr ? info->family : Family(event.label);
    item.change = event.change;
    item.before = event.before_value;
    item.after = event.after_value;
    if (item.before.empty() && clause.has_old() && event.change != "added") {
      item.before = Excerpt(SideText(*before, clause.old_begin, clause.old_end));
    }
    if (item.after.empty() && clause.has_new() && event.change != "removed") {
      item.after = Excerpt(SideText(*after, clause.new_begin, clause.new_end));
    }
    item.note = note;
    item.severity = event.rule->severity;
    item.changes.push_back(event.index);
    item.changes.insert(item.changes.end(), event.also.begin(), event.also.end());
    diff.summary.push_back(std::move(item));
  }
  auto family_rank = [&](const std::string& family) {
    return std::find(family_order.begin(), family_order.end(), family) - family_order.begin();
  };
  std::stable_sort(diff.summary.begin(), diff.summary.end(), [&](const SummaryItem& x, const SummaryItem& y) {
    if (x.family != y.family) return family_rank(x.family) < family_rank(y.family);
    if (x.severity != y.severity) return SeverityRank(x.severity) < SeverityRank(y.severity);
    return x.label < y.label;
  });
  return diff;
}

namespace {

json Side(const Snapshot& snapshot, uint32_t begin, uint32_t end) {
  if (end <= begin || end > snapshot.clauses.size()) return nullptr;
  return {{"start", snapshot.clauses[begin].source_start},
          {"end", snapshot.clauses[end - 1].source_end},
          {"text", SideText(snapshot, begin, end)}};
}

}  // namespace

std::string DocumentDiffToJson(const DocumentDiff& diff, const Snapshot& before, const Snapshot& after, int indent) {
  json changes = json::array();
  for (const DocumentChange& change : diff.changes) {
    const ClauseChange& clause = change.clause;
    json entry = {{"kind", ChangeKindName(clause.kind)},
                  {"old", Side(before, clause.old_begin, clause.old_end)},
                  {"new", Side(after, clause.new_begin, clause.new_end)},
                  {"labels_before", change.labels_before},
                  {"labels_after", change.labels_after}};
    if (clause.kind == ChangeKind::kModified) {
      json words = json::array();
      for (const WordEdit& edit : clause.words) words.push_back({{"op", EditKindName(edit.op)}, {"text", edit.text}});
      entry["words"] = std::move(words);
      if (clause.moved) entry["moved"] = true;
    }
    changes.push_back(std::move(entry));
  }
  json summary = json::array();
  for (const SummaryItem& item : diff.summary) {
    summary.push_back({{"label", item.label},
                       {"family", item.family},
                       {"change", item.change},
                       {"before", item.before.empty() ? json(nullptr) : json(item.before)},
                       {"after", item.after.empty() ? json(nullptr) : json(item.after)},
                       {"note", item.note},
                       {"severity", item.severity},
                       {"changes", item.changes}});
  }
  auto about = [](const Snapshot& snapshot) {
    return json{{"title", snapshot.title}, {"date", snapshot.date}, {"clauses", snapshot.clauses.size()}};
  };
  json root = {{"schema", "fineprint.diff/1"},
               {"before", about(before)},
               {"after", about(after)},
               {"changes", std::move(changes)},
               {"summary", std::move(summary)}};
  return root.dump(indent, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace);
}

std::string DocumentDiffToText(const DocumentDiff& diff, const Snapshot& before, const Snapshot& after) {
  std::string out;
  auto name = [](const Snapshot& s) {
    std::string n = s.title.empty() ? std::string("(untitled)") : s.title;
    if (!s.date.empty()) n += " (" + s.date + ")";
    return n;
  };
  out += name(before) + " -> " + name(after) + "\n";
  size_t counts[4] = {0, 0, 0, 0};
  for (const DocumentChange& change : diff.changes) ++counts[static_cast<int>(change.clause.kind)];
  out += std::to_string(diff.changes.size()) + " changes: " + std::to_string(counts[0]) + " added, " +
         std::to_string(counts[1]) + " removed, " + std::to_string(counts[2]) + " modified, " +
         std::to_string(counts[3]) + " moved\n";
  out += "\nWhat changed in meaning:\n";
  if (diff.summary.empty()) out += "  nothing the labels see\n";
  for (const SummaryItem& item : diff.summary) {
    out += "  [" + item.severity + "] " + item.note + " (" + item.label + ", " + item.change + ")\n";
  }
  for (size_t i = 0; i < diff.changes.size(); ++i) {
    const DocumentChange& change = diff.changes[i];
    const ClauseChange& clause = change.clause;
    out += "\n#" + std::to_string(i) + " " + ChangeKindName(clause.kind);
    if (clause.moved) out += " (moved)";
    auto labels = [](const std::vector<std::string>& ids) {
      std::string s;
      for (const std::string& id : ids) s += (s.empty() ? "" : ", ") + id;
      return s.empty() ? std::string("-") : s;
    };
    if (!change.labels_before.empty() || !change.labels_after.empty()) {
      out += "  [" + labels(change.labels_before) + " -> " + labels(change.labels_after) + "]";
    }
    out += "\n";
    switch (clause.kind) {
      case ChangeKind::kAdded:
        out += "  + " + SideText(after, clause.new_begin, clause.new_end) + "\n";
        break;
      case ChangeKind::kRemoved:
        out += "  - " + SideText(before, clause.old_begin, clause.old_end) + "\n";
        break;
      case ChangeKind::kMoved:
        out += "  > " + SideText(after, clause.new_begin, clause.new_end) + "\n";
        break;
      case ChangeKind::kModified:
        out += "  ~ ";
        for (const WordEdit& edit : clause.words) {
          if (edit.op == EditKind::kEqual) out += edit.text;
          else if (edit.op == EditKind::kDelete) out += "[-" + edit.text + "-]";
          else out += "{+" + edit.text + "+}";
        }
        out += "\n";
        break;
    }
  }
  return out;
}

}  // namespace fineprint
