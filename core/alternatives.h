// Splitting a regular expression into the alternatives it is made of.
//
// Most of a fresh engine's first page goes to RE2 compiling the patterns
// the page reaches, and the largest patterns of a rule pack are long
// alternations of phrasings ("with your consent" | "based on your consent"
// | ...) of which a given clause holds the literals of one or two. Compiled
// alternative by alternative, each behind its own literals, a fresh engine
// compiles only the alternatives a page can match (LazyPattern in
// classifier.cc). The split is done on the pattern's text, so that each
// alternative is a pattern of its own that RE2 parses and compiles as it
// would any other.
#ifndef FINEPRINT_CORE_ALTERNATIVES_H_
#define FINEPRINT_CORE_ALTERNATIVES_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fineprint {

// The alternatives `pattern` (RE2 syntax, already known to parse) is made
// of, in order, such that a text matches `pattern` exactly when it matches
// one of them, and the leftmost match of `pattern` (RE2's leftmost-first
// rule) is, of the alternatives' leftmost matches, the one that starts
// first, the earlier alternative winning a tie.
//
// The pattern is split at its top-level "|"s; an alternative that is a
// non-capturing group, alone or after "\b" or "^" and with nothing after
// it, is split inside too, its prefix put in front of each part: "\b(?:a|
// b)|c" gives "\b(?:a)", "\b(?:b)", "c". Prefixes that can match in more
// than one way are not distributed, since the order RE2 tries their ways
// in would no longer come first.
//
// The equivalence holds when the alternatives are compiled with the
// pattern's own RE2 options and case handling (LazyPattern in
// classifier.cc gives an alternative its whole pattern's).
//
// Returns an empty list when the pattern is not worth splitting (fewer than
// `min_alternatives` alternatives), when an alternative would be empty (it
// matches everywhere), when an alternative could change meaning alone (a
// pattern that sets flags, "(?i)", or names a group, "(?P<n>...)", or uses
// "\Q...\E"), when its parentheses do not balance, or when a class holds
// "[:" (a POSIX class or the end of a range: only RE2's parser tells).
//
// The split is part of the built-in pack's prepared form (a gate per
// alternative, Classifier::Prepare): changing what this returns needs a new
// kPreparedSchema in classifier.cc.
std::vector<std::string> AlternativesOf(std::string_view pattern, size_t min_alternatives);

// `pattern` (RE2 syntax) with every branch of every alternation, the top
// level's included ("a|b" gives "(a)|(b)", "a" gives "(a)"), wrapped in a
// capture group, for re2::Prefilter only.
// RE2's parser factors the common start out of an alternation's branches
// ("kept|keep data" becomes "ke(?:pt|ep data)"), and the prefilter then
// sees the pieces: atoms of a letter or two, which every clause holds, so a
// rule whose phrasings share first letters was a candidate for clauses
// that hold none of them. A capture group matches exactly what it holds
// and is never factored, so the prefilter gets whole words. The text
// matched is the same; *groups_added receives the number of groups added.
// Empty (and *groups_added untouched) for syntax the wrapping might change
// the meaning of: flags ("(?i)", which reach across "|"), named groups,
// "\Q...\E", unbalanced parentheses, "[:" in a class, and a branch that
// starts with "?" (an error that the "(" put in front would turn into group
// syntax: "a|?i:b" must not parse as "(a)|(?i:b)").
std::string WithBranchesCaptured(std::string_view pattern, int* groups_added);

}  // namespace fineprint

#endif  // FINEPRINT_CORE_ALTERNATIVES_H_
