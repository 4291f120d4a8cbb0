#pragma once
// The report page's source files (render/web/), embedded at build time by
// render/web/embed.cmake.
#include <string_view>

namespace ncprof::render::assets {

std::string_view report_html();
std::string_view report_css();
std::string_view report_js();

}  // namespace ncprof::render::assets
