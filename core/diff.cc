#include "core/diff.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <unordered_map>

#include "core/normalize.h"

namespace fineprint {
namespace {

// ---------------------------------------------------------------------------
// Sequence diff: prefix/suffix trim, patience anchors, Myers bisection.

// Anchoring recurses into the stretches between anchors; beyond this depth
// stretches go straight to Myers, which keeps the stack shallow.
constexpr int kMaxAnchorDepth = 8;

class SequenceDiff {
 public:
  SequenceDiff(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b, uint64_t budget)
      : a_(a.data()), b_(b.data()), a_size_(a.size()), b_size_(b.size()), budget_(budget) {
    uint32_t max_id = 0;
    for (uint32_t t : a) max_id = std::max(max_id, t);
    for (uint32_t t : b) max_id = std::max(max_id, t);
    // Dense ids (interned tokens) count in arrays; sparse ones are remapped.
    if (static_cast<uint64_t>(max_id) > 4 * (a.size() + b.size()) + 1024) {
      std::unordered_map<uint32_t, uint32_t> ids;
      ids.reserve(a.size() + b.size());
      auto remap = [&](const std::vector<uint32_t>& in, std::vector<uint32_t>* out) {
        out->reserve(in.size());
        for (uint32_t t : in) out->push_back(ids.emplace(t, static_cast<uint32_t>(ids.size())).first->second);
      };
      remap(a, &a_dense_);
      remap(b, &b_dense_);
      a_ = a_dense_.data();
      b_ = b_dense_.data();
      max_id = static_cast<uint32_t>(ids.size());
    }
    count_a_.assign(static_cast<size_t>(max_id) + 1, 0);
    count_b_.assign(static_cast<size_t>(max_id) + 1, 0);
    pos_a_.assign(static_cast<size_t>(max_id) + 1, 0);
    pos_b_.assign(static_cast<size_t>(max_id) + 1, 0);
  }

  std::vector<EditRun> Run() {
    Diff(0, static_cast<uint32_t>(a_size_), 0, static_cast<uint32_t>(b_size_), 0);
    return Normalize();
  }

 private:
  void Emit(EditKind kind, uint32_t a_start, uint32_t b_start, uint32_t length) {
    if (length == 0) return;
    if (!raw_.empty()) {
      EditRun& last = raw_.back();
      const bool contiguous =
          last.kind == kind &&
          ((kind == EditKind::kEqual && last.a_start + last.length == a_start &&
            last.b_start + last.length == b_start) ||
           (kind == EditKind::kDelete && last.a_start + last.length == a_start) ||
           (kind == EditKind::kInsert && last.b_start + last.length == b_start));
      if (contiguous) {
        last.length += length;
        return;
      }
    }
    raw_.push_back({kind, a_start, b_start, length});
  }

  void Replace(uint32_t a_lo, uint32_t a_hi, uint32_t b_lo, uint32_t b_hi) {
    Emit(EditKind::kDelete, a_lo, b_lo, a_hi - a_lo);
    Emit(EditKind::kInsert, a_hi, b_lo, b_hi - b_lo);
  }

  void Diff(uint32_t a_lo, uint32_t a_hi, uint32_t b_lo, uint32_t b_hi, int depth) {
    uint32_t prefix = 0;
    while (a_lo + prefix < a_hi && b_lo + prefix < b_hi && a_[a_lo + prefix] == b_[b_lo + prefix]) ++prefix;
    Emit(EditKind::kEqual, a_lo, b_lo, prefix);
    a_lo += prefix;
    b_lo += prefix;
    uint32_t suffix = 0;
    while (a_hi - suffix > a_lo && b_hi - suffix > b_lo && a_[a_hi - suffix - 1] == b_[b_hi - suffix - 1]) {
      ++suffix;
    }
    a_hi -= suffix;
    b_hi -= suffix;
    if (a_lo == a_hi || b_lo == b_hi || budget_ == 0) {
      Replace(a_lo, a_hi, b_lo, b_hi);
    } else if (depth >= kMaxAnchorDepth || !Anchor(a_lo, a_hi, b_lo, b_hi, depth)) {
      Bisect(a_lo, a_hi, b_lo, b_hi, depth);
    }
    Emit(EditKind::kEqual, a_hi, b_hi, suffix);
  }

