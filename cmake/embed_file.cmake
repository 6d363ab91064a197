# Writes OUTPUT: a C++ source defining FUNCTION() (BuiltinRulePackJson by
# default) over INPUT's bytes. Bytes, not a raw string literal, so any
# content is safe. The function is declared in HEADER (core/rule_pack.h by
# default), which the generated source includes.
if(NOT FUNCTION)
  set(FUNCTION BuiltinRulePackJson)
endif()
if(NOT HEADER)
  set(HEADER core/rule_pack.h)
endif()
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" hex_length)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
math(EXPR size "${hex_length} / 2")
file(WRITE ${OUTPUT}
"// Generated from ${INPUT} by cmake/embed_file.cmake. Do not edit.\n"
"#include \"${HEADER}\"\n"
"namespace fineprint {\n"
"namespace { const unsigned char kEmbedded[] = {${bytes} 0}; }\n"
"std::string_view ${FUNCTION}() {\n"
"  return std::string_view(reinterpret_cast<const char*>(kEmbedded), ${size});\n"
"}\n"
"}  // namespace fineprint\n")
