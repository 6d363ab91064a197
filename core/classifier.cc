#include "core/classifier.h"

#include <re2/prefilter.h>
#include <re2/re2.h>
#include <re2/regexp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include "core/alternatives.h"
#include "core/durations.h"
#include "core/little_endian.h"
#include "core/normalize.h"
#include "core/out_of_line.h"

namespace fineprint {
namespace {

RE2::Options PatternOptions() {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  return options;
}

// Rules, guards, headings and findings only ask "does it match, and where":
// no capture instructions, a smaller program to build and run. Slots keep
// their capture groups.
RE2::Options NoCaptureOptions() {
  RE2::Options options = PatternOptions();
  options.set_never_capture(true);
  return options;
}

// A memory budget too small for any program: RE2 then parses the pattern
// (reporting syntax errors exactly as a full compile would), keeps the parsed
// regexp for the prefilter, and stops with ErrorPatternTooLarge before
// building a program. Two thirds of it go to the forward program, which
// leaves room for no instruction at all.
constexpr int64_t kParseOnlyMemory = 3;

// Patterns of fewer alternatives are compiled whole from the start
// (LazyPattern::SetAlternatives): splitting them saves little.
constexpr size_t kMinAlternatives = 3;

// The pattern with the letters it matches literally lower-cased (outside
// escapes, inside classes too), for a case-sensitive program that runs on
// ASCII-lower-cased text; "" when the pattern sets its own flags ("(?i)",
// "(?-i:...)"), names letters by code or class (\x4B, \113, \p{Lu},
// [[:upper:]]) or has a class range from an upper-case letter to a
// non-letter: those keep RE2's case folding.
std::string LowerCaseLiterals(std::string_view pattern) {
  // Only letters change, each in its place: the pattern is copied whole and
  // lowered in place (a fresh engine runs this in WebAssembly's baseline
  // tier for every pattern it compiles, where appending character by
  // character was a call per character).
  auto lower = [](char& c) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  };
  std::string out(pattern);
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      const char next = pattern[i + 1];
      // Escapes that name letters by code or property (\x4B, \113, \pL,
      // \p{Lu}) cannot be lower-cased by hand.
      if (next == 'x' || next == 'p' || next == 'P' || (next >= '0' && next <= '7')) return "";
      ++i;
      if (next == 'Q') {  // \Q...\E: literal text
        for (++i; i < pattern.size() && pattern.compare(i, 2, "\\E") != 0; ++i) lower(out[i]);
        ++i;
      }
      continue;
    }
    if (in_class) {
      if (c == '[' && i + 1 < pattern.size() && pattern[i + 1] == ':') return "";  // [:upper:]
      if (c == ']') in_class = false;
      // A range from an upper-case letter to anything else ("[Z-a]") would
      // change meaning, or turn inside out, once lower-cased.
      if (c == '-' && i + 1 < pattern.size() && pattern[i + 1] != ']') {
        auto upper = [](char x) { return x >= 'A' && x <= 'Z'; };
        if (upper(pattern[i - 1]) != upper(pattern[i + 1])) return "";
      }
      lower(out[i]);
      continue;
    }
    if (c == '[') {
      in_class = true;
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') ++i;
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') ++i;  // a literal ']'
      continue;
    }
    if (c == '(' && i + 1 < pattern.size() && pattern[i + 1] == '?') {
      if (i + 2 < pattern.size() && pattern[i + 2] != ':') return "";  // flags or a name
      ++i;
      continue;
    }
    lower(out[i]);
  }
  return out;
}

bool HasLetterFoldedOntoAscii(std::string_view text);

// `text` with its ASCII letters lower-cased, from a per-thread cache of the
// last two texts: a clause's text (and its section heading) is matched
// against several patterns in a row, so each is lowered once for all of
// them. The view stays valid until the second call after this one.
std::string_view LowerCasedText(std::string_view text) {
  struct Entry {
    std::string source, lowered;
  };
  thread_local Entry entries[2];
  thread_local int next = 0;
  for (const Entry& entry : entries) {
    // memcmp is undefined on a null pointer, which an empty view may hold.
    if (entry.source.size() == text.size() &&
        (text.empty() || std::memcmp(entry.source.data(), text.data(), text.size()) == 0)) {
      return entry.lowered;
    }
  }
  Entry& entry = entries[next];
  next ^= 1;
  entry.source.assign(text.data(), text.size());
  entry.lowered = entry.source;
  for (char& c : entry.lowered) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return entry.lowered;
}

struct PrefilterTree;
// Whether `lowered` (text ASCII-lower-cased) holds what `gate` asks for:
// false proves that the gate's pattern cannot match the text, unless the
// text holds a letter RE2 folds onto ASCII (HasLetterFoldedOntoAscii; see
// LazyPattern::SetGate).
bool GateAllows(const PrefilterTree& gate, std::string_view lowered);

// A pattern of the pack: parsed (checked) when the pack is loaded, compiled
// the first time a clause needs it. Most of a pack's patterns are never
// needed on a given page (a rule's guards run only where its match pattern
// matched), and compiling them all was most of the start-up cost, which the
// extension pays every time its WASM engine starts.
//
// Patterns match case-insensitively. RE2's own case folding is Unicode-wide:
// it turns every letter into a class, adds the three-byte KELVIN SIGN to
// every k and the two-byte LONG S to every s, and folds each rune while
// parsing; on a fresh engine's first analysis of X's privacy policy that
// was about a third of the work (natively counted). So a pattern is
// compiled case-sensitively with its literal letters lower-cased and runs
// on ASCII-lower-cased text (same byte offsets); only non-ASCII letters
// lose their case pairs, which no English rule relies on. A pattern that
// sets its own flags keeps RE2's folding.
class LazyPattern {
 public:
  // `folds_like` (null: none) is the pattern this one is an alternative of
  // (SetAlternatives); it must outlive this one.
  LazyPattern(std::string pattern, RE2::Options options, const LazyPattern* folds_like = nullptr)
      : pattern_(std::move(pattern)), options_(std::move(options)), folds_like_(folds_like) {}

  // The compiled pattern; thread-safe. A pattern that parsed but whose
  // program exceeds RE2's memory budget (only huge counted repetitions do)
  // yields an RE2 that is not ok(): Matches and FindSpan then ask the
  // pattern's alternatives when it has some, and it matches nothing when it
  // has none.
  const RE2& re() const {
    std::call_once(once_, [this] {
      std::string joined;
      const std::string& pattern = union_ ? (joined = JoinedParts()) : pattern_;
      std::string lowered = LowerCaseLiterals(pattern);
      // An alternative matches as it does inside its whole pattern: with
      // RE2's Unicode folding when the whole keeps it ("kelvin|\x41bc"
      // finds KELVIN SIGN, "kelvin" alone would be lowered and not).
      if (folds_like_ != nullptr && folds_like_->KeepsUnicodeFolding()) lowered.clear();
      runs_on_lowered_text_ = !lowered.empty();
      if (runs_on_lowered_text_) {
        RE2::Options options = options_;
        options.set_case_sensitive(true);
        re_ = std::make_unique<RE2>(lowered, options);
      } else {
        re_ = std::make_unique<RE2>(pattern, options_);
      }
      compiled_.store(true, std::memory_order_release);
    });
    return *re_;
  }

  // Until the pattern is compiled, a text that lacks the literals `gate`
  // asks for (the pattern's prefilter: Classifier::Build; GateAllows) is
  // answered "no match" without compiling it.
  // Compiling was most of a fresh engine's first analysis, and most
  // patterns the first page reached never matched there, excludes above
  // all; with the gates a fresh engine compiles about half as many on X's
  // privacy policy (CompiledPatternCount; the README's callgrind command
  // shows the instructions). Once compiled, the gate is no longer asked
  // (see RuledOut for when the gate gives way). `gate` (null: none) must
  // outlive the pattern.
  void SetGate(const PrefilterTree* gate) { gate_ = gate; }

  // Until the pattern is compiled, and for its first kMaxUsesByAlternatives
  // texts its gate lets through, Matches and FindSpan ask `alternatives`
  // (the pattern's AlternativesOf, each a LazyPattern with a gate of its
  // own, made with this pattern as `folds_like`) instead: a fresh engine
  // then compiles only the alternatives whose literals a page holds. On
  // X's privacy policy that cuts RE2's compiling from 74M to 41M of a
  // fresh `analyze`'s instructions (the README's callgrind command). A
  // pattern many texts reach is then compiled whole, so a long-lived engine
  // runs one program per pattern, as fast as before. The alternatives must
  // outlive the pattern. Capture ignores them.
  void SetAlternatives(std::vector<const LazyPattern*> alternatives) { alternatives_ = std::move(alternatives); }

  // As SetAlternatives, for a pattern made (with an empty text) as the
  // alternation of `parts`, patterns in their own right (not made with this
  // one as `folds_like`). The alternation's text is joined when it is
  // compiled, not at load, where most unions are never compiled.
  // When one program cannot answer exactly as the parts do, the parts go on
  // answering and the alternation is never compiled (PartsStayApart): each
  // part folds case its own way (KeepsUnicodeFolding), and a "\Q" quotes up
  // to its "\E" or the pattern's end, so joined it could swallow the next
  // part. Only Matches is asked of a union (FindSpan and Capture do not
  // check PartsStayApart).
  //
  // A union is compiled only after kMaxUsesByParts uses, never in idle
  // time (CompileDeferredPatterns walks `patterns` only): a freshly
  // compiled program has no DFA states yet, and building them for a union
  // on a fresh engine's second page cost more than the union saved there
  // (natively, the second X page's classify went from 33.6M to 43.6M
  // instructions, Meta's from 93.7M to 108.8M), while the parts' states
  // were built on the first. An engine that lives for many pages (the
  // CLI's batch runs, the bench) compiles it; the extension's, whose
  // engine Chrome stops after 30 idle seconds, seldom does.
  void SetUnionOf(std::vector<const LazyPattern*> parts) {
    alternatives_ = std::move(parts);
    union_ = true;
  }

  // Whether the pattern is not compiled and its alternatives answered for
  // it at least once (Classifier::CompileDeferredPatterns). That includes
  // patterns whose alternatives' gates ruled out every text they met: left
  // to their alternatives, such a pattern would check each alternative's
  // literals on every text of the next pages (16 times over), which costs a
  // warm Meta analysis more than compiling it in idle time. (Unions are
  // not among the patterns that step walks: SetUnionOf says why.)
  bool AnsweredByAlternatives() const {
    return !alternatives_.empty() && !compiled() && uses_by_alternatives_.load(std::memory_order_relaxed) > 0;
  }

  // Whether re() has compiled the pattern.
  bool compiled() const { return compiled_.load(std::memory_order_acquire); }

  // Whether the pattern is compiled with RE2's own (Unicode) case folding:
  // see LowerCaseLiterals. Worked out once: every alternative of the
  // pattern asks as it is compiled.
  bool KeepsUnicodeFolding() const {
    int8_t keeps = keeps_folding_.load(std::memory_order_relaxed);
    if (keeps < 0) {
      // A union's parts each start and end outside any class or group, so
      // lowering their alternation fails exactly when lowering one does.
      const bool folds = union_ ? std::any_of(alternatives_.begin(), alternatives_.end(),
                                              [](const LazyPattern* part) { return part->KeepsUnicodeFolding(); })
                                : LowerCaseLiterals(pattern_).empty();
      keeps = folds ? 1 : 0;
      keeps_folding_.store(keeps, std::memory_order_relaxed);  // the same answer on every thread
    }
    return keeps == 1;
  }

  // Whether `text` matches anywhere; thread-safe.
  bool Matches(std::string_view text) const {
    if (RuledOut(text)) return false;
    if (TakeUseByAlternatives() || PartsStayApart()) return AnyAlternativeMatches(text);
    const RE2& compiled = re();
    // Too large to compile whole (RE2's memory budget): its alternatives
    // still answer.
    if (!compiled.ok() && !alternatives_.empty()) return AnyAlternativeMatches(text);
    return RE2::PartialMatch(runs_on_lowered_text_ ? LowerCasedText(text) : text, compiled);
  }

  // The text of the pattern's first capture group in its leftmost match
  // starting at or after byte `from` of `text` (a view into `text`; the text
  // before `from` still gives \b and ^ their context, and the clause is
  // lower-cased once, not once per call on what is left); false when nothing
  // matches. Thread-safe.
  bool CaptureFrom(std::string_view text, size_t from, std::string_view* captured) const {
    if (RuledOut(text)) return false;
    const RE2& compiled = re();
    if (compiled.NumberOfCapturingGroups() < 1) return false;
    const std::string_view searched = runs_on_lowered_text_ ? LowerCasedText(text) : text;
    absl::string_view groups[2];
    if (!compiled.Match(searched, from, searched.size(), RE2::UNANCHORED, groups, 2)) return false;
    *captured = groups[1].data() == nullptr ? std::string_view()
                                            : text.substr(groups[1].data() - searched.data(), groups[1].size());
    return true;
  }

  // The span RE2 gives for the leftmost match in `text` (its leftmost
  // start, and the end its first-match rules choose from there), as a view
  // into `text`; false when nothing matches. Thread-safe.
  //
  // RE2 finds the start by running the pattern backwards from the end,
  // with a second, reversed program: compiling those was an eighth of a
  // fresh engine's first analysis (X's privacy policy, natively counted).
  // So at first the start is found without it: it is the leftmost position
  // where an anchored search (forward program) matches, which gives that
  // same span. That costs a search per position before the match, more
  // than RE2's way once its program is built, so a pattern goes RE2's way
  // after kMaxScans matches or kScanBudget positions: a long-lived engine
  // runs as fast as before (on Meta's policy, from its 9th analysis on),
  // and a fresh engine's first page compiles few reverse programs.
  bool FindSpan(std::string_view text, std::string_view* span) const {
    if (RuledOut(text)) return false;
    if (TakeUseByAlternatives()) return AlternativesFindSpan(text, span);
    const RE2& compiled = re();
    if (!compiled.ok() && !alternatives_.empty()) return AlternativesFindSpan(text, span);
    const std::string_view searched = runs_on_lowered_text_ ? LowerCasedText(text) : text;
    if (!FindSpanIn(compiled, searched, span)) return false;
    *span = text.substr(span->data() - searched.data(), span->size());
    return true;
  }

