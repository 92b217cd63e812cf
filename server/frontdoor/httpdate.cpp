#include "frontdoor/httpdate.h"

#include <QLocale>

namespace Postern::Frontdoor::HttpDate {

namespace {
const QString kFormat = QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'");
}

QByteArray format(const QDateTime &time)
{
    return QLocale::c().toString(time.toUTC(), kFormat).toLatin1();
}

QDateTime parse(const QByteArray &text)
{
    QDateTime time = QLocale::c().toDateTime(QString::fromLatin1(text.trimmed()), kFormat);
    if (time.isValid())
        time = QDateTime(time.date(), time.time(), Qt::UTC);
    return time;
}

} // namespace Postern::Frontdoor::HttpDate
