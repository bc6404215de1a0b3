// Request header v1 (api_key, api_version, correlation_id, client_id) and v2
// (v1 + tagged fields, used by flexible request versions), and response
// header v0 (correlation_id) / v1 (+ tagged fields).
//
// Exception kept from Kafka: ApiVersions responses always use response
// header v0, even for the flexible v3, so a client can parse the answer
// before it knows which versions we speak.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/status.h"

namespace strata::kafka {

struct RequestHeader {
  int16_t api_key = 0;
  int16_t api_version = 0;
  int32_t correlation_id = 0;
  std::optional<std::string> client_id;
  int8_t header_version = 1;  // 1 or 2
};

// Decodes the header at the start of a frame body. The header version is
// picked from the API table (v2 for flexible versions); unknown keys and
// unsupported versions decode as v1 so the caller can still answer them.
Result<RequestHeader> decode_request_header(ByteReader& r);
void encode_request_header(const RequestHeader& h, std::vector<uint8_t>* out);

// True when the response to (key, version) carries header v1.
bool response_header_flexible(int16_t api_key, int16_t api_version);
// Writes the 4-byte size placeholder and the response header; finish with
// finish_response_frame once the body is written.
void begin_response_frame(int32_t correlation_id, bool flexible_header, std::vector<uint8_t>* out);
void finish_response_frame(std::vector<uint8_t>* out);

}  // namespace strata::kafka