 private:
  // A union's text: "(?:part)|(?:part)|...".
  std::string JoinedParts() const {
    std::string joined;
    for (const LazyPattern* part : alternatives_) {
      if (!joined.empty()) joined += '|';
      joined.append("(?:").append(part->pattern_).append(")");
    }
    return joined;
  }

  // Whether this is a union (SetUnionOf) that one program cannot stand for.
  // Asked after the uses by alternatives, just before compiling (the parts
  // have worked out their folding as they were compiled).
  bool PartsStayApart() const {
    return union_ && (KeepsUnicodeFolding() ||
                      std::any_of(alternatives_.begin(), alternatives_.end(), [](const LazyPattern* part) {
                        return part->pattern_.find("\\Q") != std::string::npos;
                      }));
  }

  bool AnyAlternativeMatches(std::string_view text) const {
    return std::any_of(alternatives_.begin(), alternatives_.end(),
                       [&](const LazyPattern* alternative) { return alternative->Matches(text); });
  }

  // FindSpan through the alternatives: the leftmost start wins, the earlier
  // alternative at a tie (RE2's leftmost-first rule over the whole
  // alternation, AlternativesOf).
  bool AlternativesFindSpan(std::string_view text, std::string_view* span) const {
    bool found = false;
    for (const LazyPattern* alternative : alternatives_) {
      std::string_view candidate;
      if (!alternative->FindSpan(text, &candidate)) continue;
      if (!found || candidate.data() < span->data()) *span = candidate;
      found = true;
    }
    return found;
  }

  // Whether this use goes to the alternatives (SetAlternatives), counting
  // it; a lost increment between threads does no harm.
  bool TakeUseByAlternatives() const {
    if (alternatives_.empty() || compiled()) return false;
    const uint32_t uses = uses_by_alternatives_.load(std::memory_order_relaxed);
    if (uses >= (union_ ? kMaxUsesByParts : kMaxUsesByAlternatives)) return false;
    uses_by_alternatives_.store(uses + 1, std::memory_order_relaxed);
    return true;
  }

  // True when the gate proves that `text` cannot match, asked only while
  // the pattern is not compiled. The gate's atoms are lower-case ASCII, so
  // they are sought in the ASCII-lower-cased text; KELVIN SIGN and LONG S,
  // which RE2's Unicode folding and lower-casing map onto ASCII letters,
  // are not in it, so a text holding them is never ruled out.
  //
  // A pattern ruled out kMaxRuleOuts times is one many clauses reach, and
  // it is then compiled: on a long-lived engine RE2's DFA, its states
  // built, answers such a pattern faster than the gate, which searches the
  // text once per literal. (Measured with the README's warm-classify
  // callgrind command, with kMaxRuleOuts changed: asked forever, the gates
  // cost a warm classify of Meta's policy more than giving way does; and
  // the patterns column of fineprint_bench_classify shows a fresh engine's
  // first X page compiling no more patterns with 64 than with no limit.)
  bool RuledOut(std::string_view text) const {
    if (gate_ == nullptr || compiled()) return false;
    if (rule_outs_.load(std::memory_order_relaxed) >= kMaxRuleOuts) return false;
    // The letters folded onto ASCII are looked for only when the gate
    // would rule the text out: at most kMaxRuleOuts times a pattern, not
    // for every clause a compiled pattern runs on.
    if (GateAllows(*gate_, LowerCasedText(text)) || HasLetterFoldedOntoAscii(text)) return false;
    // A heuristic count: a lost increment between threads does no harm.
    rule_outs_.store(rule_outs_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    return true;
  }

  bool FindSpanIn(const RE2& compiled, std::string_view text, std::string_view* span) const {
    if (scans_.load(std::memory_order_relaxed) >= kMaxScans ||
        positions_scanned_.load(std::memory_order_relaxed) >= kScanBudget) {
      return compiled.Match(text, 0, text.size(), RE2::UNANCHORED, span, 1);
    }
    if (!compiled.Match(text, 0, text.size(), RE2::UNANCHORED, nullptr, 0)) return false;
    scans_.fetch_add(1, std::memory_order_relaxed);
    // One long clause must not scan past the budget either: each anchored
    // search may run to the clause's end.
    const uint32_t room = kScanBudget - std::min(kScanBudget, positions_scanned_.load(std::memory_order_relaxed));
    for (size_t start = 0; start <= text.size() && start < room; ++start) {
      if (compiled.Match(text, start, text.size(), RE2::ANCHOR_START, span, 1)) {
        positions_scanned_.fetch_add(static_cast<uint32_t>(start + 1), std::memory_order_relaxed);
        return true;
      }
    }
    positions_scanned_.fetch_add(room, std::memory_order_relaxed);
    return compiled.Match(text, 0, text.size(), RE2::UNANCHORED, span, 1);
  }

  static constexpr uint32_t kMaxScans = 8;
  static constexpr uint32_t kMaxRuleOuts = 64;
  static constexpr uint32_t kScanBudget = 2048;
  static constexpr uint32_t kMaxUsesByAlternatives = 16;
  static constexpr uint32_t kMaxUsesByParts = 128;
  const std::string pattern_;
  const RE2::Options options_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<RE2> re_;
  mutable bool runs_on_lowered_text_ = false;  // set once, in re()
  mutable std::atomic<bool> compiled_{false};
  mutable std::atomic<uint32_t> rule_outs_{0};  // texts the gate ruled out
  const PrefilterTree* gate_ = nullptr;
  mutable std::atomic<uint32_t> scans_{0};
  mutable std::atomic<uint32_t> positions_scanned_{0};
  const LazyPattern* const folds_like_;            // see the constructor
  std::vector<const LazyPattern*> alternatives_;  // see SetAlternatives
  bool union_ = false;                            // see SetUnionOf
  mutable std::atomic<int8_t> keeps_folding_{-1};  // KeepsUnicodeFolding; -1: not worked out
  mutable std::atomic<uint32_t> uses_by_alternatives_{0};  // TakeUseByAlternatives
};

bool PartialMatch(std::string_view text, const LazyPattern& pattern) { return pattern.Matches(text); }

// Whether `text` holds KELVIN SIGN or LONG S, the letters RE2's Unicode case
// folding maps onto ASCII ones. Looked for by their lead byte (memchr) in
// every clause, so cheaply.
bool HasLetterFoldedOntoAscii(std::string_view text) {
  for (const std::string_view letter : {std::string_view("\xE2\x84\xAA"), std::string_view("\xC5\xBF")}) {
    for (size_t at = text.find(letter[0]); at != std::string_view::npos; at = text.find(letter[0], at + 1)) {
      if (text.substr(at, letter.size()) == letter) return true;
    }
  }
  return false;
}

// A plain-text line this short with no closing punctuation reads as a title
// ("4. How Long We Keep Information"), not as a sentence that commits to
// anything. Real sentences that short and unpunctuated are list items, which
// the lead-in check below keeps.
constexpr size_t kMaxHeadingBytes = 100;
// Prefilter atoms shorter than this count as present in every clause.
constexpr size_t kMinAtomLength = 3;
// The atom automaton (AtomMatcher) takes one table load per byte of text,
// each waiting for the one before: that latency is a large part of the warm
// classify, so the table must stay small enough for the CPU's caches. Its
// rows are a power of two wide, so 32 columns (31 distinct bytes and "any
// other byte") and not one more: the 94-rule pack's atoms used 32 bytes (a
// ":" more than the 67-rule pack's), which doubled the table to 1.7 MB.
// The atoms' rarest bytes then split them, as non-ASCII bytes do; and a
// long atom stands for its first kMaxAtomLength bytes, which are as
// telling and need far fewer automaton states. Either way an atom only
// gets shorter: a clause containing the original contains what is left, so
// the prefilter may pass more rules, never fewer.
constexpr int kMaxAtomBytes = 31;
constexpr size_t kMaxAtomLength = 16;

// A header cell longer than this is content, not a column header (pages
// that lay paragraphs out in tables).
constexpr size_t kMaxHeaderCellBytes = 150;

// How many blocks after a "...:" lead-in count as its items when the reader
// could not mark list items (plain text). Real lists are rarely longer.
constexpr uint32_t kMaxPlainListItems = 12;

bool HasLabel(const std::vector<LabelMatch>& labels, const std::string& id) {
  return std::any_of(labels.begin(), labels.end(),
                     [&](const LabelMatch& m) { return m.label == id; });
}

bool HasAnyLabel(const std::vector<LabelMatch>& labels, const std::vector<std::string>& ids) {
  return std::any_of(ids.begin(), ids.end(), [&](const std::string& id) { return HasLabel(labels, id); });
}

// Orders one clause's labels by taxonomy id (each id once per clause).
// A clause has a handful of labels at most: an insertion sort is small code,
// where std::sort's cases for short ranges, each moving strings, came to
// 3.4 KB that V8 recompiled during a fresh engine's first page
// (core/out_of_line.h).
void SortByLabel(std::vector<LabelMatch>* labels) {
  for (size_t i = 1; i < labels->size(); ++i) {
    for (size_t k = i; k > 0 && (*labels)[k].label < (*labels)[k - 1].label; --k) {
      std::swap((*labels)[k], (*labels)[k - 1]);
    }
  }
}

// A list item that runs on for more than one sentence still starts as a
// fragment continuing its lead-in ("To comply with a law. Including ...").
bool StartsLikeListFragment(std::string_view text) {
  if (text.empty()) return false;
  if (text[0] >= 'a' && text[0] <= 'z') return true;
  for (std::string_view start : {"To ", "In connection ", "For the purpose", "Where "}) {
    if (text.substr(0, start.size()) == start) return true;
  }
  return false;
}

bool EndsWithColon(std::string_view text) { return !text.empty() && text.back() == ':'; }

// "4. How Long We Keep Information", "1.2 Information we collect": a
// numbered section title, a heading even where a list could be running.
bool LooksLikeNumberedTitle(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
  return i > 0 && i < text.size() && text[i] == ' ' && text[0] != '.';
}

bool LooksLikeTitle(std::string_view text) {
  if (text.empty() || text.size() > kMaxHeadingBytes) return false;
  const unsigned char last = static_cast<unsigned char>(text.back());
  if (last == '.' || last == ':' || last == ';' || last == '!' || last == '?' || last == ',' ||
      last == '"' || last == ')') {
    return false;
  }
  // Closing quotes in UTF-8 (” ’) end sentences too.
  if (text.size() >= 3 && (text.substr(text.size() - 3) == "\xE2\x80\x9D" ||
                           text.substr(text.size() - 3) == "\xE2\x80\x99")) {
    return false;
  }
  return true;
}

// "27.11 Opt-Out.", "4. Your Choices.": a numbered section title closed by
// a period, on its own or running into the section's first sentence. A few
// words, each capitalised or a short joining word.
bool LooksLikeNumberedPeriodTitle(std::string_view text) {
  if (text.size() > 80 || text.empty() || text.back() != '.' || !LooksLikeNumberedTitle(text)) {
    return false;
  }
  size_t i = text.find(' ');
  int words = 0;
  while (i < text.size()) {
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size()) break;
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(i, end - i);
    ++words;
    const bool capital = word[0] >= 'A' && word[0] <= 'Z';
    bool joiner = false;
    for (std::string_view small : {"of", "and", "or", "the", "to", "for", "in", "on", "a", "an", "with",
                                   "your", "our", "by", "&"}) {
      if (word == small) joiner = true;
    }
    if (!capital && !joiner) return false;
    i = end;
  }
  return words >= 1 && words <= 6;
}

// Reads the decimal number at the front of *text into *value, at most
// `max_digits` digits of it (a bound, not an error: what follows is then
// left unread); false when there is no digit. Every number of a prepared
// form is read this way.
bool ReadDecimal(std::string_view* text, size_t max_digits, uint64_t* value) {
  size_t digits = 0;
  *value = 0;
  while (digits < text->size() && digits < max_digits && (*text)[digits] >= '0' && (*text)[digits] <= '9') {
    *value = *value * 10 + static_cast<uint64_t>((*text)[digits] - '0');
    ++digits;
  }
  text->remove_prefix(digits);
  return digits > 0;
}

// ReadDecimal, then `terminator`, which is consumed too.
bool ReadDecimalThen(std::string_view* text, size_t max_digits, char terminator, uint64_t* value) {
  if (!ReadDecimal(text, max_digits, value) || text->empty() || text->front() != terminator) return false;
  text->remove_prefix(1);
  return true;
}

