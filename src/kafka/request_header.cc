#include "kafka/request_header.h"

#include "kafka/api_keys.h"
#include "kafka/wire.h"

namespace strata::kafka {

Result<RequestHeader> decode_request_header(ByteReader& r) {
  RequestHeader h;
  h.api_key = r.i16();
  h.api_version = r.i16();
  h.correlation_id = r.i32();
  // client_id is a classic NULLABLE_STRING in both header versions.
  WireReader classic(&r, false);
  h.client_id = classic.nullable_string();
  if (version_supported(h.api_key, h.api_version) && is_flexible(h.api_key, h.api_version)) {
    h.header_version = 2;
    WireReader flex(&r, true);
    flex.tagged_fields();
  }
  if (!r.ok()) return Status::invalid_argument("truncated request header");
  return h;
}

void encode_request_header(const RequestHeader& h, std::vector<uint8_t>* out) {
  WireWriter w(out, false);
  w.i16(h.api_key);
  w.i16(h.api_version);
  w.i32(h.correlation_id);
  w.nullable_string(h.client_id);
  if (h.header_version >= 2) w.raw().uvarint(0);
}

bool response_header_flexible(int16_t api_key, int16_t api_version) {
  if (api_key == static_cast<int16_t>(ApiKey::kApiVersions)) return false;
  return is_flexible(api_key, api_version);
}

void begin_response_frame(int32_t correlation_id, bool flexible_header, std::vector<uint8_t>* out) {
  ByteWriter w(out);
  w.i32(0);
  w.i32(correlation_id);
  if (flexible_header) w.uvarint(0);
}

void finish_response_frame(std::vector<uint8_t>* out) {
  ByteWriter w(out);
  w.patch_i32(0, static_cast<int32_t>(out->size() - 4));
}

}  // namespace strata::kafka
