// Splits blocks into clauses: sentences, and the items of long
// semicolon-separated lists.
#ifndef FINEPRINT_CORE_SEGMENTER_H_
#define FINEPRINT_CORE_SEGMENTER_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "core/document.h"

namespace fineprint {

// A clause as a byte span of one block's text.
struct ClauseSpan {
  uint32_t block_index = 0;
  uint32_t start = 0;  // byte offset into blocks[block_index].text
  uint32_t end = 0;    // exclusive
};

// The clauses of one block's text, in order, covering every non-space byte
// exactly once and with no leading or trailing space. Does not split after
// abbreviations ("e.g.", "i.e.", "U.S.", "Inc.", "Ltd.", "No.", "Sec."),
// initials, decimal numbers, list markers ("1.", "(a)") or inside
// parentheses and quotes that close in the same sentence. Splits at a
// semicolon only when both sides are long enough to be clauses on their own
// (100 bytes and 12 words), or when what follows starts like a sentence of
// its own (an upper-case word or a number: "Term; Subscription Fees;").
std::vector<ClauseSpan> SegmentText(std::string_view text,
                                    uint32_t block_index = 0);

// SegmentText over every block, in document order.
std::vector<ClauseSpan> SegmentDocument(const Document& document);

}  // namespace fineprint

#endif  // FINEPRINT_CORE_SEGMENTER_H_