// Aho-Corasick automaton over the prefilter's lower-cased literal atoms:
// one table walk per byte finds every atom a clause contains.
//
// The walk is most of the candidate pass, so its loop is kept to a table
// load per byte: ASCII case folding is in the byte -> column map, the table
// holds each next state's row offset (no multiply), and the states that
// report atoms are numbered last, so one comparison tells whether a state
// reports anything.
class AtomMatcher {
 public:
  // Builds the automaton for `atoms`; *written (when not null) receives
  // it as bytes for Read, tied to `atoms`: Classifier::Prepare stores them
  // with the built-in pack, so a new engine builds no automaton.
  // Out of line, as Read: see core/out_of_line.h.
  FINEPRINT_OUT_OF_LINE void Build(const std::vector<std::string>& atoms, std::string* written = nullptr) {
    if (written != nullptr) written->clear();
    std::array<uint8_t, 256> classes{};  // byte -> column (0: no atom has it)
    int next_class = 1;
    for (const std::string& atom : atoms) {
      for (unsigned char c : atom) {
        if (classes[c] == 0) classes[c] = static_cast<uint8_t>(next_class++);
      }
    }
    const int width = next_class;
    built_ = true;
    atom_count_ = atoms.size();
    shift_ = 0;
    while ((1 << shift_) < width) ++shift_;
    // The trie's size, counted first: one state per distinct prefix of the
    // (distinct) atoms, plus the root.
    std::vector<std::string_view> sorted(atoms.begin(), atoms.end());
    std::sort(sorted.begin(), sorted.end());
    size_t states = 1;
    for (size_t i = 0; i < sorted.size(); ++i) {
      size_t common = 0;
      if (i > 0) {
        while (common < sorted[i].size() && common < sorted[i - 1].size() &&
               sorted[i][common] == sorted[i - 1][common]) {
          ++common;
        }
      }
      states += sorted[i].size() - common;
    }
    if (states > 0x10000) {
      every_atom_ = true;  // Find reports every atom: slower, same candidates
      delta_.clear();
      return;
    }
    every_atom_ = false;
    // state * width + column -> state; while the trie is built, 0 (the root,
    // never a child) means "no edge".
    std::vector<uint16_t> delta(states * width, 0);
    std::vector<std::vector<int>> outputs(1);  // atoms ending at each state
    outputs.reserve(states);
    for (size_t id = 0; id < atoms.size(); ++id) {
      int state = 0;
      for (unsigned char c : atoms[id]) {
        uint16_t& next = delta[state * width + classes[c]];
        if (next == 0) {
          next = static_cast<uint16_t>(outputs.size());
          outputs.emplace_back();
        }
        state = next;
      }
      outputs[state].push_back(static_cast<int>(id));
    }
    // Breadth-first: failure links folded into a full transition table (the
    // root's missing edges already lead back to it).
    std::vector<int> fail(outputs.size(), 0);
    std::vector<int> queue;
    // For Write: each state's own atoms, and its trie edges (column, child).
    std::vector<uint32_t> own_atoms;
    std::vector<std::vector<std::pair<int, int>>> edges;
    if (written != nullptr) {
      edges.resize(states);
      for (size_t state = 0; state < states; ++state) own_atoms.push_back(static_cast<uint32_t>(outputs[state].size()));
      for (int k = 0; k < width; ++k) {
        if (delta[k] != 0) edges[0].emplace_back(k, delta[k]);
      }
      for (size_t state = 1; state < states; ++state) {
        for (int k = 0; k < width; ++k) {
          if (delta[state * width + k] != 0) edges[state].emplace_back(k, delta[state * width + k]);
        }
      }
    }
    for (int k = 0; k < width; ++k) {
      if (delta[k] != 0) queue.push_back(delta[k]);
    }
    for (size_t q = 0; q < queue.size(); ++q) {
      const int state = queue[q];
      const std::vector<int>& inherited = outputs[fail[state]];
      outputs[state].insert(outputs[state].end(), inherited.begin(), inherited.end());
      const uint16_t* fail_row = &delta[fail[state] * width];
      uint16_t* row = &delta[state * width];
      for (int k = 0; k < width; ++k) {
        if (row[k] == 0) {
          row[k] = fail_row[k];
        } else {
          fail[row[k]] = fail_row[k];
          queue.push_back(row[k]);
        }
      }
    }
    // Renumber: silent states first (the root among them: atoms are never
    // empty), reporting states after; each group breadth-first, so the
    // shallow states, where a walk spends most of its time, share cache
    // lines.
    std::vector<int> order;
    order.reserve(states);
    order.push_back(0);
    order.insert(order.end(), queue.begin(), queue.end());
    std::vector<uint32_t> renumbered(states);
    uint32_t next_id = 0;
    for (const int s : order) {
      if (outputs[s].empty()) renumbered[s] = next_id++;
    }
    first_reporting_ = next_id;
    output_offsets_.assign(1, 0);
    output_atoms_.clear();
    for (const int s : order) {
      if (outputs[s].empty()) continue;
      renumbered[s] = next_id++;
      output_atoms_.insert(output_atoms_.end(), outputs[s].begin(), outputs[s].end());
      output_offsets_.push_back(static_cast<uint32_t>(output_atoms_.size()));
    }
    reporting_states_ = static_cast<uint32_t>(states) - first_reporting_;
    for (int b = 0; b < 256; ++b) {
      const int lower = b >= 'A' && b <= 'Z' ? b - 'A' + 'a' : b;
      columns_[b] = classes[lower];
    }
    // 16-bit states in rows of a power of two: the table of a large pack
    // (about 10,000 states) stays small enough for the cache, each row one
    // cache line or less.
    delta_.assign(states << shift_, 0);
    for (size_t s = 0; s < states; ++s) {
      uint16_t* row = &delta_[static_cast<size_t>(renumbered[s]) << shift_];
      const uint16_t* old_row = &delta[s * width];
      for (int k = 0; k < width; ++k) row[k] = static_cast<uint16_t>(renumbered[old_row[k]]);
    }
    if (written == nullptr) return;
    // Breadth-first, per state: its number, its failure state's, its trie
    // edges and its own atoms. Read rebuilds each row as its failure
    // state's row with the state's own edges over it, and each reporting
    // state's atoms as its own then its failure state's, as above: a few
    // bytes per state where the full table is a row of 2-byte entries.
    std::string& out = *written;
    PutDecimal(AtomsFingerprint(atoms), &out);
    PutDecimal(atoms.size(), &out);
    PutDecimal(shift_, &out);
    PutDecimal(first_reporting_, &out);
    PutDecimal(reporting_states_, &out);
    PutDecimal(output_atoms_.size(), &out);
    out.append(reinterpret_cast<const char*>(columns_.data()), columns_.size());
    for (const int state : order) {
      PutBytes(renumbered[state], 2, &out);
      PutBytes(renumbered[fail[state]], 2, &out);
      PutBytes(edges[state].size(), 2, &out);
      for (const auto& [column, child] : edges[state]) {
        PutBytes(static_cast<uint32_t>(column), 1, &out);
        PutBytes(renumbered[child], 2, &out);
      }
      PutBytes(own_atoms[state], 4, &out);
      for (uint32_t k = 0; k < own_atoms[state]; ++k) PutBytes(static_cast<uint32_t>(outputs[state][k]), 4, &out);
    }
  }

  // The automaton Build wrote for this very `atoms` list; false, leaving
  // the matcher unbuilt, when `bytes` were written for other atoms or do not
  // describe a sound automaton (every state once, after its failure state;
  // every next state, column and reported atom in range), so damaged bytes
  // cannot make Find read out of bounds.
  //
  // Runs once per engine and walks every state (about 10,000), so it stays
  // out of its caller and each state is read by a function of its own
  // (ReadState): V8 then optimises that small step, not the caller whose
  // loop it would otherwise be (core/out_of_line.h).
  FINEPRINT_OUT_OF_LINE bool Read(std::string_view bytes, const std::vector<std::string>& atoms) {
    built_ = false;
    uint64_t fingerprint = 0, atom_count = 0, shift = 0, first_reporting = 0, reporting = 0, output_size = 0;
    for (uint64_t* number : {&fingerprint, &atom_count, &shift, &first_reporting, &reporting, &output_size}) {
      if (!ReadDecimalThen(&bytes, 20, ' ', number)) return false;
    }
    const uint64_t states = first_reporting + reporting;
    // Each state takes 10 bytes at least: its numbers and its atom count.
    if (fingerprint != AtomsFingerprint(atoms) || atom_count != atoms.size() || shift > 8 || states == 0 ||
        states > 0x10000 || output_size > (uint64_t{1} << 32) || bytes.size() < columns_.size() + 10 * states) {
      return false;
    }
    const uint32_t row_width = 1u << shift;
    for (size_t b = 0; b < columns_.size(); ++b) {
      if (static_cast<unsigned char>(bytes[b]) >= row_width) return false;
      columns_[b] = static_cast<uint8_t>(bytes[b]);
    }
    bytes.remove_prefix(columns_.size());
    delta_.assign(states << shift, 0);
    output_offsets_.assign(1, 0);
    output_atoms_.clear();
    std::vector<bool> done(states, false);
    const StateBounds bounds{states, first_reporting, atom_count, output_size, static_cast<uint32_t>(shift)};
    for (uint64_t n = 0; n < states; ++n) {
      if (!ReadState(bounds, n, &bytes, &done)) return false;
    }
    if (!bytes.empty() || output_atoms_.size() != output_size) return false;
    atom_count_ = atom_count;
    every_atom_ = false;
    shift_ = static_cast<uint32_t>(shift);
    first_reporting_ = static_cast<uint32_t>(first_reporting);
    reporting_states_ = static_cast<uint32_t>(reporting);
    built_ = true;
    return true;
  }

  // Calls on_atom(id) for the atoms found in `text`, matched as if ASCII
  // letters were lower-case; an atom found at several places may be
  // reported more than once.
  template <typename OnAtom>
  void Find(std::string_view text, OnAtom&& on_atom) const {
    if (!built_) return;
    if (every_atom_) {
      for (size_t id = 0; id < atom_count_; ++id) on_atom(static_cast<int>(id));
      return;
    }
    // Per reporting state: stamp of the call that last reported its atoms.
    // A byte each, as `present` in CandidatesFor: these arrays are read at
    // random between table loads that keep evicting them, so the smaller
    // they are the fewer cache misses (a reset every 255 calls is cheap).
    thread_local std::vector<uint8_t> seen_states;
    thread_local uint8_t call = 0;
    if (seen_states.size() < reporting_states_ || ++call == 0) {
      seen_states.assign(std::max<size_t>(seen_states.size(), reporting_states_), 0);
      call = 1;
    }
    // Locals: the stores below could alias members, which would then be
    // reloaded at every byte.
    uint8_t* const seen = seen_states.data();
    const uint8_t stamp = call;
    const uint16_t* const delta = delta_.data();
    const uint8_t* const columns = columns_.data();
    const uint32_t shift = shift_;
    const uint32_t first_reporting = first_reporting_;
    const uint32_t* const output_offsets = output_offsets_.data();
    const int* const output_atoms = output_atoms_.data();
    // The walk only notes the reporting states it passes, with no branch on
    // them and every value it needs in a register (reporting inside the
    // loop spilled them: a tenth of the candidate pass); their atoms are
    // reported after it.
    thread_local std::vector<uint16_t> passed;
    if (passed.size() < text.size()) passed.resize(text.size());
    uint16_t* const noted = passed.data();
    size_t count = 0;
    uint32_t state = 0;
    for (unsigned char c : text) {
      state = delta[(state << shift) + columns[c]];
      noted[count] = static_cast<uint16_t>(state);
      count += state >= first_reporting;
    }
    for (size_t n = 0; n < count; ++n) {
      const uint32_t reporting = noted[n] - first_reporting;
      if (seen[reporting] == stamp) continue;
      seen[reporting] = stamp;
      const uint32_t end = output_offsets[reporting + 1];
      for (uint32_t k = output_offsets[reporting]; k < end; ++k) on_atom(output_atoms[k]);
    }
  }

 private:
  // The header numbers Read checked, for ReadState.
  struct StateBounds {
    uint64_t states;
    uint64_t first_reporting;
    uint64_t atom_count;
    uint64_t output_size;
    uint32_t shift;
  };

  // Reads the n-th state record, in the order Build wrote them (each after
  // its failure state), from the front of *bytes into its row of delta_
  // and, when it reports atoms, into output_atoms_; false when it breaks a
  // rule Read states.
  FINEPRINT_OUT_OF_LINE bool ReadState(const StateBounds& bounds, uint64_t n, std::string_view* bytes,
                                       std::vector<bool>* done) {
    const uint32_t row_width = 1u << bounds.shift;
    uint32_t state = 0, fail = 0, edge_count = 0, own = 0;
    if (!TakeBytes(bytes, 2, &state) || !TakeBytes(bytes, 2, &fail) || !TakeBytes(bytes, 2, &edge_count) ||
        state >= bounds.states || (*done)[state] || (n == 0) != (state == 0) || fail >= bounds.states ||
        (n > 0 && !(*done)[fail])) {
      return false;
    }
    uint16_t* row = &delta_[static_cast<size_t>(state) << bounds.shift];
    if (n > 0) std::copy_n(&delta_[static_cast<size_t>(fail) << bounds.shift], row_width, row);
    for (uint32_t k = 0; k < edge_count; ++k) {
      uint32_t column = 0, child = 0;
      if (!TakeBytes(bytes, 1, &column) || !TakeBytes(bytes, 2, &child) || column >= row_width ||
          child >= bounds.states) {
        return false;
      }
      row[column] = static_cast<uint16_t>(child);
    }
    if (!TakeBytes(bytes, 4, &own)) return false;
    const size_t first = output_atoms_.size();
    for (uint32_t k = 0; k < own; ++k) {
      uint32_t atom = 0;
      if (!TakeBytes(bytes, 4, &atom) || atom >= bounds.atom_count) return false;
      output_atoms_.push_back(static_cast<int>(atom));
    }
    if (n > 0 && fail >= bounds.first_reporting) {
      const uint32_t inherited = fail - static_cast<uint32_t>(bounds.first_reporting);
      for (uint32_t k = output_offsets_[inherited]; k < output_offsets_[inherited + 1]; ++k) {
        const int atom = output_atoms_[k];
        output_atoms_.push_back(atom);
      }
    }
    // Reporting states are numbered in this same order, after the others.
    const bool reports = output_atoms_.size() > first;
    if (reports != (state >= bounds.first_reporting) ||
        (reports && state - bounds.first_reporting != output_offsets_.size() - 1) ||
        output_atoms_.size() > bounds.output_size) {
      return false;
    }
    if (reports) output_offsets_.push_back(static_cast<uint32_t>(output_atoms_.size()));
    (*done)[state] = true;
    return true;
  }

  // The written automaton's header numbers: decimal digits and a space.
  static void PutDecimal(uint64_t value, std::string* out) { *out += std::to_string(value) + ' '; }
  // WordFingerprint64 of the atoms, each closed by a NUL (atoms are ASCII text).
  static uint64_t AtomsFingerprint(const std::vector<std::string>& atoms) {
    std::string joined;
    for (const std::string& atom : atoms) (joined += atom) += '\0';
    return WordFingerprint64(joined);
  }

  bool built_ = false;
  bool every_atom_ = false;             // too many states for 16 bits
  size_t atom_count_ = 0;
  std::array<uint8_t, 256> columns_{};  // byte (ASCII letters folded) -> column
  uint32_t shift_ = 0;                  // a row is 1 << shift_ columns wide
  std::vector<uint16_t> delta_;         // (state << shift_) + column -> next state
  uint32_t first_reporting_ = 0;        // states from here on report atoms
  uint32_t reporting_states_ = 0;
  // Reporting state r's atoms: output_atoms_[output_offsets_[r], output_offsets_[r + 1]).
  std::vector<uint32_t> output_offsets_;
  std::vector<int> output_atoms_;
};

// A rule's prefilter (re2::Prefilter's AND/OR tree over atoms), as plain
// data: made from RE2's parse when a pack loads, or read back from the text
// Classifier::Prepare wrote at build time, so both paths flatten the very
// same tree.
struct PrefilterTree {
  re2::Prefilter::Op op = re2::Prefilter::ALL;
  std::string atom;                 // ATOM only
  std::vector<PrefilterTree> subs;  // AND and OR only
};

