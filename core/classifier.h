// Labels clauses with the taxonomy, using a compiled rule pack.
//
// All rules' "match" patterns are compiled into one RE2::Set, so finding the
// candidate rules for a clause is a single pass over its text however many
// rules there are. Only candidates then run their "require" and "exclude"
// patterns, and one extra search recovers the evidence span.
#ifndef FINEPRINT_CORE_CLASSIFIER_H_
#define FINEPRINT_CORE_CLASSIFIER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/expected.h"
#include "core/rule_pack.h"

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

class Classifier {
 public:
  // Compiles every pattern of the pack. Fails, naming the rule and the RE2
  // error, on a pattern that does not compile.
  static Expected<std::unique_ptr<Classifier>> Create(RulePack pack);
  ~Classifier();
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // The labels of one clause's plain text, at most one LabelMatch per label
  // (the first rule in pack order wins), sorted by label id.
  std::vector<LabelMatch> Classify(std::string_view clause_text) const;

  const RulePack& pack() const { return pack_; }

 private:
  struct Compiled;
  explicit Classifier(RulePack pack);
  RulePack pack_;
  std::unique_ptr<Compiled> compiled_;
};

}  // namespace fineprint

#endif  // FINEPRINT_CORE_CLASSIFIER_H_
