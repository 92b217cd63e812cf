#pragma once

// The management protocol's fixed points, shared by posternd and postern-admin: its version,
// the limits a server applies, and the error codes (docs/management-api.md).
//
// Over one WebSocket (text messages, JSON):
//   client -> server  {"id": "7", "op": "services.list", "params": {...}}
//   server -> client  {"id": "7", "result": ...}
//                     {"id": "7", "error": {"code": "forbidden", "message": "...", "field": "..."}}
//                     {"event": "session.opened", "data": {...}}   (pushed)
// The server's first message is the event "hello", with the protocol version.

#include <QString>

namespace Postern::Management {

constexpr int kProtocolVersion = 1;
// The largest request a server takes (a PKCS#12 file in base64 fits easily).
constexpr qint64 kMaximumRequestSize = 4 * 1024 * 1024;

namespace ErrorCode {
inline const QString BadRequest = QStringLiteral("bad-request");           // not JSON, or not a request
inline const QString UnknownOperation = QStringLiteral("unknown-operation");
inline const QString InvalidParams = QStringLiteral("invalid-params");     // a parameter missing or of the wrong type
inline const QString Forbidden = QStringLiteral("forbidden");             // read-only user, change asked
inline const QString NotFound = QStringLiteral("not-found");
inline const QString Conflict = QStringLiteral("conflict");               // stale revision, name taken
inline const QString InvalidConfiguration = QStringLiteral("invalid-configuration"); // the loader refused it
inline const QString Failed = QStringLiteral("failed");                   // valid, but it could not be done
inline const QString Unavailable = QStringLiteral("unavailable");           // not in a cluster, Redis or a node unreachable
inline const QString RateLimited = QStringLiteral("rate-limited");
inline const QString UnsupportedVersion = QStringLiteral("unsupported-version");
} // namespace ErrorCode

} // namespace Postern::Management
