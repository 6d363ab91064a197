#include "core/classifier.h"

#include <re2/prefilter.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>

namespace fineprint {
namespace {

RE2::Options PatternOptions() {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  return options;
}

// The set's DFA is built lazily while matching; give it room for a large
// pack so matching never falls back to "out of memory" on long clauses.
constexpr int64_t kSetMemoryBudget = 32 << 20;

// A plain-text line this short with no closing punctuation reads as a title
// ("4. How Long We Keep Information"), not as a sentence that commits to
// anything. Real sentences that short and unpunctuated are list items, which
// the lead-in check below keeps.
constexpr size_t kMaxHeadingBytes = 100;
// Prefilter atoms shorter than this count as present in every clause.
constexpr size_t kMinAtomLength = 3;

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

}  // namespace

// A pattern that matches everything `pattern` matches, with counted
// repetitions ("[^.]{0,200}") made open ("[^.]*"). RE2 expands a counted
// repetition into that many copies, which makes the candidate set's DFA
// explode into states it must keep rebuilding; the open form keeps the set
// small and fast. The exact pattern still decides, but only for candidates.
static std::string RelaxCountedRepetitions(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size());
  bool in_class = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      out += c;
      out += pattern[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member of the class.
      if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (c == '{') {
      size_t j = i + 1;
      size_t low_end = j;
      while (low_end < pattern.size() && pattern[low_end] >= '0' && pattern[low_end] <= '9') ++low_end;
      size_t k = low_end;
      if (k < pattern.size() && pattern[k] == ',') {
        ++k;
        while (k < pattern.size() && pattern[k] >= '0' && pattern[k] <= '9') ++k;
      }
      if (low_end > j && k < pattern.size() && pattern[k] == '}') {
        const bool zero = std::string_view(pattern.substr(j, low_end - j)).find_first_not_of('0') ==
                          std::string_view::npos;
        out += zero ? '*' : '+';
        i = k;
        // A lazy or possessive marker after the count still applies.
        continue;
      }
    }
    out += c;
  }
  return out;
}

namespace {

// Aho-Corasick automaton over the prefilter's lower-cased literal atoms:
// one table walk per byte finds every atom a clause contains.
class AtomMatcher {
 public:
  void Build(const std::vector<std::string>& atoms) {
    classes_.fill(0);
    int next_class = 1;
    for (const std::string& atom : atoms) {
      for (unsigned char c : atom) {
        if (classes_[c] == 0) classes_[c] = static_cast<uint8_t>(next_class++);
      }
    }
    width_ = next_class;
    delta_.assign(width_, -1);
    outputs_.assign(1, {});
    for (size_t id = 0; id < atoms.size(); ++id) {
      int state = 0;
      for (unsigned char c : atoms[id]) {
        int& next = delta_[state * width_ + classes_[c]];
        if (next < 0) {
          next = static_cast<int>(outputs_.size());
          outputs_.emplace_back();
          delta_.resize(delta_.size() + width_, -1);
        }
        state = delta_[state * width_ + classes_[c]];
      }
      outputs_[state].push_back(static_cast<int>(id));
    }
    // Breadth-first: failure links folded into a full transition table.
    std::vector<int> fail(outputs_.size(), 0);
    std::vector<int> queue;
    for (int k = 0; k < width_; ++k) {
      int& next = delta_[k];
      if (next < 0) {
        next = 0;
      } else {
        fail[next] = 0;
        queue.push_back(next);
      }
    }
    for (size_t q = 0; q < queue.size(); ++q) {
      const int state = queue[q];
      const std::vector<int>& inherited = outputs_[fail[state]];
      outputs_[state].insert(outputs_[state].end(), inherited.begin(), inherited.end());
      for (int k = 0; k < width_; ++k) {
        int& next = delta_[state * width_ + k];
        if (next < 0) {
          next = delta_[fail[state] * width_ + k];
        } else {
          fail[next] = delta_[fail[state] * width_ + k];
          queue.push_back(next);
        }
      }
    }
  }

