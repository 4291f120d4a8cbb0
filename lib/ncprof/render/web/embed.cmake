# Writes OUT: a C++ file defining ncprof::render::assets::NAME() for each
# file in FILES (NAME: the file name with '.' as '_'), as byte arrays so
# that no character of the sources needs escaping.
set(content "// Generated from lib/ncprof/render/web by embed.cmake. Do not edit.\n#include \"ncprof/render/assets.hpp\"\n\nnamespace ncprof::render::assets {\n")
foreach(file IN LISTS FILES)
  get_filename_component(fname ${file} NAME)
  string(REPLACE "." "_" name ${fname})
  file(READ ${file} hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR size "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  string(APPEND content "\nstatic const char ${name}_data[] = {${bytes} 0};\nstd::string_view ${name}() { return {${name}_data, ${size}}; }\n")
endforeach()
string(APPEND content "\n}  // namespace ncprof::render::assets\n")
file(WRITE ${OUT}.tmp "${content}")
file(RENAME ${OUT}.tmp ${OUT})
