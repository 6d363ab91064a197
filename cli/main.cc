// fineprint: the command-line face of the core, for people who analyse
// policy archives, and for tests and benchmarks.
//
//   fineprint analyze [--format json|text] [--rules PACK.json] [--url URL] FILE
//   fineprint diff [--format json|text] [--rules PACK.json] [--url URL] OLD NEW
//   fineprint snapshot [--rules PACK.json] [--date YYYY-MM-DD] [--url URL] [-o OUT] FILE
//
// FILE is .txt, .md or .html (by extension), or "-" for standard input
// (read as plain text unless --input-format says otherwise). --url is where
// the document was found; notes then name its service ("X" for x.com) where
// the title does not; a snapshot keeps that name, and a change summary uses
// the newer version's. OLD and NEW are each a document or a snapshot
// (recognised by its content); --url applies to the documents, a snapshot
// carries its own service.
// Exit status: 0 success, 2 bad usage, 3 unreadable or invalid input
// (including a corrupt snapshot).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/analysis.h"
#include "core/change_summary.h"
#include "core/classifier.h"
#include "core/readers.h"
#include "core/rule_pack.h"
#include "core/snapshot.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitBadInput = 3;

constexpr char kUsage[] =
    "usage: fineprint analyze [--format json|text] [--input-format text|markdown|html]\n"
    "                         [--rules PACK.json] [--url URL] FILE\n"
    "       fineprint diff [--format json|text] [--rules PACK.json] [--url URL] OLD NEW\n"
    "       fineprint snapshot [--rules PACK.json] [--date YYYY-MM-DD] [--url URL]\n"
    "                          [-o OUT] FILE\n"
    "  FILE       a .txt, .md or .html document, or - for standard input\n"
    "  OLD, NEW   each a document or a snapshot written by `fineprint snapshot`\n"
    "  --url URL  where the document was found: names the service in notes and\n"
    "             change summaries (x.com -> X); a snapshot keeps the name it was\n"
    "             made with\n";

// One line on stderr, so scripts can show it as it is; --help has the rest.
int Usage(const std::string& problem) {
  std::cerr << "fineprint: " << problem << " (see fineprint --help)\n";
  return kExitUsage;
}

int BadInput(const std::string& problem) {
  std::cerr << "fineprint: " << problem << "\n";
  return kExitBadInput;
}

// Reads a whole file (or stdin for "-") as bytes. Stops one byte past the
// readers' limit so an oversized input is reported, not slurped.
bool ReadInput(const std::string& path, std::string* out, std::string* error) {
  std::istream* in = &std::cin;
  std::ifstream file;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) {
      *error = "cannot read " + path;
      return false;
    }
    in = &file;
  }
  std::vector<char> buffer(1 << 16);
  while (*in && out->size() <= fineprint::kMaxInputBytes) {
    in->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    out->append(buffer.data(), static_cast<size_t>(in->gcount()));
  }
  if (in->bad()) {
    *error = "cannot read " + path;
    return false;
  }
  return true;
}

// An option that takes a value, as in "--rules PACK.json".
struct Option {
  std::vector<std::string> names;  // "--rules"; or "-o" and "--output"
  std::string* value;              // receives the value (the last one given wins)
  std::string missing;             // the usage problem when no value follows
  // The usage problem with a value, or "" when it is fine; may be empty.
  std::function<std::string(const std::string&)> check;
};

// Reads args in order into the options' values and *operands (FILE, OLD,
// NEW; "-" is an operand: standard input). One operand more than
// max_operands is the usage problem too_many_operands. Returns the usage
// problem of the first bad argument, or "" when every one was accepted.
std::string ParseCommandLine(const std::vector<std::string>& args, const std::vector<Option>& options,
                             size_t max_operands, const std::string& too_many_operands,
                             std::vector<std::string>* operands) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const Option* option = nullptr;
    for (const Option& candidate : options) {
      if (std::find(candidate.names.begin(), candidate.names.end(), arg) != candidate.names.end()) {
        option = &candidate;
      }
    }
    if (option != nullptr) {
      if (i + 1 >= args.size()) return option->missing;
      *option->value = args[++i];
      if (option->check) {
        const std::string problem = option->check(*option->value);
        if (!problem.empty()) return problem;
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      return "unknown option '" + arg + "'";
    } else if (operands->size() == max_operands) {
      return too_many_operands;
    } else {
      operands->push_back(arg);
    }
  }
  return "";
}

