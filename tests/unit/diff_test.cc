#include "core/diff.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <random>
#include <string>
#include <vector>

namespace fineprint {
namespace {

// Replays an edit script on a; it must give b, cover both sides in order
// and keep deletions before insertions within a stretch.
std::vector<uint32_t> Apply(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b,
                            const std::vector<EditRun>& runs) {
  std::vector<uint32_t> out;
  uint32_t ai = 0, bj = 0;
  for (const EditRun& run : runs) {
    REQUIRE(run.length > 0);
    switch (run.kind) {
      case EditKind::kEqual:
        REQUIRE(run.a_start == ai);
        REQUIRE(run.b_start == bj);
        for (uint32_t k = 0; k < run.length; ++k) {
          REQUIRE(a[ai + k] == b[bj + k]);
          out.push_back(a[ai + k]);
        }
        ai += run.length;
        bj += run.length;
        break;
      case EditKind::kDelete:
        REQUIRE(run.a_start == ai);
        ai += run.length;
        break;
      case EditKind::kInsert:
        REQUIRE(run.b_start == bj);
        for (uint32_t k = 0; k < run.length; ++k) out.push_back(b[bj + k]);
        bj += run.length;
        break;
    }
  }
  REQUIRE(ai == a.size());
  REQUIRE(bj == b.size());
  return out;
}

uint32_t EqualCount(const std::vector<EditRun>& runs) {
  uint32_t count = 0;
  for (const EditRun& run : runs) count += run.kind == EditKind::kEqual ? run.length : 0;
  return count;
}

uint32_t Lcs(const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
  std::vector<std::vector<uint32_t>> t(a.size() + 1, std::vector<uint32_t>(b.size() + 1, 0));
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      t[i][j] = a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1 : std::max(t[i - 1][j], t[i][j - 1]);
    }
  }
  return t[a.size()][b.size()];
}

TEST_CASE("Sequence diff: simple scripts", "[diff]") {
  const std::vector<uint32_t> a = {1, 2, 3, 4, 5};
  const std::vector<uint32_t> b = {1, 2, 9, 4, 5, 6};
  const auto runs = DiffSequences(a, b);
  REQUIRE(runs.size() == 5);
  CHECK(runs[0].kind == EditKind::kEqual);
  CHECK(runs[1].kind == EditKind::kDelete);
  CHECK(runs[2].kind == EditKind::kInsert);
  CHECK(runs[3].kind == EditKind::kEqual);
  CHECK(runs[4].kind == EditKind::kInsert);
  CHECK(Apply(a, b, runs) == b);
  CHECK(DiffSequences({}, {}).empty());
  CHECK(DiffSequences({1, 2}, {}).size() == 1);
  CHECK(DiffSequences({}, {1, 2}).size() == 1);
}

// Patience anchoring trades minimality for readable diffs (it aligns on
// tokens that occur once on each side), so only validity is checked here.
TEST_CASE("Sequence diff: random inputs give valid scripts", "[diff]") {
  std::mt19937 random(42);
  for (int round = 0; round < 300; ++round) {
    const int alphabet = 2 + round % 12;
    std::vector<uint32_t> a(random() % 60), b;
    for (auto& t : a) t = random() % alphabet;
    b = a;
    const int edits = static_cast<int>(random() % 12);
    for (int e = 0; e < edits; ++e) {
      const size_t at = b.empty() ? 0 : random() % b.size();
      if (random() % 2 == 0 && !b.empty()) {
        b.erase(b.begin() + static_cast<long>(at));
      } else {
        b.insert(b.begin() + static_cast<long>(at), random() % alphabet);
      }
    }
    const auto runs = DiffSequences(a, b);
    CHECK(Apply(a, b, runs) == b);
  }
}

TEST_CASE("Sequence diff: Myers alone is minimal", "[diff]") {
  // Every token repeats, so patience finds no anchor and Myers decides.
  std::mt19937 random(11);
  for (int round = 0; round < 200; ++round) {
    std::vector<uint32_t> a(random() % 40), b(random() % 40);
    for (auto& t : a) t = random() % 2;
    for (auto& t : b) t = random() % 2;
    a.push_back(0), a.push_back(0), a.push_back(1), a.push_back(1);
    b.push_back(0), b.push_back(0), b.push_back(1), b.push_back(1);
    const auto runs = DiffSequences(a, b);
    CHECK(Apply(a, b, runs) == b);
    CHECK(EqualCount(runs) == Lcs(a, b));
  }
}