  // Patience step: tokens occurring exactly once on each side, in their
  // longest common order, split the stretch. False when there are none.
  bool Anchor(uint32_t a_lo, uint32_t a_hi, uint32_t b_lo, uint32_t b_hi, int depth) {
    for (uint32_t i = a_lo; i < a_hi; ++i) {
      ++count_a_[a_[i]];
      pos_a_[a_[i]] = i;
    }
    for (uint32_t j = b_lo; j < b_hi; ++j) {
      ++count_b_[b_[j]];
      pos_b_[b_[j]] = j;
    }
    std::vector<std::pair<uint32_t, uint32_t>> unique;  // (a position, b position)
    for (uint32_t i = a_lo; i < a_hi; ++i) {
      const uint32_t t = a_[i];
      if (count_a_[t] == 1 && count_b_[t] == 1) unique.emplace_back(i, pos_b_[t]);
    }
    for (uint32_t i = a_lo; i < a_hi; ++i) count_a_[a_[i]] = 0;
    for (uint32_t j = b_lo; j < b_hi; ++j) count_b_[b_[j]] = 0;
    const uint64_t cost = (a_hi - a_lo) + (b_hi - b_lo);
    budget_ = budget_ > cost ? budget_ - cost : 0;
    if (unique.empty()) return false;

    // Longest increasing subsequence of b positions (patience sorting).
    std::vector<uint32_t> tails;                       // index into unique
    std::vector<int32_t> previous(unique.size(), -1);  // back links
    for (uint32_t k = 0; k < unique.size(); ++k) {
      auto it = std::lower_bound(tails.begin(), tails.end(), unique[k].second,
                                 [&](uint32_t index, uint32_t value) { return unique[index].second < value; });
      if (it != tails.begin()) previous[k] = static_cast<int32_t>(*(it - 1));
      if (it == tails.end()) {
        tails.push_back(k);
      } else {
        *it = k;
      }
    }
    std::vector<uint32_t> chain;
    for (int32_t k = static_cast<int32_t>(tails.back()); k >= 0; k = previous[k]) chain.push_back(k);
    std::reverse(chain.begin(), chain.end());

    uint32_t a_at = a_lo;
    uint32_t b_at = b_lo;
    for (uint32_t k : chain) {
      const auto [ai, bj] = unique[k];
      Diff(a_at, ai, b_at, bj, depth + 1);
      Emit(EditKind::kEqual, ai, bj, 1);
      a_at = ai + 1;
      b_at = bj + 1;
    }
    Diff(a_at, a_hi, b_at, b_hi, depth + 1);
    return true;
  }

  // Myers' middle snake (as in diff-match-patch), then both halves. Falls
  // back to a plain replacement when the budget runs out.
  void Bisect(uint32_t a_lo, uint32_t a_hi, uint32_t b_lo, uint32_t b_hi, int depth) {
    const int64_t n = a_hi - a_lo;
    const int64_t m = b_hi - b_lo;
    const int64_t max_d = (n + m + 1) / 2;
    const int64_t v_offset = max_d;
    const int64_t v_length = 2 * max_d + 2;
    std::vector<int64_t> v1(v_length, -1);
    std::vector<int64_t> v2(v_length, -1);
    v1[v_offset + 1] = 0;
    v2[v_offset + 1] = 0;
    const int64_t delta = n - m;
    const bool front = (delta % 2) != 0;
    int64_t k1start = 0, k1end = 0, k2start = 0, k2end = 0;
    const uint32_t* a = a_ + a_lo;
    const uint32_t* b = b_ + b_lo;
    for (int64_t d = 0; d < max_d; ++d) {
      const uint64_t cost = static_cast<uint64_t>(2 * d + 2);
      if (budget_ <= cost) {
        budget_ = 0;
        break;
      }
      budget_ -= cost;
      for (int64_t k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
        const int64_t k1_offset = v_offset + k1;
        int64_t x1;
        if (k1 == -d || (k1 != d && v1[k1_offset - 1] < v1[k1_offset + 1])) {
          x1 = v1[k1_offset + 1];
        } else {
          x1 = v1[k1_offset - 1] + 1;
        }
        int64_t y1 = x1 - k1;
        while (x1 < n && y1 < m && a[x1] == b[y1]) {
          ++x1;
          ++y1;
        }
        v1[k1_offset] = x1;
        if (x1 > n) {
          k1end += 2;
        } else if (y1 > m) {
          k1start += 2;
        } else if (front) {
          const int64_t k2_offset = v_offset + delta - k1;
          if (k2_offset >= 0 && k2_offset < v_length && v2[k2_offset] != -1) {
            const int64_t x2 = n - v2[k2_offset];
            if (x1 >= x2) {
              Split(a_lo, a_hi, b_lo, b_hi, static_cast<uint32_t>(x1), static_cast<uint32_t>(y1), depth);
              return;
            }
          }
        }
      }
      for (int64_t k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
        const int64_t k2_offset = v_offset + k2;
        int64_t x2;
        if (k2 == -d || (k2 != d && v2[k2_offset - 1] < v2[k2_offset + 1])) {
          x2 = v2[k2_offset + 1];
        } else {
          x2 = v2[k2_offset - 1] + 1;
        }
        int64_t y2 = x2 - k2;
        while (x2 < n && y2 < m && a[n - x2 - 1] == b[m - y2 - 1]) {
          ++x2;
          ++y2;
        }
        v2[k2_offset] = x2;
        if (x2 > n) {
          k2end += 2;
        } else if (y2 > m) {
          k2start += 2;
        } else if (!front) {
          const int64_t k1_offset = v_offset + delta - k2;
          if (k1_offset >= 0 && k1_offset < v_length && v1[k1_offset] != -1) {
            const int64_t x1 = v1[k1_offset];
            const int64_t y1 = v_offset + x1 - k1_offset;
            if (x1 >= n - x2) {
              Split(a_lo, a_hi, b_lo, b_hi, static_cast<uint32_t>(x1), static_cast<uint32_t>(y1), depth);
              return;
            }
          }
        }
      }
    }
    Replace(a_lo, a_hi, b_lo, b_hi);
  }

