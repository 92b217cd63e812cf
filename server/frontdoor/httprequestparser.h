#pragma once

// Parses an HTTP/1.x request head strictly (RFC 9112): anything ambiguous is refused
// rather than guessed, because a gateway that reads a request differently from the
// server behind it is how request smuggling starts.

#include "frontdoor/httperror.h"
#include "frontdoor/httprequesthead.h"

#include <QByteArrayView>

#include <expected>

namespace Postern::Frontdoor::HttpRequestParser {

// Where the head ends (index just past "\r\n\r\n"), or -1 if it is not complete in `data`.
qsizetype findEndOfHead(QByteArrayView data);

// `head` is the complete head including the final blank line.
std::expected<HttpRequestHead, HttpError> parse(QByteArrayView head);

// Percent-decodes a path; nothing for bad escapes, NUL, or invalid UTF-8.
std::optional<QString> decodePath(QByteArrayView path);

} // namespace Postern::Frontdoor::HttpRequestParser
