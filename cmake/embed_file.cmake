# Writes OUTPUT: a C++ source defining BuiltinRulePackJson() over INPUT's
# bytes. Bytes, not a raw string literal, so any content is safe.
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" hex_length)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
math(EXPR size "${hex_length} / 2")
file(WRITE ${OUTPUT}
"// Generated from ${INPUT} by cmake/embed_file.cmake. Do not edit.\n"
"#include \"core/rule_pack.h\"\n"
"namespace fineprint {\n"
"namespace { const unsigned char kBuiltinRulePack[] = {${bytes} 0}; }\n"
"std::string_view BuiltinRulePackJson() {\n"
"  return std::string_view(reinterpret_cast<const char*>(kBuiltinRulePack), ${size});\n"
"}\n"
"}  // namespace fineprint\n")
