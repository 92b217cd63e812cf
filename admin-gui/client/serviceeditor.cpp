#include "serviceeditor.h"

#include "management/protocol.h"
#include "servicemodel.h"

#include <QJsonArray>

namespace Postern::Admin {

namespace ErrorCode = Management::ErrorCode;

ServiceEditor::ServiceEditor(ManagementClient *client, ServiceModel *model, QObject *parent)
    : QObject(parent), m_client(client), m_model(model)
{
}

void ServiceEditor::apply(const ServiceDraft &draft)
{
    if (const auto problem = draft.problem()) {
        // The console's own finding, not the gateway's: said as it is.
        Q_EMIT failed(problem->message, ServiceField::fromError(problem->field));
        return;
    }
    const QJsonObject service = draft.service();
    const QString name = service.value(u"name").toString();
    if (draft.isNew()) {
        // A create undoes nobody's change, so it names the newest revision the console knows.
        const QString accepts = draft.accept().join(QStringLiteral(", "));
        finish(m_client->createService(m_model->revision(), service), name, [name, accepts](const QJsonObject &) {
            return tr("Service '%1' was created: it answers on %2.").arg(name, accepts);
        });
        return;
    }
    const QString original = draft.originalName();
    finish(m_client->updateService(draft.baseRevision(), original, service), name, [name, original](const QJsonObject &) {
        return name == original ? tr("Service '%1' was updated.").arg(name)
                                : tr("Service '%1' was renamed to '%2' and updated.").arg(original, name);
    });
}

void ServiceEditor::remove(const QString &name, const QList<quint64> &sessions)
{
    setBusy(true);
    m_client->deleteService(m_model->revision(), name)->onFinished(this, [this, name, sessions](const ManagementReply &reply) {
        if (reply.isError()) {
            setBusy(false);
            report(reply.error());
            return;
        }
        const QString revision = reply.result().value(u"revision").toString();
        m_model->refresh();
        if (sessions.isEmpty()) {
            setBusy(false);
            Q_EMIT succeeded({}, revision, tr("Service '%1' was deleted.").arg(name));
            return;
        }
        // 1001 "going away": the service the client used is gone, the client did nothing wrong.
        m_client->closeSessions(sessions, tr("service '%1' was deleted").arg(name), 1001)
            ->onFinished(this, [this, name, revision](const ManagementReply &closed) {
                setBusy(false);
                if (closed.isError()) {
                    Q_EMIT failed(tr("Service '%1' was deleted, but its sessions could not be ended: %2")
                                      .arg(name, explain(closed.error())),
                                  {});
                    return;
                }
                const int ended = int(closed.result().value(u"closed").toArray().size());
                Q_EMIT succeeded({}, revision, tr("Service '%1' was deleted and %n session(s) on it ended.", nullptr, ended).arg(name));
            });
    });
}

void ServiceEditor::setEnabled(const QString &name, bool enabled)
{
    finish(m_client->setServiceEnabled(m_model->revision(), name, enabled), name, [name, enabled](const QJsonObject &) {
        return enabled ? tr("Service '%1' is enabled: it answers on its addresses again.").arg(name)
                       : tr("Service '%1' is disabled: it stays in the file but no longer answers. Sessions already "
                            "open on it go on until they end.")
                             .arg(name);
    });
}

void ServiceEditor::findSessions(const QString &name)
{
    setBusy(true);
    m_client->listSessions({{QStringLiteral("service"), name}})->onFinished(this, [this, name](const ManagementReply &reply) {
        setBusy(false);
        if (reply.isError()) {
            report(reply.error());
            return;
        }
        QList<QJsonObject> sessions;
        for (const QJsonValue &session : reply.result().value(u"sessions").toArray())
            sessions.append(session.toObject());
        Q_EMIT sessionsFound(name, sessions);
    });
}

void ServiceEditor::finish(ManagementReply *reply, const QString &name, std::function<QString(const QJsonObject &)> done)
{
    setBusy(true);
    reply->onFinished(this, [this, name, done = std::move(done)](const ManagementReply &answer) {
        setBusy(false);
        if (answer.isError()) {
            report(answer.error());
            return;
        }
        m_model->refresh();
        Q_EMIT succeeded(name, answer.result().value(u"revision").toString(), done(answer.result()));
    });
}

void ServiceEditor::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

void ServiceEditor::report(const Management::ManagementError &error)
{
    if (isConflict(error))
        Q_EMIT conflicted(explain(error));
    else
        Q_EMIT failed(explain(error), ServiceField::fromError(error.field));
}

bool ServiceEditor::isConflict(const Management::ManagementError &error)
{
    // "conflict" also says a name is taken (field service.name): that is the user's to fix.
    return error.code == ErrorCode::Conflict && error.field == u"params.revision";
}

QString ServiceEditor::explain(const Management::ManagementError &error)
{
    if (isConflict(error))
        return tr("Someone else changed the gateway's configuration after you loaded it (another console, or an edit of "
                  "the file). Your change was not made, so that it cannot undo theirs. Reload to see the configuration as "
                  "it is now, then make your change again.");
    if (error.code == ErrorCode::Forbidden)
        return tr("You may look at this gateway's configuration but not change it: your user has read-only rights.");
    if (error.code == ErrorCode::NotFound)
        return tr("That service is no longer in the configuration: someone deleted or renamed it. Reload to see the "
                  "services as they are now.");
    if (error.code == ErrorCode::RateLimited)
        return tr("The gateway is still busy with this console's earlier requests: wait a moment and try again.");
    if (error.code == ManagementReply::kNotConnected)
        return tr("The console is not connected to the gateway, so nothing was changed. Connect again and retry.");
    if (error.code == ManagementReply::kDisconnected || error.code == ManagementReply::kTimedOut)
        return tr("The gateway did not answer (%1), so the change may or may not have been made. Reload to see.")
            .arg(error.message);
    QString message = error.message;
    if (!message.isEmpty())
        message[0] = message.at(0).toUpper();
    if (error.code == ErrorCode::InvalidConfiguration || error.code == ErrorCode::InvalidParams)
        return tr("The gateway refused the change: %1").arg(error.message);
    if (error.code == ErrorCode::Conflict)
        return tr("%1: choose another name.").arg(message);
    if (error.code == ErrorCode::Failed)
        return tr("The gateway could not do it: %1").arg(error.message);
    return message;
}

} // namespace Postern::Admin