PrefilterTree TreeOf(re2::Prefilter& prefilter) {  // re2::Prefilter has no const accessors
  PrefilterTree tree;
  tree.op = prefilter.op();
  if (tree.op == re2::Prefilter::ATOM) tree.atom = prefilter.atom();
  if (tree.op == re2::Prefilter::AND || tree.op == re2::Prefilter::OR) {
    for (re2::Prefilter* sub : *prefilter.subs()) tree.subs.push_back(TreeOf(*sub));
  }
  return tree;
}

// Options to parse a pattern as the pack's patterns run (PatternOptions)
// without building a program (kParseOnlyMemory). Case folding is left out:
// it changes no parse error (the syntax is the same) but makes RE2 build a
// character class per letter, most of the parse; the prefilter lower-cases
// literals either way, and its atoms stay necessary for case-insensitive
// matches (see FilterNode).
RE2::Options ParseOnlyOptions() {
  RE2::Options options = PatternOptions();
  options.set_case_sensitive(true);
  options.set_max_mem(kParseOnlyMemory);
  return options;
}

// Parses `pattern` with ParseOnlyOptions and gives its prefilter tree in
// *tree (none when RE2 gives none) and its capture groups in *captures
// (when not null); false, with RE2's message in *error, when it does not
// parse. Every pattern of a pack being checked, and every alternative a
// long one is split into, goes through here.
//
// The pattern parsed is WithBranchesCaptured's form (whole words as atoms,
// not the letters RE2's factoring leaves), which parses exactly when the
// pattern does; the pattern itself when there is no such form or it does
// not parse, so that a syntax error is reported in the pattern's own words.
bool ParsePrefilter(const std::string& pattern, std::optional<PrefilterTree>* tree, std::string* error,
                    int* captures = nullptr) {
  // re2::Prefilter only takes an RE2.
  int groups_added = 0;
  const std::string unfactored = WithBranchesCaptured(pattern, &groups_added);
  std::optional<RE2> parsed;
  if (!unfactored.empty()) parsed.emplace(unfactored, ParseOnlyOptions());
  if (!parsed || parsed->error_code() != RE2::ErrorPatternTooLarge) {
    parsed.emplace(pattern, ParseOnlyOptions());
    groups_added = 0;
  }
  if (parsed->error_code() != RE2::ErrorPatternTooLarge) {
    *error = parsed->error();
    return false;
  }
  const std::unique_ptr<re2::Prefilter> prefilter(re2::Prefilter::FromRE2(&*parsed));
  tree->reset();
  if (prefilter) *tree = TreeOf(*prefilter);
  if (captures != nullptr) *captures = parsed->Regexp()->NumCaptures() - groups_added;
  return true;
}

// One tree as text: "A" (all), "N" (none), "a<length>:<bytes>" (an atom, any
// bytes), "&<count> " or "|<count> " followed by that many trees.
void WriteTree(const PrefilterTree& tree, std::string* out) {
  switch (tree.op) {
    case re2::Prefilter::ALL: *out += 'A'; return;
    case re2::Prefilter::NONE: *out += 'N'; return;
    case re2::Prefilter::ATOM:
      *out += 'a' + std::to_string(tree.atom.size()) + ':' + tree.atom;
      return;
    case re2::Prefilter::AND:
    case re2::Prefilter::OR:
      *out += tree.op == re2::Prefilter::AND ? '&' : '|';
      *out += std::to_string(tree.subs.size()) + ' ';
      for (const PrefilterTree& sub : tree.subs) WriteTree(sub, out);
      return;
  }
}

// A count or length in a prefilter tree has at most this many digits: a
// pack has nowhere near a million atoms or children.
constexpr size_t kTreeNumberDigits = 7;

// Reads one tree WriteTree wrote from the front of *text; false when the
// text is malformed (the caller then ignores the prepared form).
bool ReadTree(std::string_view* text, PrefilterTree* tree, int depth = 0) {
  if (text->empty() || depth > 200) return false;
  const char kind = text->front();
  text->remove_prefix(1);
  uint64_t n = 0;
  switch (kind) {
    case 'A': tree->op = re2::Prefilter::ALL; return true;
    case 'N': tree->op = re2::Prefilter::NONE; return true;
    case 'a':
      tree->op = re2::Prefilter::ATOM;
      if (!ReadDecimal(text, kTreeNumberDigits, &n) || text->empty() || text->front() != ':' || text->size() < n + 1) {
        return false;
      }
      tree->atom = std::string(text->substr(1, n));
      text->remove_prefix(n + 1);
      return true;
    case '&':
    case '|':
      tree->op = kind == '&' ? re2::Prefilter::AND : re2::Prefilter::OR;
      // Each child takes a byte at least: damaged data cannot ask for more
      // children than it could hold.
      if (!ReadDecimalThen(text, kTreeNumberDigits, ' ', &n) || n > text->size()) return false;
      tree->subs.resize(n);
      for (PrefilterTree& sub : tree->subs) {
        if (!ReadTree(text, &sub, depth + 1)) return false;
      }
      return true;
    default:
      return false;
  }
}

// The longest run of `whole` made only of bytes that `kept` marks.
std::string_view LongestRun(std::string_view whole, const std::array<bool, 256>& kept) {
  std::string_view run;
  for (size_t i = 0; i < whole.size();) {
    size_t end = i;
    while (end < whole.size() && kept[static_cast<unsigned char>(whole[end])]) ++end;
    if (end - i > run.size()) run = whole.substr(i, end - i);
    i = end + 1;
  }
  return run;
}

// The ASCII bytes, for LongestRun.
const std::array<bool, 256>& AsciiBytes() {
  static const std::array<bool, 256> ascii = [] {
    std::array<bool, 256> bytes{};
    for (int b = 0; b < 0x80; ++b) bytes[b] = true;
    return bytes;
  }();
  return ascii;
}

// The longest run of ASCII bytes in `atom`: a prefilter atom is lower-cased
// by Unicode rules and the text only by ASCII ones, so of an atom with a
// non-ASCII letter only the ASCII runs are sure to be in a matching text
// ("CAFÉ NOIR" lowers to "cafÉ noir", which holds " noir" but not the atom
// "café noir").
std::string_view LongestAsciiRun(std::string_view atom) { return LongestRun(atom, AsciiBytes()); }

// An atom only gets shorter here (its longest ASCII run; an empty one is in
// every text), so the gate allows more texts than the prefilter, never fewer.
bool GateAllows(const PrefilterTree& gate, std::string_view lowered) {
  switch (gate.op) {
    case re2::Prefilter::ALL: return true;
    case re2::Prefilter::NONE: return false;
    case re2::Prefilter::ATOM: return lowered.find(LongestAsciiRun(gate.atom)) != std::string_view::npos;
    case re2::Prefilter::AND:
      return std::all_of(gate.subs.begin(), gate.subs.end(),
                         [&](const PrefilterTree& sub) { return GateAllows(sub, lowered); });
    case re2::Prefilter::OR:
      return std::any_of(gate.subs.begin(), gate.subs.end(),
                         [&](const PrefilterTree& sub) { return GateAllows(sub, lowered); });
  }
  return true;
}

// A pattern's gate (LazyPattern::SetGate) is its prefilter. A rule's match
// pattern has it already, as the rule's: its gate then names that rule.
struct PatternGate {
  std::optional<PrefilterTree> tree;  // when `rule` < 0; absent: no prefilter
  int rule = -1;                      // the rule whose match prefilter it is
};

// Version 3 added the pattern gates ("gates <count>\n", then a line per
// pattern: a tree, "-", or "=<rule index>"); version 4 the flattened filter
// ("filter <length>\n", that many bytes (Compiled::WriteFilter), "\n");
// version 5 the pack itself, first ("pack <length> <fingerprint>\n", that
// many bytes of RulePackToRecord, "\n"; the fingerprint is the record's
// WordFingerprint64 in hex), so that a new engine parses no JSON; version 6
// a gate for each alternative of a pattern, after the pattern's own
// (LazyPattern::SetAlternatives); version 7 context rules'
// column_header_matches in the pack record; version 8 no fingerprint in the
// record (the header's is the pack's: RulePackFingerprint); version 9 trees
// from each pattern's WithBranchesCaptured form (ParsePrefilter): the same
// syntax, other atoms; version 10 slot rules' link_text and link_exclude in
// the pack record.
constexpr std::string_view kPreparedSchema = "fineprint.prefilters/10";
constexpr std::string_view kPackSection = "pack ";
constexpr std::string_view kGatesSection = "gates ";
constexpr std::string_view kFilterSection = "filter ";
constexpr std::string_view kMatcherSection = "matcher ";

// The flattened filter's numbers: seven bits a byte, low bits first, the
// top bit set on every byte but the last (most are indices below 128).
void PutNumber(uint32_t value, std::string* out) {
  while (value >= 0x80) {
    *out += static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  *out += static_cast<char>(value);
}

// Reads the numbers PutNumber wrote, front to back; once a read fails,
// every later one fails too.
class NumberReader {
 public:
  explicit NumberReader(std::string_view bytes) : bytes_(bytes) {}
  bool Take(uint32_t* value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 35 && !bytes_.empty(); shift += 7) {
      const unsigned char byte = static_cast<unsigned char>(bytes_.front());
      bytes_.remove_prefix(1);
      result |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) {
        if (result > UINT32_MAX) break;
        *value = static_cast<uint32_t>(result);
        return true;
      }
    }
    bytes_ = {};
    return false;
  }
  // A count of items taking `item_bytes` bytes at least each: false when
  // the bytes left could not hold them (damaged data asks for no more).
  bool TakeCount(size_t item_bytes, uint32_t* count) {
    return Take(count) && static_cast<uint64_t>(*count) * item_bytes <= bytes_.size();
  }
  bool TakeBytes(size_t size, std::string_view* out) {
    if (bytes_.size() < size) {
      bytes_ = {};
      return false;
    }
    *out = bytes_.substr(0, size);
    bytes_.remove_prefix(size);
    return true;
  }
  bool done() const { return bytes_.empty(); }

 private:
  std::string_view bytes_;
};

// The first line of a prepared form, for the pack whose JSON has this
// RulePackFingerprint.
std::string PreparedHeader(const std::string& fingerprint) {
  return std::string(kPreparedSchema) + ' ' + fingerprint + '\n';
}

// One line of a prepared form: a tree as WriteTree wrote it, or "-" (none),
// then a newline; false when malformed.
FINEPRINT_OUT_OF_LINE bool ReadTreeLine(std::string_view* text, std::optional<PrefilterTree>* tree) {
  if (!text->empty() && text->front() == '-') {
    tree->reset();
    text->remove_prefix(1);
  } else {
    tree->emplace();
    if (!ReadTree(text, &**tree)) return false;
  }
  if (text->empty() || text->front() != '\n') return false;
  text->remove_prefix(1);
  return true;
}

// One gate line of a prepared form; false when malformed.
FINEPRINT_OUT_OF_LINE bool ReadGateLine(std::string_view* text, size_t rule_count, PatternGate* gate) {
  if (text->empty() || text->front() != '=') {
    gate->rule = -1;
    return ReadTreeLine(text, &gate->tree);
  }
  text->remove_prefix(1);
  uint64_t rule = 0;
  if (!ReadDecimalThen(text, kTreeNumberDigits, '\n', &rule) || rule >= rule_count) return false;
  gate->tree.reset();
  gate->rule = static_cast<int>(rule);
  return true;
}

// The pack section Classifier::Prepare writes: "pack <length> <hex>\n",
// the record, "\n".
std::string PackSection(const RulePack& pack) {
  const std::string record = RulePackToRecord(pack);
  return std::string(kPackSection) + std::to_string(record.size()) + ' ' + Hex16(WordFingerprint64(record)) + '\n' + record +
         '\n';
}

// Reads the pack section at the front of *prepared into *pack; false when
// it is missing, malformed, or its record does not match its fingerprint.
bool ReadPackSection(std::string_view* prepared, RulePack* pack) {
  if (prepared->substr(0, kPackSection.size()) != kPackSection) return false;
  prepared->remove_prefix(kPackSection.size());
  uint64_t length = 0;
  if (!ReadDecimalThen(prepared, 10, ' ', &length) || prepared->size() < 17 || (*prepared)[16] != '\n') {
    return false;
  }
  const std::string_view fingerprint = prepared->substr(0, 16);
  prepared->remove_prefix(17);
  if (prepared->size() <= length || (*prepared)[length] != '\n') return false;
  const std::string_view record = prepared->substr(0, length);
  if (fingerprint != Hex16(WordFingerprint64(record)) || !RulePackFromRecord(record, pack)) return false;
  prepared->remove_prefix(length + 1);
  return true;
}

// The pack, per-rule trees and pattern gates of `prepared` (from
// Classifier::Prepare), when it was made from exactly `rules_json` and
// holds a sound pack section, one well-formed tree per rule of that pack
// and a gates section; false otherwise. (Whether there is a gate per
// pattern is for Classifier::Build to tell.)
bool ReadPrepared(std::string_view prepared, std::string_view rules_json, RulePack* pack,
                  std::vector<std::optional<PrefilterTree>>* trees, std::vector<PatternGate>* gates,
                  std::string* filter, std::string* matcher) {
  const std::string fingerprint = RulePackFingerprint(rules_json);
  const std::string header = PreparedHeader(fingerprint);
  if (prepared.substr(0, header.size()) != header) return false;
  prepared.remove_prefix(header.size());
  if (!ReadPackSection(&prepared, pack)) return false;
  pack->fingerprint = fingerprint;
  const size_t rule_count = pack->rules.size();
  trees->clear();
  trees->reserve(rule_count);
  gates->clear();
  filter->clear();
  matcher->clear();
  bool gates_read = false;
  while (!prepared.empty()) {
    // After the rule trees: "gates <count>\n" and a line per pattern.
    if (prepared.substr(0, kGatesSection.size()) == kGatesSection) {
      prepared.remove_prefix(kGatesSection.size());
      uint64_t count = 0;
      // Each line takes two bytes at least.
      if (gates_read || !ReadDecimalThen(&prepared, kTreeNumberDigits, '\n', &count) ||
          count > prepared.size() / 2) {
        return false;
      }
      gates->resize(count);
      for (PatternGate& gate : *gates) {
        if (!ReadGateLine(&prepared, rule_count, &gate)) return false;
      }
      gates_read = true;
      continue;
    }
    // After the gates, optionally: "filter <length>\n", that many bytes and
    // a newline.
    if (prepared.substr(0, kFilterSection.size()) == kFilterSection) {
      prepared.remove_prefix(kFilterSection.size());
      uint64_t length = 0;
      if (!gates_read || !filter->empty() || !ReadDecimalThen(&prepared, 10, '\n', &length) ||
          prepared.size() <= length || prepared[length] != '\n') {
        return false;
      }
      filter->assign(prepared.data(), length);
      prepared.remove_prefix(length + 1);
      continue;
    }
    // Last, optionally: "matcher <length>\n" and that many bytes.
    if (prepared.substr(0, kMatcherSection.size()) == kMatcherSection) {
      prepared.remove_prefix(kMatcherSection.size());
      // The byte length that follows, then a newline.
      uint64_t length = 0;
      if (!ReadDecimalThen(&prepared, 10, '\n', &length) || prepared.size() != length) return false;
      matcher->assign(prepared.data(), prepared.size());
      break;
    }
    if (gates_read) return false;  // rule trees come first
    trees->emplace_back();
    if (!ReadTreeLine(&prepared, &trees->back())) return false;
  }
  return gates_read && trees->size() == rule_count;
}

}  // namespace

