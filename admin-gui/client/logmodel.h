#pragma once

// The gateway's log: the last lines (logs.tail) when the console connects, then each new
// line as it is logged (the "logs" event topic), at or above a chosen level. Keeps at most
// kMaximumLines, dropping the oldest.

#include "jsontablemodel.h"

namespace Postern::Admin {

class LogModel final : public JsonTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LogModel)

public:
    enum Column { Time, Level, Category, Message, ColumnCount };
    static constexpr int kMaximumLines = 5000;

    explicit LogModel(ManagementClient *client, QObject *parent = nullptr);

    // debug, info, warning or error: lines below it are neither loaded nor streamed.
    const QString &level() const { return m_level; }
    void setLevel(const QString &level);

public Q_SLOTS:
    void refresh() override;

protected:
    QVariant cell(const QJsonObject &row, int column, int role) const override;

private:
    void onLine(const QJsonObject &line);

    QString m_level = QStringLiteral("info");
    double m_lastSequence = -1; // lines arrive once: from the tail or from the stream
};

} // namespace Postern::Admin
