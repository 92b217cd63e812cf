#pragma once

// The gateway's live sessions: loaded with sessions.list when the console connects, then
// kept current by the events (session.opened, session.closed, counters once a second), so
// the table moves without asking the gateway again.

#include "jsontablemodel.h"

#include <QTimer>

namespace Postern::Admin {

class SessionModel final : public JsonTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionModel)

public:
    enum Column { Id, Service, User, Client, Origin, Tls, Cipher, Since, Duration, MessagesIn, MessagesOut, BytesIn, BytesOut, ColumnCount };

    explicit SessionModel(ManagementClient *client, QObject *parent = nullptr);

    quint64 sessionId(int row) const { return quint64(this->row(row).value(u"id").toDouble()); }

    // Closes these sessions with `reason`; errorChanged() says why when that failed.
    ManagementReply *close(const QList<quint64> &ids, const QString &reason);

    // "12 KiB", "3.4 MiB": bytes as a person reads them.
    static QString humanBytes(double bytes);
    // "5 s", "3 min 12 s", "2 h 5 min", "3 d 4 h".
    static QString humanDuration(qint64 seconds);

public Q_SLOTS:
    void refresh() override;

protected:
    QVariant cell(const QJsonObject &row, int column, int role) const override;

private:
    void onOpened(const QJsonObject &session);
    void onClosed(quint64 id);
    void onCounters(const QJsonObject &counters);

    QTimer m_clock; // durations move
};

} // namespace Postern::Admin
