#pragma once

// The console's connection to a gateway's management endpoint (docs/management-api.md): it
// opens the WebSocket with the client library (challenges, trust, cookies are
// ConnectOptions' business), waits for the server's hello, sends requests and matches their
// answers, turns pushed events into signals, and keeps the connection up: a connection that
// was working and is lost is opened again with growing pauses (1 s, 2 s, 4 s … 30 s) until it
// works, the user closes it, or the gateway refuses it for a reason waiting will not cure
// (wrong password, no right to manage, an untrusted certificate).
//
// Requests go out at most as fast as the server's limit allows (a burst of 40, then 20 a
// second; the server allows 50 and 20), so a console that refreshes many views at once waits
// a moment rather than being refused. Nothing here knows about widgets.

#include "clientsocket.h"
#include "connectoptions.h"
#include "connectoutcome.h"
#include "managementreply.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QQueue>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <chrono>

namespace Postern::Admin {

class ManagementClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManagementClient)

public:
    enum class State {
        Disconnected,
        Connecting,   // the first attempt of open()
        Connected,    // hello received: requests may be sent
        Reconnecting, // the connection was lost; waiting, or trying again
    };
    Q_ENUM(State)

    explicit ManagementClient(QObject *parent = nullptr);
    ~ManagementClient() override;

    // Connects to `url` (wss://host:port/manage). connected() or connectFailed() follows.
    void open(const QUrl &url, Client::ConnectOptions options);
    // Closes the connection (or gives up trying) and stops reconnecting; pending requests fail.
    void close();

    State state() const { return m_state; }
    bool isConnected() const { return m_state == State::Connected; }
    const QUrl &url() const { return m_url; }
    // From the server's hello (and access.changed).
    const QString &user() const { return m_user; }
    const QString &server() const { return m_server; }
    bool isReadOnly() const { return m_readOnly; }
    // The certificate the server showed and the cipher, for wss (empty before connecting).
    QList<QSslCertificate> peerCertificateChain() const;
    // How the last attempt to connect ended.
    const Client::ConnectOutcome &lastOutcome() const { return m_outcome; }
    // When the next reconnect attempt is due (Reconnecting; invalid otherwise).
    const QDateTime &nextAttempt() const { return m_nextAttempt; }

    // Any operation. Fails at once (kNotConnected) when not connected.
    ManagementReply *request(const QString &operation, const QJsonObject &params = {});

    // The operations of protocol 1, typed.
    ManagementReply *gatewayInfo();
    ManagementReply *listServices();
    ManagementReply *getService(const QString &name);
    ManagementReply *createService(const QString &revision, const QJsonObject &service);
    ManagementReply *updateService(const QString &revision, const QString &name, const QJsonObject &service);
    ManagementReply *deleteService(const QString &revision, const QString &name);
    ManagementReply *setServiceEnabled(const QString &revision, const QString &name, bool enabled);
    ManagementReply *getConfig();
    ManagementReply *validateConfig(const QString &text);
    ManagementReply *reloadConfig();
    ManagementReply *listCertificates(const QString &store, int expiringWithinDays = 30);
    ManagementReply *getCertificate(const QString &store, const QString &alias);
    ManagementReply *generateCertificate(const QJsonObject &params);
    ManagementReply *importCertificate(const QJsonObject &params);
    ManagementReply *createCsr(const QJsonObject &params);
    // `reply` and `issuers`: PEM (several certificates may follow each other) or DER.
    ManagementReply *installReply(const QString &alias, const QByteArray &reply, const QByteArray &issuers = {});
    ManagementReply *exportCertificate(const QJsonObject &params);
    ManagementReply *deleteCertificate(const QString &store, const QString &alias, bool force);
    ManagementReply *renameCertificate(const QString &store, const QString &alias, const QString &newAlias);
    ManagementReply *listSessions(const QJsonObject &filter = {});
    ManagementReply *getSession(quint64 id);
    // `node`: in a cluster, the node the sessions are on (empty: the one connected to).
    ManagementReply *closeSessions(const QList<quint64> &ids, const QString &reason, int code = 1008,
                                   const QString &node = {});
    ManagementReply *closeSessionsOfUser(const QString &user, const QString &reason, int code = 1008);
    ManagementReply *listClusterNodes();
    ManagementReply *listUsers(const QString &realm);
    ManagementReply *addUser(const QString &realm, const QString &name, const QString &password, const QStringList &roles);
    ManagementReply *setUserPassword(const QString &realm, const QString &name, const QString &password);
    ManagementReply *setUserRoles(const QString &realm, const QString &name, const QStringList &roles);
    ManagementReply *removeUser(const QString &realm, const QString &name);
    ManagementReply *tailLogs(int lines, const QString &level = QStringLiteral("debug"));
    ManagementReply *tailAudit(int lines);

    // The event topics wanted (sessions, counters, logs, config, audit): the union of what
    // each view asked for, sent now and again after every reconnect.
    void subscribe(const QString &topic);
    void unsubscribe(const QString &topic);
    void setLogLevel(const QString &level);
    QStringList topics() const;

    // For tests: the pauses between reconnect attempts, and how long an answer may take.
    void setReconnectDelays(std::chrono::milliseconds first, std::chrono::milliseconds longest);
    void setRequestTimeout(std::chrono::milliseconds timeout) { m_requestTimeout = timeout; }

