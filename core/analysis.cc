#include "core/analysis.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/durations.h"
#include "core/out_of_line.h"
#include "core/readers.h"
#include "core/utf8.h"

namespace fineprint {

std::string_view Analysis::ClauseText(const AnalyzedClause& clause) const {
  const std::string& text = document.blocks[clause.span.block_index].text;
  return std::string_view(text).substr(clause.span.start, clause.span.end - clause.span.start);
}

namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  const char* kSpace = " \t|-:\xC2\xA0";
  const size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const size_t last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

// Fills "{service}" and "{slot|fallback}" placeholders. A slot the clause
// does not have takes its fallback (possibly empty), so a template always
// renders to a sentence.
std::string RenderNote(std::string_view note, const std::string& service,
                       const std::vector<SlotValue>& slots) {
  std::string out;
  size_t i = 0;
  while (i < note.size()) {
    const size_t open = note.find('{', i);
    if (open == std::string_view::npos) {
      out.append(note.substr(i));
      break;
    }
    const size_t close = note.find('}', open);
    if (close == std::string_view::npos) {
      out.append(note.substr(i));
      break;
    }
    out.append(note.substr(i, open - i));
    std::string_view field = note.substr(open + 1, close - open - 1);
    std::string_view fallback;
    if (const size_t bar = field.find('|'); bar != std::string_view::npos) {
      fallback = field.substr(bar + 1);
      field = field.substr(0, bar);
    }
    if (field == "service") {
      if (!service.empty()) {
        out += service;
      } else {
        // No name found: "This service ..." opens a sentence, "... owe this
        // service ..." does not.
        const size_t last = out.find_last_not_of(' ');
        out += last == std::string::npos || out[last] == '.' ? "This service" : "this service";
      }
    } else {
      auto slot = std::find_if(slots.begin(), slots.end(), [&](const SlotValue& v) { return v.name == field; });
      if (slot == slots.end()) {
        out.append(fallback);
      } else if (slot->days > 0) {
        // A person's wording of the normalised length, keeping the bound:
        // "up to 18 months", "for 90 days", "at least 1 year".
        const std::vector<Duration> found = ExtractDurations(slot->value);
        const DurationBound bound = found.empty() ? DurationBound::kExact : found.front().bound;
        out += bound == DurationBound::kAtMost    ? "for up to "
               : bound == DurationBound::kAtLeast ? "for at least "
                                                  : "for ";
        out += FormatDays(slot->days);
      } else if (slot->days == 0) {
        out += "for no time at all";
      } else {
        out += slot->value;
      }
    }
    i = close + 1;
  }
  // A missing slot may leave "  " or " ." behind.
  std::string tidy;
  for (char c : out) {
    if (c == ' ' && !tidy.empty() && tidy.back() == ' ') continue;
    if ((c == '.' || c == ',') && !tidy.empty() && tidy.back() == ' ') tidy.pop_back();
    tidy += c;
  }
  return std::string(Trim(tidy));
}

bool ClauseHasAny(const AnalyzedClause& clause, const std::vector<std::string>& ids) {
  for (const LabelMatch& match : clause.labels) {
    if (std::find(ids.begin(), ids.end(), match.label) != ids.end()) return true;
  }
  return false;
}

bool ClauseHasSlot(const AnalyzedClause& clause, const std::string& name) {
  return std::any_of(clause.slots.begin(), clause.slots.end(),
                     [&](const SlotValue& v) { return v.name == name; });
}

// Whether the finding rule `r` fires on `analysis`, and on which clauses.
// Out of line (core/out_of_line.h): DeriveFindings runs once per page.
FINEPRINT_OUT_OF_LINE bool FindingFor(const Classifier& classifier, const Analysis& analysis, size_t r,
                                      size_t labelled, Finding* finding) {
  const std::vector<AnalyzedClause>& clauses = analysis.clauses;
  const FindingRule& rule = classifier.pack().findings[r];
  if (labelled < static_cast<size_t>(rule.min_labelled_clauses)) return false;
  auto is_companion = [&](size_t j, const char* field) {
    const AnalyzedClause& c = clauses[j];
    const bool has = (!rule.companion_labels.empty() && ClauseHasAny(c, rule.companion_labels)) ||
                     (!rule.companion_slot.empty() && ClauseHasSlot(c, rule.companion_slot));
    return has && classifier.FindingMatches(r, field, analysis.ClauseText(c));
  };
  // Companions that count at any distance, found once per rule.
  bool anywhere = false;
  for (size_t j = 0; j < clauses.size() && !anywhere && !rule.companion_anywhere_matches.empty(); ++j) {
    anywhere = is_companion(j, "anywhere");
  }
  std::vector<size_t> triggers;
  if (!rule.trigger_labels.empty()) {
    for (size_t i = 0; i < clauses.size(); ++i) {
      if (ClauseHasAny(clauses[i], rule.trigger_labels) &&
          classifier.FindingMatches(r, "trigger", analysis.ClauseText(clauses[i]))) {
        triggers.push_back(i);
      }
    }
    if (triggers.empty()) return false;
  }
  auto has_companion_near = [&](size_t i) {
    if (anywhere) return true;
    const size_t low = rule.near < 0 ? 0 : (i > static_cast<size_t>(rule.near) ? i - rule.near : 0);
    const size_t high = rule.near < 0 ? clauses.size() : std::min(clauses.size(), i + rule.near + 1);
    for (size_t j = low; j < high; ++j) {
      if (is_companion(j, "companion")) return true;
    }
    return false;
  };
  finding->rule = &rule;
  if (triggers.empty()) {  // the whole document is the trigger
    bool present = anywhere;
    for (size_t j = 0; j < clauses.size() && !present; ++j) present = is_companion(j, "companion");
    return present == rule.fires_when_present;
  }
  if (rule.fires_when_present) {
    for (size_t i : triggers) {
      if (has_companion_near(i)) finding->clauses.push_back(static_cast<uint32_t>(i));
    }
    return !finding->clauses.empty();
  }
  // Absent: only when no trigger anywhere has its companion, so a summary
  // line without the details does not raise a false alarm.
  if (std::any_of(triggers.begin(), triggers.end(), has_companion_near)) return false;
  for (size_t i : triggers) finding->clauses.push_back(static_cast<uint32_t>(i));
  return true;
}

void DeriveFindings(const Classifier& classifier, Analysis* analysis) {
  size_t labelled = 0;
  for (const AnalyzedClause& clause : analysis->clauses) labelled += !clause.labels.empty();
  for (size_t r = 0; r < classifier.pack().findings.size(); ++r) {
    Finding finding;
    if (FindingFor(classifier, *analysis, r, labelled, &finding)) analysis->findings.push_back(std::move(finding));
  }
}

// The built-in examples, parsed on first use. Null if they do not parse
// (a build problem the rule-pack tests catch), so analysis still works.
const ExamplePack* BuiltinExamples() {
  static const Expected<ExamplePack> examples = ParseExamples(BuiltinExamplesJson());
  return examples.ok() ? &examples.value() : nullptr;
}

// The words of a name, lower-cased: "X (Twitter)" -> x twitter,
// "stackoverflow.com" -> stackoverflow com. Bytes past ASCII count as
// letters, so names in other scripts stay whole words.
std::vector<std::string> NameWords(std::string_view name) {
  std::vector<std::string> words(1);
  for (const char c : Lower(name)) {
    const unsigned char byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || byte >= 0x80) {
      words.back().push_back(c);
    } else if (!words.back().empty()) {
      words.emplace_back();
    }
  }
  if (words.back().empty()) words.pop_back();
  return words;
}

