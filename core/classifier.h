// Labels clauses with the taxonomy, using a compiled rule pack.
//
// Finding the candidate rules of a clause is a single pass over its text
// however many rules there are: RE2's prefilter derives from every rule's
// "match" pattern the literals ("atoms") any match must contain, and one
// Aho-Corasick walk over the clause finds the atoms present. Only rules
// whose atom formula holds are candidates, and only a candidate whose label
// the clause lacks so far runs its exact match pattern, once, which also
// gives the evidence span. This takes the place of an RE2::Set over all
// match patterns: the set gives the same answer, but building it was over a
// fifth of start-up and most clauses run no regex at all behind the atom
// pass. Matching candidates then run their "require" and "exclude" patterns.
//
// Start-up is cheap because patterns are only parsed when the pack loads
// (a broken one is still rejected there, naming the rule); each is compiled
// the first time a clause needs it and holds the literals RE2's prefilter
// says any match contains (the pattern's "gate"). The extension pays
// start-up whenever its WASM engine starts, and not every pattern is needed
// on a page, and many it reaches are in clauses lacking their literals. The
// built-in pack skips even the parse: the build checks its patterns and
// writes the pack itself as a record of its fields, their prefilters, the
// candidate filter flattened from them and the atom automaton (Prepare,
// tools/prepare_rules.cc), which CreateFromJson reads back; a new engine
// parses neither JSON nor patterns.
//
// A fresh engine's first analysis compiles the patterns it reaches; for
// the evidence span of a match, RE2 would also compile each pattern's
// reverse program, so the classifier finds the span with the forward one
// first (LazyPattern::FindSpan in classifier.cc). A long alternation is
// first answered by its alternatives (core/alternatives.h), each behind its
// own literals, so the first page compiles only those its clauses can
// match; the whole pattern is compiled later (CompileDeferredPatterns).
//
// Rules with a "context" (previous clause's labels, the section heading, a
// list's lead-in) are candidates from the same single pass when their atoms
// allow; they are decided in a second, cheap step once every clause has its
// text-only labels, and their match pattern runs there, after the context
// checks that most clauses fail.
#ifndef FINEPRINT_CORE_CLASSIFIER_H_
#define FINEPRINT_CORE_CLASSIFIER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/document.h"
#include "core/expected.h"
#include "core/rule_pack.h"
#include "core/segmenter.h"

namespace fineprint {

// One label on one clause, with the rule that gave it.
struct LabelMatch {
  std::string label;       // taxonomy id
  const Rule* rule = nullptr;        // owned by the Classifier
  const LabelInfo* info = nullptr;   // owned by the Classifier
  // Byte span, inside the clause text, of what the rule's match pattern saw.
  uint32_t evidence_start = 0;
  uint32_t evidence_end = 0;
};

// A hyperlink in a clause, as slots of kind "link" see it: its visible text
// and its target (Link).
struct ClauseLink {
  std::string_view text;
  std::string_view target;
};

// A value a slot rule pulled out of a clause.
struct SlotValue {
  std::string name;   // the slot rule's name, e.g. "opt_out_where"
  std::string value;  // the captured text, e.g. "Settings and privacy > Grok"
  // For kind "duration": the length in days (0 for "immediately"), or -1
  // when the text could not be normalised.
  double days = -1;
};

// Where a clause sits, as the context rules see it. Filled by
// ClassifyClauses; exposed so callers (findings, tests) reuse one definition.
struct ClauseSituation {
  bool heading_like = false;  // a heading, or a short title-like line
  int heading = -1;           // index of the clause heading its section
  int lead_in = -1;           // index of the "...:" clause this is an item of
  // For a table cell, the first clause of its column's header cell.
  int column_header = -1;
};

class Classifier {
 public:
  // Checks every pattern of the pack and builds the prefilter; patterns are
  // compiled on first use (thread-safe). Fails, naming the rule and RE2's
  // error, on a pattern that does not parse. A pattern that parses but is
  // too large for RE2's memory budget (only huge counted repetitions are)
  // is not caught here: it then matches nothing.
  static Expected<std::unique_ptr<Classifier>> Create(RulePack pack);

  // Start-up work done ahead of time. Create parses every pattern, for its
  // check and for the match patterns' prefilter; that is most of start-up,
  // and the extension pays start-up each time its WASM engine starts.
  // Prepare does that work once (the build runs it on the built-in pack:
  // tools/prepare_rules.cc), and the JSON parse too: it writes the parsed
  // pack as a record (RulePackToRecord), the prefilters (of the match
  // patterns, and every pattern's gate) as text, and the candidate filter
  // and atom automaton built from them as bytes, all tied to the exact JSON
  // text it read; it fails as ParseRulePack or Create would.
  static Expected<std::string> Prepare(std::string_view rules_json);

