#pragma once
// A fleet of Go fixture services and a config file naming them.
#include <fstream>
#include <string>
#include <vector>

#include "support/fixture.hpp"

namespace ncprof::test {

struct Fleet {
  std::vector<GoService> services;
  std::string dir;
  std::string config;

  // Extra YAML lines appended under services: (already indented).
  static Fleet start(const std::vector<GoServiceOptions>& opts, const std::string& extra_services = "") {
    Fleet f;
    f.dir = temp_dir("ncprof-fleet");
    std::string yaml = "replace: true\nservices:\n";
    for (const auto& o : opts) {
      f.services.push_back(start_go_service(o));
      const auto& s = f.services.back();
      yaml += "  " + s.name + ":\n    pprof: 127.0.0.1:" + std::to_string(s.pprof_port) + "\n";
      if (s.app_port) yaml += "    health: http://127.0.0.1:" + std::to_string(s.app_port) + "/health/memory\n";
    }
    yaml += extra_services;
    f.config = f.dir + "/ncprof.yaml";
    write_file(f.config, yaml);
    return f;
  }
};

inline GoServiceOptions named(const std::string& name, bool health = true) {
  GoServiceOptions o;
  o.name = name;
  o.health = health;
  return o;
}

}  // namespace ncprof::test
