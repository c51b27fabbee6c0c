# Run as a script (cmake -P): turns a text file into a C++ source that defines
#   extern const std::string_view <SYMBOL>;
# in namespace hearth. Used to ship the in-isolate JavaScript runtime inside the binary.
# Inputs: INPUT, OUTPUT, SYMBOL; ASCII_ONLY=ON fails on any byte past 0x7f (a V8 one-byte
# external string must be Latin-1, and ASCII keeps it UTF-8 too).
file(READ "${INPUT}" _content HEX)
string(LENGTH "${_content}" _hex_length)
math(EXPR _length "${_hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," _bytes "${_content}")
if(ASCII_ONLY AND _bytes MATCHES "x[89a-f][0-9a-f]'")
  message(FATAL_ERROR "${INPUT} holds a byte past ASCII: write it as a \\u escape")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT} by cmake/EmbedText.cmake. Do not edit.\n"
  "#include <string_view>\n"
  "namespace hearth {\n"
  "namespace { constexpr char kData[] = {${_bytes} 0}; }\n"
  "extern const std::string_view ${SYMBOL};\n"
  "const std::string_view ${SYMBOL}(kData, ${_length});\n"
  "}  // namespace hearth\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