// Whether `name` appears in `words` as consecutive whole words, so that
// "X" is found in "X (Twitter)" and "x.com" but not in "SpaceX".
bool ContainsName(const std::vector<std::string>& words, std::string_view name) {
  const std::vector<std::string> wanted = NameWords(name);
  return !wanted.empty() &&
         std::search(words.begin(), words.end(), wanted.begin(), wanted.end()) != words.end();
}

// Whether an example quotes the analysed document's own service (named in
// its title or domain, under its name or an alias): "how other platforms
// handle this" must show other platforms.
bool IsOwnService(const PlatformExample& example, const std::vector<std::string>& service_words) {
  if (ContainsName(service_words, example.service)) return true;
  for (const std::string& alias : example.aliases) {
    if (ContainsName(service_words, alias)) return true;
  }
  return false;
}

}  // namespace

std::string HostOfUrl(std::string_view url) {
  const size_t first = url.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  url = url.substr(first, url.find_last_not_of(" \t\r\n") - first + 1);
  const size_t colon = url.find(':');
  const size_t path = url.find_first_of("/?#");
  if (colon != std::string_view::npos && (path == std::string_view::npos || colon < path)) {
    const std::string_view after = url.substr(colon + 1);
    const std::string_view port = after.substr(0, after.find_first_of("/?#"));
    if (after.substr(0, 2) == "//") {
      url = after.substr(2);  // scheme://authority...
    } else if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) {
      return "";  // about:blank, mailto:..., data:...: no host
    }  // else a bare host with a port: "x.com:443"
  }
  std::string_view authority = url.substr(0, url.find_first_of("/?#"));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') return "";  // an IPv6 address names no one
  authority = authority.substr(0, authority.find(':'));
  while (!authority.empty() && authority.back() == '.') authority.remove_suffix(1);
  std::string host = Lower(authority);
  const bool valid = std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           static_cast<unsigned char>(c) >= 0x80;
  });
  return valid ? host : "";
}