// --format for commands that print json or text.
Option OutputFormatOption(std::string* format) {
  return {{"--format"}, format, "--format needs json or text", [](const std::string& name) {
            return name == "json" || name == "text"
                       ? std::string()
                       : "--format must be json or text, not '" + name + "'";
          }};
}

// --rules, which every command takes.
Option RulesOption(std::string* rules_path) { return {{"--rules"}, rules_path, "--rules needs a file", {}}; }

// --url, where the document was found (analyze, diff, snapshot).
Option UrlOption(std::string* source_url) { return {{"--url"}, source_url, "--url needs a URL", {}}; }

// For a command that takes one FILE: parses args and sets *file, or returns
// the usage problem.
std::string ParseOneFileCommandLine(const std::vector<std::string>& args, const std::vector<Option>& options,
                                    std::string* file) {
  std::vector<std::string> operands;
  const std::string problem = ParseCommandLine(args, options, 1, "only one FILE may be given", &operands);
  if (!problem.empty()) return problem;
  if (operands.empty() || operands.front().empty()) return "no FILE given";
  *file = operands.front();
  return "";
}

// The rule pack: the built-in one (prepared at build time), or --rules.
bool LoadClassifier(const std::string& rules_path, std::unique_ptr<fineprint::Classifier>* out,
                    std::string* error) {
  std::string rules_json;
  if (!rules_path.empty()) {
    if (!ReadInput(rules_path, &rules_json, error)) return false;
    if (rules_json.empty()) {
      *error = "empty rule pack: " + rules_path;
      return false;
    }
  }
  auto classifier = fineprint::Classifier::Load(rules_json);
  if (!classifier.ok()) {
    *error = classifier.error().message;
    return false;
  }
  *out = std::move(classifier).value();
  return true;
}

int Analyze(const std::vector<std::string>& args) {
  std::string output_format = "json";
  std::string rules_path;
  std::string input_format_name;
  std::string source_url;
  fineprint::DocumentFormat input_format = fineprint::DocumentFormat::kPlainText;
  const std::string bad_input_format = "--input-format must be text, markdown or html";
  const std::vector<Option> options{
      OutputFormatOption(&output_format),
      {{"--input-format"}, &input_format_name, bad_input_format,
       [&](const std::string& name) {
         return fineprint::ParseDocumentFormat(name, &input_format) ? std::string() : bad_input_format;
       }},
      RulesOption(&rules_path),
      UrlOption(&source_url)};
  std::string input_path;
  const std::string problem = ParseOneFileCommandLine(args, options, &input_path);
  if (!problem.empty()) return Usage(problem);
  // A format that was given has been parsed (an empty name is rejected).
  if (input_format_name.empty()) input_format = fineprint::FormatForPath(input_path);

  std::string error;
  std::unique_ptr<fineprint::Classifier> classifier;
  if (!LoadClassifier(rules_path, &classifier, &error)) return BadInput(error);

  std::string input;
  if (!ReadInput(input_path, &input, &error)) return BadInput(error);
  auto analysis = fineprint::AnalyzeInput(input, input_format, *classifier, source_url);
  if (!analysis.ok()) return BadInput(input_path + ": " + analysis.error().message);

  if (output_format == "json") {
    std::cout << fineprint::AnalysisToJson(analysis.value(), input) << "\n";
  } else {
    std::cout << fineprint::AnalysisToText(analysis.value());
  }
  std::cout.flush();
  return std::cout ? kExitOk : BadInput("cannot write the output");
}

// "2025-07-29" from ".../2025-07-29.md"; "" when the name is not a date.
std::string DateFromPath(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  name = name.substr(0, name.find('.'));
  if (name.size() != 10 || name[4] != '-' || name[7] != '-') return "";
  for (size_t i = 0; i < name.size(); ++i) {
    if (i != 4 && i != 7 && (name[i] < '0' || name[i] > '9')) return "";
  }
  return name;
}

std::string Today() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &utc);
  return buffer;
}

// One version for diff or snapshot: a snapshot file as stored (with the
// service it recorded), or a document analysed now, its service named from
// `source_url` ("" when unknown) and the title. A damaged snapshot is an
// error, never re-read as a document.
bool LoadVersion(const std::string& path, const fineprint::Classifier& classifier, const std::string& date,
                 const std::string& source_url, fineprint::Snapshot* out, std::string* error) {
  std::string input;
  if (!ReadInput(path, &input, error)) return false;
  if (fineprint::LooksLikeSnapshot(input)) {
    auto snapshot = fineprint::ParseSnapshot(input);
    if (!snapshot.ok()) {
      *error = snapshot.error().message + " (" + path + ")";
      return false;
    }
    *out = std::move(snapshot).value();
    return true;
  }
  const fineprint::DocumentFormat format =
      path == "-" ? fineprint::DocumentFormat::kPlainText : fineprint::FormatForPath(path);
  auto analysis = fineprint::AnalyzeInput(input, format, classifier, source_url);
  if (!analysis.ok()) {
    *error = path + ": " + analysis.error().message;
    return false;
  }
  *out = fineprint::MakeSnapshot(analysis.value(), date);
  return true;
}