  void Split(uint32_t a_lo, uint32_t a_hi, uint32_t b_lo, uint32_t b_hi, uint32_t x, uint32_t y,
             int depth) {
    // Both halves are diffed without re-anchoring: Myers already found the
    // best split, and anchoring again would only cost time.
    Diff(a_lo, a_lo + x, b_lo, b_lo + y, kMaxAnchorDepth + depth);
    Diff(a_lo + x, a_hi, b_lo + y, b_hi, kMaxAnchorDepth + depth);
  }

  // Within each stretch between equal runs, one deletion then one insertion.
  std::vector<EditRun> Normalize() {
    std::vector<EditRun> out;
    out.reserve(raw_.size());
    bool pending = false;
    uint32_t del_start = 0, del_length = 0, ins_start = 0, ins_length = 0;
    auto flush = [&] {
      if (!pending) return;
      if (del_length > 0) out.push_back({EditKind::kDelete, del_start, ins_start, del_length});
      if (ins_length > 0) out.push_back({EditKind::kInsert, del_start + del_length, ins_start, ins_length});
      pending = false;
      del_length = ins_length = 0;
    };
    for (const EditRun& run : raw_) {
      if (run.kind == EditKind::kEqual) {
        flush();
        if (!out.empty() && out.back().kind == EditKind::kEqual &&
            out.back().a_start + out.back().length == run.a_start) {
          out.back().length += run.length;
        } else {
          out.push_back(run);
        }
        continue;
      }
      if (!pending) {
        pending = true;
        del_start = run.a_start;
        ins_start = run.b_start;
      }
      if (run.kind == EditKind::kDelete) {
        del_length += run.length;
      } else {
        ins_length += run.length;
      }
    }
    flush();
    return out;
  }

  std::vector<uint32_t> a_dense_, b_dense_;
  // The caller's tokens, or a_dense_/b_dense_.
  const uint32_t* a_;
  const uint32_t* b_;
  size_t a_size_;
  size_t b_size_;
  uint64_t budget_;
  std::vector<uint32_t> count_a_, count_b_, pos_a_, pos_b_;
  std::vector<EditRun> raw_;
};

}  // namespace

const char* EditKindName(EditKind kind) {
  switch (kind) {
    case EditKind::kEqual: return "equal";
    case EditKind::kDelete: return "delete";
    case EditKind::kInsert: return "insert";
  }
  return "equal";
}

const char* ChangeKindName(ChangeKind kind) {
  switch (kind) {
    case ChangeKind::kAdded: return "added";
    case ChangeKind::kRemoved: return "removed";
    case ChangeKind::kModified: return "modified";
    case ChangeKind::kMoved: return "moved";
  }
  return "modified";
}

std::vector<EditRun> DiffSequences(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b,
                                   uint64_t budget) {
  return SequenceDiff(a, b, budget).Run();
}


namespace {

// ---------------------------------------------------------------------------
// Word diff.

// Interns strings as dense token ids. Lookups do not allocate: keys are
// views of strings kept in a deque (which never moves its elements).
class Interner {
 public:
  uint32_t Id(std::string_view text) {
    auto it = ids_.find(text);
    if (it != ids_.end()) return it->second;
    const uint32_t id = static_cast<uint32_t>(ids_.size());
    storage_.emplace_back(text);
    ids_.emplace(storage_.back(), id);
    return id;
  }
  size_t size() const { return ids_.size(); }

 private:
  std::deque<std::string> storage_;
  std::unordered_map<std::string_view, uint32_t> ids_;
};

struct DisplayToken {
  uint32_t start;
  uint32_t end;
  bool space;  // white space only (compares equal to any white space)
};

// Splits `text` into list marker, words, white space runs and single
// punctuation characters, covering every byte; ids[i] is what token i
// compares as.
void DisplayTokens(std::string_view text, Interner* interner, std::vector<DisplayToken>* tokens,
                   std::vector<uint32_t>* ids) {
  // Fixed ids first: every marker is the same marker, all space the same.
  const uint32_t marker_id = interner->Id("\x01marker");
  const uint32_t space_id = interner->Id("\x01space");
  const size_t marker = ListMarkerLength(text);
  if (marker > 0) {
    tokens->push_back({0, static_cast<uint32_t>(marker), false});
    ids->push_back(marker_id);
  }
  auto gap = [&](size_t from, size_t to) {
    size_t i = from;
    while (i < to) {
      const unsigned char c = static_cast<unsigned char>(text[i]);
      size_t j = i + 1;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        while (j < to && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r')) ++j;
        tokens->push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(j), true});
        ids->push_back(space_id);
        i = j;
        continue;
      }
      if (c >= 0x80) {
        while (j < to && (static_cast<unsigned char>(text[j]) & 0xC0) == 0x80) ++j;
      }
      const std::string normal = NormalizeTypography(text.substr(i, j - i));
      tokens->push_back({static_cast<uint32_t>(i), static_cast<uint32_t>(j), normal.empty()});
      ids->push_back(normal.empty() ? space_id : interner->Id("\x02" + normal));
      i = j;
    }
  };
  size_t at = marker;
  for (const ComparisonWord& word : ComparisonWords(text)) {
    gap(at, word.start);
    tokens->push_back({word.start, word.end, false});
    ids->push_back(interner->Id(word.folded));
    at = word.end;
  }
  gap(at, text.size());
}