namespace {

bool HasScheme(std::string_view url) {
  size_t i = 0;
  while (i < url.size() && (std::isalnum(static_cast<unsigned char>(url[i])) || url[i] == '+' || url[i] == '-' ||
                            url[i] == '.')) {
    ++i;
  }
  return i > 0 && i < url.size() && url[i] == ':' && std::isalpha(static_cast<unsigned char>(url[0]));
}

// RFC 3986's remove_dot_segments, on a path that starts with '/'.
std::string WithoutDotSegments(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 1;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    const bool last = end == path.size();
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      if (last) segments.emplace_back();
    } else if (segment == ".") {
      if (last) segments.emplace_back();
    } else {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string_view segment : segments) {
    out += '/';
    out.append(segment);
  }
  return out.empty() ? "/" : out;
}

}  // namespace

std::string ResolveUrl(std::string_view base, std::string_view reference) {
  const std::string lower = Lower(base.substr(0, 8));
  const size_t scheme_end = lower.rfind("https://", 0) == 0 ? 5 : (lower.rfind("http://", 0) == 0 ? 4 : 0);
  if (HasScheme(reference) || scheme_end == 0) return std::string(reference);
  const size_t authority_end = std::min(base.find_first_of("/?#", scheme_end + 3), base.size());
  const std::string_view origin = base.substr(0, authority_end);
  const std::string_view rest = base.substr(authority_end);  // path, query, fragment
  const std::string_view path = rest.substr(0, rest.find_first_of("?#"));
  const std::string_view without_fragment = base.substr(0, base.find('#'));
  if (reference.rfind("//", 0) == 0) return std::string(base.substr(0, scheme_end + 1)) + std::string(reference);
  if (reference.empty()) return std::string(without_fragment);
  if (reference[0] == '#') return std::string(without_fragment) + std::string(reference);
  if (reference[0] == '?') return std::string(origin) + std::string(path.empty() ? "/" : path) + std::string(reference);
  const size_t tail = reference.find_first_of("?#");
  const std::string_view reference_path = reference.substr(0, tail);
  const std::string_view reference_tail = tail == std::string_view::npos ? "" : reference.substr(tail);
  std::string merged;
  if (!reference_path.empty() && reference_path[0] == '/') {
    merged = std::string(reference_path);
  } else {
    const size_t slash = path.rfind('/');
    merged = (slash == std::string_view::npos ? std::string("/") : std::string(path.substr(0, slash + 1))) +
             std::string(reference_path);
  }
  return std::string(origin) + WithoutDotSegments(merged) + std::string(reference_tail);
}

