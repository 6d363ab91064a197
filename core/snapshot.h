// Snapshots: what the extension keeps of an analysed document so that a
// later visit can say what changed without the old page.
//
// A snapshot holds each clause's text (typography normalised), where it sat
// (block kind, block boundaries, byte span of the original input), its
// labels and slots (durations, slot-rule values), a fingerprint per clause
// and one for the document. It is compact JSON, schema
// "fineprint.snapshot/<version>", columnar so the per-clause overhead is a
// few bytes: a snapshot is at most ~1.2x the document's plain text.
//
//   {"schema": "fineprint.snapshot/1", "date": "2025-07-29",
//    "document": {"title": ..., "service": "X", "format": "markdown",
//                 "bytes": 38083, "text_bytes": 35210, "hash": "<16 hex>"},
//    "rules": {"language": "en", "version": "0.1.0", "fingerprint": "<16 hex>"},
//                           // fingerprint: RulePack::fingerprint; absent for
//                           // a pack built in code and in older snapshots
//    "labels": ["ai_training.third_party", ...],      // table for "clauses"
//    "clauses": {
//      "text": ["...", ...],
//      "kind": "HpPL...",   // per clause: h heading, p paragraph,
//                           // l list item, t table cell; upper case when
//                           // the clause starts a new block
//      "span": [gap, extra, ...],  // source bytes: start - previous end,
//                                  // and source length - text length
//      "hash": "<4 per clause>",  // low 24 bits of the key fingerprint,
//                                 // base64url (A-Z a-z 0-9 - _)
//      "place": "BC!ABB^C.B.C",  // optional (left out when all "A"); per
//                                 // block (its first clause): Block::level in
//                                 // base64url; a table cell's is preceded by
//                                 // '.' (body) or '^' (header), or when its
//                                 // table is not the cell before's by ':'
//                                 // (body) or '!' (header) and the table's
//                                 // number in two base64url digits (like
//                                 // "kind", covered by no hash)
//      "labels": [[clause, label, ...], ...],      // sparse, table indices
//      "slots": [[clause, "name", "value"], ...],  // sparse
//      "durations": [[clause, start, end, days, "<" | "=" | ">"], ...]}}
//
// "service" is optional: written when the analysis named the service, and
// missing from snapshots made before it was kept (they still load; readers
// then name the service from the title).
//
// Loading checks everything (types, lengths, ranges, every clause against
// its fingerprint) and reports a damaged snapshot as an Error starting with
// "corrupt snapshot:"; it never repairs or replaces one. Snapshots of an
// older schema version are upgraded by the migration steps registered for
// their version; a newer version is refused.
#ifndef FINEPRINT_CORE_SNAPSHOT_H_
#define FINEPRINT_CORE_SNAPSHOT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/analysis.h"
#include "core/classifier.h"
#include "core/document.h"
#include "core/durations.h"
#include "core/expected.h"

namespace fineprint {

// The schema version this build writes ("fineprint.snapshot/1").
inline constexpr int kSnapshotVersion = 1;

struct SnapshotSlot {
  std::string name;
  std::string value;
};

struct SnapshotClause {
  // NormalizeTypography of the clause text.
  std::string text;
  BlockKind kind = BlockKind::kParagraph;
  bool block_start = true;  // the first clause of its block
  // Its block's place, for RelabelSnapshot's context rules (kept on the
  // block's first clause): Block::level (a heading's level, a list item's
  // depth, a table cell's column), and for a table cell Block::table and
  // Block::table_header. Places past 63 levels or columns or 4095 tables,
  // and cells outside tables, are kept as 0 (no place).
  int block_level = 0;
  uint32_t table = 0;
  bool table_header = false;
  // Byte span in the input the snapshot was made from.
  uint32_t source_start = 0;
  uint32_t source_end = 0;
  std::vector<std::string> labels;  // taxonomy ids, sorted
  std::vector<SnapshotSlot> slots;
  // Durations in `text` (offsets into it). Kept for labelled clauses only:
  // those are the ones a change summary reads.
  std::vector<Duration> durations;
};

struct Snapshot {
  std::string date;  // when the document was seen ("YYYY-MM-DD"), or ""
  std::string title;
  // The service as the analysis's notes named it (Analysis::service, from
  // the page's address where one was given), so a later change summary
  // names it the same way. "" when none was named, and in snapshots written
  // before it was kept.
  std::string service;
  DocumentFormat format = DocumentFormat::kPlainText;
  uint32_t source_size = 0;  // bytes of the input
  uint32_t text_size = 0;    // bytes of its plain text (blocks + newlines)
  std::string rules_language;
  std::string rules_version;
  // RulePack::fingerprint of the pack that labelled it; "" in snapshots
  // made before it was kept (LabelledUnderOtherRules then goes by the
  // version).
  std::string rules_fingerprint;
  std::vector<SnapshotClause> clauses;
};

// The snapshot of an analysed document, with its service (analysis.service).
// `date` is stored as given.
Snapshot MakeSnapshot(const Analysis& analysis, std::string_view date);

// The fingerprint of a clause text as a snapshot stores it: Fingerprint64
// of its ComparisonKey. Equal for clauses the diff treats as unchanged.
uint64_t ClauseFingerprint(std::string_view text);

// The document's fingerprint: over every clause fingerprint in order.
// Equal fingerprints mean nothing to report between two versions.
uint64_t DocumentFingerprint(const Snapshot& snapshot);

// Compact JSON (no indentation, UTF-8 as is), the format described above.
std::string SnapshotToJson(const Snapshot& snapshot);

// Upgrades a parsed snapshot of version `from` (its JSON, in place) to
// version from + 1, or says why it cannot.
using SnapshotMigration = std::function<Expected<bool>(nlohmann::json& snapshot)>;

// The migration steps this build knows, keyed by the version they upgrade
// from. Empty while version 1 is the only one; a new version adds the step
// from its predecessor here, never drops one.
const std::map<int, SnapshotMigration>& BuiltinSnapshotMigrations();

// Parses, migrates and checks a snapshot. Errors are one line: "corrupt
// snapshot: <what and where>" for damage, "unsupported snapshot: ..." for a
// version this build cannot read.
Expected<Snapshot> ParseSnapshot(std::string_view json);
Expected<Snapshot> ParseSnapshot(std::string_view json,
                                 const std::map<int, SnapshotMigration>& migrations);

// True when `input` looks like a snapshot rather than a document: JSON
// whose "schema" names fineprint.snapshot (even a damaged one, so that it
// is reported as corrupt instead of being read as text).
bool LooksLikeSnapshot(std::string_view input);

// True when `snapshot` was labelled under other rules than `pack`'s: another
// language or version, or (when both have one) another fingerprint. A
// snapshot made before fingerprints were kept is judged by its version
// alone: it has no block places either, and relabelled without them its
// labels would see less context than they were made with.
bool LabelledUnderOtherRules(const Snapshot& snapshot, const RulePack& pack);

// Labels the snapshot's clauses again with `classifier` (context rules
// included, over the blocks the snapshot recorded: their kinds and, when
// the snapshot has them, their places), replacing labels, slots and
// durations. Used when the snapshot was labelled under other rules
// (LabelledUnderOtherRules), so that a rule change is not reported as a
// document change. Snapshots made before "place" was kept have no levels
// or columns, so rules that read a heading's rank or a cell's column header
// see less in those than on the page.
void RelabelSnapshot(Snapshot* snapshot, const Classifier& classifier);

}  // namespace fineprint

#endif  // FINEPRINT_CORE_SNAPSHOT_H_
