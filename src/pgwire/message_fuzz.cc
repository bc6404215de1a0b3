// libFuzzer target for the frontend message decoder: the input is what a client
// could send on a fresh connection (a length-prefixed startup packet, then framed
// messages). Bind parameters are also fed to the binary value decoder, picking the
// type from the parameter's first byte. Nothing may crash, leak or read out of bounds;
// decoded messages are re-encoded and must decode to the same bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/assert.h"
#include "base/bytes.h"
#include "pgwire/frontend_message.h"
#include "pgwire/value_codec.h"
#include "types/type.h"

namespace {

constexpr size_t kMaxMessageBytes = 1 << 20;

const strata::types::Type kTypes[] = {
    strata::types::Type::boolean(),   strata::types::Type::smallint(),   strata::types::Type::integer(),
    strata::types::Type::bigint(),    strata::types::Type::real(),       strata::types::Type::double_precision(),
    strata::types::Type::numeric(),   strata::types::Type::numeric(8, 2), strata::types::Type::text(),
    strata::types::Type::varchar(3),  strata::types::Type::bytea(),      strata::types::Type::date(),
    strata::types::Type::time(),      strata::types::Type::timestamp(),  strata::types::Type::timestamptz(),
    strata::types::Type::interval(),  strata::types::Type::jsonb(),
};

void check_round_trip(const strata::pgwire::FrontendMessage& m) {
  std::vector<uint8_t> wire;
  strata::pgwire::encode_frontend_message(m, wire);
  auto again = strata::pgwire::decode_frontend_message(wire[0], std::span<const uint8_t>(wire).subspan(5));
  STRATA_ASSERT(again.ok(), "a re-encoded message decodes");
  std::vector<uint8_t> wire2;
  strata::pgwire::encode_frontend_message(*again, wire2);
  STRATA_ASSERT(wire == wire2, "encode(decode(encode(m))) == encode(m)");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace strata;
  std::span<const uint8_t> in(data, size);
  // Startup packet: Int32 length counting itself.
  if (in.size() < 4) return 0;
  uint32_t len = load_be32(in.data());
  if (len < 8 || len > 10000 || len > in.size()) return 0;
  auto startup = pgwire::decode_startup_packet(in.subspan(4, len - 4));
  if (startup.ok() && startup->kind == pgwire::StartupPacket::Kind::kStartup) {
    std::vector<uint8_t> wire = pgwire::encode_startup_packet(*startup);
    auto again = pgwire::decode_startup_packet(std::span<const uint8_t>(wire).subspan(4));
    STRATA_ASSERT(again.ok() && again->params == startup->params, "startup packet round trip");
  }
  in = in.subspan(len);
  // Framed messages.
  while (in.size() >= 5) {
    uint8_t type = in[0];
    int32_t mlen = static_cast<int32_t>(load_be32(in.data() + 1));
    if (mlen < 4 || static_cast<size_t>(mlen) - 4 > kMaxMessageBytes || static_cast<size_t>(mlen) + 1 > in.size()) {
      break;
    }
    auto body = in.subspan(5, static_cast<size_t>(mlen) - 4);
    in = in.subspan(static_cast<size_t>(mlen) + 1);
    auto m = pgwire::decode_frontend_message(type, body);
    if (!m.ok()) continue;
    if (!std::holds_alternative<pgwire::msg::FunctionCall>(*m)) check_round_trip(*m);
    if (auto* bind = std::get_if<pgwire::msg::Bind>(&*m)) {
      for (const auto& p : bind->params) {
        if (!p || p->empty()) continue;
        const auto& type_of = kTypes[static_cast<uint8_t>((*p)[0]) % std::size(kTypes)];
        auto bytes = std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(p->data()) + 1, p->size() - 1);
        (void)pgwire::decode_binary_value(bytes, type_of);
        (void)pgwire::decode_text_value(std::string_view(p->data() + 1, p->size() - 1), type_of);
      }
    }
  }
  return 0;
}