namespace {

// The built-in host -> service directory, parsed on first use. Null if it
// does not parse (a build problem the rule-pack tests catch).
const ServiceDirectory* BuiltinServices() {
  static const Expected<ServiceDirectory> services = ParseServices(BuiltinServicesJson());
  return services.ok() ? &services.value() : nullptr;
}

// Phrases that name a kind of document, longest first so "terms of use" is
// taken whole before "terms".
constexpr const char* kDocumentKinds[] = {
    "privacy policy", "privacy notice", "privacy statement", "terms of service", "terms of use",
    "terms and conditions", "terms & conditions", "user agreement", "developer agreement",
    "services agreement", "service agreement", "developer terms", "cookie policy", "cookies policy",
    "data policy", "terms", "policy", "policies", "agreement", "notice", "conditions", "tos", "eula"};

// Where a version of a document applies, not whose it is: "LinkedIn
// European Regional Privacy Notice" is LinkedIn's.
constexpr const char* kRegionWords[] = {"europe", "european", "eu", "eea", "uk", "us", "u.s.", "usa",
                                        "global", "regional", "international", "worldwide"};

// Words that qualify a document or greet its reader; a "name" made of these
// only ("Our", "General", "Website") names no one.
constexpr const char* kGenericWords[] = {
    "a", "an", "the", "our", "your", "this", "my", "we", "you", "how", "welcome", "please", "read",
    "important", "privacy", "legal", "general", "website", "web", "site", "app", "apps", "online",
    "user", "users", "customer", "customers", "consumer", "data", "personal", "information", "info",
    "updated", "new", "full", "supplemental", "additional", "developer", "developers", "platform",
    "service", "services", "product", "products", "public", "network", "contents", "table",
    "introduction", "overview",
    "summary", "center", "centre", "hub", "page", "help"};

// Small words a removed phrase leaves at the edges: "Terms of Service for
// Zoom" -> "for Zoom" -> "Zoom".
constexpr const char* kLeadingJoiners[] = {"of", "for", "and", "&", "at", "on", "to", "in", "by"};
constexpr const char* kTrailingJoiners[] = {"of", "for", "and", "&", "at", "on", "to", "in", "by", "the"};

template <size_t N>
bool IsOneOf(const std::string& word, const char* const (&list)[N]) {
  return std::any_of(std::begin(list), std::end(list), [&](const char* w) { return word == w; });
}

// "X's" -> "X" (with ' or U+2019); a word that is only "'s" is kept.
void DropPossessive(std::string* word) {
  for (const std::string_view tail : {std::string_view("'s"), std::string_view("\xE2\x80\x99s")}) {
    if (word->size() > tail.size() && word->compare(word->size() - tail.size(), tail.size(), tail) == 0) {
      word->resize(word->size() - tail.size());
    }
  }
}

// A title word as the lists above spell it: lower case, without the
// punctuation around it or a possessive ("X's," -> "x").
std::string FoldWord(std::string_view word) {
  const char* kPunctuation = ",;:!?()[]\"'";
  const size_t first = word.find_first_not_of(kPunctuation);
  if (first == std::string_view::npos) return "";
  std::string folded = Lower(word.substr(first, word.find_last_not_of(kPunctuation) - first + 1));
  DropPossessive(&folded);
  return folded;
}

// Whether the phrase `kind` starts at words[at].
bool KindAt(const std::vector<std::string>& folded, size_t at, std::string_view kind) {
  size_t i = at;
  while (!kind.empty()) {
    const size_t space = kind.find(' ');
    if (i == folded.size() || folded[i] != kind.substr(0, space)) return false;
    ++i;
    kind = space == std::string_view::npos ? std::string_view() : kind.substr(space + 1);
  }
  return true;
}

// The name left in one part of a title once the kinds of document and
// region words are taken out, or "" when what is left is no name.
// *names_kind is set when the part named a kind of document.
std::string NameInTitlePart(std::string_view part, bool* names_kind) {
  std::vector<std::string_view> words;
  for (size_t i = 0; i < part.size();) {
    const size_t end = std::min(part.find(' ', i), part.size());
    if (end > i) words.push_back(part.substr(i, end - i));
    i = end + 1;
  }
  std::vector<std::string> folded;
  for (std::string_view word : words) folded.push_back(FoldWord(word));
  std::vector<bool> keep(words.size(), true);
  for (size_t i = 0; i < words.size(); ++i) {
    for (const char* kind : kDocumentKinds) {
      if (!KindAt(folded, i, kind)) continue;
      *names_kind = true;
      const size_t length = std::count(kind, kind + std::strlen(kind), ' ') + 1;
      std::fill(keep.begin() + i, keep.begin() + i + length, false);
      i += length - 1;
      break;
    }
    if (keep[i] && IsOneOf(folded[i], kRegionWords)) keep[i] = false;
  }
  std::vector<size_t> kept;
  for (size_t i = 0; i < words.size(); ++i) {
    if (keep[i] && !folded[i].empty()) kept.push_back(i);
  }
  while (!kept.empty() && IsOneOf(folded[kept.front()], kLeadingJoiners)) kept.erase(kept.begin());
  while (!kept.empty() && IsOneOf(folded[kept.back()], kTrailingJoiners)) kept.pop_back();
  if (kept.empty() || kept.size() > 4) return "";
  if (std::all_of(kept.begin(), kept.end(), [&](size_t i) { return IsOneOf(folded[i], kGenericWords); })) {
    return "";
  }
  std::string name;
  for (size_t i : kept) {
    if (!name.empty()) name += ' ';
    name.append(words[i]);
  }
  // "X's" -> "X"; "Zoom," -> "Zoom".
  DropPossessive(&name);
  while (!name.empty() && std::strchr(",;:!?(", name.back()) != nullptr) name.pop_back();
  return name.size() <= 40 ? name : "";
}

// The service a title names, or "" (see ServiceName, step 2). "Privacy
// Policy | Zoom" and "Zoom - Terms" both name Zoom: each part is tried, but
// only once some part has named a kind of document.
std::string NameInTitle(std::string_view title) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= title.size();) {
    size_t separator = 0;
    if (i < title.size()) {
      for (const char* candidate : {"|", " - ", " \xE2\x80\x93 ", " \xE2\x80\x94 ", " \xC2\xB7 ", ": "}) {
        if (title.substr(i, std::strlen(candidate)) == candidate) {
          separator = std::strlen(candidate);
          break;
        }
      }
    }
    if (i == title.size() || separator > 0) {
      parts.push_back(Trim(title.substr(start, i - start)));
      i += separator > 0 ? separator : 1;
      start = i;
    } else {
      ++i;
    }
  }
  bool names_kind = false;
  std::vector<std::string> names;
  for (std::string_view part : parts) names.push_back(NameInTitlePart(part, &names_kind));
  if (!names_kind) return "";
  for (const std::string& name : names) {
    if (!name.empty()) return name;
  }
  return "";
}

