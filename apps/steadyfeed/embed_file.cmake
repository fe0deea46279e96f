# Writes OUT, a C++ source defining `std::string_view NAME()` in
# sf::daemon that returns the bytes of IN: the dashboard's page is part of
# the binary, so the daemon serves it with no file to install or lose.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" length)
math(EXPR bytes "${length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," body "${hex}")
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN} by embed_file.cmake: do not edit.\n"
  "#include <string_view>\n\nnamespace sf::daemon {\n\nnamespace {\nconstexpr char bytes[] = {${body}};\n}\n\n"
  "std::string_view ${NAME}() { return {bytes, ${bytes}}; }\n\n}  // namespace sf::daemon\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
