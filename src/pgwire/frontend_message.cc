#include "pgwire/frontend_message.h"

#include <cstring>

#include "base/bytes.h"
#include "pgwire/sqlstate.h"

namespace strata::pgwire {

namespace {

Status malformed(std::string_view what) {
  return Status::sql(sqlstate::kProtocolViolation, "invalid frontend message: " + std::string(what));
}

// Reads a NUL-terminated string; fails the reader when there is no NUL.
std::string_view read_cstring(ByteReader& r) {
  auto rest = r.data().subspan(r.position());
  const void* nul = std::memchr(rest.data(), 0, rest.size());
  if (nul == nullptr) {
    r.fail();
    return {};
  }
  size_t n = static_cast<const uint8_t*>(nul) - rest.data();
  std::string_view s = r.string_view(n);
  r.skip(1);
  return s;
}

void write_cstring(ByteWriter& w, std::string_view s) {
  w.string(s);
  w.u8(0);
}

// An Int16 count, checked against the bytes left (each element needs at least
// `min_element_bytes`).
bool read_count(ByteReader& r, size_t min_element_bytes, size_t* count) {
  int16_t n = r.i16();
  if (!r.ok() || n < 0) return false;
  if (static_cast<size_t>(n) * min_element_bytes > r.remaining()) return false;
  *count = static_cast<size_t>(n);
  return true;
}

}  // namespace

Result<StartupPacket> decode_startup_packet(std::span<const uint8_t> body) {
  ByteReader r(body);
  StartupPacket p;
  int32_t code = r.i32();
  if (!r.ok()) return malformed("startup packet too short");
  switch (code) {
    case kSslRequestCode:
      p.kind = StartupPacket::Kind::kSslRequest;
      return r.at_end() ? Result<StartupPacket>(p) : malformed("SSLRequest with a body");
    case kGssEncRequestCode:
      p.kind = StartupPacket::Kind::kGssEncRequest;
      return r.at_end() ? Result<StartupPacket>(p) : malformed("GSSENCRequest with a body");
    case kCancelRequestCode:
      p.kind = StartupPacket::Kind::kCancel;
      p.process_id = r.i32();
      p.secret_key = r.i32();
      if (!r.ok() || !r.at_end()) return malformed("CancelRequest of the wrong length");
      return p;
    default: break;
  }
  p.kind = StartupPacket::Kind::kStartup;
  p.protocol_version = code;
  if ((code >> 16) != 3) {
    return Status::sql(sqlstate::kFeatureNotSupported,
                       "unsupported frontend protocol " + std::to_string(code >> 16) + "." +
                           std::to_string(code & 0xffff) + ": server supports 3.0 to 3.0");
  }
  for (;;) {
    std::string_view name = read_cstring(r);
    if (!r.ok()) return malformed("startup packet parameters not terminated");
    if (name.empty()) break;
    std::string_view value = read_cstring(r);
    if (!r.ok()) return malformed("startup packet parameter without a value");
    p.params.emplace_back(std::string(name), std::string(value));
  }
  if (!r.at_end()) return malformed("bytes after the startup packet's parameters");
  return p;
}

std::vector<uint8_t> encode_startup_packet(const StartupPacket& packet) {
  std::vector<uint8_t> out;
  ByteWriter w(&out);
  w.i32(0);
  switch (packet.kind) {
    case StartupPacket::Kind::kSslRequest: w.i32(kSslRequestCode); break;
    case StartupPacket::Kind::kGssEncRequest: w.i32(kGssEncRequestCode); break;
    case StartupPacket::Kind::kCancel:
      w.i32(kCancelRequestCode);
      w.i32(packet.process_id);
      w.i32(packet.secret_key);
      break;
    case StartupPacket::Kind::kStartup:
      w.i32(packet.protocol_version);
      for (const auto& [k, v] : packet.params) {
        write_cstring(w, k);
        write_cstring(w, v);
      }
      w.u8(0);
      break;
  }
  w.patch_i32(0, static_cast<int32_t>(out.size()));
  return out;
}

Result<FrontendMessage> decode_frontend_message(uint8_t type, std::span<const uint8_t> body) {
  ByteReader r(body);
  auto finish = [&](FrontendMessage m, const char* what) -> Result<FrontendMessage> {
    if (!r.ok() || !r.at_end()) return malformed(what);
    return m;
  };
  switch (type) {
    case 'Q': {
      msg::Query m{read_cstring(r)};
      return finish(m, "Query");
    }
    case 'P': {
      msg::Parse m;
      m.name = read_cstring(r);
      m.sql = read_cstring(r);
      size_t n = 0;
      if (!r.ok() || !read_count(r, 4, &n)) return malformed("Parse parameter types");
      m.param_oids.reserve(n);
      for (size_t i = 0; i < n; i++) m.param_oids.push_back(r.u32());
      return finish(std::move(m), "Parse");
    }
    case 'B': {
      msg::Bind m;
      m.portal = read_cstring(r);
      m.statement = read_cstring(r);
      size_t n = 0;
      if (!r.ok() || !read_count(r, 2, &n)) return malformed("Bind parameter formats");
      m.param_formats.reserve(n);
      for (size_t i = 0; i < n; i++) m.param_formats.push_back(r.i16());
      if (!read_count(r, 4, &n)) return malformed("Bind parameter count");
      m.params.reserve(n);
      for (size_t i = 0; i < n; i++) {
        int32_t len = r.i32();
        if (len == -1) {
          m.params.emplace_back(std::nullopt);
        } else if (len < 0 || static_cast<size_t>(len) > r.remaining()) {
          return malformed("Bind parameter length");
        } else {
          m.params.emplace_back(r.string_view(static_cast<size_t>(len)));
        }
      }
      if (!read_count(r, 2, &n)) return malformed("Bind result formats");
      m.result_formats.reserve(n);
      for (size_t i = 0; i < n; i++) m.result_formats.push_back(r.i16());
      return finish(std::move(m), "Bind");
    }
    case 'D':
    case 'C': {
      char kind = static_cast<char>(r.u8());
      std::string_view name = read_cstring(r);
      if (kind != 'S' && kind != 'P') return malformed(type == 'D' ? "Describe kind" : "Close kind");
      if (type == 'D') return finish(msg::Describe{kind, name}, "Describe");
      return finish(msg::Close{kind, name}, "Close");
    }
    case 'E': {
      msg::Execute m;
      m.portal = read_cstring(r);
      m.max_rows = r.i32();
      return finish(m, "Execute");
    }
    case 'S': return finish(msg::Sync{}, "Sync");
    case 'H': return finish(msg::Flush{}, "Flush");
    case 'X': return finish(msg::Terminate{}, "Terminate");
    case 'c': return finish(msg::CopyDone{}, "CopyDone");
    case 'd': {
      msg::CopyData m{r.string_view(r.remaining())};
      return finish(m, "CopyData");
    }
    case 'f': {
      msg::CopyFail m{read_cstring(r)};
      return finish(m, "CopyFail");
    }
    case 'F': return FrontendMessage(msg::FunctionCall{});
    default: break;
  }
  std::string what = "unknown message type ";
  if (type >= 0x20 && type < 0x7f) {
    what += '\'';
    what += static_cast<char>(type);
    what += '\'';
  } else {
    what += std::to_string(type);
  }
  return malformed(what);
}

void encode_frontend_message(const FrontendMessage& message, std::vector<uint8_t>& out) {
  ByteWriter w(&out);
  size_t start = out.size();
  auto begin = [&](char type) {
    w.u8(static_cast<uint8_t>(type));
    w.i32(0);
  };
  std::visit(
      [&](const auto& m) {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, msg::Query>) {
          begin('Q');
          write_cstring(w, m.sql);
        } else if constexpr (std::is_same_v<M, msg::Parse>) {
          begin('P');
          write_cstring(w, m.name);
          write_cstring(w, m.sql);
          w.i16(static_cast<int16_t>(m.param_oids.size()));
          for (uint32_t oid : m.param_oids) w.u32(oid);
        } else if constexpr (std::is_same_v<M, msg::Bind>) {
          begin('B');
          write_cstring(w, m.portal);
          write_cstring(w, m.statement);
          w.i16(static_cast<int16_t>(m.param_formats.size()));
          for (int16_t f : m.param_formats) w.i16(f);
          w.i16(static_cast<int16_t>(m.params.size()));
          for (const auto& p : m.params) {
            if (!p) {
              w.i32(-1);
            } else {
              w.i32(static_cast<int32_t>(p->size()));
              w.string(*p);
            }
          }
          w.i16(static_cast<int16_t>(m.result_formats.size()));
          for (int16_t f : m.result_formats) w.i16(f);
        } else if constexpr (std::is_same_v<M, msg::Describe> || std::is_same_v<M, msg::Close>) {
          begin(std::is_same_v<M, msg::Describe> ? 'D' : 'C');
          w.u8(static_cast<uint8_t>(m.kind));
          write_cstring(w, m.name);
        } else if constexpr (std::is_same_v<M, msg::Execute>) {
          begin('E');
          write_cstring(w, m.portal);
          w.i32(m.max_rows);
        } else if constexpr (std::is_same_v<M, msg::Sync>) {
          begin('S');
        } else if constexpr (std::is_same_v<M, msg::Flush>) {
          begin('H');
        } else if constexpr (std::is_same_v<M, msg::Terminate>) {
          begin('X');
        } else if constexpr (std::is_same_v<M, msg::CopyData>) {
          begin('d');
          w.string(m.data);
        } else if constexpr (std::is_same_v<M, msg::CopyDone>) {
          begin('c');
        } else if constexpr (std::is_same_v<M, msg::CopyFail>) {
          begin('f');
          write_cstring(w, m.message);
        } else if constexpr (std::is_same_v<M, msg::FunctionCall>) {
          begin('F');
        }
      },
      message);
  w.patch_i32(start + 1, static_cast<int32_t>(out.size() - start - 1));
}

}  // namespace strata::pgwire