TEST_CASE("Sequence diff: large ids and exhausted budgets stay correct", "[diff]") {
  const std::vector<uint32_t> a = {4000000000u, 7, 3000000000u, 9, 9};
  const std::vector<uint32_t> b = {7, 4000000000u, 9, 3000000000u};
  CHECK(Apply(a, b, DiffSequences(a, b)) == b);
  std::mt19937 random(7);
  std::vector<uint32_t> x(3000), y(3000);
  for (auto& t : x) t = random() % 50;
  for (auto& t : y) t = random() % 50;
  const auto runs = DiffSequences(x, y, /*budget=*/1000);
  CHECK(Apply(x, y, runs) == y);
}

TEST_CASE("Sequence diff: a completely different input is bounded", "[diff]") {
  std::vector<uint32_t> x(20000), y(20000);
  for (uint32_t i = 0; i < x.size(); ++i) {
    x[i] = i % 97;
    y[i] = 1000 + (i * 7) % 89;
  }
  const auto start = std::chrono::steady_clock::now();
  const auto runs = DiffSequences(x, y);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  CHECK(Apply(x, y, runs) == y);
  CHECK(ms < 2000);
}

std::string Render(const std::vector<WordEdit>& edits) {
  std::string out;
  for (const WordEdit& e : edits) {
    if (e.op == EditKind::kEqual) out += e.text;
    else if (e.op == EditKind::kDelete) out += "[-" + e.text + "-]";
    else out += "{+" + e.text + "+}";
  }
  return out;
}

TEST_CASE("Word diff: replacements read as one edit", "[diff]") {
  CHECK(Render(DiffWords("We keep it for up to 90 days, unless you ask.",
                         "We keep it for up to 12 months, unless you ask us.")) ==
        "We keep it for up to [-90 days-]{+12 months+}, unless you ask{+ us+}.");
}

TEST_CASE("Word diff: typography, case and markers are not edits", "[diff]") {
  const auto edits = DiffWords("3. X\xE2\x80\x99s \xE2\x80\x9CRules\xE2\x80\x9D  apply", "4. X's \"rules\" apply");
  REQUIRE(edits.size() == 1);
  CHECK(edits[0].op == EditKind::kEqual);
  CHECK(edits[0].text == "4. X's \"rules\" apply");
}

TEST_CASE("Word diff: equal and inserted pieces rebuild the new text", "[diff]") {
  const std::string old_text = "You shall not (j) attempt to gain access, or (k) use X Content for ads.";
  const std::string new_text = "You shall not (j) attempt to gain access; (k) use the X API to train a model; or (l) use X Content for ads.";
  std::string rebuilt;
  for (const WordEdit& e : DiffWords(old_text, new_text)) {
    if (e.op != EditKind::kDelete) rebuilt += e.text;
  }
  CHECK(rebuilt == new_text);
  CHECK(DiffWords("", "").empty());
  CHECK(Render(DiffWords("", "new words")) == "{+new words+}");
  CHECK(Render(DiffWords("old words", "")) == "[-old words-]");
}

// "kind old_begin-old_end new_begin-new_end" per change.
std::vector<std::string> Describe(const std::vector<ClauseChange>& changes) {
  std::vector<std::string> out;
  for (const ClauseChange& c : changes) {
    std::string s = ChangeKindName(c.kind);
    if (c.has_old()) s += " o" + std::to_string(c.old_begin) + "-" + std::to_string(c.old_end);
    if (c.has_new()) s += " n" + std::to_string(c.new_begin) + "-" + std::to_string(c.new_end);
    if (c.moved) s += " moved";
    out.push_back(s);
  }
  return out;
}

using Texts = std::vector<std::string_view>;

TEST_CASE("Alignment: identical and noise-only versions have no changes", "[diff]") {
  const Texts old_text = {"1. Information We Collect", "We collect your \xE2\x80\x9C" "data\xE2\x80\x9D.",
                          "We keep it for up to 90 days."};
  const Texts new_text = {"2. Information we collect", "We  collect your \"data\"", "We keep it for up to 90\xC2\xA0" "days."};
  CHECK(AlignClauses(old_text, old_text).empty());
  CHECK(AlignClauses(old_text, new_text).empty());
}