  // Appends the ids of the atoms found in `text` (each once, unordered),
  // matched as if ASCII letters were lower-case.
  void Find(std::string_view text, std::vector<int>* found) const {
    if (width_ == 0) return;
    // Per-state stamps of the call that last reported the state's atoms.
    thread_local std::vector<uint32_t> seen_states;
    thread_local uint32_t call = 0;
    if (seen_states.size() < outputs_.size() || ++call == 0) {
      seen_states.assign(std::max(seen_states.size(), outputs_.size()), 0);
      call = 1;
    }
    int state = 0;
    for (unsigned char c : text) {
      if (c >= 'A' && c <= 'Z') c = static_cast<unsigned char>(c - 'A' + 'a');
      state = delta_[state * width_ + classes_[c]];
      if (!outputs_[state].empty() && seen_states[state] != call) {
        seen_states[state] = call;
        found->insert(found->end(), outputs_[state].begin(), outputs_[state].end());
      }
    }
  }

 private:
  std::array<uint8_t, 256> classes_{};  // byte -> column (0: no atom has it)
  int width_ = 0;
  std::vector<int> delta_;               // state * width_ + column -> state
  std::vector<std::vector<int>> outputs_;  // atoms ending at each state
};

}  // namespace

struct Classifier::Compiled {
  struct CompiledRule {
    std::shared_ptr<RE2> match;
    std::vector<std::shared_ptr<RE2>> require;
    std::vector<std::shared_ptr<RE2>> exclude;
    std::shared_ptr<RE2> heading;  // context.heading_matches, or null
    std::shared_ptr<RE2> lead_in;  // context.lead_in_matches, or null
    std::shared_ptr<RE2> heading_excludes;  // context.heading_excludes, or null
    // True when the set holds a relaxed form of `match`, so a candidate must
    // be confirmed with the exact pattern; false when the set's hit is exact.
    bool confirm = false;
  };
  struct CompiledFinding {
    std::shared_ptr<RE2> trigger;
    std::shared_ptr<RE2> companion;
    std::shared_ptr<RE2> anywhere;
  };
  std::unique_ptr<RE2::Set> candidates;
  // The literal prefilter in front of the rules: re2::Prefilter derives, per
  // match pattern, the lower-cased literals ("atoms") any match must
  // contain; one pass of a literal-only set over the lower-cased clause
  // finds the atoms present, and only rules whose atom formula holds (plus
  // rules with no usable atoms) run their exact match pattern. Most
  // clauses then run no regex at all. Results equal the RE2::Set's.
  //
  // Each rule's prefilter (re2::Prefilter: an AND/OR tree over atoms) is
  // flattened into `nodes` and evaluated directly against the atoms a clause
  // contains: no allocation and no propagation over the shared atom graph
  // per clause. Atoms shorter than kMinAtomLength and non-ASCII atoms (ASCII
  // lower-casing cannot match them reliably) count as present: the filter
  // may pass more rules, never fewer.
  struct FilterNode {
    re2::Prefilter::Op op;
    int atom = -1;         // ATOM: index into the matcher's atoms
    uint32_t first = 0;    // AND/OR: children are child_ids[first, first + count)
    uint32_t count = 0;
  };
  std::vector<FilterNode> nodes;
  std::vector<uint32_t> node_sizes;  // nodes in each node's subtree
  std::vector<int> child_ids;
  std::vector<int> rule_roots;  // per rule: its root node, or -1 (always a candidate)
  // A rule's gate: atoms one of which every match contains (an AND takes its
  // smallest child gate, an OR the union of its children's). Per clause only
  // the rules gated by a present atom, and the ungated ones, evaluate their
  // tree: the cost follows the atoms found, not the size of the trees.
  std::vector<std::vector<int>> rules_by_atom;  // atom -> rules it gates
  std::vector<int> ungated_rules;               // sorted
  AtomMatcher atoms;
  int atom_count = 0;
  bool Holds(int node, const std::vector<uint32_t>& present, uint32_t stamp) const {
    const FilterNode& n = nodes[node];
    switch (n.op) {
      case re2::Prefilter::ALL: return true;
      case re2::Prefilter::NONE: return false;
      case re2::Prefilter::ATOM: return present[n.atom] == stamp;
      case re2::Prefilter::AND:
        for (uint32_t k = 0; k < n.count; ++k) {
          if (!Holds(child_ids[n.first + k], present, stamp)) return false;
        }
        return true;
      case re2::Prefilter::OR:
        for (uint32_t k = 0; k < n.count; ++k) {
          if (Holds(child_ids[n.first + k], present, stamp)) return true;
        }
        return false;
    }
    return true;
  }
  bool CandidatesFor(std::string_view text, std::vector<int>* out) const;
  std::vector<CompiledRule> rules;  // parallel to pack_.rules
  std::vector<std::shared_ptr<RE2>> slots;  // parallel to pack_.slots
  std::vector<CompiledFinding> findings;    // parallel to pack_.findings
};