struct Classifier::Prefilters {
  std::vector<std::optional<PrefilterTree>> trees;  // per rule
  // Per distinct pattern, in Compiled::patterns order: its gate
  // (LazyPattern::SetGate).
  std::vector<PatternGate> gates;
  // The filter flattened from those trees, as Compiled::WriteFilter writes
  // it; may be empty.
  std::string filter;
  // The atom automaton those trees give, as AtomMatcher::Build writes it;
  // may be empty.
  std::string matcher;
};

struct Classifier::Compiled {
  struct CompiledRule {
    const LazyPattern* match = nullptr;
    std::vector<const LazyPattern*> require;
    // The excludes: the one exclude, or the union of two or more (see
    // `any_of_excludes`); null when there is none.
    const LazyPattern* any_exclude = nullptr;
    // Whether `text` passes the rule's guards: every require matches and no
    // exclude does.
    bool Guards(std::string_view text) const {
      return std::all_of(require.begin(), require.end(), [&](const LazyPattern* re) { return PartialMatch(text, *re); }) &&
             (any_exclude == nullptr || !PartialMatch(text, *any_exclude));
    }
    const LazyPattern* heading = nullptr;           // context.heading_matches
    const LazyPattern* lead_in = nullptr;           // context.lead_in_matches
    const LazyPattern* column_header = nullptr;     // context.column_header_matches
    const LazyPattern* heading_excludes = nullptr;  // context.heading_excludes
  };
  struct CompiledFinding {
    const LazyPattern* trigger = nullptr;
    const LazyPattern* companion = nullptr;
    const LazyPattern* anywhere = nullptr;
  };
  // Every distinct pattern of the pack, once (rules share their negation
  // and "you shall not" guards).
  std::vector<std::unique_ptr<LazyPattern>> patterns;
  // Per distinct list of two or more excludes: their alternation, answered
  // by the excludes themselves (its alternatives) until it is compiled.
  // A matched rule's excludes ran one search each over the clause, seven
  // on average on Meta's policy, most of them finding nothing; compiled
  // together they take one. Not in `patterns`: they have no gate or
  // prepared form of their own, only the excludes' (so the prepared pack
  // is unchanged), and the idle step (CompileDeferredPatterns) leaves them
  // to their uses (LazyPattern::SetUnionOf).
  std::vector<std::unique_ptr<LazyPattern>> any_of_excludes;
  // Parallel to `patterns`: each one's gate, which it points to (into
  // `match_prefilters` for a rule's match pattern).
  //
  // Why a gate per pattern, asked only until the pattern is compiled, and
  // not the guards' atoms in the atom automaton (whose result each clause
  // already has): a guard, heading or slot pattern is reached by few
  // clauses (a guard only where its rule matched), while the automaton
  // walks every byte of every clause, one table load per byte, at the
  // speed of its table's fit in the cache: the built-in pack's other
  // patterns' atoms made its table a sixth larger and a warm classify of
  // Meta's policy slower by about as much, for the same instructions. (A
  // pattern its gate keeps ruling out is compiled after a while: see
  // LazyPattern::RuledOut.)
  std::vector<PatternGate> gates;
  std::vector<std::optional<PrefilterTree>> match_prefilters;  // per rule
  // The literal prefilter in front of the rules: re2::Prefilter derives, per
  // match pattern, the lower-cased literals ("atoms") any match must
  // contain; one Aho-Corasick pass over the clause (ASCII lower-cased) finds
  // the atoms present, and only rules whose atom formula holds (plus rules
  // with no usable atoms) are candidates. The prefilter only ever lets
  // through more rules than match, never fewer; a candidate's match pattern
  // then runs once (Classifier::MatchRule), which also gives the evidence
  // span, and not at all when an earlier rule already gave the clause its
  // label. A context rule's runs in the second pass, after the context
  // checks (labels around it, the heading, the lead-in) that most clauses
  // fail cheaply.
  //
  // Each rule's prefilter (re2::Prefilter: an AND/OR tree over atoms) is
  // flattened into `nodes` and evaluated directly against the atoms a clause
  // contains: no allocation and no propagation over the shared atom graph
  // per clause. Atoms shorter than kMinAtomLength and non-ASCII atoms (ASCII
  // lower-casing cannot match them reliably) count as present: the filter
  // may pass more rules, never fewer.
  //
  // Only the trees of rules a found atom gates (below) are evaluated, and an
  // AND or OR node reads its atom children's presence straight from
  // `child_atoms`. (Found atoms used to bump a counter on every node they are
  // a child of, so a node knew its atoms at once; but common atoms have many
  // parents, and those scattered counters were a quarter of a warm Meta
  // classify's L1 data-cache misses, cachegrind-simulated, for nodes mostly
  // of rules no atom gated.)
  struct FilterNode {
    re2::Prefilter::Op op;
    int atom = -1;         // ATOM: index into the matcher's atoms
    uint32_t first = 0;    // AND/OR: children are child_ids[first, first + count)
    uint32_t count = 0;
    uint32_t atoms = 0;    // AND/OR: the first `atoms` children are atoms
  };
  std::vector<FilterNode> nodes;
  std::vector<uint32_t> node_sizes;  // nodes in each node's subtree
  std::vector<int> child_ids;
  std::vector<int> child_atoms;  // parallel to child_ids: an atom child's atom, else -1
  std::vector<int> rule_roots;  // per rule: its root node, or -1 (always a candidate)
  // A rule's gate: atoms one of which every match contains (an AND takes its
  // smallest child gate, an OR the union of its children's). Per clause only
  // the rules gated by a present atom, and the ungated ones, evaluate their
  // tree: the cost follows the atoms found, not the size of the trees.
  // Rule sets as bitsets of `rule_words` words (bit i: rule i), so the
  // gated rules of a clause are an OR per atom found, walked in pack order.
  size_t rule_words = 0;
  std::vector<uint64_t> rules_by_atom;  // atom * rule_words: the rules it gates
  std::vector<uint64_t> ungated_rules;  // rule_words
  // Whether some match pattern keeps RE2's Unicode case folding (see
  // CandidatesFor); worked out on the first clause that needs it, as
  // looking at every pattern was a twentieth of a prepared pack's start-up.
  bool SomeMatchFoldsUnicode() const {
    std::call_once(folding_checked, [this] {
      some_match_folds_unicode = std::any_of(rules.begin(), rules.end(), [](const CompiledRule& rule) {
        return rule.match != nullptr && rule.match->KeepsUnicodeFolding();
      });
    });
    return some_match_folds_unicode;
  }
  mutable std::once_flag folding_checked;
  mutable bool some_match_folds_unicode = false;
  AtomMatcher atoms;
  int atom_count = 0;
  // Whether node's formula holds when the atoms found are those whose
  // `present` entry is `stamp`.
  bool Holds(int node, const uint8_t* present, uint8_t stamp) const {
    const FilterNode& n = nodes[node];
    const int* const atoms_of_children = child_atoms.data() + n.first;
    switch (n.op) {
      case re2::Prefilter::ALL: return true;
      case re2::Prefilter::NONE: return false;
      case re2::Prefilter::ATOM: return present[n.atom] == stamp;
      case re2::Prefilter::AND:
        for (uint32_t k = 0; k < n.atoms; ++k) {
          if (present[atoms_of_children[k]] != stamp) return false;
        }
        for (uint32_t k = n.atoms; k < n.count; ++k) {
          if (!Holds(child_ids[n.first + k], present, stamp)) return false;
        }
        return true;
      case re2::Prefilter::OR:
        for (uint32_t k = 0; k < n.atoms; ++k) {
          if (present[atoms_of_children[k]] == stamp) return true;
        }
        for (uint32_t k = n.atoms; k < n.count; ++k) {
          if (Holds(child_ids[n.first + k], present, stamp)) return true;
        }
        return false;
    }
    return true;
  }
  // The rules whose atoms allow `text`, in pack order; false when there are
  // none. Their match patterns have not run: Decide runs them once, for the
  // evidence span, and only for rules whose label the clause lacks so far.
  bool CandidatesFor(std::string_view text, std::vector<int>* out) const;
  // The filter above (nodes, child_ids, rule_roots, the rule sets by atom)
  // and its `atoms`, as bytes for ReadFilter: it depends
  // on the rules' prefilters alone, so Classifier::Prepare stores it with
  // the built-in pack, and a new engine flattens no tree (that was over a
  // third of a prepared pack's load). node_sizes is not written: only
  // flattening needs it; nor child_atoms, which IndexChildAtoms makes from
  // the nodes in a fraction of what reading them would take.
  void WriteFilter(const std::vector<std::string>& atoms, std::string* out) const;
  // Fills child_atoms from the nodes.
  void IndexChildAtoms();
  // Sets the filter and *atoms from WriteFilter's bytes for a pack of
  // `rule_count` rules; false, leaving the filter to be flattened afresh,
  // when they do not check out (a fingerprint of the bytes, and every index
  // in range, children before their parents).
  bool ReadFilter(std::string_view bytes, size_t rule_count, std::vector<std::string>* atoms);
  std::vector<CompiledRule> rules;                  // parallel to pack_.rules
  // A slot rule's patterns; link_text and link_exclude are null when the
  // rule has none.
  struct CompiledSlot {
    const LazyPattern* pattern = nullptr;
    const LazyPattern* link_text = nullptr;
    const LazyPattern* link_exclude = nullptr;
  };
  std::vector<CompiledSlot> slots;                  // parallel to pack_.slots
  std::vector<CompiledFinding> findings;            // parallel to pack_.findings
};

void Classifier::Compiled::IndexChildAtoms() {
  child_atoms.assign(child_ids.size(), -1);
  for (const FilterNode& node : nodes) {
    for (uint32_t k = 0; k < node.atoms; ++k) child_atoms[node.first + k] = nodes[child_ids[node.first + k]].atom;
  }
}

void Classifier::Compiled::WriteFilter(const std::vector<std::string>& atoms, std::string* out) const {
  std::string body;
  PutNumber(static_cast<uint32_t>(atoms.size()), &body);
  for (const std::string& atom : atoms) {
    PutNumber(static_cast<uint32_t>(atom.size()), &body);
    body += atom;
  }
  // A node's children follow the children of the nodes before it (see
  // ReadFilter), and come before it: each as its distance back.
  PutNumber(static_cast<uint32_t>(nodes.size()), &body);
  for (size_t index = 0; index < nodes.size(); ++index) {
    const FilterNode& node = nodes[index];
    body += static_cast<char>(node.op);
    if (node.op == re2::Prefilter::ATOM) PutNumber(static_cast<uint32_t>(node.atom), &body);
    if (node.op != re2::Prefilter::AND && node.op != re2::Prefilter::OR) continue;
    PutNumber(node.count, &body);
    PutNumber(node.atoms, &body);
    for (uint32_t k = 0; k < node.count; ++k) {
      PutNumber(static_cast<uint32_t>(index - child_ids[node.first + k]), &body);
    }
  }
  for (const int root : rule_roots) PutNumber(static_cast<uint32_t>(root + 1), &body);  // 0: none
  // The rule sets as lists of rule indices, each after its length: the
  // ungated rules, then each atom's (most atoms gate a rule or two).
  auto put_rules = [&](const uint64_t* words) {
    std::vector<uint32_t> set;
    for (size_t w = 0; w < rule_words; ++w) {
      for (uint64_t bits = words[w]; bits != 0; bits &= bits - 1) {
        set.push_back(static_cast<uint32_t>(w * 64 + __builtin_ctzll(bits)));
      }
    }
    PutNumber(static_cast<uint32_t>(set.size()), &body);
    for (const uint32_t rule : set) PutNumber(rule, &body);
  };
  put_rules(ungated_rules.data());
  for (size_t atom = 0; atom < atoms.size(); ++atom) put_rules(rules_by_atom.data() + atom * rule_words);
  out->clear();
  PutBytes(WordFingerprint64(body), 8, out);
  *out += body;
}

