#include "managementreply.h"

namespace Postern::Admin {

ManagementReply::ManagementReply(QString operation, QObject *parent)
    : QObject(parent), m_operation(std::move(operation))
{
}

void ManagementReply::onFinished(QObject *context, std::function<void(const ManagementReply &)> callback)
{
    connect(this, &ManagementReply::finished, context, [this, callback = std::move(callback)] { callback(*this); });
}

void ManagementReply::cancel()
{
    fail({kCancelled, tr("cancelled")});
}

void ManagementReply::finish(QJsonObject result)
{
    if (m_finished)
        return;
    m_result = std::move(result);
    done();
}

void ManagementReply::fail(Management::ManagementError error)
{
    if (m_finished)
        return;
    m_error = std::move(error);
    if (m_error.code.isEmpty())
        m_error.code = kMalformed;
    done();
}

void ManagementReply::done()
{
    m_finished = true;
    Q_EMIT finished();
    deleteLater();
}

} // namespace Postern::Admin
