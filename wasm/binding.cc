// Embind bindings: the JavaScript face of the core. Type conversion only;
// every decision is the core's. Nothing here throws or aborts: failures come
// back as {"schema":"fineprint.error/1","error":"..."}.
//
// JavaScript (see wasm/fineprint.js, which owns the module's lifetime):
//   const engine = new Module.Engine(rulesJson);       // "" = built-in pack
//   engine.analyze(textOrUint8Array, "text"|"markdown"|"html", url) -> JSON  // url "" if unknown
//   engine.analyzeBlocks(blocksJson)  // {"title","url","blocks"} -> JSON string
//   engine.snapshot(textOrUint8Array, format, date, url) -> snapshot JSON
//   engine.snapshotBlocks(blocksJson, date)  // {"title","url","blocks"} -> snapshot JSON
//   const page = engine.analyzePage(blocksJson);     // one analysis, kept
//   page.error();                  // "" or the error JSON (bad blocks)
//   page.analysisJson(false);      // analyzeBlocks's JSON; true: only the
//                                  // labelled clauses, each with its index
//   page.snapshotJson(date);       // snapshotBlocks's JSON
//   page.delete();
//   engine.diff(beforeSnapshotJson, afterSnapshotJson)  -> diff JSON
//   engine.version()                                    -> JSON string
//   engine.error()                  -> "" or the rule pack's error JSON
//   engine.delete();
//   Module.MAX_INPUT_BYTES
#include <emscripten/bind.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/analysis.h"
#include "core/change_summary.h"
#include "core/classifier.h"
#include "core/readers.h"
#include "core/rule_pack.h"
#include "core/snapshot.h"

namespace {

std::string ErrorJson(const std::string& message) {
  nlohmann::ordered_json error;
  error["schema"] = "fineprint.error/1";
  error["error"] = message;
  return error.dump(-1, ' ', /*ensure_ascii=*/false, nlohmann::json::error_handler_t::replace);
}

// One page's analysis, kept so that what the page needs now (the analysis)
// and what the history needs later (the snapshot) come from one
// classification, without the snapshot delaying the reply. Owns a reference
// to its classifier (an Analysis points into the rule pack), so it stays
// valid whichever of it and its Engine is deleted first.
class PageAnalysis {
 public:
  // An analysis that failed: every call returns `error_json`.
  explicit PageAnalysis(std::string error_json) : error_json_(std::move(error_json)) {}
  PageAnalysis(std::shared_ptr<const fineprint::Classifier> classifier, fineprint::Analysis analysis,
               std::string source)
      : classifier_(std::move(classifier)), analysis_(std::move(analysis)), source_(std::move(source)) {}

  // "" when the analysis was made, else the error JSON every call returns.
  std::string Error() const { return classifier_ ? std::string() : error_json_; }

  // As Engine::AnalyzeBlocks: offsets in UTF-16 code units of the blocks'
  // texts joined with "\n". `labelled_only`: list only the clauses with
  // labels (ClauseListing::kLabelledOnly).
  std::string AnalysisJson(bool labelled_only) const {
    if (!classifier_) return error_json_;
    return fineprint::AnalysisToJson(analysis_, source_, fineprint::OffsetUnit::kUtf16CodeUnits, -1,
                                     labelled_only ? fineprint::ClauseListing::kLabelledOnly
                                                   : fineprint::ClauseListing::kAll);
  }

  // As Engine::SnapshotBlocks, dated `date` ("YYYY-MM-DD" or "").
  std::string SnapshotJson(const std::string& date) const {
    if (!classifier_) return error_json_;
    return fineprint::SnapshotToJson(fineprint::MakeSnapshot(analysis_, date));
  }

