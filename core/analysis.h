// The whole pipeline for one input: read, segment, classify. Plain data out,
// plus its JSON form (schema "fineprint.analysis/1"), which the CLI, the WASM
// module and the tests all share.
#ifndef FINEPRINT_CORE_ANALYSIS_H_
#define FINEPRINT_CORE_ANALYSIS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/classifier.h"
#include "core/document.h"
#include "core/expected.h"
#include "core/segmenter.h"

namespace fineprint {

// A plain-language note for one label on one clause: the label's (or the
// rule's) template filled from the clause's slots and the service's name.
struct LabelNote {
  std::string text;      // at most ~25 words; "" when the pack has no note
  std::string severity;  // "alert", "caution", "info" or "good"
};

struct AnalyzedClause {
  ClauseSpan span;
  // Byte span of the clause in the input exactly as given.
  uint32_t source_start = 0;
  uint32_t source_end = 0;
  std::vector<LabelMatch> labels;
  std::vector<LabelNote> notes;  // parallel to labels
  std::vector<SlotValue> slots;  // values pulled out for the notes
};

// Something the document as a whole says or leaves out (FindingRule).
struct Finding {
  const FindingRule* rule = nullptr;  // owned by the Classifier
  std::vector<uint32_t> clauses;      // indices into Analysis::clauses
};

struct Analysis {
  Document document;
  std::vector<AnalyzedClause> clauses;
  std::vector<Finding> findings;
  // The service's name as notes use it ("X", "Zoom"): see ServiceName; ""
  // when neither the source URL nor the title names one.
  std::string service;
  // The classifier's rule pack (slot rules for the JSON); null when the
  // Analysis was not made by AnalyzeDocument.
  const RulePack* pack = nullptr;

  std::string_view ClauseText(const AnalyzedClause& clause) const;
};

// The host of a URL, lower case, without user, port or a final ".":
// "https://Help.X.com:443/en/rules" -> "help.x.com". A bare host
// ("x.com", "www.x.com/tos") is taken as one. "" when there is none (a
// file:, about: or data: URL, or "").
std::string HostOfUrl(std::string_view url);

// `reference` (a link's target as a page wrote it) resolved against `base`
// (the page's http or https URL), as a browser resolves an href:
// "/settings/ads" on "https://x.com/en/privacy" -> "https://x.com/settings/ads";
// "../ads" -> "https://x.com/ads". A reference with a scheme, or a base that
// is not an http(s) URL, is returned as given.
std::string ResolveUrl(std::string_view base, std::string_view reference);

// The service a document is about, as notes name it. The first of:
//  1. the service the built-in directory (core/rules/en.services.json) gives
//     `source_url`'s host or a parent domain of it: "https://help.x.com/..."
//     -> "X", whatever the page's title;
//  2. the title without the kind of document and region words it names:
//     "X Privacy Policy" -> "X", "Privacy Policy | Zoom" -> "Zoom",
//     "LinkedIn European Regional Privacy Notice" -> "LinkedIn". Only a title
//     that names a kind of document (privacy policy, terms, agreement,
//     notice...) is used: any other is a heading the reader took for the
//     title ("Contents", "How to manage the info we use"). The rest must be
//     a name: at most four words, not only generic ones ("Our", "General").
//     Plain text without a title offers its first line instead;
//  3. the registrable domain of the URL's host, capitalised:
//     "https://shop.example.co.uk/privacy" -> "Example".
// "" when none applies (notes then say "this service").
std::string ServiceName(const Document& document, std::string_view source_url = {});

// Segments and classifies a document, fills notes and slots, and derives
// the document-level findings. `source_url` is where the document was found
// ("" when unknown); it only helps name the service (ServiceName). The
// classifier must outlive the Analysis (labels and findings point at its
// rules).
Analysis AnalyzeDocument(Document document, const Classifier& classifier,
                         std::string_view source_url = {});

// Validates, reads and analyses an input.
Expected<Analysis> AnalyzeInput(std::string_view input, DocumentFormat format,
                                const Classifier& classifier, std::string_view source_url = {});

// Which unit "start" and "end" are written in. The core works in UTF-8
// bytes; JavaScript callers ask for UTF-16 code units.
enum class OffsetUnit { kUtf8Bytes, kUtf16CodeUnits };

// Which clauses the JSON lists. A page paints only the labelled ones; on X's
// policy they are 64 of 297, and writing (then parsing) the others was most
// of the reply's cost in a freshly started engine.
enum class ClauseListing { kAll, kLabelledOnly };

// {"schema": "fineprint.analysis/1", "document": {...}, "clauses": [...],
//  "findings": [...], "examples": {...}}.
// `source` is the input the analysis was made from (offsets refer to it).
// Every clause is listed, in order, with start, end, block, kind, text and
// labels ([{id, name, rule, why, evidence, note, severity, slots}], empty
// when none apply); slots is an object {name: value}, a duration slot also
// giving "<name>_days". findings: [{id, severity, explanation, clauses}].
// examples: for each label present, how other platforms word it
// ([{service, document, date, excerpt}], from core/rules/en.examples.json),
// leaving out the document's own service (by name or alias, as whole words
// of `service`); a label with no other platform's example is left out.
// With ClauseListing::kLabelledOnly, "clauses" lists only the clauses with
// labels, each with its "index" among all of them (the index findings use);
// document.clauses still counts all.
std::string AnalysisToJson(const Analysis& analysis, std::string_view source,
                           OffsetUnit unit = OffsetUnit::kUtf8Bytes,
                           int indent = -1, ClauseListing listing = ClauseListing::kAll);

// A report for a person: the document's size, then every labelled clause
// with its labels and why.
std::string AnalysisToText(const Analysis& analysis);

}  // namespace fineprint

#endif  // FINEPRINT_CORE_ANALYSIS_H_