Q_SIGNALS:
    void stateChanged(Postern::Admin::ManagementClient::State state);
    // The server said hello (each time, after a reconnect too): views load their data now.
    void connected();
    // open() did not get a working connection, or a reconnect met a refusal it cannot cure;
    // the client is Disconnected.
    void connectFailed(const Postern::Client::ConnectOutcome &outcome);
    // A working connection ended: `willReconnect` says whether it is being opened again.
    void connectionLost(quint16 code, const QString &reason, bool willReconnect);
    void reconnectScheduled(int seconds);

    void accessChanged(bool readOnly);
    void eventReceived(const QString &event, const QJsonObject &data);
    void sessionOpened(const QJsonObject &session);
    void sessionClosed(quint64 id);
    void countersReceived(const QJsonObject &counters);
    void logLine(const QJsonObject &line);
    void configChanged(const QString &revision, const QString &change, const QString &by);
    void auditEntry(const QJsonObject &entry);

private:
    struct Pending
    {
        QPointer<ManagementReply> reply;
        QDateTime deadline;
    };
    struct Outgoing
    {
        qint64 id;
        QByteArray json;
    };

    void setState(State state);
    void attempt();
    void onSocketConnected();
    void onSocketFailed(const Client::ConnectOutcome &outcome);
    void onSocketDisconnected();
    void onMessage(const QString &text);
    void onEvent(const QString &event, const QJsonObject &data);
    void sendSubscriptions();
    void pump();
    void expire();
    void failAll(const QString &code, const QString &message);
    void scheduleReconnect();
    static bool isCurable(const Client::ConnectOutcome &outcome);

    Client::ClientSocket *m_socket = nullptr;
    Client::ConnectOptions m_options;
    QUrl m_url;
    State m_state = State::Disconnected;
    bool m_wasConnected = false; // this open() had a working connection once
    bool m_helloSeen = false;
    Client::ConnectOutcome m_outcome;
    QString m_user;
    QString m_server;
    bool m_readOnly = true;

    qint64 m_nextId = 1;
    QHash<qint64, Pending> m_pending;
    QQueue<Outgoing> m_queue;
    double m_tokens = 40;
    QDateTime m_tokensAt;
    QTimer m_pump;
    QTimer m_expiry;
    std::chrono::milliseconds m_requestTimeout{30000};

    QHash<QString, int> m_topics; // topic → how many views want it
    QString m_logLevel = QStringLiteral("info");

    QTimer m_reconnect;
    std::chrono::milliseconds m_firstDelay{1000};
    std::chrono::milliseconds m_longestDelay{30000};
    std::chrono::milliseconds m_delay{1000};
    QDateTime m_nextAttempt;
};

} // namespace Postern::Admin