 private:
  std::shared_ptr<const fineprint::Classifier> classifier_;  // null when failed
  fineprint::Analysis analysis_;
  std::string source_;
  std::string error_json_;
};

class Engine {
 public:
  // `rules_json` is a rule pack (schema fineprint.rules/1); "" selects the
  // built-in one. A pack that does not parse or compile is remembered as the
  // error every call returns.
  explicit Engine(const std::string& rules_json) {
    auto classifier = fineprint::Classifier::Load(rules_json);
    if (!classifier.ok()) {
      error_ = "rules: " + classifier.error().message;
      return;
    }
    classifier_ = std::move(classifier).value();
  }

  // The same JSON as `fineprint analyze --format json --url URL` (offsets in
  // UTF-8 bytes of `input`; `url` "" when unknown). `input` arrives from a JS
  // string (as UTF-8) or from a Uint8Array / ArrayBuffer (bytes as they are).
  std::string AnalyzeFrom(const std::string& input, const std::string& format,
                          const std::string& url) const {
    if (!classifier_) return ErrorJson(error_);
    auto analysis = AnalyzeText(input, format, url);
    if (!analysis.ok()) return ErrorJson(analysis.error().message);
    return fineprint::AnalysisToJson(analysis.value(), input, fineprint::OffsetUnit::kUtf8Bytes);
  }

  // Blocks a content script extracted ({"title", "url", "blocks": [...]};
  // the page's url names the service in notes). Offsets are UTF-16 code
  // units into the blocks' texts joined with "\n".
  std::string AnalyzeBlocks(const std::string& blocks_json) const {
    if (!classifier_) return ErrorJson(error_);
    std::string source;
    auto analysis = AnalyzeBlocksJson(blocks_json, &source);
    if (!analysis.ok()) return ErrorJson(analysis.error().message);
    return fineprint::AnalysisToJson(analysis.value(), source, fineprint::OffsetUnit::kUtf16CodeUnits);
  }

  // The snapshot (fineprint.snapshot/1) of a document, as `fineprint
  // snapshot --url URL` writes it; `date` ("YYYY-MM-DD" or "") is stored as
  // given, and the service is named from `url` ("" when unknown) and the
  // title.
  std::string SnapshotFrom(const std::string& input, const std::string& format,
                           const std::string& date, const std::string& url) const {
    if (!classifier_) return ErrorJson(error_);
    auto analysis = AnalyzeText(input, format, url);
    if (!analysis.ok()) return ErrorJson(analysis.error().message);
    return fineprint::SnapshotToJson(fineprint::MakeSnapshot(analysis.value(), date));
  }

  // The snapshot of blocks a content script extracted ({"title", "url",
  // "blocks"}; the page's url names the service, as in AnalyzeBlocks). Its
  // offsets are UTF-8 bytes of the blocks' texts joined with "\n".
  std::string SnapshotBlocks(const std::string& blocks_json, const std::string& date) const {
    if (!classifier_) return ErrorJson(error_);
    std::string source;
    auto analysis = AnalyzeBlocksJson(blocks_json, &source);
    if (!analysis.ok()) return ErrorJson(analysis.error().message);
    return fineprint::SnapshotToJson(fineprint::MakeSnapshot(analysis.value(), date));
  }

  // Blocks as AnalyzeBlocks takes them, analysed once and kept: the caller
  // owns the returned handle and must delete() it.
  PageAnalysis* AnalyzePage(const std::string& blocks_json) const {
    if (!classifier_) return new PageAnalysis(ErrorJson(error_));
    std::string source;
    auto analysis = AnalyzeBlocksJson(blocks_json, &source);
    if (!analysis.ok()) return new PageAnalysis(ErrorJson(analysis.error().message));
    return new PageAnalysis(classifier_, std::move(analysis).value(), std::move(source));
  }