bool Classifier::Compiled::CandidatesFor(std::string_view text, std::vector<int>* out) const {
  out->clear();
  // Case-insensitive RE2 folds a few non-ASCII letters onto ASCII ones
  // (KELVIN SIGN onto k, LONG S onto s) that ASCII lower-casing misses; such
  // rare clauses take the full set.
  if (text.find("\xE2\x84\xAA") != std::string_view::npos ||
      text.find("\xC5\xBF") != std::string_view::npos) {
    candidates->Match(text, out);
    // The set matched relaxed patterns: keep the exact matches only.
    out->erase(std::remove_if(out->begin(), out->end(),
                              [&](int index) {
                                return rules[index].confirm && !RE2::PartialMatch(text, *rules[index].match);
                              }),
               out->end());
    std::sort(out->begin(), out->end());
    return !out->empty();
  }
  thread_local std::vector<int> found;
  thread_local std::vector<uint32_t> present;  // atom -> stamp of the call that saw it
  thread_local uint32_t stamp = 0;
  if (present.size() < static_cast<size_t>(atom_count) || ++stamp == 0) {
    present.assign(std::max(present.size(), static_cast<size_t>(atom_count)), 0);
    stamp = 1;
  }
  thread_local std::vector<int> gated;
  found.clear();
  atoms.Find(text, &found);
  gated.assign(ungated_rules.begin(), ungated_rules.end());
  for (const int atom : found) {
    present[atom] = stamp;
    gated.insert(gated.end(), rules_by_atom[atom].begin(), rules_by_atom[atom].end());
  }
  // Pack order: `out` comes out sorted.
  std::sort(gated.begin(), gated.end());
  gated.erase(std::unique(gated.begin(), gated.end()), gated.end());
  for (const int index : gated) {
    const int root = rule_roots[index];
    if (root >= 0 && !Holds(root, present, stamp)) continue;
    if (RE2::PartialMatch(text, *rules[index].match)) out->push_back(index);
  }
  return !out->empty();
}

Classifier::Classifier(RulePack pack)
    : pack_(std::move(pack)), compiled_(std::make_unique<Compiled>()) {}

Classifier::~Classifier() = default;

