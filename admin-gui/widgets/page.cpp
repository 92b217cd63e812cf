#include "page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace Postern::Admin {

Page::Page(ManagementClient *client, const QString &title, QWidget *parent)
    : QWidget(parent), m_client(client), m_title(title), m_message(new QLabel(this)), m_body(new QVBoxLayout)
{
    auto *layout = new QVBoxLayout(this);
    auto *heading = new QLabel(QStringLiteral("<h2>%1</h2>").arg(title.toHtmlEscaped()), this);
    layout->addWidget(heading);
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

QString Page::message() const
{
    return m_message->isHidden() ? QString() : m_message->text();
}

} // namespace Postern::Admin
