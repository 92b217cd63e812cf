#pragma once

// The answer to one management request, as it arrives: a result, or an error that says what
// went wrong in words a person can act on. Made by ManagementClient; it emits finished()
// exactly once and then deletes itself from the event loop, so whoever asked only connects
// to finished() (or calls onFinished) and reads the answer there.

#include "management/managementerror.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

namespace Postern::Admin {

class ManagementReply final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ManagementReply)

public:
    // Error codes of the client's own, beside those of the protocol (management/protocol.h).
    static inline const QString kNotConnected = QStringLiteral("not-connected");
    static inline const QString kDisconnected = QStringLiteral("disconnected");
    static inline const QString kTimedOut = QStringLiteral("timed-out");
    static inline const QString kCancelled = QStringLiteral("cancelled");
    static inline const QString kMalformed = QStringLiteral("malformed-answer");

    ManagementReply(QString operation, QObject *parent);

    const QString &operation() const { return m_operation; }
    bool isFinished() const { return m_finished; }
    bool isError() const { return m_finished && !m_error.code.isEmpty(); }
    const QJsonObject &result() const { return m_result; }
    const Management::ManagementError &error() const { return m_error; }

    // Calls `callback` with this reply when it finishes, unless `context` is gone by then.
    void onFinished(QObject *context, std::function<void(const ManagementReply &)> callback);
    // The answer will not be waited for: finished() comes at once with the error kCancelled.
    // (The server may still do what was asked; a request cannot be taken back.)
    void cancel();

    // For ManagementClient.
    void finish(QJsonObject result);
    void fail(Management::ManagementError error);

Q_SIGNALS:
    void finished();

private:
    void done();

    QString m_operation;
    bool m_finished = false;
    QJsonObject m_result;
    Management::ManagementError m_error;
};

} // namespace Postern::Admin
