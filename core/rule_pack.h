// Rule packs are data: a JSON file per language that names the taxonomy's
// labels and the patterns that find them. Adding or fixing a pattern is an
// edit to the JSON, never to C++.
//
// Format (schema "fineprint.rules/1"):
//   {
//     "schema": "fineprint.rules/1", "language": "en", "version": "...",
//     "labels": [{"id": "ai_training.first_party", "name": "...",
//                 "family": "ai_training", "primary": true}, ...],
//     "rules": [{
//       "id": "unique-rule-id",
//       "label": "<a label id above>",
//       "match": "<RE2 pattern; the candidate finder>",
//       "require": ["<RE2>", ...],   // optional: each must also match
//       "exclude": ["<RE2>", ...],   // optional: none may match
//       "why": "<one line a person reads: what the rule saw>",
//       "context": {                  // optional: the clause's surroundings
//         "previous_labels": ["<label id>", ...],  // one of the `window`
//         "window": 1,                // clauses before carries one of these
//         "heading_matches": "<RE2>", // the section's heading matches
//         "lead_in_labels": ["<label id>", ...],   // a list item whose
//         "lead_in_matches": "<RE2>", // lead-in ("...:") has / matches these
//         "column_header_matches": "<RE2>",  // a table cell whose column's
//                                     // header cell matches this
//         "heading_excludes": "<RE2>" // not under a heading matching this
//       },                            // (each of the four patterns may be
//                                     // {"set": "<set name>"} instead, a
//                                     // pattern set of one pattern)
//                                     // (alone, the rule stays a text rule:
//                                     // it is still decided in the first
//                                     // pass; a lone clause has no heading)
//       "exclude_sets": ["<set name>", ...],   // optional: the patterns
//                                      // of these pattern_sets join "exclude"
//       "require_sets": ["<set name>", ...],   // optional: ... and "require"
//       "unless_labels": ["<label id>", ...],  // optional: not when the
//                                      // clause already carries one of these
//       "note": "<template>", "severity": "..."  // optional: override the
//     }, ...],                         // label's note for this rule
//     "pattern_sets": {"<set name>": ["<RE2>", ...], ...},  // optional:
//                                      // patterns several rules share
//     "fragments": {"<name>": "<piece of RE2>", ...},  // optional: pieces
//                                      // several patterns share; any
//                                      // pattern (a fragment's too) writes
//                                      // {{name}} where the piece goes, and
//                                      // it is read as (?:piece). Names are
//                                      // [a-z0-9_-]; "\{{" is a literal brace.
//                                      // A piece balances its parentheses and
//                                      // captures nothing; pieces nest at most
//                                      // 8 deep and a pattern grows to 64 KiB
//     "slots": [{"name": "opt_out_where", "labels": ["choice.opt_out"],
//                "pattern": "<RE2, first capture group is the value>",
//                "kind": "text" | "duration"}],
//     "findings": [{"id": "...", "severity": "...", "explanation": "...",
//                   "trigger_labels": [...], "trigger_matches": "<RE2>",
//                   "companion_labels": [...], "companion_slot": "...",
//                   "companion_matches": "<RE2>", "near": 3,
//                   "companion_anywhere_matches": "<RE2>",
//                   "fires_when": "companion_absent" | "companion_present",
//                   "min_labelled_clauses": 5}]
//   }
// Labels may carry "note" (a plain-language template with {service} and
// {slot|fallback} placeholders), "severity" (alert|caution|info|good) and
// "severity_when" (a severity for clauses whose duration slot is short).
// Patterns are matched against a clause's plain text ignoring the case of
// ASCII letters (a pattern that sets its own flags, "(?i)...", gets RE2's
// Unicode case folding instead).
// Context rules are evaluated after every clause has its text-only labels,
// so "previous_labels" and "lead_in_labels" see those (not other context
// labels): one pass, no fixed-point iteration, predictable results.
#ifndef FINEPRINT_CORE_RULE_PACK_H_
#define FINEPRINT_CORE_RULE_PACK_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/expected.h"

