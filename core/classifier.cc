#include "core/classifier.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>

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

}  // namespace

struct Classifier::Compiled {
  struct CompiledRule {
    std::unique_ptr<RE2> match;
    std::vector<std::unique_ptr<RE2>> require;
    std::vector<std::unique_ptr<RE2>> exclude;
  };
  std::unique_ptr<RE2::Set> candidates;
  std::vector<CompiledRule> rules;  // parallel to pack_.rules
};

Classifier::Classifier(RulePack pack)
    : pack_(std::move(pack)), compiled_(std::make_unique<Compiled>()) {}

Classifier::~Classifier() = default;

Expected<std::unique_ptr<Classifier>> Classifier::Create(RulePack pack) {
  std::unique_ptr<Classifier> classifier(new Classifier(std::move(pack)));
  Compiled& compiled = *classifier->compiled_;

  RE2::Options set_options = PatternOptions();
  set_options.set_max_mem(kSetMemoryBudget);
  compiled.candidates = std::make_unique<RE2::Set>(set_options, RE2::UNANCHORED);

  auto compile = [](const std::string& pattern, const Rule& rule, const char* field,
                    std::unique_ptr<RE2>* out) -> Expected<bool> {
    auto re = std::make_unique<RE2>(pattern, PatternOptions());
    if (!re->ok()) {
      return Error{"rule '" + rule.id + "': " + field + " pattern does not compile: " + re->error()};
    }
    *out = std::move(re);
    return true;
  };

  for (const Rule& rule : classifier->pack_.rules) {
    Compiled::CompiledRule entry;
    if (auto ok = compile(rule.match, rule, "match", &entry.match); !ok.ok()) return ok.error();
    for (const std::string& pattern : rule.require) {
      entry.require.emplace_back();
      if (auto ok = compile(pattern, rule, "require", &entry.require.back()); !ok.ok()) return ok.error();
    }
    for (const std::string& pattern : rule.exclude) {
      entry.exclude.emplace_back();
      if (auto ok = compile(pattern, rule, "exclude", &entry.exclude.back()); !ok.ok()) return ok.error();
    }
    std::string error;
    if (compiled.candidates->Add(rule.match, &error) < 0) {
      return Error{"rule '" + rule.id + "': match pattern does not compile: " + error};
    }
    compiled.rules.push_back(std::move(entry));
  }
  if (!compiled.candidates->Compile()) {
    return Error{"rule pack: the combined pattern set is too large to compile"};
  }
  return classifier;
}

std::vector<LabelMatch> Classifier::Classify(std::string_view clause_text) const {
  std::vector<LabelMatch> labels;
  std::vector<int> candidates;
  if (!compiled_->candidates->Match(clause_text, &candidates)) return labels;
  std::sort(candidates.begin(), candidates.end());  // pack order decides ties

  for (int index : candidates) {
    const Rule& rule = pack_.rules[index];
    const Compiled::CompiledRule& compiled = compiled_->rules[index];
    const bool labelled = std::any_of(labels.begin(), labels.end(),
                                      [&](const LabelMatch& m) { return m.label == rule.label; });
    if (labelled) continue;
    const bool required = std::all_of(compiled.require.begin(), compiled.require.end(),
                                       [&](const auto& re) { return RE2::PartialMatch(clause_text, *re); });
    if (!required) continue;
    const bool excluded = std::any_of(compiled.exclude.begin(), compiled.exclude.end(),
                                      [&](const auto& re) { return RE2::PartialMatch(clause_text, *re); });
    if (excluded) continue;

    std::string_view evidence;
    if (!compiled.match->Match(clause_text, 0, clause_text.size(), RE2::UNANCHORED, &evidence, 1)) {
      continue;  // the set and the single pattern always agree; be safe anyway
    }
    LabelMatch match;
    match.label = rule.label;
    match.rule = &rule;
    match.info = pack_.FindLabel(rule.label);
    match.evidence_start = static_cast<uint32_t>(evidence.data() - clause_text.data());
    match.evidence_end = match.evidence_start + static_cast<uint32_t>(evidence.size());
    labels.push_back(std::move(match));
  }
  std::sort(labels.begin(), labels.end(),
            [](const LabelMatch& a, const LabelMatch& b) { return a.label < b.label; });
  return labels;
}

}  // namespace fineprint
