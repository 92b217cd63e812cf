#include "config/configdocument.h"

#include <QCryptographicHash>
#include <QRegularExpression>
#include <QXmlStreamReader>

namespace Postern::Config {

namespace {
const QByteArray kBom("\xEF\xBB\xBF");
} // namespace

std::expected<ConfigDocument, QString> ConfigDocument::fromText(const QByteArray &text)
{
    ConfigDocument document;
    QByteArrayView body(text);
    if (body.startsWith(kBom)) {
        document.m_bom = kBom;
        body = body.sliced(kBom.size());
    }
    document.m_text = QString::fromUtf8(body);
    if (document.m_text.toUtf8() != body)
        return std::unexpected(QStringLiteral("the configuration file is not valid UTF-8"));
    if (auto scanned = document.scan(); !scanned)
        return std::unexpected(scanned.error());
    return document;
}

QString ConfigDocument::revisionOf(const QByteArray &text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text, QCryptographicHash::Sha256).toHex().left(16));
}

QByteArray ConfigDocument::text() const
{
    return m_bom + m_text.toUtf8();
}

std::expected<void, QString> ConfigDocument::scan()
{
    m_services.clear();
    m_insertAt = -1;
    QXmlStreamReader reader(m_text);
    int depth = 0;
    ServiceElement current;
    bool inService = false;
    bool readingName = false;
    while (!reader.atEnd()) {
        const QXmlStreamReader::TokenType token = reader.readNext();
        // The reader reads ahead, so a tag's start is found from its end: the '<' before it
        // (attribute values cannot hold one).
        const qsizetype after = reader.characterOffset();
        const qsizetype tagStart = m_text.lastIndexOf(u'<', qMax<qsizetype>(after - 1, 0));
        if (token == QXmlStreamReader::StartElement) {
            ++depth;
            if (depth == 1 && reader.name() != u"gateway-config")
                return std::unexpected(QStringLiteral("the root element is <%1>, expected <gateway-config>")
                                           .arg(reader.name().toString()));
            if (depth == 2 && reader.name() == u"service") {
                inService = true;
                current = ServiceElement();
                current.start = tagStart;
            } else if (depth == 2 && m_insertAt < 0
                       && (reader.name() == u"service-defaults" || reader.name() == u"security")) {
                m_insertAt = tagStart;
            }
            readingName = inService && depth == 3 && reader.name() == u"name";
        } else if (token == QXmlStreamReader::Characters && readingName) {
            current.name += reader.text().trimmed();
        } else if (token == QXmlStreamReader::EndElement) {
            readingName = false;
            if (depth == 2 && inService) {
                inService = false;
                current.end = after;
                current.line = lineOf(current.start);
                const qsizetype lineStart = m_text.lastIndexOf(u'\n', current.start - 1) + 1;
                const QString before = m_text.mid(lineStart, current.start - lineStart);
                current.indent = before.trimmed().isEmpty() ? before : QString();
                m_services.append(current);
            } else if (depth == 1 && m_insertAt < 0) {
                m_insertAt = tagStart;
            }
            --depth;
        }
    }
    if (reader.hasError())
        return std::unexpected(QStringLiteral("line %1: %2").arg(reader.lineNumber()).arg(reader.errorString()));
    return {};
}

const ConfigDocument::ServiceElement *ConfigDocument::service(const QString &name) const
{
    for (const ServiceElement &service : m_services)
        if (service.name == name)
            return &service;
    return nullptr;
}

QString ConfigDocument::serviceText(const ServiceElement &service) const
{
    return m_text.mid(service.start, service.end - service.start);
}

QString ConfigDocument::serviceIndent() const
{
    return m_services.isEmpty() ? QStringLiteral("  ") : m_services.last().indent;
}

int ConfigDocument::lineOf(qsizetype offset) const
{
    return int(QStringView(m_text).first(qMin(offset, m_text.size())).count(u'\n')) + 1;
}

std::expected<void, QString> ConfigDocument::splice(qsizetype start, qsizetype end, const QString &replacement)
{
    const QString previous = m_text;
    m_text.replace(start, end - start, replacement);
    if (auto scanned = scan(); !scanned) {
        m_text = previous;
        static_cast<void>(scan());
        return std::unexpected(scanned.error());
    }
    return {};
}