  // The classifier ParseRulePack(rules_json) and Create would give, read
  // from `prepared` (Prepare's output for the same JSON text): the pack
  // from its record, the prefilters and gates instead of parsing any
  // pattern, and the filter and automaton unless they do not check out
  // (they are then built from the prefilters).
  // A `prepared` made from other text, malformed, or empty, or whose pack
  // record is damaged, is ignored: the JSON is then parsed and every
  // pattern checked as in Create. (The pack record and the filter carry a
  // fingerprint of their bytes and the automaton one of the atoms it was
  // built for; a gate line changed into another well-formed one is used as
  // read.)
  static Expected<std::unique_ptr<Classifier>> CreateFromJson(std::string_view rules_json,
                                                              std::string_view prepared);

  // The classifier every product path uses: for "" the built-in pack, with
  // its build-time preparation; otherwise `rules_json`, checked in full.
  static Expected<std::unique_ptr<Classifier>> Load(std::string_view rules_json);
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // The labels of one clause's plain text, at most one LabelMatch per label
  // (the first rule in pack order wins), sorted by label id. Context rules
  // never apply here: a lone clause has no surroundings.
  std::vector<LabelMatch> Classify(std::string_view clause_text) const;

  // The labels of every clause of `document` (spans as SegmentDocument gives
  // them, in document order), context rules included; parallel to `spans`.
  // Heading-like clauses get no labels. *situations, when not null, receives
  // each clause's ClauseSituation.
  std::vector<std::vector<LabelMatch>> ClassifyClauses(
      const Document& document, const std::vector<ClauseSpan>& spans,
      std::vector<ClauseSituation>* situations = nullptr) const;

  // The slot values of a clause that carries `labels`, in slot-rule order;
  // one value per slot name at most. `links` are the hyperlinks whose text
  // lies in the clause, in order, for slots of kind "link".
  std::vector<SlotValue> ExtractSlots(std::string_view clause_text, const std::vector<LabelMatch>& labels,
                                      const std::vector<ClauseLink>& links = {}) const;

  // True when `text` matches the pattern compiled for finding `index`'s
  // field ("trigger", "companion", "anywhere"); an empty pattern matches.
  bool FindingMatches(size_t index, const char* field, std::string_view text) const;

  // How many programs have been compiled so far: of the pack's distinct
  // patterns, of the alternatives a long pattern is first answered by
  // (core/alternatives.h), and of the unions of a rule's excludes. A pattern is compiled the first time a clause
  // needs it and holds the literals its prefilter asks for; this tells
  // tests and benchmarks how much of that start-up work a page took.
  size_t CompiledPatternCount() const;

  // Compiles whole up to `max_patterns` of the patterns that texts have so
  // far reached only through their alternatives, and returns how many such
  // patterns are left. A fresh engine answers a long alternation with the
  // alternatives a page's clauses can match, which is cheap to compile but
  // slower to run than one program for the whole; this is for the idle
  // time after a first page, so that the next one runs as fast as a
  // long-lived engine does. (A rule's excludes, answered one by one until
  // their union is compiled, are left to their uses: see SetUnionOf in
  // classifier.cc.) Results never change. Thread-safe.
  size_t CompileDeferredPatterns(size_t max_patterns) const;

  const RulePack& pack() const { return pack_; }

 private:
  struct Compiled;
  struct Prefilters;  // per rule, its match pattern's prefilter; per pattern, its gate
  explicit Classifier(RulePack pack);
  // The value of slot rule `index` in `clause_text` (ExtractSlots): its
  // pattern's first capture, or for a duration slot the first capture that
  // is a length of time rather than an age. False when there is none.
  bool CaptureSlot(size_t index, std::string_view clause_text, std::string_view* captured) const;
  // Create's work. With `prepared`, patterns are taken as checked and the
  // prefilters and gates as given (both are moved out of it), and Build
  // fails only if it does not hold a gate per pattern. Otherwise each
  // pattern is parsed, and *trees_out (when not null) receives the
  // prefilters and gates found.
  static Expected<std::unique_ptr<Classifier>> Build(RulePack pack, Prefilters* prepared, Prefilters* trees_out);
  // Text-only labels of one clause from its candidate rules; context rules
  // are skipped and their indices appended to *context_candidates.
  // `heading` is the text of the clause's section heading ("" when none).
  std::vector<LabelMatch> Decide(std::string_view text, const std::vector<int>& candidates,
                                 std::vector<int>* context_candidates,
                                 std::string_view heading = {}) const;
  // Runs rule `index`'s match pattern over `text`; on a match fills *match
  // (label, rule, evidence span) and returns true.
  bool MatchRule(int index, std::string_view text, LabelMatch* match) const;
  RulePack pack_;
  std::unique_ptr<Compiled> compiled_;
};

// Prepare's output for the built-in rule pack (BuiltinRulePackJson), made by
// the build; pass both to Classifier::CreateFromJson.
std::string_view BuiltinPreparedRulePack();

}  // namespace fineprint

#endif  // FINEPRINT_CORE_CLASSIFIER_H_
