#pragma once

// The management API itself: it serves every console connected to a management service,
// runs their requests (each answered once, with a result or an error, never a crash or a
// partial change), writes every change to the audit log, and pushes the events consoles
// subscribe to. It belongs to the gateway and outlives reloads, which replace the
// management service object but not the consoles' sessions. A console's rights follow the
// configuration: after every change they are worked out again (a user removed or demoted,
// a management service changed) and a console that lost them is closed.

#include "config/managementoptions.h"
#include "logring.h"
#include "management/caller.h"
#include "management/operationtable.h"
#include "management/certificateoperations.h"
#include "management/clusterdirectory.h"
#include "management/serviceoperations.h"
#include "management/sessionoperations.h"
#include "management/useroperations.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace Postern::Sessions { class WebSocketSession; }

namespace Postern::Management {

class GatewayControl;

class ManagementHub final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManagementHub)

public:
    explicit ManagementHub(GatewayControl *gateway, QObject *parent = nullptr);
    ~ManagementHub() override;

    // A console whose WebSocket handshake the management service accepted (not started yet).
    void attach(Sessions::WebSocketSession *session, const Config::ManagementOptions &options);
    // The running configuration has changed (here or from the file): every console's rights
    // are worked out again, and the cluster view follows the gateway's cluster node.
    void reauthorize();

private:
    struct Console
    {
        QPointer<Sessions::WebSocketSession> session;
        Caller caller;
        QString service;          // the management service it came through
        QString realm;            // and that service's realm when it logged in
        QStringList loginRoles;   // the roles its login gave
        int refusedChanges = 0;   // changes asked without the right to: a few are mistakes
        QSet<QString> topics;       // subscribed: sessions, counters, logs, config, audit
        QString logLevel = QStringLiteral("info");
        double tokens = 0;          // rate limit: a bucket of requests
        QElapsedTimer refilled;
    };

    void onMessage(quint64 console, const QByteArray &text);
    // Runs a request and answers it; a change that needs host names resolved runs again
    // once they are (`retried`).
    void execute(quint64 console, const QJsonValue &id, const QString &operation, const QJsonObject &params,
                 const Caller &caller, bool retried);
    // Audits a change, and answers the console if it is still there.
    void finish(quint64 console, const QJsonValue &id, const QString &operation, const QJsonObject &params,
                const Caller &caller, const OperationResult &result, bool changes, bool refused);
    void forget(quint64 console);
    // Closes a console whose rights are gone; false when it keeps some (updated in place).
    bool recheck(Console &console, const Config::GatewayConfig &config);
    void send(Console &console, const QByteArray &message);
    bool anySubscribed(const QString &topic) const;
    void push(const QString &topic, const QString &event, const QJsonObject &data);
    void audit(const Caller &caller, const QString &operation, const QJsonObject &params, const OperationResult &result,
               bool valuesShown);
    // Starts or stops what the consoles' subscriptions need: the counters timer, the session
    // and log event connections.
    void updateSubscriptions();
    bool takeToken(Console &console);
    void onLogLine(const LogRing::Line &line);
    void pushCounters();

    OperationResult subscribe(quint64 console, const Params &params);
    OperationResult logsTail(const Params &params) const;
    static OperationResult logsSetLevel(const Params &params);
    // The last entries of the management service's audit log (the file), oldest first.
    static OperationResult auditTail(const Params &params, const Caller &caller);

    GatewayControl *m_gateway;
    OperationTable m_operations;
    ClusterDirectory m_cluster; // before m_sessions, which uses it
    ServiceOperations m_services;
    SessionOperations m_sessions;
    CertificateOperations m_certificates;
    UserOperations m_users;
    QHash<quint64, Console> m_consoles; // by session id
    QTimer m_counters;                  // once a second, for the "counters" topic
    QMetaObject::Connection m_sessionEvents[2]; // opened, closed: while "sessions" is subscribed
    QMetaObject::Connection m_logEvents;        // while "logs" is subscribed
};

} // namespace Postern::Management
