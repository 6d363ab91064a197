// CheckSamePack: every field of two rule packs compared, for the tests of
// the pack record (rule_pack_test) and of the prepared form that carries it
// (classifier_test). Written apart from the record's own field list
// (TransferPack in core/rule_pack.cc), so that a field the record leaves
// out shows here; and the field counts below stop the build when a struct
// gains a field, until this comparison (and TransferPack) name it.
#ifndef FINEPRINT_TESTS_UNIT_RULE_PACK_TEST_UTIL_H_
#define FINEPRINT_TESTS_UNIT_RULE_PACK_TEST_UTIL_H_

#include <catch2/catch.hpp>
#include <cstddef>
#include <utility>

#include "core/rule_pack.h"

namespace fineprint {

// How many fields aggregate T has: the most initializers T{...} accepts
// (each converts to any field's type).
struct AnyField {
  template <typename T>
  operator T() const;
};
// (The fallback is declared first: the recursive call must see it.)
template <typename T, typename... Fields>
constexpr std::size_t FieldCount(long) {
  return sizeof...(Fields);
}
template <typename T, typename... Fields>
constexpr auto FieldCount(int) -> decltype(T{Fields{}..., AnyField{}}, std::size_t{}) {
  return FieldCount<T, Fields..., AnyField>(0);
}

static_assert(FieldCount<LabelInfo>(0) == 9, "a LabelInfo field was added: compare it below and add it to TransferPack");
static_assert(FieldCount<RuleContext>(0) == 7, "a RuleContext field was added: compare it below and add it to TransferPack");
static_assert(FieldCount<Rule>(0) == 10, "a Rule field was added: compare it below and add it to TransferPack");
static_assert(FieldCount<SlotRule>(0) == 6, "a SlotRule field was added: compare it below and add it to TransferPack");
static_assert(FieldCount<FindingRule>(0) == 12, "a FindingRule field was added: compare it below and add it to TransferPack");
static_assert(FieldCount<RulePack>(0) == 7, "a RulePack field was added: compare it below and add it to TransferPack");

// Every field of two packs, compared one by one (written apart from the
// record's own field list, so that a field it leaves out shows here).
inline void CheckSamePack(const RulePack& a, const RulePack& b) {
  CHECK(a.language == b.language);
  // (fingerprint: not in the record; the loader sets it from the prepared
  // form's header.)
  CHECK(a.version == b.version);
  REQUIRE(a.labels.size() == b.labels.size());
  for (size_t i = 0; i < a.labels.size(); ++i) {
    const LabelInfo& x = a.labels[i];
    const LabelInfo& y = b.labels[i];
    INFO(x.id);
    CHECK((x.id == y.id && x.name == y.name && x.family == y.family && x.primary == y.primary &&
           x.note == y.note && x.severity == y.severity && x.short_slot == y.short_slot &&
           x.short_days == y.short_days && x.short_severity == y.short_severity));
  }
  REQUIRE(a.rules.size() == b.rules.size());
  for (size_t i = 0; i < a.rules.size(); ++i) {
    const Rule& x = a.rules[i];
    const Rule& y = b.rules[i];
    INFO(x.id);
    CHECK((x.id == y.id && x.label == y.label && x.match == y.match && x.require == y.require &&
           x.exclude == y.exclude && x.why == y.why && x.unless_labels == y.unless_labels && x.note == y.note &&
           x.severity == y.severity));
    CHECK((x.context.previous_labels == y.context.previous_labels && x.context.window == y.context.window &&
           x.context.heading_matches == y.context.heading_matches &&
           x.context.lead_in_labels == y.context.lead_in_labels &&
           x.context.lead_in_matches == y.context.lead_in_matches &&
           x.context.column_header_matches == y.context.column_header_matches &&
           x.context.heading_excludes == y.context.heading_excludes));
  }
  REQUIRE(a.slots.size() == b.slots.size());
  for (size_t i = 0; i < a.slots.size(); ++i) {
    const SlotRule& x = a.slots[i];
    const SlotRule& y = b.slots[i];
    INFO(x.name);
    CHECK((x.name == y.name && x.labels == y.labels && x.pattern == y.pattern && x.kind == y.kind &&
           x.link_text == y.link_text && x.link_exclude == y.link_exclude));
  }
  REQUIRE(a.findings.size() == b.findings.size());
  for (size_t i = 0; i < a.findings.size(); ++i) {
    const FindingRule& x = a.findings[i];
    const FindingRule& y = b.findings[i];
    INFO(x.id);
    CHECK((x.id == y.id && x.severity == y.severity && x.explanation == y.explanation &&
           x.trigger_labels == y.trigger_labels && x.trigger_matches == y.trigger_matches &&
           x.companion_labels == y.companion_labels && x.companion_slot == y.companion_slot &&
           x.companion_matches == y.companion_matches &&
           x.companion_anywhere_matches == y.companion_anywhere_matches && x.near == y.near &&
           x.fires_when_present == y.fires_when_present && x.min_labelled_clauses == y.min_labelled_clauses));
  }
}

}  // namespace fineprint

#endif  // FINEPRINT_TESTS_UNIT_RULE_PACK_TEST_UTIL_H_