bool Classifier::Compiled::ReadFilter(std::string_view bytes, size_t rule_count, std::vector<std::string>* atoms) {
  uint64_t fingerprint = 0;
  if (!TakeBytes(&bytes, 8, &fingerprint) || fingerprint != WordFingerprint64(bytes)) return false;
  // Whatever fails below leaves the filter empty, for Build to flatten.
  auto fail = [&] {
    atoms->clear();
    nodes.clear();
    child_ids.clear();
    rule_roots.clear();
    rules_by_atom.clear();
    ungated_rules.clear();
    return false;
  };
  NumberReader reader(bytes);
  // Each item is read out of line: this runs once per engine, over
  // thousands of items (core/out_of_line.h).
  auto read_atom = [&](std::string* atom) FINEPRINT_OUT_OF_LINE {
    uint32_t length = 0;
    std::string_view text;
    if (!reader.Take(&length) || !reader.TakeBytes(length, &text)) return false;
    atom->assign(text.data(), text.size());
    return true;
  };
  uint32_t count = 0;
  if (!reader.TakeCount(1, &count)) return fail();
  atoms->resize(count);
  for (std::string& atom : *atoms) {
    if (!read_atom(&atom)) return fail();
  }
  const size_t atom_total = atoms->size();
  // Every index is checked in range, and each child before its parent: the
  // filter then has no cycle for Holds to run around.
  auto read_node = [&](size_t index) FINEPRINT_OUT_OF_LINE {
    FilterNode& node = nodes[index];
    std::string_view op;
    if (!reader.TakeBytes(1, &op) || static_cast<unsigned char>(op[0]) > re2::Prefilter::OR) return false;
    node.op = static_cast<re2::Prefilter::Op>(op[0]);
    if (node.op == re2::Prefilter::ATOM) {
      uint32_t atom = 0;
      if (!reader.Take(&atom) || atom >= atom_total) return false;
      node.atom = static_cast<int>(atom);
    }
    if (node.op != re2::Prefilter::AND && node.op != re2::Prefilter::OR) return true;
    if (!reader.TakeCount(1, &node.count) || !reader.Take(&node.atoms) || node.atoms > node.count) return false;
    node.first = static_cast<uint32_t>(child_ids.size());
    for (uint32_t k = 0; k < node.count; ++k) {
      uint32_t back = 0;
      if (!reader.Take(&back) || back == 0 || back > index) return false;
      const size_t child = index - back;
      if ((k < node.atoms) != (nodes[child].op == re2::Prefilter::ATOM)) return false;
      child_ids.push_back(static_cast<int>(child));
    }
    return true;
  };
  if (!reader.TakeCount(1, &count)) return fail();
  nodes.resize(count);
  for (size_t index = 0; index < nodes.size(); ++index) {
    if (!read_node(index)) return fail();
  }
  rule_roots.resize(rule_count);
  for (int& root : rule_roots) {
    uint32_t id = 0;
    if (!reader.Take(&id) || id > nodes.size()) return fail();
    root = static_cast<int>(id) - 1;
  }
  rule_words = (rule_count + 63) / 64;
  ungated_rules.assign(rule_words, 0);
  rules_by_atom.assign(atom_total * rule_words, 0);
  auto take_rules = [&](uint64_t* words) FINEPRINT_OUT_OF_LINE {
    uint32_t size = 0;
    if (!reader.TakeCount(1, &size)) return false;
    for (uint32_t k = 0; k < size; ++k) {
      uint32_t rule = 0;
      if (!reader.Take(&rule) || rule >= rule_count) return false;
      words[rule / 64] |= uint64_t{1} << (rule % 64);
    }
    return true;
  };
  if (!take_rules(ungated_rules.data())) return fail();
  for (size_t atom = 0; atom < atom_total; ++atom) {
    if (!take_rules(rules_by_atom.data() + atom * rule_words)) return fail();
  }
  if (!reader.done()) return fail();
  atom_count = static_cast<int>(atom_total);
  return true;
}

bool Classifier::Compiled::CandidatesFor(std::string_view text, std::vector<int>* out) const {
  out->clear();
  // A match pattern that keeps RE2's Unicode case folding (LowerCaseLiterals)
  // maps a few non-ASCII letters onto ASCII ones (KELVIN SIGN onto k, LONG S
  // onto s) that ASCII lower-casing misses; the atoms cannot vouch for such
  // rare clauses, so every rule is tried. The built-in pack has none.
  if (HasLetterFoldedOntoAscii(text) && SomeMatchFoldsUnicode()) {
    for (size_t index = 0; index < rules.size(); ++index) out->push_back(static_cast<int>(index));
    return !out->empty();
  }
  thread_local std::vector<uint8_t> present;  // atom -> stamp of the call that saw it
  thread_local uint8_t stamp = 0;
  if (present.size() < static_cast<size_t>(atom_count) || ++stamp == 0) {
    present.assign(std::max(present.size(), static_cast<size_t>(atom_count)), 0);
    stamp = 1;
  }
  thread_local std::vector<uint64_t> gated;
  gated.assign(ungated_rules.begin(), ungated_rules.end());
  // Locals, not members, in the per-atom step: its stores (uint64_t,
  // uint32_t) could alias the members' words, which the compiler would then
  // reload at every iteration.
  uint8_t* const seen = present.data();
  uint64_t* const gated_words = gated.data();
  const uint8_t this_call = stamp;
  const size_t words = rule_words;
  const uint64_t* const gates_by_atom = rules_by_atom.data();
  atoms.Find(text, [&](int atom) {
    if (seen[atom] == this_call) return;  // reported by two automaton states
    seen[atom] = this_call;
    const uint64_t* const gates = gates_by_atom + atom * words;
    for (size_t w = 0; w < words; ++w) gated_words[w] |= gates[w];
  });
  // Pack order: `out` comes out sorted.
  for (size_t w = 0; w < rule_words; ++w) {
    for (uint64_t bits = gated[w]; bits != 0; bits &= bits - 1) {
      const int index = static_cast<int>(w * 64 + __builtin_ctzll(bits));
      const int root = rule_roots[index];
      if (root >= 0 && !Holds(root, seen, this_call)) continue;
      out->push_back(index);
    }
  }
  return !out->empty();
}

Classifier::Classifier(RulePack pack)
    : pack_(std::move(pack)), compiled_(std::make_unique<Compiled>()) {}

Classifier::~Classifier() = default;

Expected<std::unique_ptr<Classifier>> Classifier::Create(RulePack pack) {
  return Build(std::move(pack), nullptr, nullptr);
}

Expected<std::string> Classifier::Prepare(std::string_view rules_json) {
  auto pack = ParseRulePack(rules_json);
  if (!pack.ok()) return pack.error();
  Prefilters prefilters;
  std::string prepared = PreparedHeader(pack.value().fingerprint) + PackSection(pack.value());
  auto built = Build(std::move(pack).value(), nullptr, &prefilters);
  if (!built.ok()) return built.error();
  auto write_line = [&](const std::optional<PrefilterTree>& tree) {
    if (tree) {
      WriteTree(*tree, &prepared);
    } else {
      prepared += '-';
    }
    prepared += '\n';
  };
  for (const std::optional<PrefilterTree>& tree : prefilters.trees) write_line(tree);
  prepared += std::string(kGatesSection) + std::to_string(prefilters.gates.size()) + '\n';
  for (const PatternGate& gate : prefilters.gates) {
    if (gate.rule >= 0) {
      prepared += '=' + std::to_string(gate.rule) + '\n';
    } else {
      write_line(gate.tree);
    }
  }
  if (!prefilters.filter.empty()) {
    prepared += std::string(kFilterSection) + std::to_string(prefilters.filter.size()) + '\n';
    prepared += prefilters.filter;
    prepared += '\n';
  }
  if (!prefilters.matcher.empty()) {
    prepared += std::string(kMatcherSection) + std::to_string(prefilters.matcher.size()) + '\n';
    prepared += prefilters.matcher;
  }
  return prepared;
}

Expected<std::unique_ptr<Classifier>> Classifier::CreateFromJson(std::string_view rules_json,
                                                                 std::string_view prepared) {
  // The pack and its prefilters as prepared for this very JSON text; any
  // damage sends the pack through the full parse and check instead.
  RulePack prepared_pack;
  Prefilters prefilters;
  if (!prepared.empty() && ReadPrepared(prepared, rules_json, &prepared_pack, &prefilters.trees,
                                        &prefilters.gates, &prefilters.filter, &prefilters.matcher)) {
    // With a prepared form, Build fails only when there is not a gate per
    // pattern: damaged, as the header ties the form to this very JSON text.
    auto built = Build(std::move(prepared_pack), &prefilters, nullptr);
    if (built.ok()) return built;
  }
  auto pack = ParseRulePack(rules_json);
  if (!pack.ok()) return pack.error();
  return Build(std::move(pack).value(), nullptr, nullptr);
}

size_t Classifier::CompiledPatternCount() const {
  size_t count = 0;
  for (const auto* owner : {&compiled_->patterns, &compiled_->any_of_excludes}) {
    count += static_cast<size_t>(std::count_if(owner->begin(), owner->end(),
                                               [](const std::unique_ptr<LazyPattern>& p) { return p->compiled(); }));
  }
  return count;
}

size_t Classifier::CompileDeferredPatterns(size_t max_patterns) const {
  size_t left = 0;
  for (const std::unique_ptr<LazyPattern>& pattern : compiled_->patterns) {
    if (!pattern->AnsweredByAlternatives()) continue;
    if (max_patterns == 0) {
      ++left;
    } else {
      pattern->re();
      --max_patterns;
    }
  }
  return left;
}