namespace fineprint {

struct LabelInfo {
  std::string id;      // taxonomy id, e.g. "choice.opt_out"
  std::string name;    // words for a person, e.g. "You can opt out"
  std::string family;  // "ai_training", "choice", "retention", ...
  bool primary = false;
  // Plain-language note template ("" when none) and its severity
  // ("alert", "caution", "info" or "good"; "info" by default).
  std::string note;
  std::string severity = "info";
  // "severity_when": {"slot": "duration", "at_most_days": 90, "severity":
  // "good"}: a clause whose duration slot is at most that many days gets
  // that severity instead (short, concrete retention is good news).
  std::string short_slot;
  double short_days = -1;
  std::string short_severity;
};

// When a rule also depends on the clause's surroundings. Empty fields do not
// constrain; a rule with an empty context is a plain text rule.
struct RuleContext {
  std::vector<std::string> previous_labels;
  int window = 1;  // how many clauses back previous_labels looks (1-10)
  std::string heading_matches;
  std::vector<std::string> lead_in_labels;
  std::string lead_in_matches;
  std::string column_header_matches;
  // Not when the section's heading matches this ("Opt-out" under
  // "Arbitration" is about a contract term). Unlike the fields above it
  // does not make the rule a context rule: it is checked in the first pass.
  std::string heading_excludes;

  // True when no field requires surroundings (heading_excludes only
  // removes; it never defers a rule to the context pass).
  bool empty() const {
    return previous_labels.empty() && heading_matches.empty() && lead_in_labels.empty() &&
           lead_in_matches.empty() && column_header_matches.empty();
  }
};

struct Rule {
  std::string id;
  std::string label;
  std::string match;
  std::vector<std::string> require;
  std::vector<std::string> exclude;
  std::string why;
  RuleContext context;
  std::vector<std::string> unless_labels;
  std::string note;      // overrides the label's note when not empty
  std::string severity;  // overrides the label's severity when not empty
};

// A value pulled out of a labelled clause for a note: where to opt out, a
// retention period, an amount, who receives data. A "text" or "duration"
// slot reads the clause's text; a "link" slot reads the targets of the
// hyperlinks in the clause ("Depending on your [settings](https://x.com/
// settings/account)": the policy says where only through the link).
struct SlotRule {
  std::string name;                 // the {placeholder} it fills
  std::vector<std::string> labels;  // only clauses with one of these
  // RE2 on the clause's text, or for kind "link" on a link's target;
  // capture group 1 is the value.
  std::string pattern;
  std::string kind = "text";        // "text", "duration" (adds days) or "link"
  // Kind "link" only, optional: RE2 that the link's visible text must match
  // as well, and RE2 that rules a link out when its target matches (a link
  // into a policy document or a blog post is not a place to opt out).
  std::string link_text;
  std::string link_exclude;
};

// A document-level finding: something a policy says, or leaves out, seen
// across clauses. It fires when some clause has a trigger label (and matches
// trigger_matches) and, within `near` clauses of it (-1: anywhere), a
// companion clause does (fires_when "companion_present") or no companion does
// (fires_when "companion_absent"). A companion has one of companion_labels
// (or the slot companion_slot) and matches companion_matches; one matching
// companion_anywhere_matches counts at any distance. An empty trigger_labels
// makes the whole document the trigger. Documents with fewer than
// min_labelled_clauses labelled clauses (news, empty pages) get no findings.
struct FindingRule {
  std::string id;
  std::string severity;
  std::string explanation;
  std::vector<std::string> trigger_labels;
  std::string trigger_matches;
  std::vector<std::string> companion_labels;
  std::string companion_slot;
  std::string companion_matches;
  std::string companion_anywhere_matches;
  int near = -1;
  bool fires_when_present = false;
  int min_labelled_clauses = 5;
};

struct RulePack {
  std::string language;
  std::string version;
  // RulePackFingerprint of the pack's JSON text (set by ParseRulePack, and
  // by the classifier's loader for a prepared pack), "" for a pack built in
  // code. The author's `version` may stay the same across rule
  // changes; this changes with any edit (white space included), so a
  // snapshot can tell labels made under other rules (DiffSnapshots
  // relabels those). A pack changed after parsing keeps the old value.
  std::string fingerprint;
  std::vector<LabelInfo> labels;
  std::vector<Rule> rules;
  std::vector<SlotRule> slots;
  std::vector<FindingRule> findings;