  // What changed between two snapshots, as `fineprint diff --format json`
  // prints it. A damaged snapshot is an error ("corrupt snapshot: ..."),
  // never repaired. The built-in change notes are read by the first call
  // (BuiltinChangeNotes): a new engine is usually made for a page, whose
  // reply does not wait for them.
  std::string Diff(const std::string& before_json, const std::string& after_json) const {
    if (!classifier_) return ErrorJson(error_);
    auto before = fineprint::ParseSnapshot(before_json);
    if (!before.ok()) return ErrorJson(before.error().message + " (before)");
    auto after = fineprint::ParseSnapshot(after_json);
    if (!after.ok()) return ErrorJson(after.error().message + " (after)");
    const auto& notes = fineprint::BuiltinChangeNotes();
    if (!notes.ok()) return ErrorJson(notes.error().message);
    const fineprint::DocumentDiff diff =
        fineprint::DiffSnapshots(before.value(), after.value(), notes.value(), classifier_.get());
    return fineprint::DocumentDiffToJson(diff, before.value(), after.value());
  }

  // "" when the rule pack loaded, else the error JSON every call returns.
  // Cheaper than Version() in a freshly started engine, where whatever runs
  // first runs in the baseline tier.
  std::string Error() const { return classifier_ ? std::string() : ErrorJson(error_); }

  // Compiles whole up to `max_patterns` of the patterns a page reached only
  // through their alternatives; returns how many are left (0 when the rule
  // pack did not load). See Classifier::CompileDeferredPatterns.
  unsigned CompileDeferredPatterns(unsigned max_patterns) const {
    return classifier_ ? static_cast<unsigned>(classifier_->CompileDeferredPatterns(max_patterns)) : 0;
  }

  // {"rules_language": "en", "rules_version": "..."}.
  std::string Version() const {
    if (!classifier_) return ErrorJson(error_);
    nlohmann::ordered_json version;
    version["rules_language"] = classifier_->pack().language;
    version["rules_version"] = classifier_->pack().version;
    return version.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }

 private:
  // Reads `input` as the named format and analyses it, naming the service
  // from `url` ("" when unknown). Needs classifier_.
  fineprint::Expected<fineprint::Analysis> AnalyzeText(const std::string& input, const std::string& format,
                                                       const std::string& url) const {
    fineprint::DocumentFormat document_format;
    if (!fineprint::ParseDocumentFormat(format, &document_format)) {
      return fineprint::Error{"unknown format '" + format + "': use text, markdown or html"};
    }
    return fineprint::AnalyzeInput(input, document_format, *classifier_, url);
  }

  // Reads blocks a content script extracted ({"title", "url", "blocks"})
  // and analyses them, naming the service from the page's url; the blocks'
  // joined text goes to *source. Needs classifier_.
  fineprint::Expected<fineprint::Analysis> AnalyzeBlocksJson(const std::string& blocks_json,
                                                             std::string* source) const {
    std::string url;
    auto document = fineprint::ReadBlocksJson(blocks_json, source, &url);
    if (!document.ok()) return document.error();
    return fineprint::AnalyzeDocument(std::move(document).value(), *classifier_, url);
  }

  // Shared with the PageAnalysis handles made from it.
  std::shared_ptr<const fineprint::Classifier> classifier_;
  std::string error_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(fineprint) {
  // The largest input the core accepts, in bytes; the wrapper copies at most
  // one byte more into the heap.
  emscripten::constant("MAX_INPUT_BYTES", fineprint::kMaxInputBytes);
  emscripten::class_<PageAnalysis>("PageAnalysis")
      .function("error", &PageAnalysis::Error)
      .function("analysisJson", &PageAnalysis::AnalysisJson)
      .function("snapshotJson", &PageAnalysis::SnapshotJson);
  emscripten::class_<Engine>("Engine")
      .constructor<const std::string&>()
      .function("analyze", &Engine::AnalyzeFrom)
      .function("analyzeBlocks", &Engine::AnalyzeBlocks)
      .function("snapshot", &Engine::SnapshotFrom)
      .function("snapshotBlocks", &Engine::SnapshotBlocks)
      .function("analyzePage", &Engine::AnalyzePage, emscripten::allow_raw_pointers())
      .function("diff", &Engine::Diff)
      .function("compileDeferredPatterns", &Engine::CompileDeferredPatterns)
      .function("version", &Engine::Version)
      .function("error", &Engine::Error);
}