int Diff(const std::vector<std::string>& args) {
  std::string output_format = "json";
  std::string rules_path;
  std::string source_url;
  std::vector<std::string> paths;
  // Every operand is kept, so that a third one is "needs OLD and NEW".
  const std::string problem =
      ParseCommandLine(args, {OutputFormatOption(&output_format), RulesOption(&rules_path), UrlOption(&source_url)},
                       args.size(), "", &paths);
  if (!problem.empty()) return Usage(problem);
  if (paths.size() != 2) return Usage("diff needs OLD and NEW");
  if (paths[0] == "-" && paths[1] == "-") return Usage("only one of OLD and NEW may be -");

  std::string error;
  std::unique_ptr<fineprint::Classifier> classifier;
  if (!LoadClassifier(rules_path, &classifier, &error)) return BadInput(error);
  const auto& notes = fineprint::BuiltinChangeNotes();
  if (!notes.ok()) return BadInput(notes.error().message);
  fineprint::Snapshot before, after;
  if (!LoadVersion(paths[0], *classifier, DateFromPath(paths[0]), source_url, &before, &error) ||
      !LoadVersion(paths[1], *classifier, DateFromPath(paths[1]), source_url, &after, &error)) {
    return BadInput(error);
  }
  const fineprint::DocumentDiff diff = fineprint::DiffSnapshots(before, after, notes.value(), classifier.get());
  if (output_format == "json") {
    std::cout << fineprint::DocumentDiffToJson(diff, before, after) << "\n";
  } else {
    std::cout << fineprint::DocumentDiffToText(diff, before, after);
  }
  std::cout.flush();
  return std::cout ? kExitOk : BadInput("cannot write the output");
}

int Snapshot(const std::vector<std::string>& args) {
  std::string rules_path;
  std::string output_path;
  std::string date;
  std::string source_url;
  const std::vector<Option> options{
      RulesOption(&rules_path),
      UrlOption(&source_url),
      {{"-o", "--output"}, &output_path, "-o needs a file", {}},
      {{"--date"}, &date, "--date needs YYYY-MM-DD", [](const std::string& value) {
         return DateFromPath(value) == value ? std::string()
                                             : "--date must be YYYY-MM-DD, not '" + value + "'";
       }}};
  std::string input_path;
  const std::string problem = ParseOneFileCommandLine(args, options, &input_path);
  if (!problem.empty()) return Usage(problem);
  if (date.empty()) date = DateFromPath(input_path);
  if (date.empty()) date = Today();

  std::string error;
  std::unique_ptr<fineprint::Classifier> classifier;
  if (!LoadClassifier(rules_path, &classifier, &error)) return BadInput(error);
  fineprint::Snapshot snapshot;
  // A snapshot given as FILE is checked and written back out as this
  // build's version (a migration), relabelled under the current rules.
  if (!LoadVersion(input_path, *classifier, date, source_url, &snapshot, &error)) return BadInput(error);
  if (fineprint::LabelledUnderOtherRules(snapshot, classifier->pack())) {
    fineprint::RelabelSnapshot(&snapshot, *classifier);
  }
  const std::string json = fineprint::SnapshotToJson(snapshot) + "\n";
  if (output_path.empty() || output_path == "-") {
    std::cout << json;
    std::cout.flush();
    return std::cout ? kExitOk : BadInput("cannot write the output");
  }
  // Write beside the target and rename, so a failed write never leaves a
  // truncated snapshot where a good one was.
  const std::string temporary = output_path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << json;
    out.flush();
    if (!out) {
      std::remove(temporary.c_str());
      return BadInput("cannot write " + output_path);
    }
  }
  if (std::rename(temporary.c_str(), output_path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return BadInput("cannot write " + output_path);
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("no command given");
  const std::string command = args.front();
  args.erase(args.begin());
  if (command == "analyze") return Analyze(args);
  if (command == "diff") return Diff(args);
  if (command == "snapshot") return Snapshot(args);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  return Usage("unknown command '" + command + "'");
}
