// fineprint: the command-line face of the core, for people who analyse
// policy archives, and for tests and benchmarks.
//
//   fineprint analyze [--format json|text] [--rules PACK.json] FILE
//
// FILE is .txt, .md or .html (by extension), or "-" for standard input
// (read as plain text unless --input-format says otherwise).
// Exit status: 0 success, 2 bad usage, 3 unreadable or invalid input.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/analysis.h"
#include "core/classifier.h"
#include "core/readers.h"
#include "core/rule_pack.h"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitUsage = 2;
constexpr int kExitBadInput = 3;

constexpr char kUsage[] =
    "usage: fineprint analyze [--format json|text] [--input-format text|markdown|html]\n"
    "                         [--rules PACK.json] FILE\n"
    "  FILE   a .txt, .md or .html document, or - for standard input\n";

int Usage(const std::string& problem) {
  std::cerr << "fineprint: " << problem << "\n" << kUsage;
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

bool ParseFormat(const std::string& name, fineprint::DocumentFormat* format) {
  if (name == "text") *format = fineprint::DocumentFormat::kPlainText;
  else if (name == "markdown") *format = fineprint::DocumentFormat::kMarkdown;
  else if (name == "html") *format = fineprint::DocumentFormat::kHtml;
  else return false;
  return true;
}

int Analyze(const std::vector<std::string>& args) {
  std::string output_format = "json";
  std::string rules_path;
  std::string input_path;
  bool input_format_given = false;
  fineprint::DocumentFormat input_format = fineprint::DocumentFormat::kPlainText;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= args.size()) return false;
      *out = args[++i];
      return true;
    };
    if (arg == "--format") {
      if (!value(&output_format)) return Usage("--format needs json or text");
      if (output_format != "json" && output_format != "text") {
        return Usage("--format must be json or text, not '" + output_format + "'");
      }
    } else if (arg == "--input-format") {
      std::string name;
      if (!value(&name) || !ParseFormat(name, &input_format)) {
        return Usage("--input-format must be text, markdown or html");
      }
      input_format_given = true;
    } else if (arg == "--rules") {
      if (!value(&rules_path)) return Usage("--rules needs a file");
    } else if (arg.size() > 1 && arg[0] == '-') {
      return Usage("unknown option '" + arg + "'");
    } else if (input_path.empty()) {
      input_path = arg;
    } else {
      return Usage("only one FILE may be given");
    }
  }
  if (input_path.empty()) return Usage("no FILE given");
  if (!input_format_given) input_format = fineprint::FormatForPath(input_path);

  std::string rules_json(fineprint::BuiltinRulePackJson());
  std::string error;
  if (!rules_path.empty()) {
    rules_json.clear();
    if (!ReadInput(rules_path, &rules_json, &error)) return BadInput(error);
  }
  auto pack = fineprint::ParseRulePack(rules_json);
  if (!pack.ok()) return BadInput(pack.error().message);
  auto classifier = fineprint::Classifier::Create(std::move(pack).value());
  if (!classifier.ok()) return BadInput(classifier.error().message);

  std::string input;
  if (!ReadInput(input_path, &input, &error)) return BadInput(error);
  auto analysis = fineprint::AnalyzeInput(input, input_format, *classifier.value());
  if (!analysis.ok()) return BadInput(input_path + ": " + analysis.error().message);

  if (output_format == "json") {
    std::cout << fineprint::AnalysisToJson(analysis.value(), input) << "\n";
  } else {
    std::cout << fineprint::AnalysisToText(analysis.value());
  }
  std::cout.flush();
  return std::cout ? kExitOk : BadInput("cannot write the output");
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return Usage("no command given");
  const std::string command = args.front();
  args.erase(args.begin());
  if (command == "analyze") return Analyze(args);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  return Usage("unknown command '" + command + "'");
}
