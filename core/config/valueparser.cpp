#include "config/valueparser.h"

#include <QRegularExpression>

#include <algorithm>
#include <limits>

namespace Postern::Config::ValueParser {

namespace {

// Unit names accepted for durations, with their length in milliseconds.
struct DurationUnit
{
    QLatin1StringView name;
    qint64 milliseconds;
};

constexpr DurationUnit kDurationUnits[] = {
    {QLatin1StringView("ms"), 1},          {QLatin1StringView("msec"), 1},
    {QLatin1StringView("msecs"), 1},       {QLatin1StringView("millisecond"), 1},
    {QLatin1StringView("milliseconds"), 1},
    {QLatin1StringView("s"), 1000},        {QLatin1StringView("sec"), 1000},
    {QLatin1StringView("secs"), 1000},     {QLatin1StringView("second"), 1000},
    {QLatin1StringView("seconds"), 1000},
    {QLatin1StringView("m"), 60'000},      {QLatin1StringView("min"), 60'000},
    {QLatin1StringView("mins"), 60'000},   {QLatin1StringView("minute"), 60'000},
    {QLatin1StringView("minutes"), 60'000},
    {QLatin1StringView("h"), 3'600'000},   {QLatin1StringView("hr"), 3'600'000},
    {QLatin1StringView("hrs"), 3'600'000}, {QLatin1StringView("hour"), 3'600'000},
    {QLatin1StringView("hours"), 3'600'000},
};

} // namespace

std::optional<std::chrono::milliseconds> parseDuration(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^\s*(\d{1,12})\s*([A-Za-z]*)\s*$)"));
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 amount = match.captured(1).toLongLong();
    const QString unit = match.captured(2).toLower();
    qint64 scale = 0;
    if (unit.isEmpty()) {
        scale = 1000;
    } else {
        for (const auto &candidate : kDurationUnits) {
            if (unit == candidate.name) {
                scale = candidate.milliseconds;
                break;
            }
        }
    }
    // Timers take int milliseconds: about 24.8 days is the longest duration that means anything.
    if (scale == 0 || amount > std::numeric_limits<int>::max() / scale)
        return std::nullopt;
    return std::chrono::milliseconds(amount * scale);
}

std::optional<qint64> parseSize(const QString &text)
{
    static const QRegularExpression pattern(
        QStringLiteral(R"(^\s*(\d{1,15})\s*([kKmMgG]?)[bB]?\s*$)"));
    const auto match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    qint64 value = match.captured(1).toLongLong();
    const QString unit = match.captured(2).toLower();
    const int shift = unit == u"k" ? 10 : unit == u"m" ? 20 : unit == u"g" ? 30 : 0;
    if (value > (std::numeric_limits<qint64>::max() >> shift))
        return std::nullopt;
    return value << shift;
}

QString formatDuration(std::chrono::milliseconds value)
{
    const qint64 ms = value.count();
    if (ms % 60'000 == 0 && ms != 0)
        return QString::number(ms / 60'000) + u"min";
    if (ms % 1000 == 0)
        return QString::number(ms / 1000) + u's';
    return QString::number(ms) + u"ms";
}

bool isTokenCharacter(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9')
        || QStringView(u"!#$%&'*+-.^_`|~").contains(c);
}

bool isHttpToken(QStringView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenCharacter);
}

} // namespace Postern::Config::ValueParser
