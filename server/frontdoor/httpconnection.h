#pragma once

// One client connection at the front door, from accept until it is closed or handed to a
// WebSocket service: TLS (certificate chosen by SNI), the request head read under a time
// and size limit, routing, and HTTP/1.1 responses with keep-alive; a WebSocket handshake
// goes to its service as a PendingUpgrade.

#include "auth/sessioncookie.h"
#include "frontdoor/connectioninfo.h"
#include "frontdoor/httpresponse.h"
#include "frontdoor/listenercontext.h"

#include <QObject>
#include <QTimer>

class QSslSocket;
class QTcpSocket;

namespace Postern::Auth { class Realm; }

namespace Postern::Frontdoor {

struct HttpRequestHead;

class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    HttpConnection(QTcpSocket *socket, ListenerContextPtr context, QObject *parent);
    ~HttpConnection() override;

private:
    enum class State { SniffingTls, Handshaking, ReadingHead, Writing, Closing };

    void onReadyRead();
    void sniffClientHello();
    void onEncrypted();
    void readHead();
    void dispatch(const HttpRequestHead &request);
    void handOver(const HttpRequestHead &request, const RouteMatch &route);
    // Logs the user in to the service's realm (by single sign-on cookie, else by the
    // credentials presented) and checks its authorization constraint. False when it answered
    // (401, 403 or 429) instead.
    bool authenticate(const HttpRequestHead &request, const RouteMatch &route);
    std::optional<Auth::SessionCookie::Login> sessionCookieLogin(const HttpRequestHead &request, const Auth::Realm &realm,
                                                                 const QDateTime &now);
    // Nothing when it answered 401 or 429.
    std::optional<Auth::LoginResult> credentialLogin(const HttpRequestHead &request, const RouteMatch &route,
                                                     const QDateTime &now);
    void refuseLogin(const HttpRequestHead &request, const RouteMatch &route, int status, const QString &reason,
                     const QString &detail, qint64 retryAfter = 0);
    void respond(HttpResponse response, bool keepAlive);
    void pumpBody();
    void finishResponse();
    void onTimeout();
    void refuse(int status, const QString &reason, const QString &detail = {}, const QString &service = {},
                const QString &category = {});
    // For GET /metrics: `reason` is a short token ("origin"); `service` may be unknown (empty).
    void countRefusal(const QString &service, const QString &reason);
    // The one log line per refusal (docs/operations.md, "Log format"); `request` may be null.
    void logRefusal(QtMsgType level, int status, const QString &reason, const QString &service,
                    const HttpRequestHead *request = nullptr, const QString &realm = {}) const;
    void closeConnection();
    void waitForNextRequest();

    QTcpSocket *m_socket;
    QSslSocket *m_ssl = nullptr; // m_socket, when the listener is TLS
    ListenerContextPtr m_context;
    ConnectionInfo m_info;
    State m_state = State::ReadingHead;
    QTimer m_timer;
    bool m_idle = false;    // between keep-alive requests, no byte of the next one yet
    HttpResponse m_response; // the one being written
    qint64 m_bodyRemaining = 0;
    bool m_keepAlive = false;
    bool m_headRequest = false; // the response being written answers HEAD: no body
    QByteArray m_setCookie;     // a login's single sign-on cookie, for the next answer
};

} // namespace Postern::Frontdoor