// "Example" for "shop.example.co.uk" or "example.com": the label before the
// public suffix, capitalised. "" for an IP address or a one-label host.
std::string NameInDomain(const std::string& host) {
  std::vector<std::string_view> labels;
  for (size_t i = 0; i <= host.size();) {
    const size_t dot = std::min(host.find('.', i), host.size());
    labels.push_back(std::string_view(host).substr(i, dot - i));
    i = dot + 1;
  }
  if (labels.size() < 2 || labels.back().find_first_not_of("0123456789") == std::string_view::npos) return "";
  // Country domains that register names one level down: example.co.uk.
  constexpr const char* kSecondLevel[] = {"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or",
                                          "go", "gob", "nic", "ltd", "plc", "sch", "mil", "gv", "nom"};
  size_t at = labels.size() - 2;
  if (labels.size() >= 3 && labels.back().size() == 2 && IsOneOf(std::string(labels[at]), kSecondLevel)) --at;
  std::string name(labels[at]);
  if (name.empty() || name.rfind("xn--", 0) == 0) return "";  // punycode reads as noise
  if (name[0] >= 'a' && name[0] <= 'z') name[0] = static_cast<char>(name[0] - 'a' + 'A');
  return name;
}

}  // namespace

std::string ServiceName(const Document& document, std::string_view source_url) {
  const std::string host = HostOfUrl(source_url);
  if (!host.empty()) {
    if (const ServiceDirectory* services = BuiltinServices()) {
      const std::string_view known = services->Find(host);
      if (!known.empty()) return std::string(known);
    }
  }
  std::string_view title = document.title;
  if (title.empty() && !document.blocks.empty() && document.blocks.front().text.size() <= 80) {
    title = document.blocks.front().text;  // plain text: a first line like "X Privacy Policy"
  }
  std::string name = NameInTitle(title);
  if (name.empty() && !host.empty()) name = NameInDomain(host);
  return name;
}

