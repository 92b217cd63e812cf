#include "page.h"

#include "jsontablemodel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QVBoxLayout>

namespace Postern::Admin {

Page::Page(ManagementClient *client, const QString &title, QWidget *parent)
    : QWidget(parent),
      m_client(client),
      m_title(title),
      m_message(new QLabel(this)),
      m_busy(new QProgressBar(this)),
      m_body(new QVBoxLayout)
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    auto *heading = new QLabel(QStringLiteral("<h2>%1</h2>").arg(title.toHtmlEscaped()), this);
    top->addWidget(heading);
    top->addStretch(1);
    m_busy->setObjectName(QStringLiteral("busy"));
    m_busy->setRange(0, 0); // busy, no percentage: the gateway does not say how long
    m_busy->setMaximumWidth(160);
    m_busy->setMaximumHeight(10);
    m_busy->setTextVisible(false);
    m_busy->hide();
    top->addWidget(m_busy);
    layout->addLayout(top);
    m_message->setObjectName(QStringLiteral("pageMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    layout->addWidget(m_message);
    layout->addLayout(m_body, 1);
    connect(client, &ManagementClient::connected, this, [this] { updateActions(); });
    connect(client, &ManagementClient::accessChanged, this, [this] { updateActions(); });
    connect(client, &ManagementClient::stateChanged, this, [this] { updateActions(); });
}

void Page::showMessage(const QString &message, bool error)
{
    m_message->setText(message);
    m_message->setStyleSheet(error ? QStringLiteral("QLabel { color: #a61b1b; background: #fdecea; padding: 6px; border-radius: 3px; }")
                                   : QStringLiteral("QLabel { background: #eaf4ea; padding: 6px; border-radius: 3px; }"));
    m_message->setVisible(!message.isEmpty());
}

void Page::track(JsonTableModel *model)
{
    connect(model, &JsonTableModel::loadingChanged, this, [this](bool loading) {
        m_loading = std::max(0, m_loading + (loading ? 1 : -1));
        m_busy->setVisible(m_loading > 0);
    });
    connect(model, &JsonTableModel::errorChanged, this, [this](const QString &message) { showMessage(message); });
    if (model->isLoading()) {
        ++m_loading;
        m_busy->show();
    }
}

bool Page::isBusy() const
{
    return m_loading > 0;
}

QString Page::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

} // namespace Postern::Admin
