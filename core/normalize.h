// Text normalisation for comparing two versions of a document.
//
// Two layers, because they serve different readers:
//   * NormalizeTypography keeps the text readable (it is what a snapshot
//     stores and a diff shows) and only removes typographic noise: curly
//     quotes, dashes, no-break and other Unicode spaces, zero-width
//     characters, runs of white space.
//   * ComparisonWords / ComparisonKey reduce a clause to what it says: its
//     words, case-folded, without punctuation, list markers or heading
//     numbers ("4.", "(a)", "iv.", "2.2", "•"). Two clauses with the same key
//     say the same thing; the diff never reports a change between them.
// Both are linear in the text and accept any bytes (invalid UTF-8 is kept as
// single bytes, never read past the end).
#ifndef FINEPRINT_CORE_NORMALIZE_H_
#define FINEPRINT_CORE_NORMALIZE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fineprint {

// The text with typographic noise removed: ‘ ’ ‚ ‛ ′ ʼ -> ', “ ” „ ‟ ″ « » ->
// ", ‐ ‑ ‒ – — ― − -> -, … -> ..., every Unicode space (no-break, thin,
// ideographic, tabs, line breaks) -> one ASCII space, zero-width characters
// and soft hyphens dropped, white space runs folded, no leading or trailing
// space. Idempotent.
std::string NormalizeTypography(std::string_view text);

// How many leading bytes of `text` are list markers and heading numbers
// ("1. ", "(a) ", "iv) ", "2.2 ", "• ", "- ", up to three of them) plus the
// space after them. Numbers that are content ("90 days ...") are not
// markers: a marker number ends in "." or ")", is in parentheses, or has an
// inner dot ("2.2").
size_t ListMarkerLength(std::string_view text);

// One word of a text as the comparison sees it.
struct ComparisonWord {
  uint32_t start = 0;  // byte span in the text
  uint32_t end = 0;
  // Case-folded, apostrophes as ', "&" as "and". Words are runs of letters
  // and digits; "15,000", "1.5", "don't" and "X's" are one word each; a
  // hyphen separates ("third-party" is "third" "party"); currency signs, %
  // and § are words of their own ("$" "15,000").
  std::string folded;
};

// The words of `text` after its list markers (ListMarkerLength), in order.
std::vector<ComparisonWord> ComparisonWords(std::string_view text);

// The folded words of `text` joined by single spaces: equal keys mean the
// same words in the same order, whatever the typography, case, punctuation
// or list numbering.
std::string ComparisonKey(std::string_view text);

// 64-bit FNV-1a of the bytes. Stable across platforms and builds (snapshots
// store it), not cryptographic.
uint64_t Fingerprint64(std::string_view bytes);

// A fingerprint for integrity checks of data the build prepares (the rule
// pack's prepared form: its tie to the JSON, its pack record, filter and
// atoms, hashed by every new engine): FNV-1a's multiply applied to eight
// bytes at a time instead of one, with a shift that carries the high bits
// down. Fingerprint64 stays the snapshots' clause fingerprint, on which
// stored histories depend. Reads words little-endian (both targets are),
// so the build's tool and the engine agree.
uint64_t WordFingerprint64(std::string_view bytes);

// `value` as 16 lower-case hex digits (how fingerprints are written out).
std::string Hex16(uint64_t value);

}  // namespace fineprint

#endif  // FINEPRINT_CORE_NORMALIZE_H_