namespace {

// Per-clause and per-label work lives in functions of its own, out of line,
// and the document-wide loops only call them: see core/out_of_line.h.

// The note and severity `match` gets on `clause`, whose slots are filled.
FINEPRINT_OUT_OF_LINE LabelNote NoteFor(const LabelMatch& match, const AnalyzedClause& clause,
                                        const std::string& service) {
  const std::string& note = match.rule->note.empty() ? match.info->note : match.rule->note;
  std::string severity = match.rule->severity.empty() ? match.info->severity : match.rule->severity;
  if (match.rule->severity.empty() && match.info->short_days >= 0) {
    for (const SlotValue& slot : clause.slots) {
      if (slot.name == match.info->short_slot && slot.days >= 0 && slot.days <= match.info->short_days) {
        severity = match.info->short_severity;
      }
    }
  }
  return {RenderNote(note, service, clause.slots), severity};
}

// A clause of `analysis` (its document and service set) with `labels`: its
// source offsets, and for a labelled one its slots and notes.
FINEPRINT_OUT_OF_LINE AnalyzedClause AnalyzeClause(const Analysis& analysis, const Classifier& classifier,
                                                   const ClauseSpan& span, std::vector<LabelMatch> labels) {
  const Block& block = analysis.document.blocks[span.block_index];
  AnalyzedClause clause;
  clause.span = span;
  clause.source_start = block.SourceStart(span.start);
  clause.source_end = block.SourceEnd(span.end);
  clause.labels = std::move(labels);
  if (clause.labels.empty()) return clause;
  std::vector<ClauseLink> links;
  for (const Link& link : block.links) {
    if (link.text_end <= span.start || link.text_start >= span.end) continue;
    links.push_back({std::string_view(block.text).substr(link.text_start, link.text_end - link.text_start),
                     link.target});
  }
  clause.slots = classifier.ExtractSlots(analysis.ClauseText(clause), clause.labels, links);
  for (SlotValue& slot : clause.slots) {
    for (const SlotRule& rule : classifier.pack().slots) {
      if (rule.name == slot.name && rule.kind == "duration") slot.days = DurationDays(slot.value);
    }
  }
  for (const LabelMatch& match : clause.labels) clause.notes.push_back(NoteFor(match, clause, analysis.service));
  return clause;
}

}  // namespace

Analysis AnalyzeDocument(Document document, const Classifier& classifier,
                         std::string_view source_url) {
  Analysis analysis;
  analysis.document = std::move(document);
  analysis.service = ServiceName(analysis.document, source_url);
  // A page's relative links ("/settings/ads") name places only once
  // resolved against where the page was found (the extension's links are
  // absolute already: nothing to copy).
  if (!source_url.empty()) {
    for (Block& block : analysis.document.blocks) {
      for (Link& link : block.links) {
        if (!HasScheme(link.target)) link.target = ResolveUrl(source_url, link.target);
      }
    }
  }
  analysis.pack = &classifier.pack();
  const std::vector<ClauseSpan> spans = SegmentDocument(analysis.document);
  // Headings get no labels: ClassifyClauses treats them (and title-like
  // plain-text lines) as section names that commit to nothing.
  std::vector<std::vector<LabelMatch>> labels = classifier.ClassifyClauses(analysis.document, spans);
  analysis.clauses.reserve(spans.size());
  for (size_t i = 0; i < spans.size(); ++i) {
    analysis.clauses.push_back(AnalyzeClause(analysis, classifier, spans[i], std::move(labels[i])));
  }
  DeriveFindings(classifier, &analysis);
  return analysis;
}