QString ConfigDocument::newline() const
{
    return m_text.contains(QStringLiteral("\r\n")) ? QStringLiteral("\r\n") : QStringLiteral("\n");
}

QString ConfigDocument::withNewlines(QString text) const
{
    text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    if (newline() != u"\n")
        text.replace(u'\n', newline());
    return text;
}

std::expected<void, QString> ConfigDocument::replaceService(const QString &name, const QString &element)
{
    const ServiceElement *service = this->service(name);
    if (!service)
        return std::unexpected(QStringLiteral("there is no service '%1' in the file").arg(name));
    return splice(service->start, service->end, withNewlines(element));
}

std::expected<void, QString> ConfigDocument::setServiceEnabled(const QString &name, bool enabled)
{
    const ServiceElement *service = this->service(name);
    if (!service)
        return std::unexpected(QStringLiteral("there is no service '%1' in the file").arg(name));
    // The start tag: "<service" up to its '>' (an attribute value holds no '>' in a file the
    // scan read, since the loader writes none; a quoted one would still end the tag here).
    const qsizetype close = m_text.indexOf(u'>', service->start);
    if (close < 0)
        return std::unexpected(QStringLiteral("the start tag of service '%1' has no end").arg(name));
    QString tag = m_text.mid(service->start, close - service->start); // without '>'
    const bool empty = tag.endsWith(u'/');
    if (empty)
        tag.chop(1);
    static const QRegularExpression attribute(QStringLiteral("\\s+enabled\\s*=\\s*(\"[^\"]*\"|'[^']*')"));
    tag.remove(attribute);
    if (!enabled)
        tag += QStringLiteral(" enabled=\"false\"");
    return splice(service->start, close, empty ? tag + u'/' : tag);
}

QString ConfigDocument::skeletonWithout(const QStringList &serviceNames) const
{
    QString text;
    qsizetype from = 0;
    for (const ServiceElement &service : m_services) {
        if (!serviceNames.contains(service.name))
            continue;
        text += QStringView(m_text).sliced(from, service.start - from);
        from = service.end;
    }
    text += QStringView(m_text).sliced(from);
    text.remove(QRegularExpression(QStringLiteral("\\s+")));
    return text;
}

std::expected<void, QString> ConfigDocument::addService(const QString &element)
{
    if (!m_services.isEmpty()) {
        const ServiceElement &last = m_services.last();
        return splice(last.end, last.end, withNewlines(QStringLiteral("\n\n") + last.indent + element));
    }
    if (m_insertAt < 0)
        return std::unexpected(QStringLiteral("the file has no place for a service"));
    // At the start of the line of what follows, so that it keeps its own indentation.
    const qsizetype lineStart = m_text.lastIndexOf(u'\n', m_insertAt - 1) + 1;
    const bool onlySpace = m_text.mid(lineStart, m_insertAt - lineStart).trimmed().isEmpty();
    const qsizetype at = onlySpace ? lineStart : m_insertAt;
    const QString text = onlySpace ? QString(serviceIndent() + element + QStringLiteral("\n\n"))
                                   : QString(QStringLiteral("\n") + serviceIndent() + element + QStringLiteral("\n"));
    return splice(at, at, withNewlines(text));
}

std::expected<void, QString> ConfigDocument::removeService(const QString &name)
{
    const ServiceElement *service = this->service(name);
    if (!service)
        return std::unexpected(QStringLiteral("there is no service '%1' in the file").arg(name));
    qsizetype start = service->start - service->indent.size();
    qsizetype end = service->end;
    // Its own line goes with it: the line break after it, and one blank line before it.
    const QString eol = newline();
    if (!service->indent.isEmpty() || (start == 0 || m_text.at(start - 1) == u'\n')) {
        qsizetype after = end;
        while (after < m_text.size() && (m_text.at(after) == u' ' || m_text.at(after) == u'\t'))
            ++after;
        if (QStringView(m_text).sliced(after).startsWith(eol)) {
            end = after + eol.size();
            if (start >= 2 * eol.size() && QStringView(m_text).first(start).endsWith(QString(eol + eol)))
                start -= eol.size();
        }
    }
    return splice(start, end, QString());
}

} // namespace Postern::Config
