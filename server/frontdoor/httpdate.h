#pragma once

// HTTP dates (RFC 9110 IMF-fixdate): "Sun, 06 Nov 1994 08:49:37 GMT".

#include <QByteArray>
#include <QDateTime>

namespace Postern::Frontdoor::HttpDate {

QByteArray format(const QDateTime &time);
// An invalid QDateTime when `text` is not an IMF-fixdate.
QDateTime parse(const QByteArray &text);

} // namespace Postern::Frontdoor::HttpDate
