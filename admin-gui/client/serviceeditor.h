#pragma once

// Makes the changes the services page asks for — create or update from a ServiceDraft,
// delete, enable, disable — and says how each ended in words for a person: done (with what
// it did), refused at a field (shown there by the form), or refused because someone else
// changed the configuration meanwhile (a conflict: the page offers a reload). Updates name
// the revision the draft was read at, so another console's change is never silently undone;
// the other changes name the revision the model holds.
//
// The gateway leaves the sessions of a deleted service open; the console ends them after
// the delete, having named them in its question first (findSessions).

#include "managementclient.h"
#include "servicedraft.h"
#include "servicefield.h"

#include <QJsonObject>
#include <QList>
#include <QObject>

namespace Postern::Admin {

class ServiceModel;

class ServiceEditor final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceEditor)

public:
    ServiceEditor(ManagementClient *client, ServiceModel *model, QObject *parent = nullptr);

    // A change is under way: the page waits for it before it offers the next.
    bool isBusy() const { return m_busy; }

    // Creates the service (a new draft) or updates it at the draft's base revision.
    void apply(const ServiceDraft &draft);
    // Deletes `name`, then ends `sessions` (those the question named).
    void remove(const QString &name, const QList<quint64> &sessions);
    void setEnabled(const QString &name, bool enabled);
    // Asks which sessions are open on `name`: sessionsFound() or failed() follows.
    void findSessions(const QString &name);

    // An error answer in words a person can act on.
    static QString explain(const Management::ManagementError &error);
    // Whether `error` says the configuration changed since the revision the change named.
    static bool isConflict(const Management::ManagementError &error);

Q_SIGNALS:
    void busyChanged(bool busy);
    // Done: `name` is what the service is called now (empty after a delete), `revision` the
    // configuration's new one, `message` what happened.
    void succeeded(const QString &name, const QString &revision, const QString &message);
    // Refused: why, and the part of the service it is about (Kind::None when none).
    void failed(const QString &message, const Postern::Admin::ServiceField &field);
    // Refused because the configuration changed since it was read.
    void conflicted(const QString &message);
    void sessionsFound(const QString &service, const QList<QJsonObject> &sessions);

private:
    // Sends `reply`'s outcome to the signals; `done` makes the success message.
    void finish(ManagementReply *reply, const QString &name, std::function<QString(const QJsonObject &)> done);
    void report(const Management::ManagementError &error);
    void setBusy(bool busy);

    ManagementClient *m_client;
    ServiceModel *m_model;
    bool m_busy = false;
};

} // namespace Postern::Admin
