#include "config/configdocument.h"

#include <QCryptographicHash>
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

std::expected<void, QString> ConfigDocument::replaceService(const QString &name, const QString &element)
{
    const ServiceElement *service = this->service(name);
    if (!service)
        return std::unexpected(QStringLiteral("there is no service '%1' in the file").arg(name));
    return splice(service->start, service->end, element);
}

std::expected<void, QString> ConfigDocument::addService(const QString &element)
{
    if (!m_services.isEmpty()) {
        const ServiceElement &last = m_services.last();
        return splice(last.end, last.end, QStringLiteral("\n\n") + last.indent + element);
    }
    if (m_insertAt < 0)
        return std::unexpected(QStringLiteral("the file has no place for a service"));
    // At the start of the line of what follows, so that it keeps its own indentation.
    const qsizetype lineStart = m_text.lastIndexOf(u'\n', m_insertAt - 1) + 1;
    const bool onlySpace = m_text.mid(lineStart, m_insertAt - lineStart).trimmed().isEmpty();
    const qsizetype at = onlySpace ? lineStart : m_insertAt;
    const QString text = onlySpace ? QString(serviceIndent() + element + QStringLiteral("\n\n"))
                                   : QString(QStringLiteral("\n") + serviceIndent() + element + QStringLiteral("\n"));
    return splice(at, at, text);
}

std::expected<void, QString> ConfigDocument::removeService(const QString &name)
{
    const ServiceElement *service = this->service(name);
    if (!service)
        return std::unexpected(QStringLiteral("there is no service '%1' in the file").arg(name));
    qsizetype start = service->start - service->indent.size();
    qsizetype end = service->end;
    // Its own line goes with it: the line break after it, and one blank line before it.
    if (!service->indent.isEmpty() || (start == 0 || m_text.at(start - 1) == u'\n')) {
        qsizetype after = end;
        while (after < m_text.size() && (m_text.at(after) == u' ' || m_text.at(after) == u'\t'))
            ++after;
        if (after < m_text.size() && m_text.at(after) == u'\n') {
            end = after + 1;
            if (start >= 2 && m_text.at(start - 1) == u'\n' && m_text.at(start - 2) == u'\n')
                --start;
        }
    }
    return splice(start, end, QString());
}

} // namespace Postern::Config