// Word diffs are of one clause; a generous budget still bounds a
// pathological megabyte-long "clause".
constexpr uint64_t kWordDiffBudget = 1u << 22;

}  // namespace

std::vector<WordEdit> DiffWords(std::string_view old_text, std::string_view new_text) {
  Interner interner;
  std::vector<DisplayToken> a_tokens, b_tokens;
  std::vector<uint32_t> a_ids, b_ids;
  DisplayTokens(old_text, &interner, &a_tokens, &a_ids);
  DisplayTokens(new_text, &interner, &b_tokens, &b_ids);
  const std::vector<EditRun> runs = DiffSequences(a_ids, b_ids, kWordDiffBudget);

  // An equal run of nothing but white space between two edits joins them:
  // "90 days" -> "12 months" reads as one replacement, not two.
  std::vector<bool> absorbed(runs.size(), false);
  for (size_t r = 1; r + 1 < runs.size(); ++r) {
    if (runs[r].kind != EditKind::kEqual || runs[r - 1].kind == EditKind::kEqual ||
        runs[r + 1].kind == EditKind::kEqual) {
      continue;
    }
    bool all_space = true;
    for (uint32_t k = 0; k < runs[r].length && all_space; ++k) all_space = b_tokens[runs[r].b_start + k].space;
    absorbed[r] = all_space;
  }

  std::vector<WordEdit> out;
  auto append = [&](EditKind op, std::string_view text) {
    if (text.empty()) return;
    if (!out.empty() && out.back().op == op) {
      out.back().text += text;
    } else {
      out.push_back({op, std::string(text)});
    }
  };
  auto a_span = [&](uint32_t from, uint32_t to) {  // token range -> text
    if (from >= to) return std::string_view();
    return old_text.substr(a_tokens[from].start, a_tokens[to - 1].end - a_tokens[from].start);
  };
  auto b_span = [&](uint32_t from, uint32_t to) {
    if (from >= to) return std::string_view();
    return new_text.substr(b_tokens[from].start, b_tokens[to - 1].end - b_tokens[from].start);
  };
  size_t r = 0;
  while (r < runs.size()) {
    if (runs[r].kind == EditKind::kEqual && !absorbed[r]) {
      append(EditKind::kEqual, b_span(runs[r].b_start, runs[r].b_start + runs[r].length));
      ++r;
      continue;
    }
    // A stretch of edits (and absorbed white space): its old tokens and new
    // tokens are each contiguous.
    uint32_t a_from = UINT32_MAX, a_to = 0, b_from = UINT32_MAX, b_to = 0;
    for (; r < runs.size() && (runs[r].kind != EditKind::kEqual || absorbed[r]); ++r) {
      const EditRun& run = runs[r];
      if (run.kind != EditKind::kInsert) {
        a_from = std::min(a_from, run.a_start);
        a_to = std::max(a_to, run.a_start + run.length);
      }
      if (run.kind != EditKind::kDelete) {
        b_from = std::min(b_from, run.b_start);
        b_to = std::max(b_to, run.b_start + run.length);
      }
    }
    append(EditKind::kDelete, a_span(a_from, a_to));
    append(EditKind::kInsert, b_span(b_from, b_to));
  }
  return out;
}

namespace {

// ---------------------------------------------------------------------------
// Clause alignment.

struct Prepared {
  std::vector<uint32_t> words;  // word ids in order
  std::vector<uint32_t> bag;    // the same, sorted
  uint32_t token = 0;           // clause id: equal keys, equal ids
  double mass = 0;              // the bag's total word weight
};

class Aligner {
 public:
  Aligner(const std::vector<std::string_view>& old_clauses, const std::vector<std::string_view>& new_clauses,
          const AlignOptions& options)
      : old_texts_(old_clauses), new_texts_(new_clauses), options_(options) {}

  std::vector<ClauseChange> Run() {
    Prepare(old_texts_, &old_);
    Prepare(new_texts_, &new_);
    WeighWords();
    old_used_.assign(old_.size(), false);
    new_used_.assign(new_.size(), false);
    old_gap_.assign(old_.size(), UINT32_MAX);
    new_gap_.assign(new_.size(), UINT32_MAX);
    FindGaps();
    PairExactMoves();
    for (uint32_t g = 0; g < gaps_.size(); ++g) AlignGap(g);
    PairAcrossDocument();
    CollectRest();
    std::stable_sort(changes_.begin(), changes_.end(), [](const Ordered& x, const Ordered& y) {
      if (x.new_position != y.new_position) return x.new_position < y.new_position;
      return x.old_position < y.old_position;
    });
    std::vector<ClauseChange> out;
    out.reserve(changes_.size());
    for (Ordered& c : changes_) out.push_back(std::move(c.change));
    return out;
  }

