#pragma once

// gateway-config.xml as text, edited in place. A service is replaced, added, removed or
// switched on and off by splicing the exact characters of its element, so comments,
// formatting and every other element stay as they were, byte for byte. (Qt 6.4's
// QDomDocument drops white space, so a DOM round trip would reformat the file.)
//
// The revision of a text is the start of its SHA-256: a change names the revision it was
// made against, and a changed file (another console, an editor) is noticed.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <expected>

namespace Postern::Config {

class ConfigDocument
{
public:
    struct ServiceElement
    {
        QString name;       // its <name>, empty when it has none
        qsizetype start = 0; // of "<service", in characters of text()
        qsizetype end = 0;   // just past "</service>"
        int line = 0;        // of "<service", 1-based
        QString indent;      // the white space before "<service" on its line
    };

    // Fails only on text that is not well-formed XML with a <gateway-config> root.
    static std::expected<ConfigDocument, QString> fromText(const QByteArray &text);
    static QString revisionOf(const QByteArray &text);

    QByteArray text() const;
    QString revision() const { return revisionOf(text()); }
    const QList<ServiceElement> &services() const { return m_services; }
    const ServiceElement *service(const QString &name) const;
    // The characters of a service's element, "<service>...</service>".
    QString serviceText(const ServiceElement &service) const;
    // The indentation new services get: that of the existing ones, else two spaces.
    QString serviceIndent() const;
    // The 1-based line of a character offset.
    int lineOf(qsizetype offset) const;

    // Each edit re-reads the document, so services() describes the result (and where the new
    // element starts, for error positions). Text that would not be well-formed is refused
    // and the document stays as it was.
    std::expected<void, QString> replaceService(const QString &name, const QString &element);
    std::expected<void, QString> addService(const QString &element);
    std::expected<void, QString> removeService(const QString &name);
    // Only the enabled attribute of the service's start tag changes (enabled="false", or
    // none); everything inside stays as it is, comments included.
    std::expected<void, QString> setServiceEnabled(const QString &name, bool enabled);

    // The text without the elements of these services, and without white space: what an edit
    // of only those services leaves as it was.
    QString skeletonWithout(const QStringList &serviceNames) const;

private:
    std::expected<void, QString> scan();
    // The file's line break ("\r\n" when it uses those), and `text` written with it.
    QString newline() const;
    QString withNewlines(QString text) const;
    std::expected<void, QString> splice(qsizetype start, qsizetype end, const QString &replacement);

    QByteArray m_bom; // a UTF-8 byte order mark, kept as it was
    QString m_text;
    QList<ServiceElement> m_services;
    qsizetype m_insertAt = -1; // where a new service goes when there is none: before <service-defaults>, <security> or </gateway-config>
};

} // namespace Postern::Config
