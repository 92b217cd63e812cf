#include "frontdoor/httprequestparser.h"

#include <QStringDecoder>

namespace Postern::Frontdoor::HttpRequestParser {

namespace {

constexpr int kMaximumHeaders = 100;

bool isTokenChar(char c)
{
    if (c >= 'a' && c <= 'z') return true;
    if (c >= 'A' && c <= 'Z') return true;
    if (c >= '0' && c <= '9') return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text)
        if (!isTokenChar(c))
            return false;
    return true;
}

// Field values: visible characters, spaces and tabs, and obs-text; no control characters.
bool isFieldValue(QByteArrayView text)
{
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

HttpError bad(const char *reason)
{
    return {400, QString::fromLatin1(reason)};
}

} // namespace

qsizetype findEndOfHead(QByteArrayView data)
{
    const qsizetype index = data.indexOf("\r\n\r\n");
    return index < 0 ? -1 : index + 4;
}

std::optional<QString> decodePath(QByteArrayView path)
{
    QByteArray decoded;
    decoded.reserve(path.size());
    for (qsizetype i = 0; i < path.size(); ++i) {
        char c = path[i];
        if (c == '%') {
            if (i + 2 >= path.size())
                return std::nullopt;
            const auto hex = [](char digit) {
                return digit >= '0' && digit <= '9' ? digit - '0'
                    : digit >= 'a' && digit <= 'f'   ? digit - 'a' + 10
                    : digit >= 'A' && digit <= 'F'   ? digit - 'A' + 10
                                                     : -1;
            };
            const int high = hex(path[i + 1]);
            const int low = hex(path[i + 2]);
            if (high < 0 || low < 0) // exactly two hex digits: no sign, no space
                return std::nullopt;
            c = char(high * 16 + low);
            i += 2;
        }
        if (c == '\0')
            return std::nullopt;
        decoded.append(c);
    }
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString result = utf8.decode(decoded);
    if (utf8.hasError())
        return std::nullopt;
    return result;
}

std::expected<HttpRequestHead, HttpError> parse(QByteArrayView head)
{
    HttpRequestHead request;
    request.headLength = head.size();
    if (!head.endsWith("\r\n\r\n"))
        return std::unexpected(bad("incomplete request head"));
    QByteArrayView rest = head.first(head.size() - 2); // keep the last header line's CRLF

    const qsizetype lineEnd = rest.indexOf("\r\n");
    const QByteArrayView requestLine = rest.first(lineEnd);
    rest = rest.sliced(lineEnd + 2);

    // request-line = method SP request-target SP HTTP-version, single spaces only.
    const qsizetype firstSpace = requestLine.indexOf(' ');
    const qsizetype lastSpace = requestLine.lastIndexOf(' ');
    if (firstSpace <= 0 || lastSpace == firstSpace)
        return std::unexpected(bad("malformed request line"));
    const QByteArrayView method = requestLine.first(firstSpace);
    const QByteArrayView target = requestLine.sliced(firstSpace + 1, lastSpace - firstSpace - 1);
    const QByteArrayView version = requestLine.sliced(lastSpace + 1);
    if (!isToken(method))
        return std::unexpected(bad("malformed method"));
    if (version == "HTTP/1.1")
        request.minorVersion = 1;
    else if (version == "HTTP/1.0")
        request.minorVersion = 0;
    else if (version.startsWith("HTTP/") && version.size() == 8)
        return std::unexpected(HttpError{505, QStringLiteral("only HTTP/1.0 and HTTP/1.1 are supported")});
    else
        return std::unexpected(bad("malformed HTTP version"));
    for (char c : target)
        if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
            return std::unexpected(bad("the request target has a character that must be percent-encoded"));
    request.method = method.toByteArray();
    if (const QByteArray lower = target.toByteArray().toLower(); lower.startsWith("http://") || lower.startsWith("https://")) {
        // absolute-form, which servers must accept (RFC 9112 §3.2.2): its authority is the host.
        const qsizetype authorityStart = target.indexOf("//") + 2;
        qsizetype pathStart = authorityStart;
        while (pathStart < target.size() && target[pathStart] != '/' && target[pathStart] != '?')
            ++pathStart;
        request.absoluteAuthority = target.sliced(authorityStart, pathStart - authorityStart).toByteArray();
        if (request.absoluteAuthority.isEmpty() || request.absoluteAuthority.contains('@'))
            return std::unexpected(bad("malformed absolute request target"));
        const QByteArray rest = target.sliced(pathStart).toByteArray();
        request.target = rest.startsWith('/') ? rest : '/' + rest;
    } else if (target.isEmpty() || target.front() != '/') {
        return std::unexpected(bad("the request target must be a path or an absolute http(s) URL"));
    } else {
        request.target = target.toByteArray();
    }
    const QByteArrayView originForm = request.target;
    const qsizetype question = originForm.indexOf('?');
    const QByteArrayView rawPath = question < 0 ? originForm : originForm.first(question);
    if (question >= 0)
        request.query = originForm.sliced(question + 1).toByteArray();
    const auto path = decodePath(rawPath);
    if (!path)
        return std::unexpected(bad("the request path has a bad percent-encoding"));
    request.path = *path;

    while (!rest.isEmpty()) {
        const qsizetype end = rest.indexOf("\r\n");
        const QByteArrayView line = rest.first(end);
        rest = rest.sliced(end + 2);
        if (line.startsWith(' ') || line.startsWith('\t'))
            return std::unexpected(bad("obsolete line folding in a header"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return std::unexpected(bad("malformed header line"));
        const QByteArrayView name = line.first(colon);
        if (!isToken(name))
            return std::unexpected(bad("malformed header name (white space before ':' is not allowed)"));
        // Only spaces and tabs are optional white space (RFC 9112 §5.1); a stray CR or other
        // control character is an error, not something to trim.
        QByteArrayView value = line.sliced(colon + 1);
        while (!value.isEmpty() && (value.front() == ' ' || value.front() == '\t'))
            value = value.sliced(1);
        while (!value.isEmpty() && (value.back() == ' ' || value.back() == '\t'))
            value.chop(1);
        if (!isFieldValue(value))
            return std::unexpected(bad("a header value contains a control character"));
        if (request.headers.size() >= kMaximumHeaders)
            return std::unexpected(HttpError{431, QStringLiteral("too many header fields")});
        request.headers.append({name.toByteArray(), value.toByteArray()});
    }

    int hosts = 0;
    int lengths = 0;
    for (const auto &[name, value] : std::as_const(request.headers)) {
        if (name.compare("Host", Qt::CaseInsensitive) == 0)
            ++hosts;
        if (name.compare("Content-Length", Qt::CaseInsensitive) == 0)
            ++lengths;
    }
    if (hosts > 1)
        return std::unexpected(bad("more than one Host header"));
    if (hosts == 0 && request.minorVersion == 1)
        return std::unexpected(bad("HTTP/1.1 request without a Host header"));
    if (lengths > 1 || (lengths == 1 && request.hasHeader("Transfer-Encoding")))
        return std::unexpected(bad("conflicting message length headers"));
    if (lengths == 1) {
        bool ok = false;
        const QByteArray length = request.header("Content-Length");
        length.toLongLong(&ok);
        if (!ok || length.startsWith('+') || length.startsWith('-'))
            return std::unexpected(bad("malformed Content-Length"));
    }
    return request;
}

} // namespace Postern::Frontdoor::HttpRequestParser