Expected<std::unique_ptr<Classifier>> Classifier::Build(RulePack pack, Prefilters* prepared,
                                                        Prefilters* trees_out) {
  std::unique_ptr<Classifier> classifier(new Classifier(std::move(pack)));
  Compiled& compiled = *classifier->compiled_;

  // Each distinct pattern is checked once, here, and compiled on first use
  // (LazyPattern). The check is RE2's own parse (case folding aside, below),
  // so a broken pattern is reported exactly as RE2 words it.
  std::map<std::pair<std::string, bool>, const LazyPattern*> pool;  // (pattern, captures)
  // A rule's excludes -> their union in compiled.any_of_excludes. Keyed by
  // the patterns, not by the joined text: an unterminated \Q in one list
  // could make two lists join to the same text.
  std::map<std::vector<const LazyPattern*>, const LazyPattern*> exclude_lists;
  // Per rule: its match pattern's prefilter, absent when RE2 gives none
  // (the rule is then always a candidate).
  std::vector<std::optional<PrefilterTree>> trees;
  // Per distinct pattern, as compiled.patterns: its gate.
  std::vector<PatternGate> gates;
  // This function runs once per engine, so its per-item steps are kept out
  // of line: see core/out_of_line.h.
  //
  // A new pattern, and after it in compiled.patterns its alternatives
  // (LazyPattern::SetAlternatives; only for patterns without captures,
  // since Capture needs the whole program), each with a gate: from the
  // prepared form when there is one, else made here. An alternative that
  // does not parse alone would be a fault of AlternativesOf; the pattern is
  // then kept whole (a prepared form made by such a split would not load:
  // its gates would not be one per pattern).
  auto create_pattern = [&](const std::string& pattern, bool captures) FINEPRINT_OUT_OF_LINE {
    compiled.patterns.push_back(
        std::make_unique<LazyPattern>(pattern, captures ? PatternOptions() : NoCaptureOptions()));
    LazyPattern* whole = compiled.patterns.back().get();
    if (captures) return whole;
    const std::vector<std::string> texts = AlternativesOf(pattern, kMinAlternatives);
    std::vector<PatternGate> alternative_gates;
    if (prepared == nullptr) {
      std::string error;
      for (const std::string& text : texts) {
        alternative_gates.emplace_back();
        if (!ParsePrefilter(text, &alternative_gates.back().tree, &error)) return whole;
      }
      gates.insert(gates.end(), alternative_gates.begin(), alternative_gates.end());
    }
    std::vector<const LazyPattern*> alternatives;
    for (const std::string& text : texts) {
      compiled.patterns.push_back(std::make_unique<LazyPattern>(text, NoCaptureOptions(), whole));
      alternatives.push_back(compiled.patterns.back().get());
    }
    whole->SetAlternatives(std::move(alternatives));
    return whole;
  };
  auto add = [&](const std::string& pattern, bool captures, const std::string& owner,
                 const char* field, const LazyPattern** out, bool want_prefilter = false,
                 int* capture_groups = nullptr) FINEPRINT_OUT_OF_LINE -> Expected<bool> {
    if (pattern.empty()) return true;  // optional pattern not given
    const LazyPattern*& shared = pool[{pattern, captures}];
    // A prepared pack's patterns were all checked (and its slots' capture
    // groups counted) when it was prepared, and its prefilters come ready.
    if (prepared != nullptr) {
      want_prefilter = false;
      capture_groups = nullptr;
    }
    if (shared != nullptr && !want_prefilter && capture_groups == nullptr) {
      *out = shared;
      return true;
    }
    if (prepared != nullptr) {
      shared = create_pattern(pattern, captures);
      *out = shared;
      return true;
    }
    // A new pattern needs its prefilter too, for its gate.
    const bool new_pattern = shared == nullptr;
    if (want_prefilter || new_pattern) {
      std::optional<PrefilterTree> tree;
      std::string error;
      if (!ParsePrefilter(pattern, &tree, &error, capture_groups)) {
        if (shared == nullptr) pool.erase({pattern, captures});
        return Error{owner + ": " + field + " pattern does not compile: " + error};
      }
      if (new_pattern) {
        gates.emplace_back();
        if (want_prefilter) {
          gates.back().rule = static_cast<int>(trees.size());  // the tree pushed below
        } else {
          gates.back().tree = tree;
        }
      }
      if (want_prefilter) trees.push_back(std::move(tree));
    } else {
      // A pattern met (and checked) before, whose capture groups a slot
      // needs counted: RE2's parse step alone counts them.
      re2::RegexpStatus status;
      re2::Regexp* parsed = re2::Regexp::Parse(
          pattern, static_cast<re2::Regexp::ParseFlags>(ParseOnlyOptions().ParseFlags()), &status);
      if (parsed != nullptr) {
        *capture_groups = parsed->NumCaptures();
        parsed->Decref();
      }
    }
    if (shared == nullptr) shared = create_pattern(pattern, captures);
    *out = shared;
    return true;
  };

  auto add_rule = [&](const Rule& rule) FINEPRINT_OUT_OF_LINE -> Expected<bool> {
    const std::string owner = "rule '" + rule.id + "'";
    Compiled::CompiledRule entry;
    if (auto ok = add(rule.match, false, owner, "match", &entry.match, /*want_prefilter=*/true); !ok.ok()) {
      return ok.error();
    }
    for (const std::string& pattern : rule.require) {
      entry.require.emplace_back();
      if (auto ok = add(pattern, false, owner, "require", &entry.require.back()); !ok.ok()) return ok.error();
    }
    std::vector<const LazyPattern*> excludes(rule.exclude.size());
    for (size_t k = 0; k < rule.exclude.size(); ++k) {
      if (auto ok = add(rule.exclude[k], false, owner, "exclude", &excludes[k]); !ok.ok()) return ok.error();
    }
    if (excludes.size() == 1) {
      entry.any_exclude = excludes.front();
    } else if (excludes.size() > 1) {
      const LazyPattern*& any = exclude_lists[excludes];
      if (any == nullptr) {
        compiled.any_of_excludes.push_back(std::make_unique<LazyPattern>(std::string(), NoCaptureOptions()));
        compiled.any_of_excludes.back()->SetUnionOf(excludes);
        any = compiled.any_of_excludes.back().get();
      }
      entry.any_exclude = any;
    }
    if (auto ok = add(rule.context.heading_matches, false, owner, "context heading_matches", &entry.heading);
        !ok.ok()) {
      return ok.error();
    }
    if (auto ok = add(rule.context.lead_in_matches, false, owner, "context lead_in_matches", &entry.lead_in);
        !ok.ok()) {
      return ok.error();
    }
    if (auto ok = add(rule.context.column_header_matches, false, owner, "context column_header_matches",
                      &entry.column_header);
        !ok.ok()) {
      return ok.error();
    }
    if (auto ok = add(rule.context.heading_excludes, false, owner, "context heading_excludes",
                      &entry.heading_excludes);
        !ok.ok()) {
      return ok.error();
    }
    compiled.rules.push_back(std::move(entry));
    return true;
  };
  for (const Rule& rule : classifier->pack_.rules) {
    if (auto ok = add_rule(rule); !ok.ok()) return ok.error();
  }
  for (const SlotRule& slot : classifier->pack_.slots) {
    compiled.slots.emplace_back();
    const std::string owner = "slot '" + slot.name + "'";
    int capture_groups = 0;
    if (auto ok = add(slot.pattern, true, owner, "pattern", &compiled.slots.back().pattern, false, &capture_groups);
        !ok.ok()) {
      return ok.error();
    }
    if (prepared == nullptr && capture_groups < 1) {
      return Error{owner + ": pattern needs a capture group for the value"};
    }
    if (auto ok = add(slot.link_text, false, owner, "link_text", &compiled.slots.back().link_text); !ok.ok()) {
      return ok.error();
    }
    if (auto ok = add(slot.link_exclude, false, owner, "link_exclude", &compiled.slots.back().link_exclude);
        !ok.ok()) {
      return ok.error();
    }
  }
  auto add_finding = [&](const FindingRule& finding) FINEPRINT_OUT_OF_LINE -> Expected<bool> {
    const std::string owner = "finding '" + finding.id + "'";
    Compiled::CompiledFinding entry;
    if (auto ok = add(finding.trigger_matches, false, owner, "trigger_matches", &entry.trigger); !ok.ok()) {
      return ok.error();
    }
    if (auto ok = add(finding.companion_matches, false, owner, "companion_matches", &entry.companion);
        !ok.ok()) {
      return ok.error();
    }
    if (auto ok = add(finding.companion_anywhere_matches, false, owner, "companion_anywhere_matches",
                      &entry.anywhere);
        !ok.ok()) {
      return ok.error();
    }
    compiled.findings.push_back(std::move(entry));
    return true;
  };
  for (const FindingRule& finding : classifier->pack_.findings) {
    if (auto ok = add_finding(finding); !ok.ok()) return ok.error();
  }
  if (prepared != nullptr && prepared->gates.size() != compiled.patterns.size()) {
    return Error{"rule pack: the prepared form has not a gate per pattern"};
  }
  const std::vector<std::optional<PrefilterTree>>& rule_trees = prepared != nullptr ? prepared->trees : trees;
  // The filter comes ready with a prepared pack (Compiled::ReadFilter),
  // unless it does not check out; otherwise it is flattened from the trees.
  std::vector<std::string> atoms;
  auto flatten_filter = [&]() FINEPRINT_OUT_OF_LINE {
    // A non-ASCII atom ("you’ve chosen to") still implies its longest ASCII
    // run ("ve chosen to"): RE2 folds ASCII letters only onto ASCII ones,
    // KELVIN SIGN and LONG S aside (CandidatesFor handles those). Bytes
    // outside `kept` split atoms the same way (kMaxAtomBytes).
    std::array<bool, 256> kept = AsciiBytes();
    auto keep_common_bytes = [&]() FINEPRINT_OUT_OF_LINE {
      // The bytes most atoms use are kept (an atom counted each time a
      // prefilter names it); ties go to the lower byte, so the choice
      // depends on the pack alone.
      std::array<int, 256> atoms_using{};
      std::array<int, 256> last_atom{};  // serial of the last atom counted per byte
      int serial = 0;
      std::function<void(const PrefilterTree&)> count = [&](const PrefilterTree& tree) {
        if (tree.op == re2::Prefilter::ATOM) {
          const std::string_view run = LongestRun(tree.atom, kept);
          if (run.size() < kMinAtomLength) return;
          ++serial;
          for (unsigned char c : run) {
            if (last_atom[c] == serial) continue;
            last_atom[c] = serial;
            ++atoms_using[c];
          }
        }
        for (const PrefilterTree& sub : tree.subs) count(sub);
      };
      for (const std::optional<PrefilterTree>& tree : rule_trees) {
        if (tree) count(*tree);
      }
      std::vector<int> bytes;
      for (int b = 0; b < 256; ++b) {
        if (atoms_using[b] > 0) bytes.push_back(b);
      }
      std::stable_sort(bytes.begin(), bytes.end(), [&](int a, int b) { return atoms_using[a] > atoms_using[b]; });
      for (size_t k = kMaxAtomBytes; k < bytes.size(); ++k) {
        kept[bytes[k]] = false;
      }
    };
    keep_common_bytes();
    std::map<std::string, int> atom_ids;
    // Flattens a prefilter tree into compiled.nodes; returns the node index.
    std::function<int(const PrefilterTree&)> flatten = [&](const PrefilterTree& prefilter) -> int {
      Compiled::FilterNode node;
      node.op = prefilter.op;
      if (node.op == re2::Prefilter::ATOM) {
        const std::string_view atom = LongestRun(prefilter.atom, kept).substr(0, kMaxAtomLength);
        if (atom.size() < kMinAtomLength) {
          node.op = re2::Prefilter::ALL;
        } else {
          auto inserted = atom_ids.emplace(std::string(atom), static_cast<int>(atoms.size()));
          if (inserted.second) atoms.emplace_back(atom);
          node.atom = inserted.first->second;
        }
      } else if (node.op == re2::Prefilter::AND || node.op == re2::Prefilter::OR) {
        // Distinct atoms first (two atoms can share an ASCII run; AND(a, a) is
        // a), then the subtrees, small ones first: an AND fails, an OR holds,
        // early.
        std::vector<int> atom_children, subtrees;
        for (const PrefilterTree& sub : prefilter.subs) {
          const int child = flatten(sub);
          const Compiled::FilterNode& c = compiled.nodes[child];
          if (c.op != re2::Prefilter::ATOM) {
            subtrees.push_back(child);
          } else if (std::none_of(atom_children.begin(), atom_children.end(),
                                  [&](int other) { return compiled.nodes[other].atom == c.atom; })) {
            atom_children.push_back(child);
          }
        }
        std::stable_sort(subtrees.begin(), subtrees.end(), [&](int a, int b) {
          return compiled.node_sizes[a] < compiled.node_sizes[b];
        });
        node.first = static_cast<uint32_t>(compiled.child_ids.size());
        node.atoms = static_cast<uint32_t>(atom_children.size());
        node.count = static_cast<uint32_t>(atom_children.size() + subtrees.size());
        compiled.child_ids.insert(compiled.child_ids.end(), atom_children.begin(), atom_children.end());
        compiled.child_ids.insert(compiled.child_ids.end(), subtrees.begin(), subtrees.end());
      }
      uint32_t size = 1;
      for (uint32_t k = 0; k < node.count; ++k) size += compiled.node_sizes[compiled.child_ids[node.first + k]];
      compiled.nodes.push_back(node);
      compiled.node_sizes.push_back(size);
      return static_cast<int>(compiled.nodes.size()) - 1;
    };
    for (const std::optional<PrefilterTree>& tree : rule_trees) {
      compiled.rule_roots.push_back(tree ? flatten(*tree) : -1);
    }
    compiled.atom_count = static_cast<int>(atoms.size());
    // A gate's expected cost: short atoms ("you", "the ") are in most clauses,
    // long ones in few.
    auto cost = [&](const std::vector<int>& atom_list) {
      double total = 0;
      for (const int atom : atom_list) {
        total += 1.0 / static_cast<double>(1u << std::min<size_t>(atoms[atom].size(), 12));
      }
      return total;
    };
    // Gates: "no gate" is signalled by returning false.
    std::function<bool(int, std::vector<int>*)> gate = [&](int index, std::vector<int>* out) -> bool {
      const Compiled::FilterNode& node = compiled.nodes[index];
      switch (node.op) {
        case re2::Prefilter::ATOM:
          out->push_back(node.atom);
          return true;
        case re2::Prefilter::AND: {
          bool any = false;
          std::vector<int> best, child;
          for (uint32_t k = 0; k < node.count; ++k) {
            child.clear();
            if (gate(compiled.child_ids[node.first + k], &child) && (!any || cost(child) < cost(best))) {
              best = child;
              any = true;
            }
          }
          if (any) out->insert(out->end(), best.begin(), best.end());
          return any;
        }
        case re2::Prefilter::OR:
          for (uint32_t k = 0; k < node.count; ++k) {
            if (!gate(compiled.child_ids[node.first + k], out)) return false;
          }
          return true;
        case re2::Prefilter::NONE:
          return true;  // never matches: an empty gate
        default:
          return false;  // ALL
      }
    };
    const size_t words = (compiled.rule_roots.size() + 63) / 64;
    compiled.rule_words = words;
    compiled.rules_by_atom.assign(atoms.size() * words, 0);
    compiled.ungated_rules.assign(words, 0);
    auto index_rule = [&](size_t index) FINEPRINT_OUT_OF_LINE {
      const uint64_t bit = uint64_t{1} << (index % 64);
      std::vector<int> rule_gate;
      if (compiled.rule_roots[index] < 0 || !gate(compiled.rule_roots[index], &rule_gate)) {
        compiled.ungated_rules[index / 64] |= bit;
        return;
      }
      for (const int atom : rule_gate) compiled.rules_by_atom[atom * words + index / 64] |= bit;
    };
    for (size_t index = 0; index < compiled.rule_roots.size(); ++index) index_rule(index);
  };
  if (prepared == nullptr || prepared->filter.empty() ||
      !compiled.ReadFilter(prepared->filter, rule_trees.size(), &atoms)) {
    flatten_filter();
  }
  compiled.IndexChildAtoms();
  if (trees_out != nullptr) compiled.WriteFilter(atoms, &trees_out->filter);
  // The built-in pack's automaton comes ready (Prepare), unless it was made
  // for other atoms (another build of this code): building it was a fifth of
  // a prepared pack's start-up.
  if (prepared == nullptr || prepared->matcher.empty() || !compiled.atoms.Read(prepared->matcher, atoms)) {
    compiled.atoms.Build(atoms, trees_out != nullptr ? &trees_out->matcher : nullptr);
  }
  // The gates, kept with the match prefilters some of them name (read by
  // ReadGateLine, or made above: always in range).
  if (trees_out != nullptr) {
    compiled.match_prefilters = trees;
    compiled.gates = gates;
    trees_out->trees = std::move(trees);
    trees_out->gates = std::move(gates);
  } else if (prepared != nullptr) {
    compiled.match_prefilters = std::move(prepared->trees);
    compiled.gates = std::move(prepared->gates);
  } else {
    compiled.match_prefilters = std::move(trees);
    compiled.gates = std::move(gates);
  }
  for (size_t k = 0; k < compiled.patterns.size(); ++k) {
    const PatternGate& gate = compiled.gates[k];
    const std::optional<PrefilterTree>& tree = gate.rule >= 0 ? compiled.match_prefilters[gate.rule] : gate.tree;
    compiled.patterns[k]->SetGate(tree ? &*tree : nullptr);
  }
  return classifier;
}

bool Classifier::MatchRule(int index, std::string_view text, LabelMatch* match) const {
  std::string_view evidence;
  if (!compiled_->rules[index].match->FindSpan(text, &evidence)) return false;
  const Rule& rule = pack_.rules[index];
  match->label = rule.label;
  match->rule = &rule;
  match->info = pack_.FindLabel(rule.label);
  match->evidence_start = static_cast<uint32_t>(evidence.data() - text.data());
  match->evidence_end = match->evidence_start + static_cast<uint32_t>(evidence.size());
  return true;
}

std::vector<LabelMatch> Classifier::Decide(std::string_view text, const std::vector<int>& candidates,
                                           std::vector<int>* context_candidates,
                                           std::string_view heading) const {
  std::vector<LabelMatch> labels;
  auto passes = [&](int index) {
    const Compiled::CompiledRule& compiled = compiled_->rules[index];
    if (compiled.heading_excludes && !heading.empty() &&
        PartialMatch(heading, *compiled.heading_excludes)) {
      return false;
    }
    return compiled.Guards(text);
  };
  bool any_deferred = false;  // rules with unless_labels wait for the rest
  for (int index : candidates) {
    const Rule& rule = pack_.rules[index];
    if (!rule.context.empty()) {
      if (context_candidates != nullptr) context_candidates->push_back(index);
      continue;
    }
    if (!rule.unless_labels.empty()) {
      any_deferred = true;
      continue;
    }
    if (HasLabel(labels, rule.label)) continue;
    LabelMatch match;
    if (!MatchRule(index, text, &match) || !passes(index)) continue;
    labels.push_back(std::move(match));
  }
  // unless_labels look at the clause's other text labels, so they are
  // decided last ("opt-in wins over on-by-default").
  if (!any_deferred) return labels;
  for (int index : candidates) {
    const Rule& rule = pack_.rules[index];
    if (!rule.context.empty() || rule.unless_labels.empty()) continue;
    if (HasLabel(labels, rule.label) || HasAnyLabel(labels, rule.unless_labels)) continue;
    LabelMatch match;
    if (!MatchRule(index, text, &match) || !passes(index)) continue;
    labels.push_back(std::move(match));
  }
  return labels;
}

std::vector<LabelMatch> Classifier::Classify(std::string_view clause_text) const {
  std::vector<int> candidates;
  // Pack order (the sorted candidates) decides ties.
  if (!compiled_->CandidatesFor(clause_text, &candidates)) return {};
  std::vector<LabelMatch> labels = Decide(clause_text, candidates, nullptr);
  SortByLabel(&labels);
  return labels;
}

