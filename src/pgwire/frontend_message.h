// Frontend (client -> server) messages of protocol 3.0: the startup packet and
// every message after it, decoded from bytes into plain structs, and encoded back
// (for tests, the fuzzer's seeds and test clients). Byte layouts:
// docs/formats/pgwire.md.
//
// Decoding never trusts a peer's length or count: every count is checked against
// the bytes present before anything is reserved, and string_views point into the
// caller's buffer (which must outlive the decoded message).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/status.h"

namespace strata::pgwire {

// Protocol codes carried where a startup packet has its version.
inline constexpr int32_t kProtocolVersion3 = 196608;  // 3.0
inline constexpr int32_t kSslRequestCode = 80877103;
inline constexpr int32_t kGssEncRequestCode = 80877104;
inline constexpr int32_t kCancelRequestCode = 80877102;

// The packet a connection starts with: Int32 length (counting itself), Int32 code,
// then for a StartupMessage NUL-terminated name/value pairs ending with a NUL, for a
// CancelRequest Int32 process id and Int32 secret key.
struct StartupPacket {
  enum class Kind : uint8_t { kStartup, kSslRequest, kGssEncRequest, kCancel };
  Kind kind = Kind::kStartup;
  int32_t protocol_version = kProtocolVersion3;
  std::vector<std::pair<std::string, std::string>> params;  // kStartup
  int32_t process_id = 0;                                    // kCancel
  int32_t secret_key = 0;                                    // kCancel
};

// `body`: the packet after its length field. Errors are 08P01 (malformed) or
// 0A000 (a protocol version other than 3.x).
Result<StartupPacket> decode_startup_packet(std::span<const uint8_t> body);
std::vector<uint8_t> encode_startup_packet(const StartupPacket& packet);

// Regular messages: Byte1 type, Int32 length (counting itself, not the type), body.
namespace msg {
struct Query { std::string_view sql; };                                     // 'Q'
struct Parse {                                                              // 'P'
  std::string_view name;
  std::string_view sql;
  std::vector<uint32_t> param_oids;
};
struct Bind {                                                               // 'B'
  std::string_view portal;
  std::string_view statement;
  std::vector<int16_t> param_formats;               // 0, 1 or one per parameter
  std::vector<std::optional<std::string_view>> params;  // nullopt = NULL
  std::vector<int16_t> result_formats;              // 0, 1 or one per column
};
struct Describe { char kind = 'S'; std::string_view name; };                // 'D': 'S' or 'P'
struct Execute { std::string_view portal; int32_t max_rows = 0; };         // 'E': 0 = all
struct Close { char kind = 'S'; std::string_view name; };                   // 'C': 'S' or 'P'
struct Sync {};                                                             // 'S'
struct Flush {};                                                            // 'H'
struct Terminate {};                                                        // 'X'
struct CopyData { std::string_view data; };                                 // 'd'
struct CopyDone {};                                                         // 'c'
struct CopyFail { std::string_view message; };                              // 'f'
struct FunctionCall {};                                                     // 'F' (refused)
}  // namespace msg

using FrontendMessage = std::variant<msg::Query, msg::Parse, msg::Bind, msg::Describe, msg::Execute, msg::Close,
                                     msg::Sync, msg::Flush, msg::Terminate, msg::CopyData, msg::CopyDone,
                                     msg::CopyFail, msg::FunctionCall>;

// Decodes one message's body. Unknown types and malformed bodies are 08P01.
Result<FrontendMessage> decode_frontend_message(uint8_t type, std::span<const uint8_t> body);
// Appends the framed message (type, length, body).
void encode_frontend_message(const FrontendMessage& message, std::vector<uint8_t>& out);

}  // namespace strata::pgwire