 private:
  struct Gap {
    std::vector<uint32_t> olds;  // removed clause indices, in order
    std::vector<uint32_t> news;  // added clause indices, in order
    uint32_t new_position = 0;   // where the stretch sits in the new list
    uint32_t old_position = 0;   // and in the old one
  };
  struct Ordered {
    ClauseChange change;
    uint32_t new_position;
    uint32_t old_position;
  };

  void Prepare(const std::vector<std::string_view>& texts, std::vector<Prepared>* out) {
    out->resize(texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
      Prepared& p = (*out)[i];
      // Fingerprint64(ComparisonKey(text)), without building the key.
      uint64_t hash = 0xcbf29ce484222325ull;
      bool first = true;
      for (const ComparisonWord& word : ComparisonWords(texts[i])) {
        p.words.push_back(words_.Id(word.folded));
        if (!first) hash = (hash ^ static_cast<unsigned char>(' ')) * 0x100000001b3ull;
        first = false;
        for (const char c : word.folded) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
      }
      p.bag = p.words;
      std::sort(p.bag.begin(), p.bag.end());
      p.token = clause_ids_.emplace(hash, static_cast<uint32_t>(clause_ids_.size())).first->second;
    }
  }

  // Words weigh by rarity (inverse document frequency over both versions'
  // clauses), so that sharing "we", "the" and "your" does not make two
  // clauses the same clause; sharing "biometric" or "18 months" does.
  void WeighWords() {
    frequency_.assign(words_.size(), 0);
    auto count = [&](const Prepared& p) {
      for (size_t k = 0; k < p.bag.size(); ++k) {
        if (k == 0 || p.bag[k] != p.bag[k - 1]) ++frequency_[p.bag[k]];
      }
    };
    for (const Prepared& p : old_) count(p);
    for (const Prepared& p : new_) count(p);
    const double clauses = static_cast<double>(old_.size() + new_.size());
    weight_.resize(words_.size());
    for (size_t w = 0; w < words_.size(); ++w) {
      weight_[w] = std::log(1.0 + clauses / std::max<uint32_t>(1, frequency_[w]));
    }
    for (Prepared& p : old_) p.mass = Mass(p.bag);
    for (Prepared& p : new_) p.mass = Mass(p.bag);
  }

  double Mass(const std::vector<uint32_t>& bag) const {
    double mass = 0;
    for (uint32_t w : bag) mass += weight_[w];
    return mass;
  }

  // Weight of the multiset intersection of two sorted bags.
  double Overlap(const std::vector<uint32_t>& x, const std::vector<uint32_t>& y) const {
    double total = 0;
    size_t i = 0, j = 0;
    while (i < x.size() && j < y.size()) {
      if (x[i] < y[j]) {
        ++i;
      } else if (y[j] < x[i]) {
        ++j;
      } else {
        total += weight_[x[i]];
        ++i;
        ++j;
      }
    }
    return total;
  }

  void FindGaps() {
    std::vector<uint32_t> a(old_.size()), b(new_.size());
    for (size_t i = 0; i < old_.size(); ++i) a[i] = old_[i].token;
    for (size_t j = 0; j < new_.size(); ++j) b[j] = new_[j].token;
    const std::vector<EditRun> runs = DiffSequences(a, b, options_.budget);
    Gap current;
    bool open = false;
    auto close = [&] {
      if (!open) return;
      const uint32_t g = static_cast<uint32_t>(gaps_.size());
      for (uint32_t i : current.olds) old_gap_[i] = g;
      for (uint32_t j : current.news) new_gap_[j] = g;
      gaps_.push_back(std::move(current));
      current = Gap();
      open = false;
    };
    for (const EditRun& run : runs) {
      if (run.kind == EditKind::kEqual) {
        close();
        for (uint32_t k = 0; k < run.length; ++k) {
          old_used_[run.a_start + k] = true;
          new_used_[run.b_start + k] = true;
        }
        continue;
      }
      if (!open) {
        open = true;
        current.new_position = run.b_start;
        current.old_position = run.a_start;
      }
      for (uint32_t k = 0; k < run.length; ++k) {
        if (run.kind == EditKind::kDelete) {
          current.olds.push_back(run.a_start + k);
        } else {
          current.news.push_back(run.b_start + k);
        }
      }
    }
    close();
  }

  // A clause removed in one place and added, word for word, in another.
  void PairExactMoves() {
    std::unordered_map<uint32_t, std::vector<uint32_t>> added;  // token -> new indices
    for (const Gap& gap : gaps_) {
      for (uint32_t j : gap.news) added[new_[j].token].push_back(j);
    }
    for (auto& entry : added) std::reverse(entry.second.begin(), entry.second.end());  // pop from the back
    for (const Gap& gap : gaps_) {
      for (uint32_t i : gap.olds) {
        auto it = added.find(old_[i].token);
        if (it == added.end() || it->second.empty()) continue;
        const uint32_t j = it->second.back();
        it->second.pop_back();
        old_used_[i] = new_used_[j] = true;
        if (old_[i].words.size() < options_.min_moved_words) continue;  // boilerplate repeats
        ClauseChange change;
        change.kind = ChangeKind::kMoved;
        change.old_begin = i;
        change.old_end = i + 1;
        change.new_begin = j;
        change.new_end = j + 1;
        change.similarity = 1;
        changes_.push_back({std::move(change), j, i});
      }
    }
  }