std::vector<std::vector<LabelMatch>> Classifier::ClassifyClauses(
    const Document& document, const std::vector<ClauseSpan>& spans,
    std::vector<ClauseSituation>* situations_out) const {
  const size_t n = spans.size();
  std::vector<std::string_view> texts(n);
  std::vector<ClauseSituation> situations(n);
  // Clauses per block, to tell a one-line title from a sentence of a block.
  std::vector<uint32_t> clauses_in_block(document.blocks.size(), 0);
  for (const ClauseSpan& span : spans) {
    if (span.block_index < clauses_in_block.size()) ++clauses_in_block[span.block_index];
  }

  // Situations: one forward walk tracking the current heading and lead-in.
  int heading = -1;
  // Heading nesting, for heading_excludes: each heading's enclosing heading
  // (Markdown levels 1-6; paragraph titles below those, deeper the more
  // numbered parts they have: "27." > "27.11").
  std::vector<int> parent_heading(n, -1);
  std::vector<std::pair<int, int>> open_headings;  // (rank, clause index)
  int lead_in = -1;
  uint32_t lead_in_block = 0;
  bool semicolon_list = false;        // some item so far ended with ";"
  bool previous_item_closed = false;  // the item before ended with "."
  int block_colon = -1;  // latest clause of the current block with a ":"
  // Tables: a body cell is about what its column's header says ("Develop
  // and improve AI technology" under "Why and how we process your
  // information", "3 years" under "Retention period"); context rules read
  // the header through column_header_matches. A header cell is one the
  // reader marked (Block::table_header), found by its table and column
  // (Block::table, Block::level); its text is its clauses' (a cell may be
  // several blocks), and a long one is content laid out as a table.
  struct HeaderCell {
    int first_clause = -1;
    std::string text;
  };
  std::map<std::pair<uint32_t, int>, HeaderCell> header_cells;  // (table, column)
  // Clause i's column header's text (situations[i].column_header >= 0).
  auto column_header_text = [&](size_t i) -> const std::string& {
    const Block& block = document.blocks[spans[i].block_index];
    return header_cells.at({block.table, block.level}).text;
  };
  // Each step out of line, here and in the passes below: see
  // core/out_of_line.h (this function runs once per page).
  auto situate = [&](size_t i) FINEPRINT_OUT_OF_LINE {
    const ClauseSpan& span = spans[i];
    const Block& block = document.blocks[span.block_index];
    texts[i] = std::string_view(block.text).substr(span.start, span.end - span.start);
    ClauseSituation& situation = situations[i];
    const bool first_in_block = i == 0 || spans[i - 1].block_index != span.block_index;
    // A list item (or, in plain text, a block shortly after a "...:" block)
    // belongs to the lead-in that introduced it.
    if (lead_in >= 0 && first_in_block && span.block_index != lead_in_block) {
      const bool marked_item = block.kind == BlockKind::kListItem;
      // Plain text has no list markup: an item is a one-sentence line, and a
      // list of "...;" items ends after the item that closes with a period.
      const bool plain_item = document.format == DocumentFormat::kPlainText &&
                              block.kind == BlockKind::kParagraph &&
                              (clauses_in_block[span.block_index] == 1 ||
                               StartsLikeListFragment(texts[i])) &&
                              span.block_index - lead_in_block <= kMaxPlainListItems &&
                              !(semicolon_list && previous_item_closed);
      if (!marked_item && !plain_item) lead_in = -1;
    }
    if (lead_in >= 0 && span.block_index != lead_in_block) {
      const std::string_view item = std::string_view(block.text);
      const bool semicolon = item.size() >= 1 &&
                             (item.back() == ';' || item.substr(item.size() >= 4 ? item.size() - 4 : 0) == "; or" ||
                              item.substr(item.size() >= 5 ? item.size() - 5 : 0) == "; and");
      semicolon_list = semicolon_list || semicolon;
      previous_item_closed = !item.empty() && item.back() == '.';
    }
    const bool in_list = lead_in >= 0 && span.block_index != lead_in_block;
    // A table-of-contents entry (navigation) is heading-like too, but opens
    // no section: the heading above stays the current one.
    if (block.navigation) {
      situation.heading_like = true;
      situation.heading = heading;
      lead_in = -1;
      return;
    }
    situation.heading_like =
        block.kind == BlockKind::kHeading ||
        (block.kind == BlockKind::kParagraph && LooksLikeTitle(block.text) &&
         (!in_list || LooksLikeNumberedTitle(block.text)));
    if (situation.heading_like) {
      int rank = block.kind == BlockKind::kHeading ? block.level : 10;
      if (block.kind != BlockKind::kHeading && LooksLikeNumberedTitle(block.text)) {
        const std::string_view number = std::string_view(block.text).substr(0, block.text.find(' '));
        rank += static_cast<int>(std::count(number.begin(), number.end(), '.')) +
                (number.back() == '.' ? 0 : 1);
      }
      while (!open_headings.empty() && open_headings.back().first >= rank) open_headings.pop_back();
      parent_heading[i] = open_headings.empty() ? -1 : open_headings.back().second;
      open_headings.emplace_back(rank, static_cast<int>(i));
      heading = static_cast<int>(i);
      lead_in = -1;
      situation.heading = heading;
      return;
    }
    // A numbered run-in title ("27.11 Opt-Out. You may ...") commits to
    // nothing; the section it opens still belongs to the heading above.
    if (first_in_block && block.kind == BlockKind::kParagraph && LooksLikeNumberedPeriodTitle(texts[i])) {
      situation.heading_like = true;
      situation.heading = heading;
      return;
    }
    situation.heading = heading;
    if (block.kind == BlockKind::kTableCell && block.table != 0 && block.level > 0) {
      const auto key = std::make_pair(block.table, block.level);
      if (block.table_header) {
        HeaderCell& header = header_cells[key];
        if (header.first_clause < 0) header.first_clause = static_cast<int>(i);
        if (!header.text.empty()) header.text += ' ';
        header.text.append(texts[i].data(), texts[i].size());
      } else if (const auto found = header_cells.find(key);
                 found != header_cells.end() && found->second.text.size() <= kMaxHeaderCellBytes) {
        situation.column_header = found->second.first_clause;
      }
    }
    if (in_list) situation.lead_in = lead_in;
    if (first_in_block) block_colon = -1;
    // Inside a block: pieces of one sentence that the segmenter split at ";"
    // ("You shall not: (a) ...; (k) use the API to train ...") are items of
    // the latest piece before them that introduces a list with a colon.
    if (block_colon >= 0) situation.lead_in = block_colon;
    if (texts[i].find(':') != std::string_view::npos) block_colon = static_cast<int>(i);
    const bool last_in_block = i + 1 == n || spans[i + 1].block_index != span.block_index;
    if (last_in_block && EndsWithColon(texts[i]) && block.kind != BlockKind::kListItem) {
      lead_in = static_cast<int>(i);
      lead_in_block = span.block_index;
      semicolon_list = false;
      previous_item_closed = false;
    }
  };
  for (size_t i = 0; i < n; ++i) situate(i);

  // Pass 1: one atom pass per clause; text rules decided at once.
  std::vector<std::vector<LabelMatch>> labels(n);
  // Every clause's context candidates, clause after clause: clause i's are
  // context_rules[context_begin[i], context_begin[i + 1]).
  std::vector<int> context_rules;
  std::vector<uint32_t> context_begin(n + 1, 0);
  std::vector<int> candidates;
  auto decide_text_rules = [&](size_t i) FINEPRINT_OUT_OF_LINE {
    if (situations[i].heading_like) return;  // headings commit to nothing
    candidates.clear();
    if (!compiled_->CandidatesFor(texts[i], &candidates)) return;
    // heading_excludes sees the section heading and those enclosing it
    // ("27. Arbitration" > "27.11 Opt-Out").
    thread_local std::string headings;
    headings.clear();
    if (std::any_of(candidates.begin(), candidates.end(),
                    [&](int index) { return compiled_->rules[index].heading_excludes != nullptr; })) {
      for (int h = situations[i].heading; h >= 0; h = parent_heading[h]) {
        headings.append(texts[h].data(), texts[h].size()).append("\n");
      }
    }
    labels[i] = Decide(texts[i], candidates, &context_rules, headings);
  };
  for (size_t i = 0; i < n; ++i) {
    context_begin[i] = static_cast<uint32_t>(context_rules.size());
    decide_text_rules(i);
  }
  context_begin[n] = static_cast<uint32_t>(context_rules.size());

  // Pass 2: context rules see pass-1 labels only, so the outcome does not
  // depend on evaluation order.
  std::vector<std::vector<LabelMatch>> added(n);
  auto decide_context_rules = [&](size_t i) FINEPRINT_OUT_OF_LINE {
    for (uint32_t k = context_begin[i]; k < context_begin[i + 1]; ++k) {
      const int index = context_rules[k];
      const Rule& rule = pack_.rules[index];
      const Compiled::CompiledRule& compiled = compiled_->rules[index];
      if (HasLabel(labels[i], rule.label) || HasLabel(added[i], rule.label) ||
          HasAnyLabel(labels[i], rule.unless_labels)) {
        continue;
      }
      const RuleContext& context = rule.context;
      if (!context.previous_labels.empty()) {
        bool seen = false;
        for (int back = 1; back <= context.window && static_cast<int>(i) - back >= 0; ++back) {
          const size_t j = i - back;
          if (situations[j].heading_like) break;  // a new section: no carry-over
          if (HasAnyLabel(labels[j], context.previous_labels)) {
            seen = true;
            break;
          }
        }
        if (!seen) continue;
      }
      if (!context.lead_in_labels.empty() || compiled.lead_in) {
        const int l = situations[i].lead_in;
        if (l < 0) continue;
        // The lead-in is the whole block that ends with ":" ("We may keep
        // some data longer. For example:"), so any of its clauses counts.
        bool lead_in_has = context.lead_in_labels.empty();
        for (int k = l; !lead_in_has && k >= 0 && spans[k].block_index == spans[l].block_index; --k) {
          lead_in_has = HasAnyLabel(labels[k], context.lead_in_labels);
        }
        if (!lead_in_has) continue;
        if (compiled.lead_in && !PartialMatch(texts[l], *compiled.lead_in)) continue;
      }
      if (compiled.column_header) {
        if (situations[i].column_header < 0 || !PartialMatch(column_header_text(i), *compiled.column_header)) continue;
      }
      if (compiled.heading) {
        const int h = situations[i].heading;
        if (h < 0 || !PartialMatch(texts[h], *compiled.heading)) continue;
      }
      if (compiled.heading_excludes) {
        bool excluded_by_heading = false;
        for (int h = situations[i].heading; h >= 0 && !excluded_by_heading; h = parent_heading[h]) {
          excluded_by_heading = PartialMatch(texts[h], *compiled.heading_excludes);
        }
        if (excluded_by_heading) continue;
      }
      // Candidates from pass 1 passed the prefilter only.
      LabelMatch match;
      if (!MatchRule(index, texts[i], &match)) continue;
      if (!compiled.Guards(texts[i])) continue;
      added[i].push_back(std::move(match));
    }
  };
  for (size_t i = 0; i < n; ++i) decide_context_rules(i);
  for (size_t i = 0; i < n; ++i) {
    if (!added[i].empty()) {
      // A context label can overrule a text label that yields to it ("use
      // the API to train models" in a list of prohibitions is not the
      // service training its own models).
      labels[i].erase(std::remove_if(labels[i].begin(), labels[i].end(),
                                     [&](const LabelMatch& m) {
                                       return HasAnyLabel(added[i], m.rule->unless_labels);
                                     }),
                      labels[i].end());
    }
    for (LabelMatch& match : added[i]) labels[i].push_back(std::move(match));
    SortByLabel(&labels[i]);
  }
  if (situations_out != nullptr) *situations_out = std::move(situations);
  return labels;
}

// A duration slot's pattern sees a number and a unit, not what surrounds
// them: in "children under the age of sixteen (16) years ... we delete such
// accounts within 30 days" its first capture is an age. ExtractDurations
// tells ages apart by their context, so a capture it does not count as a
// length is passed over for the pattern's next match further on.
bool Classifier::CaptureSlot(size_t index, std::string_view clause_text, std::string_view* captured) const {
  const LazyPattern& pattern = *compiled_->slots[index].pattern;
  const bool duration = pack_.slots[index].kind == "duration";
  std::optional<std::vector<Duration>> lengths;
  size_t from = 0;
  while (pattern.CaptureFrom(clause_text, from, captured) && !captured->empty()) {
    // Not a number and a unit at all ("immediately"): nothing to tell apart.
    if (!duration || ExtractDurations(*captured).empty()) return true;
    if (!lengths) lengths = ExtractDurations(clause_text);
    const size_t start = static_cast<size_t>(captured->data() - clause_text.data());
    const size_t end = start + captured->size();
    const bool a_length = std::any_of(lengths->begin(), lengths->end(), [&](const Duration& d) {
      return d.start < end && d.end > start;
    });
    if (a_length) return true;
    from = end;
  }
  return false;
}

std::vector<SlotValue> Classifier::ExtractSlots(std::string_view clause_text, const std::vector<LabelMatch>& labels,
                                                const std::vector<ClauseLink>& links) const {
  std::vector<SlotValue> values;
  for (size_t i = 0; i < pack_.slots.size(); ++i) {
    const SlotRule& slot = pack_.slots[i];
    if (!slot.labels.empty() && !HasAnyLabel(labels, slot.labels)) continue;
    if (std::any_of(values.begin(), values.end(), [&](const SlotValue& v) { return v.name == slot.name; })) {
      continue;  // an earlier rule for this slot already found a value
    }
    std::string_view captured;
    if (slot.kind == "link") {
      const Compiled::CompiledSlot& compiled = compiled_->slots[i];
      const auto found = std::find_if(links.begin(), links.end(), [&](const ClauseLink& link) {
        return (compiled.link_text == nullptr || PartialMatch(link.text, *compiled.link_text)) &&
               (compiled.link_exclude == nullptr || !PartialMatch(link.target, *compiled.link_exclude)) &&
               compiled.pattern->CaptureFrom(link.target, 0, &captured) && !captured.empty();
      });
      if (found == links.end()) continue;
    } else if (!CaptureSlot(i, clause_text, &captured)) {
      continue;
    }
    SlotValue value;
    value.name = slot.name;
    value.value = std::string(captured);
    values.push_back(std::move(value));
  }
  return values;
}

bool Classifier::FindingMatches(size_t index, const char* field, std::string_view text) const {
  if (index >= compiled_->findings.size()) return false;
  const Compiled::CompiledFinding& finding = compiled_->findings[index];
  const std::string_view which(field);
  const LazyPattern* re = which == "trigger"     ? finding.trigger
                          : which == "companion" ? finding.companion
                                                 : finding.anywhere;
  if (re == nullptr) return which != "anywhere";  // "anywhere" is opt-in
  return PartialMatch(text, *re);
}

}  // namespace fineprint