  // The LabelInfo with this id, or nullptr.
  const LabelInfo* FindLabel(std::string_view id) const;
};

// 16 hex digits of WordFingerprint64 over the exact bytes of a pack's JSON
// text: RulePack::fingerprint, and what ties a prepared form to its JSON.
std::string RulePackFingerprint(std::string_view json);

// Parses and checks a rule pack: valid JSON, the right schema, every field
// present with the right type, rule ids unique, every rule's label declared.
// Patterns are checked when compiled (Classifier::Create). The error names
// the rule and the field.
Expected<RulePack> ParseRulePack(std::string_view json);

// The rule pack built into this binary (core/rules/en.json).
std::string_view BuiltinRulePackJson();

// The pack as a compact record of every field (lengths and bytes, nothing
// to re-check), for the build-time preparation of the built-in pack
// (Classifier::Prepare): reading it back costs a small part of parsing the
// JSON, which was half of a new engine's loading.
std::string RulePackToRecord(const RulePack& pack);

// The pack RulePackToRecord wrote into `record`; false (*pack then
// unspecified) when the record is malformed or cut short. Nothing is
// checked beyond its framing: use it only for a record made from a pack
// ParseRulePack accepted, tied to that JSON text (the prepared form's
// header is).
bool RulePackFromRecord(std::string_view record, RulePack* pack);

// "How other platforms handle this": a short, dated, attributed excerpt of
// another real policy that carries a label.
struct PlatformExample {
  std::string service;   // "Meta", "Reddit"
  std::string document;  // "Privacy Policy"
  std::string date;      // capture date of the version quoted, YYYY-MM-DD
  std::string excerpt;   // a sentence or less, quoted as written
  // Other names the service goes by on its pages' titles and domains
  // ("Twitter" for X, "Instagram" for Meta), from the pack's "aliases".
  std::vector<std::string> aliases;
};

// Examples per label id, in file order.
struct ExamplePack {
  std::vector<std::pair<std::string, std::vector<PlatformExample>>> labels;

  // The examples for a label, or nullptr.
  const std::vector<PlatformExample>* Find(std::string_view label) const;
};

// Parses {"schema": "fineprint.examples/1", "examples": {"<label id>":
// [{"service", "document", "date", "excerpt"}, ...]}, "aliases":
// {"<service>": ["<other name>", ...]}}. Every field is a non-empty string;
// the error names the label and the entry. "aliases" is optional; each of
// its keys must be the service of some example.
Expected<ExamplePack> ParseExamples(std::string_view json);

// The examples built into this binary (core/rules/en.examples.json).
std::string_view BuiltinExamplesJson();

// Which service a web host belongs to, so notes can name it where the page's
// title does not ("Terms of Service" on x.com is X's).
struct ServiceDirectory {
  // (host, service name as notes use it), by service name; hosts are lower
  // case, without "www.", and each is listed once.
  std::vector<std::pair<std::string, std::string>> hosts;

  // The service of `host` or of its nearest listed parent domain
  // ("help.x.com" -> "x.com" -> "X"), matching whole labels only (so
  // "spacex.com" is not x.com's); "" when none is listed. `host` is lower
  // case (HostOfUrl in core/analysis.h gives it so).
  std::string_view Find(std::string_view host) const;
};

// Parses {"schema": "fineprint.services/1", "services": {"<name>":
// ["<host>", ...], ...}}. A host is a lower-case domain name of at least two
// labels (letters, digits, "-"), no scheme, port, path or "www."; a host
// listed twice is an error, which names it.
Expected<ServiceDirectory> ParseServices(std::string_view json);

// The directory built into this binary (core/rules/en.services.json).
std::string_view BuiltinServicesJson();

}  // namespace fineprint

#endif  // FINEPRINT_CORE_RULE_PACK_H_
