#include "logline.h"

namespace Postern {

QString LogLine::quoted(const QString &value)
{
    bool plain = !value.isEmpty();
    for (const QChar c : value) {
        const char16_t u = c.unicode();
        if (!((u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9')
              || QStringView(u"._:/@+-[]%,").contains(c))) {
            plain = false;
            break;
        }
    }
    if (plain)
        return value;
    QString text;
    text.reserve(value.size() + 2);
    text += u'"';
    for (const QChar c : value) {
        if (c == u'"' || c == u'\\')
            text += u'\\';
        text += c;
    }
    text += u'"';
    return text;
}

LogLine &LogLine::add(const QString &key, const QString &value)
{
    m_text += u' ' + key + u'=' + quoted(value);
    return *this;
}

LogLine &LogLine::add(const QString &key, qint64 value)
{
    m_text += u' ' + key + u'=' + QString::number(value);
    return *this;
}

} // namespace Postern