Expected<std::unique_ptr<Classifier>> Classifier::Create(RulePack pack) {
  std::unique_ptr<Classifier> classifier(new Classifier(std::move(pack)));
  Compiled& compiled = *classifier->compiled_;

  RE2::Options set_options = PatternOptions();
  set_options.set_max_mem(kSetMemoryBudget);
  compiled.candidates = std::make_unique<RE2::Set>(set_options, RE2::UNANCHORED);

  // Rules share many patterns (the negation and "you shall not" guards);
  // each distinct pattern is compiled once, which keeps pack compilation
  // fast and a WASM heap small.
  std::map<std::string, std::shared_ptr<RE2>> pool;
  auto compile = [&pool](const std::string& pattern, const std::string& owner, const char* field,
                         std::shared_ptr<RE2>* out) -> Expected<bool> {
    if (pattern.empty()) return true;  // optional pattern not given
    auto& shared = pool[pattern];
    if (!shared) {
      auto re = std::make_shared<RE2>(pattern, PatternOptions());
      if (!re->ok()) {
        pool.erase(pattern);
        return Error{owner + ": " + field + " pattern does not compile: " + re->error()};
      }
      shared = std::move(re);
    }
    *out = shared;
    return true;
  };

  for (const Rule& rule : classifier->pack_.rules) {
    const std::string owner = "rule '" + rule.id + "'";
    Compiled::CompiledRule entry;
    if (auto ok = compile(rule.match, owner, "match", &entry.match); !ok.ok()) return ok.error();
    for (const std::string& pattern : rule.require) {
      entry.require.emplace_back();
      if (auto ok = compile(pattern, owner, "require", &entry.require.back()); !ok.ok()) return ok.error();
    }
    for (const std::string& pattern : rule.exclude) {
      entry.exclude.emplace_back();
      if (auto ok = compile(pattern, owner, "exclude", &entry.exclude.back()); !ok.ok()) return ok.error();
    }
    if (auto ok = compile(rule.context.heading_matches, owner, "context heading_matches", &entry.heading);
        !ok.ok()) {
      return ok.error();
    }
    if (auto ok = compile(rule.context.lead_in_matches, owner, "context lead_in_matches", &entry.lead_in);
        !ok.ok()) {
      return ok.error();
    }
    if (auto ok = compile(rule.context.heading_excludes, owner, "context heading_excludes",
                          &entry.heading_excludes);
        !ok.ok()) {
      return ok.error();
    }
    std::string error;
    const std::string relaxed = RelaxCountedRepetitions(rule.match);
    entry.confirm = relaxed != rule.match;
    if (compiled.candidates->Add(relaxed, &error) < 0) {
      return Error{owner + ": match pattern does not compile: " + error};
    }
    compiled.rules.push_back(std::move(entry));
  }
  for (const SlotRule& slot : classifier->pack_.slots) {
    compiled.slots.emplace_back();
    const std::string owner = "slot '" + slot.name + "'";
    if (auto ok = compile(slot.pattern, owner, "pattern", &compiled.slots.back()); !ok.ok()) {
      return ok.error();
    }
    if (compiled.slots.back()->NumberOfCapturingGroups() < 1) {
      return Error{owner + ": pattern needs a capture group for the value"};
    }
  }
  for (const FindingRule& finding : classifier->pack_.findings) {
    const std::string owner = "finding '" + finding.id + "'";
    Compiled::CompiledFinding entry;
    if (auto ok = compile(finding.trigger_matches, owner, "trigger_matches", &entry.trigger); !ok.ok()) {
      return ok.error();
    }
    if (auto ok = compile(finding.companion_matches, owner, "companion_matches", &entry.companion);
        !ok.ok()) {
      return ok.error();
    }
    if (auto ok = compile(finding.companion_anywhere_matches, owner, "companion_anywhere_matches",
                          &entry.anywhere);
        !ok.ok()) {
      return ok.error();
    }
    compiled.findings.push_back(std::move(entry));
  }
  if (!compiled.candidates->Compile()) {
    return Error{"rule pack: the combined pattern set is too large to compile"};
  }
  std::vector<std::string> atoms;
  std::map<std::string, int> atom_ids;
  // Flattens a prefilter tree into compiled.nodes; returns the node index.
  std::function<int(re2::Prefilter*)> flatten = [&](re2::Prefilter* prefilter) -> int {
    Compiled::FilterNode node;
    node.op = prefilter->op();
    if (node.op == re2::Prefilter::ATOM) {
      const std::string& atom = prefilter->atom();
      const bool ascii = std::all_of(atom.begin(), atom.end(),
                                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
      if (!ascii || atom.size() < kMinAtomLength) {
        node.op = re2::Prefilter::ALL;
      } else {
        auto inserted = atom_ids.emplace(atom, static_cast<int>(atoms.size()));
        if (inserted.second) atoms.push_back(atom);
        node.atom = inserted.first->second;
      }
    } else if (node.op == re2::Prefilter::AND || node.op == re2::Prefilter::OR) {
      std::vector<int> children;
      for (re2::Prefilter* sub : *prefilter->subs()) children.push_back(flatten(sub));
      // Small subtrees (single atoms) first: an AND fails, an OR holds, early.
      std::stable_sort(children.begin(), children.end(), [&](int a, int b) {
        return compiled.node_sizes[a] < compiled.node_sizes[b];
      });
      node.first = static_cast<uint32_t>(compiled.child_ids.size());
      node.count = static_cast<uint32_t>(children.size());
      compiled.child_ids.insert(compiled.child_ids.end(), children.begin(), children.end());
    }
    uint32_t size = 1;
    for (uint32_t k = 0; k < node.count; ++k) size += compiled.node_sizes[compiled.child_ids[node.first + k]];
    compiled.nodes.push_back(node);
    compiled.node_sizes.push_back(size);
    return static_cast<int>(compiled.nodes.size()) - 1;
  };
  for (const Compiled::CompiledRule& rule : compiled.rules) {
    std::unique_ptr<re2::Prefilter> prefilter(re2::Prefilter::FromRE2(rule.match.get()));
    compiled.rule_roots.push_back(prefilter ? flatten(prefilter.get()) : -1);
  }
  compiled.atom_count = static_cast<int>(atoms.size());
  // A gate's expected cost: short atoms ("you", "the ") are in most clauses,
  // long ones in few.
  auto cost = [&](const std::vector<int>& atom_list) {
    double total = 0;
    for (const int atom : atom_list) total += 1.0 / static_cast<double>(1u << std::min<size_t>(atoms[atom].size(), 12));
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
  compiled.rules_by_atom.assign(atoms.size(), {});
  for (size_t index = 0; index < compiled.rule_roots.size(); ++index) {
    std::vector<int> rule_gate;
    if (compiled.rule_roots[index] < 0 || !gate(compiled.rule_roots[index], &rule_gate)) {
      compiled.ungated_rules.push_back(static_cast<int>(index));
      continue;
    }
    std::sort(rule_gate.begin(), rule_gate.end());
    rule_gate.erase(std::unique(rule_gate.begin(), rule_gate.end()), rule_gate.end());
    for (const int atom : rule_gate) compiled.rules_by_atom[atom].push_back(static_cast<int>(index));
  }
  compiled.atoms.Build(atoms);
  return classifier;
}

LabelMatch Classifier::MakeMatch(int index, std::string_view text) const {
  const Rule& rule = pack_.rules[index];
  LabelMatch match;
  match.label = rule.label;
  match.rule = &rule;
  match.info = pack_.FindLabel(rule.label);
  std::string_view evidence;
  if (compiled_->rules[index].match->Match(text, 0, text.size(), RE2::UNANCHORED, &evidence, 1)) {
    match.evidence_start = static_cast<uint32_t>(evidence.data() - text.data());
    match.evidence_end = match.evidence_start + static_cast<uint32_t>(evidence.size());
  }
  return match;
}

std::vector<LabelMatch> Classifier::Decide(std::string_view text, const std::vector<int>& candidates,
                                           std::vector<int>* context_candidates,
                                           std::string_view heading) const {
  std::vector<LabelMatch> labels;
  std::vector<int> deferred;  // rules with unless_labels wait for the rest
  auto passes = [&](int index) {
    const Compiled::CompiledRule& compiled = compiled_->rules[index];
    if (compiled.heading_excludes && !heading.empty() &&
        RE2::PartialMatch(heading, *compiled.heading_excludes)) {
      return false;
    }
    // Candidates already match the exact pattern (CandidatesFor).
    return std::all_of(compiled.require.begin(), compiled.require.end(),
                       [&](const auto& re) { return RE2::PartialMatch(text, *re); }) &&
           std::none_of(compiled.exclude.begin(), compiled.exclude.end(),
                        [&](const auto& re) { return RE2::PartialMatch(text, *re); });
  };
  for (int index : candidates) {
    const Rule& rule = pack_.rules[index];
    if (!rule.context.empty()) {
      if (context_candidates != nullptr) context_candidates->push_back(index);
      continue;
    }
    if (!rule.unless_labels.empty()) {
      deferred.push_back(index);
      continue;
    }
    if (HasLabel(labels, rule.label) || !passes(index)) continue;
    labels.push_back(MakeMatch(index, text));
  }
  // unless_labels look at the clause's other text labels, so they are
  // decided last ("opt-in wins over on-by-default").
  for (int index : deferred) {
    const Rule& rule = pack_.rules[index];
    if (HasLabel(labels, rule.label) || HasAnyLabel(labels, rule.unless_labels) || !passes(index)) {
      continue;
    }
    labels.push_back(MakeMatch(index, text));
  }
  return labels;
}

std::vector<LabelMatch> Classifier::Classify(std::string_view clause_text) const {
  std::vector<int> candidates;
  // Pack order (the sorted candidates) decides ties.
  if (!compiled_->CandidatesFor(clause_text, &candidates)) return {};
  std::vector<LabelMatch> labels = Decide(clause_text, candidates, nullptr);
  std::sort(labels.begin(), labels.end(),
            [](const LabelMatch& a, const LabelMatch& b) { return a.label < b.label; });
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
  for (size_t i = 0; i < n; ++i) {
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
      continue;
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
      continue;
    }
    // A numbered run-in title ("27.11 Opt-Out. You may ...") commits to
    // nothing; the section it opens still belongs to the heading above.
    if (first_in_block && block.kind == BlockKind::kParagraph && LooksLikeNumberedPeriodTitle(texts[i])) {
      situation.heading_like = true;
      situation.heading = heading;
      continue;
    }
    situation.heading = heading;
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
  }

  // Pass 1: one RE2::Set pass per clause; text rules decided at once.
  std::vector<std::vector<LabelMatch>> labels(n);
  std::vector<std::vector<int>> context_candidates(n);
  std::vector<int> candidates;
  for (size_t i = 0; i < n; ++i) {
    if (situations[i].heading_like) continue;  // headings commit to nothing
    candidates.clear();
    if (!compiled_->CandidatesFor(texts[i], &candidates)) continue;
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
    labels[i] = Decide(texts[i], candidates, &context_candidates[i], headings);
  }

  // Pass 2: context rules see pass-1 labels only, so the outcome does not
  // depend on evaluation order.
  std::vector<std::vector<LabelMatch>> added(n);
  for (size_t i = 0; i < n; ++i) {
    for (int index : context_candidates[i]) {
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
      if (compiled.heading) {
        const int h = situations[i].heading;
        if (h < 0 || !RE2::PartialMatch(texts[h], *compiled.heading)) continue;
      }
      if (compiled.heading_excludes) {
        bool excluded_by_heading = false;
        for (int h = situations[i].heading; h >= 0 && !excluded_by_heading; h = parent_heading[h]) {
          excluded_by_heading = RE2::PartialMatch(texts[h], *compiled.heading_excludes);
        }
        if (excluded_by_heading) continue;
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
        if (compiled.lead_in && !RE2::PartialMatch(texts[l], *compiled.lead_in)) continue;
      }
      const bool required = std::all_of(compiled.require.begin(), compiled.require.end(),
                                        [&](const auto& re) { return RE2::PartialMatch(texts[i], *re); });
      const bool excluded = std::any_of(compiled.exclude.begin(), compiled.exclude.end(),
                                        [&](const auto& re) { return RE2::PartialMatch(texts[i], *re); });
      if (!required || excluded) continue;
      added[i].push_back(MakeMatch(index, texts[i]));
    }
  }
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
    std::sort(labels[i].begin(), labels[i].end(),
              [](const LabelMatch& a, const LabelMatch& b) { return a.label < b.label; });
  }
  if (situations_out != nullptr) *situations_out = std::move(situations);
  return labels;
}

std::vector<SlotValue> Classifier::ExtractSlots(std::string_view clause_text,
                                                const std::vector<LabelMatch>& labels) const {
  std::vector<SlotValue> values;
  for (size_t i = 0; i < pack_.slots.size(); ++i) {
    const SlotRule& slot = pack_.slots[i];
    if (!slot.labels.empty() && !HasAnyLabel(labels, slot.labels)) continue;
    if (std::any_of(values.begin(), values.end(), [&](const SlotValue& v) { return v.name == slot.name; })) {
      continue;  // an earlier rule for this slot already found a value
    }
    std::string_view captured;
    if (!RE2::PartialMatch(clause_text, *compiled_->slots[i], &captured) || captured.empty()) continue;
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
  const RE2* re = which == "trigger"     ? finding.trigger.get()
                  : which == "companion" ? finding.companion.get()
                                         : finding.anywhere.get();
  if (re == nullptr) return which != "anywhere";  // "anywhere" is opt-in
  return RE2::PartialMatch(text, *re);
}

}  // namespace fineprint
