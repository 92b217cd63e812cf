#include "services/directoryservice.h"

#include "frontdoor/httpdate.h"
#include "logging.h"
#include "logline.h"
#include "services/mimetypes.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

namespace Postern::Services {

DirectoryService::DirectoryService(Config::ServiceConfig config, ServiceContext context, QObject *parent)
    : Service(std::move(config), std::move(context), parent),
      m_root(QFileInfo(this->config().directoryRoot()).canonicalFilePath()),
      m_welcomeFile(this->config().properties.value(QStringLiteral("welcome-file"), QStringLiteral("index.html")))
{
}

Frontdoor::HttpResponse DirectoryService::handleHttp(const Frontdoor::HttpRequestHead &request,
                                                     const QString &relativePath,
                                                     const Frontdoor::ConnectionInfo &connection)
{
    using Frontdoor::HttpResponse;
    const bool head = request.method == "HEAD";
    if (request.method != "GET" && !head) {
        HttpResponse response = HttpResponse::error(405, QStringLiteral("use GET or HEAD"));
        response.setHeader("Allow", "GET, HEAD");
        return response;
    }
    if (m_root.isEmpty())
        return HttpResponse::error(404);

    // The path is already percent-decoded, so "%2e%2e" arrives here as "..".
    QStringList segments;
    for (const QString &segment : relativePath.split(u'/', Qt::SkipEmptyParts)) {
        if (segment == u".." || segment == u"." || segment.contains(u'\\')) {
            qCInfo(lcService).noquote() << LogLine(QStringLiteral("refused"))
                                               .add(QStringLiteral("client"), connection.peer())
                                               .add(QStringLiteral("service"), name())
                                               .add(QStringLiteral("request"), QString::fromLatin1(request.method) + u' ' + request.path) // never the query: it may hold a token
                                               .add(QStringLiteral("status"), 404)
                                               .add(QStringLiteral("reason"), QStringLiteral("path escapes the web root"))
                                               .text();
            return HttpResponse::error(404);
        }
        segments << segment;
    }
    // Hidden files (.git, .htpasswd, editor backups) are not published by accident.
    for (const QString &segment : std::as_const(segments))
        if (segment.startsWith(u'.'))
            return HttpResponse::error(404);
    QFileInfo info(m_root + u'/' + segments.join(u'/'));
    if (info.isDir()) {
        if (!request.path.endsWith(u'/')) {
            // Send the browser to "dir/" so relative links inside the page resolve.
            HttpResponse response = HttpResponse::error(301);
            // Built from the decoded, normalised path: "//sub" must not become "//sub/", which a
            // browser reads as another host.
            QByteArray location;
            for (const QString &segment : request.path.split(u'/', Qt::SkipEmptyParts))
                location += '/' + QUrl::toPercentEncoding(segment);
            location += '/';
            if (!request.query.isEmpty())
                location += '?' + request.query;
            response.setHeader("Location", location);
            return response;
        }
        info = QFileInfo(info.filePath() + u'/' + m_welcomeFile);
    }
    const QString canonical = info.canonicalFilePath(); // resolves symlinks; empty if missing
    if (canonical.isEmpty() || !info.isFile() || !info.isReadable()
        || !(canonical.startsWith(m_root + u'/'))) {
        return HttpResponse::error(404);
    }

    const QDateTime modified = info.lastModified().toUTC();
    const QByteArray etag = '"' + QByteArray::number(info.size(), 16) + '-'
        + QByteArray::number(modified.toMSecsSinceEpoch(), 16) + '"';
    HttpResponse response;
    response.setHeader("Content-Type", MimeTypes::forFile(info.fileName(), config().mimeMappings));
    response.setHeader("ETag", etag);
    response.setHeader("Last-Modified", Frontdoor::HttpDate::format(modified));
    response.setHeader("X-Content-Type-Options", "nosniff");

    const QByteArray ifNoneMatch = request.header("If-None-Match");
    bool notModified = false;
    if (!ifNoneMatch.isNull()) {
        for (const QByteArray &candidate : ifNoneMatch.split(',')) {
            QByteArray tag = candidate.trimmed();
            if (tag.startsWith("W/"))
                tag = tag.mid(2);
            if (tag == etag || tag == "*")
                notModified = true;
        }
    } else if (const QByteArray since = request.header("If-Modified-Since"); !since.isNull()) {
        const QDateTime sinceTime = Frontdoor::HttpDate::parse(since);
        notModified = sinceTime.isValid() && modified.toSecsSinceEpoch() <= sinceTime.toSecsSinceEpoch();
    }
    if (notModified) {
        response.status = 304;
        response.omitBody = true;
        response.bodyLength = 0;
        return response;
    }

    auto file = std::make_shared<QFile>(canonical);
    if (!file->open(QIODevice::ReadOnly))
        return HttpResponse::error(404);
    response.bodyLength = file->size();
    response.omitBody = head;
    if (!head)
        response.bodyDevice = file;
    return response;
}

} // namespace Postern::Services
