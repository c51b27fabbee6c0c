#include "sdk/hearthctl/json_format.h"

#include <cstdint>
#include <string>

#include "absl/strings/escaping.h"

namespace hearth::ctl {

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = [&](size_t at) { return static_cast<unsigned char>(text[at]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    uint32_t code_point;
    uint32_t smallest;
    if ((lead & 0xE0) == 0xC0) {
      length = 2, code_point = lead & 0x1F, smallest = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code_point = lead & 0x0F, smallest = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code_point = lead & 0x07, smallest = 0x10000;
    } else {
      return false;  // A continuation byte, or 0xF8..0xFF, cannot start a sequence.
    }
    if (text.size() - i < length) return false;
    for (size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (byte(i + k) & 0x3F);
    }
    if (code_point < smallest || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

nlohmann::ordered_json DeployResponseToJson(std::string_view name,
                                            const v1::DeployResponse& response) {
  return {{"name", name},
          {"version", response.version()},
          {"snapshot_bytes", response.snapshot_bytes()},
          {"build_ms", response.build_ms()}};
}

nlohmann::ordered_json FunctionInfoToJson(const v1::FunctionInfo& info) {
  return {{"name", info.name()},
          {"version", info.version()},
          {"limits",
           {{"cpu_ms", info.limits().cpu_ms()},
            {"memory_mb", info.limits().memory_mb()},
            {"timeout_ms", info.limits().timeout_ms()}}},
          {"pool",
           {{"min_warm", info.pool().min_warm()},
            {"max_isolates", info.pool().max_isolates()},
            {"idle_ttl_ms", info.pool().idle_ttl_ms()},
            {"max_invocations_per_isolate", info.pool().max_invocations_per_isolate()}}},
          {"env_keys", info.env_keys()},
          {"source_bytes", info.source_bytes()},
          {"deployed_at_ms", info.deployed_at_ms()},
          {"invocations", info.invocations()},
          {"quarantined", info.quarantined()},
          {"quarantine_reason", info.quarantine_reason()}};
}

nlohmann::ordered_json InvokeResponseToJson(const v1::InvokeResponse& response) {
  const v1::HttpResponse& http = response.response();
  const v1::ExecutionReport& report = response.report();
  nlohmann::ordered_json headers = nlohmann::ordered_json::array();
  for (const v1::Header& header : http.headers()) {
    headers.push_back({{"name", header.name()}, {"value", header.value()}});
  }
  nlohmann::ordered_json document = {
      {"id", response.id()},
      {"outcome", v1::Outcome_Name(response.outcome())},
      {"status", http.status()},
      {"headers", std::move(headers)},
  };
  if (IsValidUtf8(http.body())) {
    document["body"] = http.body();
  } else {
    document["body_base64"] = absl::Base64Escape(http.body());
  }
  document["error"] = response.error();
  document["report"] = {{"cold", report.cold()},       {"queue_us", report.queue_us()},
                        {"boot_us", report.boot_us()}, {"run_us", report.run_us()},
                        {"cpu_us", report.cpu_us()},   {"heap_bytes", report.heap_bytes()},
                        {"worker", report.worker()},   {"logs", report.logs()}};
  return document;
}

}  // namespace hearth::ctl