  // Whether `overlap` shared words out of `length` (both sides' word
  // counts, `shorter` the smaller) make one clause, modified. Either most
  // words are shared (Dice), or the shorter side is nearly all inside the
  // longer one (a sentence that was extended or cut back). A lone removed
  // clause facing a lone added one in the same place needs less.
  bool Accept(double overlap, double length, double shorter, size_t shorter_words, double min_similarity,
              bool in_place, double in_place_dice = 0) const {
    if (in_place && in_place_dice >= options_.min_in_place_similarity) return true;
    if (length <= 0 || overlap <= 0) return false;
    const double dice = 2.0 * overlap / length;
    if (dice >= min_similarity) return true;
    if (shorter_words >= options_.min_contained_words && overlap >= options_.min_containment * shorter &&
        dice >= options_.min_contained_similarity) {
      return true;
    }
    return in_place && in_place_dice >= options_.min_in_place_similarity;
  }

  // Unweighted: how many words two sorted bags share.
  static size_t CountOverlap(const std::vector<uint32_t>& x, const std::vector<uint32_t>& y) {
    size_t count = 0, i = 0, j = 0;
    while (i < x.size() && j < y.size()) {
      if (x[i] < y[j]) {
        ++i;
      } else if (y[j] < x[i]) {
        ++j;
      } else {
        ++count;
        ++i;
        ++j;
      }
    }
    return count;
  }

  // Overlap of old[olds[0..p)] with new[news[0..q)] as merged bags.
  double GroupOverlap(const uint32_t* olds, uint32_t p, const uint32_t* news, uint32_t q, double* length,
                      double* shorter, size_t* shorter_words) {
    auto bag_of = [&](const std::vector<Prepared>& side, const uint32_t* indices, uint32_t count,
                      std::vector<uint32_t>* out) -> const std::vector<uint32_t>& {
      if (count == 1) return side[indices[0]].bag;
      out->clear();
      for (uint32_t k = 0; k < count; ++k) {
        const auto& bag = side[indices[k]].bag;
        out->insert(out->end(), bag.begin(), bag.end());
      }
      std::sort(out->begin(), out->end());
      return *out;
    };
    const std::vector<uint32_t>& x = bag_of(old_, olds, p, &scratch_a_);
    const std::vector<uint32_t>& y = bag_of(new_, news, q, &scratch_b_);
    const double mx = Mass(x), my = Mass(y);
    *length = mx + my;
    *shorter = std::min(mx, my);
    *shorter_words = std::min(x.size(), y.size());
    return Overlap(x, y);
  }

  // Order-preserving alignment of one stretch's removed and added clauses:
  // dynamic programming over (removed prefix, added prefix), where a step
  // skips one side or pairs 1:1, 1:2, 1:3, 2:1 or 3:1 adjacent clauses.
  // Pairwise overlaps are computed once; a group is only scored when each
  // clause of its larger side shares a third of its words with the other
  // side (an unrelated clause is never tacked onto a real match).
  void AlignGap(uint32_t g) {
    std::vector<uint32_t> olds, news;
    for (uint32_t i : gaps_[g].olds) {
      if (!old_used_[i] && !old_[i].words.empty()) olds.push_back(i);
    }
    for (uint32_t j : gaps_[g].news) {
      if (!new_used_[j] && !new_[j].words.empty()) news.push_back(j);
    }
    const size_t n = olds.size();
    const size_t m = news.size();
    if (n == 0 || m == 0) return;
    if (static_cast<uint64_t>(n) * m > options_.max_gap_cells) return;  // the rare-word index takes it
    // One removed clause facing one added clause: position says they are
    // the same clause, so plain shared words (dates, names) are enough.
    const bool in_place = n == 1 && m == 1;
    double in_place_dice = 0;
    if (in_place) {
      const auto& x = old_[olds[0]].bag;
      const auto& y = new_[news[0]].bag;
      in_place_dice = 2.0 * CountOverlap(x, y) / (x.size() + y.size());
    }

    // Pairwise overlaps, computed once (groups are checked against them).
    std::vector<double> pair_overlap(n * m, 0);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < m; ++j) pair_overlap[i * m + j] = Overlap(old_[olds[i]].bag, new_[news[j]].bag);
    }