Expected<Analysis> AnalyzeInput(std::string_view input, DocumentFormat format,
                                const Classifier& classifier, std::string_view source_url) {
  Expected<Document> document = ReadDocument(input, format);
  if (!document.ok()) return document.error();
  return AnalyzeDocument(std::move(document).value(), classifier, source_url);
}

namespace {

// One label of `clause` (whose text is `text`) as the analysis JSON lists it.
FINEPRINT_OUT_OF_LINE nlohmann::json LabelJson(const AnalyzedClause& clause, const LabelMatch& match,
                                               std::string_view text, const std::vector<SlotRule>& slot_rules) {
  using nlohmann::json;
  json label = {{"id", match.label}, {"name", match.info->name}};
  label["rule"] = match.rule->id;
  label["why"] = match.rule->why;
  label["evidence"] = std::string(text.substr(match.evidence_start, match.evidence_end - match.evidence_start));
  const size_t k = static_cast<size_t>(&match - clause.labels.data());
  if (k < clause.notes.size()) {
    label["note"] = clause.notes[k].text;
    label["severity"] = clause.notes[k].severity;
  }
  json slots = json::object();
  for (const SlotValue& slot : clause.slots) {
    // Only the slots this label's note or family can use: a slot rule
    // names the labels it serves.
    for (const SlotRule& rule : slot_rules) {
      if (rule.name != slot.name) continue;
      if (!rule.labels.empty() &&
          std::find(rule.labels.begin(), rule.labels.end(), match.label) == rule.labels.end()) {
        continue;
      }
      slots[slot.name] = slot.value;
      if (slot.days >= 0) slots[slot.name + "_days"] = slot.days;
    }
  }
  label["slots"] = std::move(slots);
  return label;
}

// A clause as the analysis JSON lists it (with "index" when only labelled
// clauses are listed), its labels already made (LabelJson).
FINEPRINT_OUT_OF_LINE nlohmann::json ClauseJson(const Analysis& analysis, const AnalyzedClause& clause,
                                                nlohmann::json labels, ClauseListing listing,
                                                const std::optional<Utf16OffsetMap>& utf16) {
  using nlohmann::json;
  auto offset = [&](uint32_t byte_offset) -> uint32_t {
    return utf16 ? utf16->ToUtf16(byte_offset) : byte_offset;
  };
  json listed = listing == ClauseListing::kLabelledOnly
                    ? json{{"index", &clause - analysis.clauses.data()}}
                    : json::object();
  listed["start"] = offset(clause.source_start);
  listed["end"] = offset(clause.source_end);
  listed["block"] = clause.span.block_index;
  listed["kind"] = BlockKindName(analysis.document.blocks[clause.span.block_index].kind);
  listed["text"] = std::string(analysis.ClauseText(clause));
  listed["labels"] = std::move(labels);
  return listed;
}

// "How other platforms handle this" for the labels `present`, leaving out
// the analysed service's own examples.
FINEPRINT_OUT_OF_LINE nlohmann::json ExamplesJson(const std::set<std::string>& present, const std::string& service) {
  using nlohmann::json;
  json examples = json::object();
  const ExamplePack* pack = BuiltinExamples();
  if (pack == nullptr) return examples;
  const std::vector<std::string> service_words = NameWords(service);
  for (const std::string& label : present) {
    const std::vector<PlatformExample>* list = pack->Find(label);
    if (list == nullptr) continue;
    json entries = json::array();
    for (const PlatformExample& e : *list) {
      if (IsOwnService(e, service_words)) continue;
      entries.push_back({{"service", e.service}, {"document", e.document}, {"date", e.date}, {"excerpt", e.excerpt}});
    }
    if (!entries.empty()) examples[label] = std::move(entries);
  }
  return examples;
}

}  // namespace

