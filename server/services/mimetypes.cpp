#include "services/mimetypes.h"

#include <QHash>

namespace Postern::Services::MimeTypes {

QByteArray forFile(const QString &fileName, const QMap<QString, QString> &overrides)
{
    static const QHash<QString, QByteArray> builtIn = {
        {QStringLiteral("html"), "text/html; charset=utf-8"},
        {QStringLiteral("htm"), "text/html; charset=utf-8"},
        {QStringLiteral("css"), "text/css; charset=utf-8"},
        {QStringLiteral("js"), "text/javascript; charset=utf-8"},
        {QStringLiteral("mjs"), "text/javascript; charset=utf-8"},
        {QStringLiteral("json"), "application/json"},
        {QStringLiteral("txt"), "text/plain; charset=utf-8"},
        {QStringLiteral("xml"), "application/xml"},
        {QStringLiteral("svg"), "image/svg+xml"},
        {QStringLiteral("png"), "image/png"},
        {QStringLiteral("jpg"), "image/jpeg"},
        {QStringLiteral("jpeg"), "image/jpeg"},
        {QStringLiteral("gif"), "image/gif"},
        {QStringLiteral("webp"), "image/webp"},
        {QStringLiteral("ico"), "image/x-icon"},
        {QStringLiteral("wasm"), "application/wasm"},
        {QStringLiteral("woff2"), "font/woff2"},
        {QStringLiteral("pdf"), "application/pdf"},
    };
    const qsizetype dot = fileName.lastIndexOf(u'.');
    const QString extension = dot < 0 ? QString() : fileName.mid(dot + 1).toLower();
    if (const auto it = overrides.constFind(extension); it != overrides.cend())
        return it.value().toUtf8();
    return builtIn.value(extension, QByteArrayLiteral("application/octet-stream"));
}

} // namespace Postern::Services::MimeTypes
