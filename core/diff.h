// What changed between two versions of a document, clause by clause.
//
// One sequence diff (DiffSequences) is written once and used at two
// granularities, as jsdiff does: over clause fingerprints to align two
// documents, and over word tokens to show what changed inside a clause. Only
// the tokenisation differs.
//
// Clause alignment (AlignClauses), in passes that each only see what the
// previous ones left:
//   1. diff the sequences of clause keys (normalize.h: typography, case,
//      punctuation and list numbering do not count) -> unchanged clauses;
//   2. a removed clause whose exact key was added elsewhere -> moved;
//   3. inside each gap between unchanged clauses, an order-preserving
//      alignment of the removed and added clauses by word overlap, allowing
//      one clause to become two or three (split) and back (merge)
//      -> modified (or nothing, when a split only moved sentence breaks);
//      words weigh by rarity (inverse document frequency over both
//      versions), so sharing "we", "the" and "your" makes no match;
//   4. what is left, across gaps, paired through an index of rare words
//      -> modified and moved;
//   5. the rest -> removed and added.
// Every pass is bounded: the sequence diff has a work budget, gap
// alignments above a size cap use the rare-word index instead, and the
// index examines a capped number of candidates per clause. A completely
// rewritten 200 KB policy therefore costs about as much as a small edit.
#ifndef FINEPRINT_CORE_DIFF_H_
#define FINEPRINT_CORE_DIFF_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace fineprint {

enum class EditKind { kEqual, kDelete, kInsert };

// "equal", "delete", "insert".
const char* EditKindName(EditKind kind);

// A run of `length` tokens: equal (a[a_start..] == b[b_start..]), deleted
// from a (starting at a_start), or inserted from b (starting at b_start).
struct EditRun {
  EditKind kind = EditKind::kEqual;
  uint32_t a_start = 0;
  uint32_t b_start = 0;
  uint32_t length = 0;
};

// Work budget of one DiffSequences call, in Myers steps (one step is about
// one token comparison). Beyond it the remaining unaligned stretches are
// reported as deleted-then-inserted: still a correct edit script, just not
// a minimal one.
inline constexpr uint64_t kDefaultDiffBudget = 1u << 24;

// An edit script turning a into b: runs in order, adjacent runs of the same
// kind merged, and within a replaced stretch the deletion before the
// insertion. Common prefix and suffix are stripped first; tokens unique to
// both sides anchor the rest (patience diff), and stretches between anchors
// are diffed with Myers' O(ND) algorithm in linear space.
std::vector<EditRun> DiffSequences(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b,
                                   uint64_t budget = kDefaultDiffBudget);

// One piece of a word-level diff, text as shown to a person: equal and
// inserted pieces are the new text, deleted pieces the old.
struct WordEdit {
  EditKind op = EditKind::kEqual;
  std::string text;
};

// The word-level diff of two versions of a clause. Words compare as
// ComparisonWords do (case and typography ignored), white space compares
// equal whatever it is, and leading list markers always compare equal (a
// renumbered item is not an edit). White space between two edits is folded
// into them ("90 days" -> "12 months" is one deletion and one insertion).
// Concatenating the equal and insert pieces gives new_text; equal and delete
// pieces give old_text, up to white space and list markers.
std::vector<WordEdit> DiffWords(std::string_view old_text, std::string_view new_text);

enum class ChangeKind { kAdded, kRemoved, kModified, kMoved };

// "added", "removed", "modified", "moved".
const char* ChangeKindName(ChangeKind kind);

// One change between the two clause lists. A side is a range of clause
// indices, empty when the clause is not there (added: no old clauses;
// removed: no new ones). Modified changes may cover several clauses on a
// side: one sentence split into two, or two merged into one.
struct ClauseChange {
  ChangeKind kind = ChangeKind::kModified;
  uint32_t old_begin = 0;
  uint32_t old_end = 0;
  uint32_t new_begin = 0;
  uint32_t new_end = 0;
  // For kModified: the clause also changed place (it was paired across
  // unchanged clauses, not within the stretch where it used to be).
  bool moved = false;
  // Word overlap of the two sides (Dice coefficient over word multisets,
  // words weighted by rarity), 1 for moved clauses, 0 for added and
  // removed ones.
  double similarity = 0;
  // For kModified: the word-level diff of the two sides' text.
  std::vector<WordEdit> words;

  bool has_old() const { return old_end > old_begin; }
  bool has_new() const { return new_end > new_begin; }
};

struct AlignOptions {
  // Least word overlap (rarity-weighted Dice) for two clauses to be one
  // clause modified rather than one removed and one added, within a
  // stretch and across the document.
  double min_similarity = 0.5;
  double min_moved_similarity = 0.6;
  // A clause extended or cut back is modified when the shorter side has at
  // least min_contained_words words, min_containment of them are in the
  // longer side, and the overlap is still min_contained_similarity.
  uint32_t min_contained_words = 5;
  double min_containment = 0.85;
  double min_contained_similarity = 0.3;
  // A lone removed clause facing a lone added one in the same place
  // ("Effective: November 15, 2024" -> "Effective: July 28, 2025"); plain
  // (unweighted) Dice, since dates and names are all rare words.
  double min_in_place_similarity = 0.25;
  // A clause moved as is is reported only when it has at least this many
  // words; shorter ones ("Learn more.") repeat throughout a document and
  // moving one says nothing.
  uint32_t min_moved_words = 4;
  // Largest stretch (removed x added clauses) aligned exhaustively; larger
  // ones go through the rare-word index.
  uint32_t max_gap_cells = 40000;
  // The rare-word index looks at this many of a clause's rarest words and
  // scores at most this many candidates per clause.
  uint32_t probe_words = 12;
  uint32_t max_candidates = 24;
  uint64_t budget = kDefaultDiffBudget;
};

// The changes that turn the clause list `old_clauses` into `new_clauses`,
// in the order of the new document (removed clauses where they used to
// be). Unchanged clauses are not listed; neither are clauses with no words,
// nor pairs whose keys are equal (a split that only moved a sentence
// boundary). Deterministic for given inputs.
std::vector<ClauseChange> AlignClauses(const std::vector<std::string_view>& old_clauses,
                                       const std::vector<std::string_view>& new_clauses,
                                       const AlignOptions& options = AlignOptions());

}  // namespace fineprint

#endif  // FINEPRINT_CORE_DIFF_H_
