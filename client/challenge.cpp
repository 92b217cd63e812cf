#include "challenge.h"

#include <optional>

namespace Postern::Client {

namespace {

// RFC 9110 §5.6.2: tchar.
bool isTokenChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

// RFC 7235 §2.1: token68 also has '/' (and '=' padding at its end).
bool isToken68Char(char c)
{
    return isTokenChar(c) || c == '/';
}

class Reader
{
public:
    explicit Reader(QByteArrayView text) : m_text(text) {}

    bool atEnd() const { return m_at >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text.at(m_at); }
    qsizetype position() const { return m_at; }
    void rewind(qsizetype to) { m_at = to; }
    void skip() { ++m_at; }
    void skipSpace()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\t'))
            ++m_at;
    }
    void skipSpaceAndCommas()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == ','))
            ++m_at;
    }
    QByteArray token()
    {
        const qsizetype start = m_at;
        while (!atEnd() && isTokenChar(peek()))
            ++m_at;
        return m_text.sliced(start, m_at - start).toByteArray();
    }
    // A token68 (with its '=' padding) that ends the challenge, or nothing (position kept).
    std::optional<QByteArray> token68()
    {
        const qsizetype start = m_at;
        while (!atEnd() && isToken68Char(peek()))
            ++m_at;
        while (!atEnd() && peek() == '=')
            ++m_at;
        const qsizetype end = m_at;
        skipSpace();
        if (end > start && (atEnd() || peek() == ','))
            return m_text.sliced(start, end - start).toByteArray();
        m_at = start;
        return std::nullopt;
    }
    // A quoted-string's content (backslash escapes undone), or nothing when unterminated.
    std::optional<QByteArray> quoted()
    {
        QByteArray value;
        ++m_at; // the opening quote
        while (!atEnd()) {
            const char c = peek();
            ++m_at;
            if (c == '"')
                return value;
            if (c == '\\' && !atEnd()) {
                value += peek();
                ++m_at;
            } else {
                value += c;
            }
        }
        return std::nullopt;
    }

private:
    QByteArrayView m_text;
    qsizetype m_at = 0;
};

} // namespace

QList<Challenge> Challenge::parse(QByteArrayView headerValue)
{
    QList<Challenge> challenges;
    Reader reader(headerValue);
    while (true) {
        reader.skipSpaceAndCommas();
        if (reader.atEnd())
            break;
        QByteArray scheme = reader.token();
        if (scheme.isEmpty())
            break;
        Challenge challenge;
        // "Application Basic": a second word that is not the start of an auth-param.
        if (scheme.compare("Application", Qt::CaseInsensitive) == 0) {
            const qsizetype mark = reader.position();
            reader.skipSpace();
            const QByteArray second = reader.token();
            reader.skipSpace();
            if (!second.isEmpty() && reader.peek() != '=')
                scheme += ' ' + second;
            else
                reader.rewind(mark);
        }
        challenge.scheme = QString::fromLatin1(scheme);
        reader.skipSpace();
        if (const auto token68 = reader.token68()) {
            challenge.token68 = QString::fromLatin1(*token68);
        } else {
            // auth-params until the next challenge's scheme (a token not followed by '=').
            while (true) {
                reader.skipSpaceAndCommas();
                const qsizetype mark = reader.position();
                const QByteArray name = reader.token();
                reader.skipSpace();
                if (name.isEmpty() || reader.peek() != '=') {
                    reader.rewind(mark);
                    break;
                }
                reader.skip(); // '='
                reader.skipSpace();
                QByteArray value;
                if (reader.peek() == '"') {
                    const auto text = reader.quoted();
                    if (!text) {
                        challenges.append(challenge);
                        return challenges;
                    }
                    value = *text;
                } else {
                    value = reader.token();
                }
                const QString key = QString::fromLatin1(name).toLower();
                if (key == u"realm")
                    challenge.realm = QString::fromUtf8(value);
                else
                    challenge.parameters.insert(key, QString::fromUtf8(value));
            }
        }
        challenges.append(challenge); // each round reads a scheme at least: this ends
    }
    return challenges;
}

} // namespace Postern::Client
