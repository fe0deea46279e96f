// The parsing ceiling the benchmarks compare against: one simdjson On-Demand
// pass over a frame that visits every value and builds nothing. Any parser of
// the frame must do at least this much, so "decode / walk" says how much a
// venue adapter adds on top of reading the bytes.
//
// Thread safety: pure functions over the caller's parser.
#pragma once

#include <simdjson.h>

#include <cstdint>

namespace sf::bench {

// Visits `v` and everything inside it; returns the values and token bytes seen.
inline std::uint64_t walk(simdjson::ondemand::value v) {
  using simdjson::ondemand::json_type;
  json_type type;
  if (v.type().get(type)) return 0;
  std::uint64_t n = 1;
  if (type == json_type::object) {
    simdjson::ondemand::object obj;
    if (v.get_object().get(obj)) return n;
    for (auto field : obj) {
      simdjson::ondemand::value child;
      if (field.value().get(child)) return n;
      n += walk(child);
    }
  } else if (type == json_type::array) {
    simdjson::ondemand::array arr;
    if (v.get_array().get(arr)) return n;
    for (auto element : arr) {
      simdjson::ondemand::value child;
      if (element.get(child)) return n;
      n += walk(child);
    }
  } else {
    n += v.raw_json_token().size();
  }
  return n;
}

// One On-Demand pass over a top-level object already padded; 0 when it does
// not parse.
inline std::uint64_t bare_parse(simdjson::ondemand::parser& parser,
                                simdjson::padded_string_view json) {
  simdjson::ondemand::document doc;
  if (parser.iterate(json).get(doc)) return 0;
  simdjson::ondemand::object top;
  if (doc.get_object().get(top)) return 0;
  std::uint64_t n = 0;
  for (auto field : top) {
    simdjson::ondemand::value child;
    if (field.value().get(child)) return 0;
    n += walk(child);
  }
  return n;
}

}  // namespace sf::bench