TEST_CASE("Alignment: added, removed and modified clauses", "[diff]") {
  const Texts old_text = {"Heading one", "We collect your name and email address.", "We sell nothing to anyone at all.",
                          "We keep logs for up to 90 days before deleting them."};
  const Texts new_text = {"Heading one", "We collect your name and email address.",
                          "We keep logs for up to 12 months before deleting them.",
                          "Partners may train their artificial intelligence models on your data."};
  const auto changes = AlignClauses(old_text, new_text);
  CHECK(Describe(changes) ==
        std::vector<std::string>{"removed o2-3", "modified o3-4 n2-3",
                                 "added n3-4"});
  REQUIRE(changes.size() == 3);
  CHECK(changes[1].similarity > 0.5);
  CHECK(Render(changes[1].words) == "We keep logs for up to [-90 days-]{+12 months+} before deleting them.");
}

TEST_CASE("Alignment: a reordered section is moved, not removed and added", "[diff]") {
  const Texts a = {"Section about cookies and similar technologies.", "We use cookies to remember your settings.",
                   "Section about sharing your information.", "We share information with service providers."};
  const Texts b = {"Section about sharing your information.", "We share information with service providers.",
                   "Section about cookies and similar technologies.", "We use cookies to remember your settings."};
  const auto changes = AlignClauses(a, b);
  REQUIRE(changes.size() == 2);
  for (const ClauseChange& c : changes) CHECK(c.kind == ChangeKind::kMoved);
}

TEST_CASE("Alignment: a moved and edited clause is modified and moved", "[diff]") {
  const Texts a = {"Alpha section heading text here.", "We retain biometric identifiers for three years after collection.",
                   "Bravo section heading text here.", "Charlie filler sentence that stays.",
                   "Delta filler sentence that stays too."};
  const Texts b = {"Alpha section heading text here.", "Bravo section heading text here.",
                   "Charlie filler sentence that stays.", "Delta filler sentence that stays too.",
                   "We retain biometric identifiers for five years after collection."};
  const auto changes = AlignClauses(a, b);
  REQUIRE(changes.size() == 1);
  CHECK(changes[0].kind == ChangeKind::kModified);
  CHECK(changes[0].moved);
}

TEST_CASE("Alignment: split and merged sentences", "[diff]") {
  // A segmentation change alone is not a change.
  const Texts one = {"Intro.", "We collect your contact details; we share them with partners who help us."};
  const Texts two = {"Intro.", "We collect your contact details;", "we share them with partners who help us."};
  CHECK(AlignClauses(one, two).empty());
  CHECK(AlignClauses(two, one).empty());
  // A split with an edit is one modified change covering both new clauses.
  const Texts edited = {"Intro.", "We collect your contact details.",
                        "We share them with advertising partners who help us."};
  const auto changes = AlignClauses(one, edited);
  REQUIRE(changes.size() == 1);
  CHECK(Describe(changes)[0] == "modified o1-2 n1-3");
  const auto merged = AlignClauses(edited, one);
  REQUIRE(merged.size() == 1);
  CHECK(Describe(merged)[0] == "modified o1-3 n1-2");
}

TEST_CASE("Alignment: an unrelated clause is not tacked onto a match", "[diff]") {
  const Texts a = {"Start.", "We keep your posts until you delete them."};
  const Texts b = {"Start.", "We keep your posts until you delete them or close the account.",
                   "Biometric templates are processed in Ireland under contract."};
  const auto changes = AlignClauses(a, b);
  CHECK(Describe(changes) == std::vector<std::string>{"modified o1-2 n1-2", "added n2-3"});
}

TEST_CASE("Alignment: empty documents and clauses without words", "[diff]") {
  const Texts some = {"First clause here.", "Second clause here.", "***"};
  CHECK(Describe(AlignClauses({}, some)) == std::vector<std::string>{"added n0-1", "added n1-2"});
  CHECK(Describe(AlignClauses(some, {})) == std::vector<std::string>{"removed o0-1", "removed o1-2"});
  CHECK(AlignClauses({}, {}).empty());
}

TEST_CASE("Alignment: a completely rewritten document stays bounded", "[diff]") {
  std::vector<std::string> old_store, new_store;
  std::mt19937 random(3);
  for (int i = 0; i < 4000; ++i) {
    std::string a, b;
    for (int w = 0; w < 25; ++w) {
      a += "w" + std::to_string(random() % 5000) + " ";
      b += "v" + std::to_string(random() % 5000) + " ";
    }
    old_store.push_back(a);
    new_store.push_back(b);
  }
  const Texts a(old_store.begin(), old_store.end());
  const Texts b(new_store.begin(), new_store.end());
  const auto start = std::chrono::steady_clock::now();
  const auto changes = AlignClauses(a, b);
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  CHECK(changes.size() == 8000);
  CHECK(ms < 3000);
}

}  // namespace
}  // namespace fineprint
