#include "core/alternatives.h"

#include <optional>

namespace fineprint {
namespace {

// Where the class opened by the "[" at `open` ends (its "]"); npos when it
// does not end or holds "[:". A "]" first (after an optional "^") is a
// literal; "\" escapes. "[:" inside may open a POSIX class ("[[:alpha:]|]")
// or end a range ("[!-[:]"), which only a full parse tells apart.
size_t ClassEnd(std::string_view pattern, size_t open) {
  size_t j = open + 1;
  if (j < pattern.size() && pattern[j] == '^') ++j;
  if (j < pattern.size() && pattern[j] == ']') ++j;
  for (; j < pattern.size() && pattern[j] != ']'; ++j) {
    if (pattern[j] == '\\') {
      ++j;
    } else if (pattern[j] == '[' && j + 1 < pattern.size() && pattern[j + 1] == ':') {
      return std::string_view::npos;
    }
  }
  return j < pattern.size() ? j : std::string_view::npos;
}

// One top-level part of a pattern, and its last top-level group: where
// that group's "(" is, and whether its ")" ends the part.
struct Part {
  std::string_view text;
  size_t last_group_open = std::string_view::npos;  // offset in `text`
  bool ends_with_last_group = false;
};

// The parts of `pattern` between its top-level "|"s. Nothing (no value)
// for syntax that might change meaning once a part stands alone (flags,
// named groups, \Q...\E), that does not balance, or "[:" in a class.
std::optional<std::vector<Part>> TopLevelParts(std::string_view pattern) {
  std::vector<Part> parts(1);
  size_t part_start = 0;
  size_t depth = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '|' && depth == 0) {
      parts.back().text = pattern.substr(part_start, i - part_start);
      part_start = i + 1;
      parts.emplace_back();
      continue;
    }
    Part& part = parts.back();
    part.ends_with_last_group = false;  // something follows the last group
    if (c == '\\') {
      if (i + 1 < pattern.size() && pattern[i + 1] == 'Q') return std::nullopt;
      ++i;  // the escaped character is never syntax
      continue;
    }
    if (c == '[') {
      const size_t end = ClassEnd(pattern, i);
      if (end == std::string_view::npos) return std::nullopt;
      i = end;
    } else if (c == '(') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '?' &&
          (i + 2 >= pattern.size() || pattern[i + 2] != ':')) {
        return std::nullopt;  // flags or a named group
      }
      if (depth++ == 0) part.last_group_open = i - part_start;
    } else if (c == ')') {
      if (depth == 0) return std::nullopt;
      if (--depth == 0) part.ends_with_last_group = true;
    }
  }
  if (depth != 0) return std::nullopt;
  parts.back().text = pattern.substr(part_start);
  return parts;
}

// Appends the alternatives of `pattern` to `out`; false when one of them
// would be empty or the syntax is not understood.
bool AppendAlternatives(std::string_view pattern, std::vector<std::string>* out) {
  const std::optional<std::vector<Part>> parts = TopLevelParts(pattern);
  if (!parts) return false;
  for (const Part& part : *parts) {
    if (part.text.empty()) return false;
    // "(?:...)", "\b(?:...)" or "^(?:...)" and nothing after: its own
    // alternatives, each behind the prefix. The prefixes match in one way
    // only, so the order of the alternatives is still RE2's order.
    const std::string_view prefix = part.text.substr(0, part.last_group_open);
    if (part.ends_with_last_group && (prefix.empty() || prefix == "\\b" || prefix == "^") &&
        part.text.substr(prefix.size(), 3) == "(?:") {
      std::vector<std::string> inner;
      if (!AppendAlternatives(part.text.substr(prefix.size() + 3, part.text.size() - prefix.size() - 4), &inner)) {
        return false;
      }
      if (inner.size() >= 2) {
        for (const std::string& alternative : inner) out->push_back(std::string(prefix) + "(?:" + alternative + ")");
        continue;
      }
    }
    out->push_back(std::string(part.text));
  }
  return true;
}

}  // namespace

std::string WithBranchesCaptured(std::string_view pattern, int* groups_added) {
  // A "?" where a branch starts repeats nothing, an error; after the "(" put
  // in front of it, it would read as "(?", group syntax, and the wrapped
  // form would parse where the pattern does not.
  auto branch_starts_with_question_mark = [&](size_t at) { return at < pattern.size() && pattern[at] == '?'; };
  if (branch_starts_with_question_mark(0)) return "";
  std::string out = "(";
  int added = 1;
  size_t depth = 0;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\') {
      if (i + 1 < pattern.size() && pattern[i + 1] == 'Q') return "";
      out.append(pattern.substr(i, 2));
      ++i;  // the escaped character is never syntax
    } else if (c == '[') {
      const size_t end = ClassEnd(pattern, i);
      if (end == std::string_view::npos) return "";
      out.append(pattern.substr(i, end + 1 - i));
      i = end;
    } else if (c == '(') {
      // "(", "(?:": the group's first branch opens after it; a group with
      // flags or a name is left to the original pattern.
      size_t body = i + 1;
      if (body < pattern.size() && pattern[body] == '?') {
        if (body + 1 >= pattern.size() || pattern[body + 1] != ':') return "";
        body += 2;
      }
      if (branch_starts_with_question_mark(body)) return "";
      out.append(pattern.substr(i, body - i)).append("(");
      ++added;
      ++depth;
      i = body - 1;
    } else if (c == '|') {
      if (branch_starts_with_question_mark(i + 1)) return "";
      out.append(")|(");
      ++added;
    } else if (c == ')') {
      if (depth-- == 0) return "";
      out.append("))");
    } else {
      out += c;
    }
  }
  if (depth != 0) return "";
  out += ')';
  *groups_added = added;
  return out;
}

std::vector<std::string> AlternativesOf(std::string_view pattern, size_t min_alternatives) {
  std::vector<std::string> alternatives;
  if (!AppendAlternatives(pattern, &alternatives) || alternatives.size() < min_alternatives) return {};
  return alternatives;
}

}  // namespace fineprint