    static constexpr uint32_t kShapes[][2] = {{1, 1}, {1, 2}, {2, 1}, {1, 3}, {3, 1}};
    const size_t width = m + 1;
    std::vector<double> best((n + 1) * width, 0);
    std::vector<uint8_t> step((n + 1) * width, 0);  // 0 none, 1 skip old, 2 skip new, 3+ shape
    for (size_t i = 0; i <= n; ++i) {
      for (size_t j = 0; j <= m; ++j) {
        const size_t at = i * width + j;
        if (i > 0 && best[at - width] >= best[at]) {
          best[at] = best[at - width];
          step[at] = 1;
        }
        if (j > 0 && best[at - 1] > best[at]) {
          best[at] = best[at - 1];
          step[at] = 2;
        }
        for (uint8_t s = 0; s < 5; ++s) {
          const uint32_t p = kShapes[s][0], q = kShapes[s][1];
          if (i < p || j < q) continue;
          const uint32_t* group_old = olds.data() + i - p;
          const uint32_t* group_new = news.data() + j - q;
          double overlap = 0, length = 0, shorter = 0;
          size_t shorter_words = 0;
          if (p == 1 && q == 1) {
            overlap = pair_overlap[(i - 1) * m + (j - 1)];
            if (overlap <= 0 && !in_place) continue;
            const Prepared& a = old_[group_old[0]];
            const Prepared& b = new_[group_new[0]];
            length = a.mass + b.mass;
            shorter = std::min(a.mass, b.mass);
            shorter_words = std::min(a.bag.size(), b.bag.size());
          } else {
            if (!Adjacent(group_old, p) || !Adjacent(group_new, q)) continue;
            bool members_fit = true;
            for (uint32_t k = 0; k < std::max(p, q) && members_fit; ++k) {
              const size_t oi = p > 1 ? i - p + k : i - 1;
              const size_t nj = q > 1 ? j - q + k : j - 1;
              const double member = p > 1 ? old_[olds[oi]].mass : new_[news[nj]].mass;
              members_fit = member > 0 && 3 * pair_overlap[oi * m + nj] >= member;
            }
            if (!members_fit) continue;
            overlap = GroupOverlap(group_old, p, group_new, q, &length, &shorter, &shorter_words);
          }
          if (!Accept(overlap, length, shorter, shorter_words, options_.min_similarity, in_place, in_place_dice)) {
            continue;
          }
          // Matched words count for, unmatched ones against: of two ways to
          // pair, the one explaining more words with less left over wins.
          const double gain = 2.5 * overlap - 0.25 * length + 1e-3;
          const size_t from = (i - p) * width + (j - q);
          if (best[from] + gain > best[at]) {
            best[at] = best[from] + gain;
            step[at] = static_cast<uint8_t>(3 + s);
          }
        }
      }
    }
    size_t i = n, j = m;
    while (i > 0 || j > 0) {
      const uint8_t s = step[i * width + j];
      if (s == 1 || (s == 0 && i > 0)) {
        --i;
      } else if (s == 2 || s == 0) {
        --j;
      } else {
        const uint32_t p = kShapes[s - 3][0], q = kShapes[s - 3][1];
        i -= p;
        j -= q;
        AddModified(olds[i], olds[i] + p, news[j], news[j] + q, false);
      }
    }
  }

  static bool Adjacent(const uint32_t* indices, uint32_t count) {
    for (uint32_t k = 1; k < count; ++k) {
      if (indices[k] != indices[k - 1] + 1) return false;
    }
    return true;
  }

  // Pairs old[ob, oe) with new[nb, ne) as a modified change, unless their
  // words are the same (only a sentence boundary moved).
  void AddModified(uint32_t ob, uint32_t oe, uint32_t nb, uint32_t ne, bool moved) {
    for (uint32_t i = ob; i < oe; ++i) old_used_[i] = true;
    for (uint32_t j = nb; j < ne; ++j) new_used_[j] = true;
    std::vector<uint32_t> x, y;
    for (uint32_t i = ob; i < oe; ++i) x.insert(x.end(), old_[i].words.begin(), old_[i].words.end());
    for (uint32_t j = nb; j < ne; ++j) y.insert(y.end(), new_[j].words.begin(), new_[j].words.end());
    if (x == y) return;
    std::vector<uint32_t> bx = x, by = y;
    std::sort(bx.begin(), bx.end());
    std::sort(by.begin(), by.end());
    ClauseChange change;
    change.kind = ChangeKind::kModified;
    change.old_begin = ob;
    change.old_end = oe;
    change.new_begin = nb;
    change.new_end = ne;
    change.moved = moved;
    const double mass = Mass(bx) + Mass(by);
    change.similarity = mass > 0 ? 2.0 * Overlap(bx, by) / mass : 0;
    change.words = DiffWords(Join(old_texts_, ob, oe), Join(new_texts_, nb, ne));
    changes_.push_back({std::move(change), nb, ob});
  }

  static std::string Join(const std::vector<std::string_view>& texts, uint32_t begin, uint32_t end) {
    std::string out;
    for (uint32_t k = begin; k < end; ++k) {
      if (k > begin) out.push_back(' ');
      out.append(texts[k].data(), texts[k].size());
    }
    return out;
  }

  // Leftovers, across the whole document, paired through their rarest
  // words: an added clause is a candidate for a removed one when they share
  // a word few clauses use.
  void PairAcrossDocument() {
    std::vector<uint32_t> olds, news;
    for (uint32_t i = 0; i < old_.size(); ++i) {
      if (!old_used_[i] && !old_[i].words.empty()) olds.push_back(i);
    }
    for (uint32_t j = 0; j < new_.size(); ++j) {
      if (!new_used_[j] && !new_[j].words.empty()) news.push_back(j);
    }
    if (olds.empty() || news.empty()) return;

    const std::vector<uint32_t>& frequency = frequency_;
    auto rarest = [&](const Prepared& p) {
      std::vector<uint32_t> unique;
      for (size_t k = 0; k < p.bag.size(); ++k) {
        if (k == 0 || p.bag[k] != p.bag[k - 1]) unique.push_back(p.bag[k]);
      }
      const size_t keep = std::min<size_t>(unique.size(), options_.probe_words);
      std::partial_sort(unique.begin(), unique.begin() + keep, unique.end(), [&](uint32_t x, uint32_t y) {
        return frequency[x] != frequency[y] ? frequency[x] < frequency[y] : x < y;
      });
      unique.resize(keep);
      return unique;
    };

    std::unordered_map<uint32_t, std::vector<uint32_t>> postings;  // word -> leftover new clauses
    for (uint32_t j : news) {
      for (uint32_t w : rarest(new_[j])) postings[w].push_back(j);
    }
    struct Candidate {
      double similarity;
      uint32_t old_index;
      uint32_t new_index;
    };
    std::vector<Candidate> candidates;
    std::unordered_map<uint32_t, uint32_t> hits;
    // A word in this many leftover clauses is no longer rare.
    const size_t max_posting = 4 * options_.max_candidates;
    for (uint32_t i : olds) {
      hits.clear();
      for (uint32_t w : rarest(old_[i])) {
        auto it = postings.find(w);
        if (it == postings.end() || it->second.size() > max_posting) continue;
        for (uint32_t j : it->second) ++hits[j];
      }
      std::vector<std::pair<uint32_t, uint32_t>> ranked(hits.begin(), hits.end());  // (new, hits)
      const size_t keep = std::min<size_t>(ranked.size(), options_.max_candidates);
      std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(), [](const auto& x, const auto& y) {
        return x.second != y.second ? x.second > y.second : x.first < y.first;
      });
      for (size_t k = 0; k < keep; ++k) {
        const uint32_t j = ranked[k].first;
        const double overlap = Overlap(old_[i].bag, new_[j].bag);
        const Prepared& a = old_[i];
        const Prepared& b = new_[j];
        const bool same_gap = old_gap_[i] == new_gap_[j];
        if (Accept(overlap, a.mass + b.mass, std::min(a.mass, b.mass), std::min(a.bag.size(), b.bag.size()),
                   same_gap ? options_.min_similarity : options_.min_moved_similarity, false)) {
          candidates.push_back({2.0 * overlap / (a.mass + b.mass), i, j});
        }
      }
    }
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
      if (x.similarity != y.similarity) return x.similarity > y.similarity;
      if (x.old_index != y.old_index) return x.old_index < y.old_index;
      return x.new_index < y.new_index;
    });
    for (const Candidate& c : candidates) {
      if (old_used_[c.old_index] || new_used_[c.new_index]) continue;
      AddModified(c.old_index, c.old_index + 1, c.new_index, c.new_index + 1,
                  old_gap_[c.old_index] != new_gap_[c.new_index]);
    }
  }

  void CollectRest() {
    for (const Gap& gap : gaps_) {
      for (uint32_t i : gap.olds) {
        if (old_used_[i] || old_[i].words.empty()) continue;
        ClauseChange change;
        change.kind = ChangeKind::kRemoved;
        change.old_begin = i;
        change.old_end = i + 1;
        change.new_begin = change.new_end = gap.new_position;
        changes_.push_back({std::move(change), gap.new_position, i});
      }
      for (uint32_t j : gap.news) {
        if (new_used_[j] || new_[j].words.empty()) continue;
        ClauseChange change;
        change.kind = ChangeKind::kAdded;
        change.new_begin = j;
        change.new_end = j + 1;
        // The old side is empty; old_begin says where it would have been.
        change.old_begin = change.old_end = gap.old_position;
        changes_.push_back({std::move(change), j, UINT32_MAX});
      }
    }
  }

  const std::vector<std::string_view>& old_texts_;
  const std::vector<std::string_view>& new_texts_;
  const AlignOptions& options_;
  Interner words_;
  std::unordered_map<uint64_t, uint32_t> clause_ids_;
  std::vector<Prepared> old_, new_;
  std::vector<bool> old_used_, new_used_;
  std::vector<uint32_t> old_gap_, new_gap_;
  std::vector<Gap> gaps_;
  std::vector<Ordered> changes_;
  std::vector<uint32_t> scratch_a_, scratch_b_;
  std::vector<uint32_t> frequency_;  // clauses (of both versions) using each word
  std::vector<double> weight_;       // each word's weight
};

}  // namespace

std::vector<ClauseChange> AlignClauses(const std::vector<std::string_view>& old_clauses,
                                       const std::vector<std::string_view>& new_clauses,
                                       const AlignOptions& options) {
  return Aligner(old_clauses, new_clauses, options).Run();
}

}  // namespace fineprint
