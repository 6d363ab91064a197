// Build step: prepares a rule pack's start-up work ahead of time.
//
//   fineprint_prepare_rules PACK.json OUT.txt
//
// Writes Classifier::Prepare's output for PACK.json to OUT.txt, which the
// build embeds as BuiltinPreparedRulePack(). The JSON stays the source of
// truth: OUT.txt is remade whenever it changes, and is tied to its exact
// text, so a stale one would be ignored, never used.
//
// A pack that does not load still gets an OUT.txt, one that prepares
// nothing (with the error, for a person reading it), and the build goes on:
// loading the pack then reports the error, naming the rule, as it always
// did. The error is also printed here, as a warning.
#include <cstdio>
#include <fstream>
#include <string>

#include "core/classifier.h"
#include "tools/read_file.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fineprint_prepare_rules PACK.json OUT.txt\n");
    return 2;
  }
  std::string json;
  if (!fineprint::ReadFile(argv[1], &json)) {
    std::fprintf(stderr, "fineprint_prepare_rules: cannot read %s\n", argv[1]);
    return 1;
  }
  auto prepared = fineprint::Classifier::Prepare(json);
  std::string text;
  if (prepared.ok()) {
    text = std::move(prepared).value();
  } else {
    std::fprintf(stderr, "fineprint_prepare_rules: warning: %s: %s (left unprepared)\n", argv[1],
                 prepared.error().message.c_str());
    text = "unprepared: " + prepared.error().message + "\n";
  }
  std::ofstream out(argv[2], std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::fprintf(stderr, "fineprint_prepare_rules: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