std::string AnalysisToJson(const Analysis& analysis, std::string_view source,
                           OffsetUnit unit, int indent, ClauseListing listing) {
  using nlohmann::json;
  std::optional<Utf16OffsetMap> utf16;
  if (unit == OffsetUnit::kUtf16CodeUnits) utf16.emplace(source);

  const Document& document = analysis.document;
  static const std::vector<SlotRule> kNoSlots;
  const std::vector<SlotRule>& slot_rules = analysis.pack ? analysis.pack->slots : kNoSlots;
  std::set<std::string> present;  // labels seen, for "examples"
  json clauses = json::array();
  size_t labelled = 0;
  for (const AnalyzedClause& clause : analysis.clauses) {
    json labels = json::array();
    for (const LabelMatch& match : clause.labels) {
      labels.push_back(LabelJson(clause, match, analysis.ClauseText(clause), slot_rules));
      present.insert(match.label);
    }
    if (!labels.empty()) ++labelled;
    if (listing == ClauseListing::kLabelledOnly && labels.empty()) continue;
    clauses.push_back(ClauseJson(analysis, clause, std::move(labels), listing, utf16));
  }
  json root = {
      {"schema", "fineprint.analysis/1"},
      {"document", {{"format", DocumentFormatName(document.format)},
                    {"title", document.title},
                    {"bytes", document.source_size},
                    {"blocks", document.blocks.size()},
                    {"clauses", analysis.clauses.size()},
                    {"labelled_clauses", labelled},
                    {"offsets", unit == OffsetUnit::kUtf8Bytes ? "utf8" : "utf16"}}},
      {"clauses", std::move(clauses)}};
  json findings = json::array();
  for (const Finding& finding : analysis.findings) {
    findings.push_back({{"id", finding.rule->id},
                        {"severity", finding.rule->severity},
                        {"explanation", finding.rule->explanation},
                        {"clauses", finding.clauses}});
  }
  root["findings"] = std::move(findings);
  root["document"]["service"] = analysis.service;
  root["examples"] = ExamplesJson(present, analysis.service);
  return root.dump(indent, ' ', /*ensure_ascii=*/false, json::error_handler_t::replace);
}

std::string AnalysisToText(const Analysis& analysis) {
  const Document& document = analysis.document;
  std::string out;
  size_t labelled = 0;
  for (const AnalyzedClause& clause : analysis.clauses) labelled += !clause.labels.empty();
  out += document.title.empty() ? std::string("(untitled document)") : document.title;
  out += "\n";
  out += std::to_string(document.source_size) + " bytes, " +
         std::to_string(document.blocks.size()) + " blocks, " +
         std::to_string(analysis.clauses.size()) + " clauses, " +
         std::to_string(labelled) + " labelled\n";

  // What the document leaves out comes first: it is what no highlight shows.
  if (!analysis.findings.empty()) {
    out += "\nWhat the document leaves out or warns about:\n";
    for (const Finding& finding : analysis.findings) {
      out += "  [" + finding.rule->severity + "] " + finding.rule->explanation;
      if (!finding.clauses.empty()) {
        out += " (clauses";
        size_t shown = 0;
        for (uint32_t index : finding.clauses) {
          if (shown++ == 5) {
            out += " ...";
            break;
          }
          out += " #" + std::to_string(index);
        }
        out += ")";
      }
      out += "\n";
    }
  }

  for (size_t index = 0; index < analysis.clauses.size(); ++index) {
    const AnalyzedClause& clause = analysis.clauses[index];
    if (clause.labels.empty()) continue;
    const std::string_view text = analysis.ClauseText(clause);
    out += "\n#" + std::to_string(index) + " [bytes " + std::to_string(clause.source_start) + "-" +
           std::to_string(clause.source_end) + "] ";
    out += text;
    out += "\n";
    for (size_t i = 0; i < clause.labels.size(); ++i) {
      const LabelMatch& match = clause.labels[i];
      const LabelNote* note = i < clause.notes.size() ? &clause.notes[i] : nullptr;
      out += "  - " + match.label;
      if (note != nullptr && !note->severity.empty()) out += " [" + note->severity + "]";
      if (note != nullptr && !note->text.empty()) out += ": " + note->text;
      out += "\n      why: " + match.rule->why + " (saw \"";
      out += text.substr(match.evidence_start, match.evidence_end - match.evidence_start);
      out += "\")\n";
    }
    for (const SlotValue& slot : clause.slots) {
      out += "      " + slot.name + ": " + slot.value + "\n";
    }
  }
  return out;
}

}  // namespace fineprint
