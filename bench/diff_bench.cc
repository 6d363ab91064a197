// fineprint_bench_diff: how fast the diff engine is on real history.
//
//   fineprint_bench_diff [--corpus DIR] [--repeat N] [--filter TEXT]
//
// For every pair of consecutive versions of every document under
// DIR/policies/<service>/<document>/<date>.md, prints the time to analyse
// both versions (read, segment, classify: not part of the diff), the time
// of the diff itself (DiffSnapshots: clause alignment, word diffs, summary;
// best of N runs, snapshots made beforehand) and the diff's throughput over
// both versions' input bytes. A final line gives the totals. The same
// numbers for the WASM build, jsdiff and diff-match-patch under Node are a
// separate harness (not here).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/analysis.h"
#include "core/change_summary.h"
#include "core/classifier.h"
#include "core/readers.h"
#include "core/rule_pack.h"
#include "core/snapshot.h"
#include "tools/read_file.h"

using fineprint::ReadFile;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::string corpus = FINEPRINT_DEFAULT_CORPUS;
  int repeat = 5;
  std::string filter;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--corpus" && i + 1 < argc) {
      corpus = argv[++i];
    } else if (arg == "--repeat" && i + 1 < argc) {
      repeat = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--filter" && i + 1 < argc) {
      filter = argv[++i];
    } else {
      std::fprintf(stderr, "usage: fineprint_bench_diff [--corpus DIR] [--repeat N] [--filter TEXT]\n");
      return 2;
    }
  }

  auto classifier = fineprint::Classifier::Load("");
  if (!classifier.ok()) {
    std::fprintf(stderr, "rule pack: %s\n", classifier.error().message.c_str());
    return 1;
  }
  const auto& notes = fineprint::BuiltinChangeNotes();
  if (!notes.ok()) {
    std::fprintf(stderr, "%s\n", notes.error().message.c_str());
    return 1;
  }

  // document directory -> its versions, oldest first
  std::map<std::string, std::vector<fs::path>> documents;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(fs::path(corpus) / "policies", error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file() && it->path().extension() == ".md") {
      documents[it->path().parent_path().string()].push_back(it->path());
    }
  }
  if (documents.empty()) {
    std::fprintf(stderr, "no documents under %s/policies\n", corpus.c_str());
    return 1;
  }

  std::printf("%-58s %9s %9s %9s %9s %8s\n", "pair", "KB", "analyse", "diff ms", "MB/s", "changes");
  double total_bytes = 0, total_diff_ms = 0;
  int pairs = 0;
  for (auto& [directory, versions] : documents) {
    std::sort(versions.begin(), versions.end());
    for (size_t v = 1; v < versions.size(); ++v) {
      const fs::path& old_path = versions[v - 1];
      const fs::path& new_path = versions[v];
      const std::string name = fs::path(directory).parent_path().filename().string() + "/" +
                               fs::path(directory).filename().string() + " " + old_path.stem().string() +
                               ">" + new_path.stem().string();
      if (!filter.empty() && name.find(filter) == std::string::npos) continue;
      std::string old_input, new_input;
      if (!ReadFile(old_path, &old_input) || !ReadFile(new_path, &new_input)) {
        std::fprintf(stderr, "cannot read %s\n", name.c_str());
        return 1;
      }
      const auto analyse_start = Clock::now();
      auto old_analysis = fineprint::AnalyzeInput(old_input, fineprint::DocumentFormat::kMarkdown, *classifier.value());
      auto new_analysis = fineprint::AnalyzeInput(new_input, fineprint::DocumentFormat::kMarkdown, *classifier.value());
      const double analyse_ms = Millis(Clock::now() - analyse_start);
      if (!old_analysis.ok() || !new_analysis.ok()) {
        std::fprintf(stderr, "%s: cannot analyse\n", name.c_str());
        return 1;
      }
      const fineprint::Snapshot before = fineprint::MakeSnapshot(old_analysis.value(), old_path.stem().string());
      const fineprint::Snapshot after = fineprint::MakeSnapshot(new_analysis.value(), new_path.stem().string());
      double best = 1e300;
      size_t changes = 0;
      for (int r = 0; r < repeat; ++r) {
        const auto start = Clock::now();
        const fineprint::DocumentDiff diff =
            fineprint::DiffSnapshots(before, after, notes.value(), classifier.value().get());
        best = std::min(best, Millis(Clock::now() - start));
        changes = diff.changes.size();
      }
      const double bytes = static_cast<double>(old_input.size() + new_input.size());
      std::printf("%-58s %9.1f %9.2f %9.3f %9.1f %8zu\n", name.c_str(), bytes / 1024, analyse_ms, best,
                  bytes / 1e6 / (best / 1e3), changes);
      total_bytes += bytes;
      total_diff_ms += best;
      ++pairs;
    }
  }
  if (pairs > 0) {
    std::printf("%-58s %9.1f %9s %9.3f %9.1f\n", ("total: " + std::to_string(pairs) + " pairs").c_str(),
                total_bytes / 1024, "", total_diff_ms, total_bytes / 1e6 / (total_diff_ms / 1e3));
  }

  // Worst cases: the largest document against an unrelated one (nothing
  // aligns) and against nothing at all.
  if (filter.empty()) {
    const fs::path largest = fs::path(corpus) / "policies/meta-facebook/privacy-policy/2025-05-28.md";
    const fs::path unrelated = fs::path(corpus) / "policies/microsoft/services-agreement/2023-09-30.md";
    std::string a, b;
    if (ReadFile(largest, &a) && ReadFile(unrelated, &b)) {
      auto analysis_a = fineprint::AnalyzeInput(a, fineprint::DocumentFormat::kMarkdown, *classifier.value());
      auto analysis_b = fineprint::AnalyzeInput(b, fineprint::DocumentFormat::kMarkdown, *classifier.value());
      auto empty = fineprint::AnalyzeInput("", fineprint::DocumentFormat::kMarkdown, *classifier.value());
      if (analysis_a.ok() && analysis_b.ok() && empty.ok()) {
        const fineprint::Snapshot sa = fineprint::MakeSnapshot(analysis_a.value(), "");
        const fineprint::Snapshot sb = fineprint::MakeSnapshot(analysis_b.value(), "");
        const fineprint::Snapshot se = fineprint::MakeSnapshot(empty.value(), "");
        struct Case {
          const char* name;
          const fineprint::Snapshot* before;
          const fineprint::Snapshot* after;
          double bytes;
        };
        const Case cases[] = {{"worst: meta privacy > microsoft agreement (rewritten)", &sa, &sb,
                               static_cast<double>(a.size() + b.size())},
                              {"worst: empty > meta privacy", &se, &sa, static_cast<double>(a.size())},
                              {"worst: meta privacy > empty", &sa, &se, static_cast<double>(a.size())}};
        for (const Case& c : cases) {
          double best = 1e300;
          size_t changes = 0;
          for (int r = 0; r < repeat; ++r) {
            const auto start = Clock::now();
            const fineprint::DocumentDiff diff =
                fineprint::DiffSnapshots(*c.before, *c.after, notes.value(), classifier.value().get());
            best = std::min(best, Millis(Clock::now() - start));
            changes = diff.changes.size();
          }
          std::printf("%-58s %9.1f %9s %9.3f %9.1f %8zu\n", c.name, c.bytes / 1024, "", best,
                      c.bytes / 1e6 / (best / 1e3), changes);
        }
      }
    }
  }
  return 0;
}
