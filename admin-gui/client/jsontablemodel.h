#pragma once

// The base of the console's table models: rows are the JSON objects a management operation
// returned (a service, a session, a certificate entry), columns are what a subclass shows of
// them. It keeps whether a load is under way and why the last one failed, so a view can
// show both, and it reloads itself when the client connects (again).

#include "managementclient.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QStringList>

#include <functional>

namespace Postern::Admin {

class JsonTableModel : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(JsonTableModel)

public:
    enum Role {
        RowRole = Qt::UserRole + 1, // the row's whole JSON object
        SortRole,                    // a value that sorts right (numbers as numbers, times as times)
        StatusRole,                  // a short word for the row's health, where the model has one
    };

    JsonTableModel(ManagementClient *client, QStringList headers, QObject *parent = nullptr);
    ~JsonTableModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    const QJsonObject &row(int row) const { return m_rows.at(row); }
    const QList<QJsonObject> &rows() const { return m_rows; }
    // The first row whose `key` is `value`; -1 when none is.
    int find(const QString &key, const QJsonValue &value) const;

    bool isLoading() const { return m_loading; }
    const QString &lastError() const { return m_lastError; }
    ManagementClient *client() const { return m_client; }

public Q_SLOTS:
    // Asks the server again (nothing happens while disconnected).
    virtual void refresh() = 0;

Q_SIGNALS:
    void loadingChanged(bool loading);
    // A load (or a change made through the model) failed: `message` is for a person. Empty
    // when a later load worked.
    void errorChanged(const QString &message);
    void loaded();

protected:
    // What a subclass shows of a row in `column` for `role` (Display, Sort, ToolTip, …).
    virtual QVariant cell(const QJsonObject &row, int column, int role) const = 0;

    // Sends `reply`'s result through `extract` into the rows, replacing them.
    void load(ManagementReply *reply, std::function<QList<QJsonObject>(const QJsonObject &)> extract);
    void setRows(QList<QJsonObject> rows);
    void appendRow(const QJsonObject &row);
    void replaceRow(int row, const QJsonObject &value);
    void removeRowAt(int row);
    void setLastError(const QString &message);

    // Asks the client for the events of `topic` for as long as this model lives.
    void follow(const QString &topic);

    // A JSON array of objects as a list.
    static QList<QJsonObject> objects(const QJsonValue &array);

private:
    QPointer<ManagementClient> m_client; // may go first when both are torn down
    QStringList m_headers;
    QList<QJsonObject> m_rows;
    bool m_loading = false;
    QString m_lastError;
    QStringList m_topics;
    quint64 m_generation = 0; // of load(): an older answer arriving late is dropped
};

} // namespace Postern::Admin
