#include "sim/chaos_schedule.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sf::sim {

std::vector<fault_spec> parse_chaos(std::string_view yaml_text, std::string_view name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    throw chaos_error(std::string(name) + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  // yaml-cpp nodes are references: assigning one node to another would write
  // into the document, so the list is picked once, from a const root.
  const YAML::Node& croot = root;
  const YAML::Node list = croot.IsMap() ? croot["faults"] : croot;
  if (croot.IsMap()) {
    for (const auto& kv : croot) {
      if (!kv.first.IsScalar())
        throw chaos_error(std::string(name) + ": line " + std::to_string(kv.first.Mark().line + 1) +
                          ": a key must be a plain name, not a list or mapping");
      const auto key = kv.first.Scalar();
      if (key != "faults")
        throw chaos_error(std::string(name) + ": line " + std::to_string(kv.first.Mark().line + 1) +
                          ": unknown key '" + key + "'; expected 'faults'");
    }
  }
  if (!root || root.IsNull() || !list || list.IsNull()) return {};
  if (!list.IsSequence())
    throw chaos_error(std::string(name) + ": line " + std::to_string(list.Mark().line + 1) +
                      ": expected a list of faults");

  std::vector<fault_spec> out;
  std::vector<std::string> errors;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node entry = list[i];
    const std::string where =
        std::string(name) + ": faults[" + std::to_string(i) + "] (line " + std::to_string(entry.Mark().line + 1) + ")";
    if (!entry.IsMap()) {
      errors.push_back(where + ": expected a map with at, fault, target, duration ...");
      continue;
    }
    std::map<std::string, std::string> fields;
    bool ok = true;
    for (const auto& kv : entry) {
      if (!kv.first.IsScalar()) {
        errors.push_back(where + ": a key must be a plain name, not a list or mapping");
        ok = false;
        continue;
      }
      const auto key = kv.first.Scalar();
      if (!kv.second.IsScalar()) {
        errors.push_back(where + ": " + key + ": expected a single value");
        ok = false;
        continue;
      }
      fields[key] = kv.second.Scalar();
    }
    if (!fields.contains("at")) {
      errors.push_back(where + ": at: missing; when the fault starts, e.g. 10s");
      ok = false;
    }
    auto f = parse_fault(fields, where, errors);
    if (ok && f) out.push_back(std::move(*f));
  }
  if (!errors.empty()) {
    std::string all;
    for (const auto& e : errors) all += (all.empty() ? "" : "\n") + e;
    throw chaos_error(all);
  }
  std::stable_sort(out.begin(), out.end(), [](const fault_spec& a, const fault_spec& b) { return a.at < b.at; });
  return out;
}

std::vector<fault_spec> load_chaos_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw chaos_error(path + ": is a directory; --chaos takes a YAML file of faults");
  std::ifstream in(path);
  if (!in) throw chaos_error(path + ": cannot open");
  std::stringstream text;
  text << in.rdbuf();
  return parse_chaos(text.str(), path);
}

}  // namespace sf::sim
