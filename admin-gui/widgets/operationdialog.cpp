#include "operationdialog.h"

#include "certificatemodel.h"
#include "managementreply.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace Postern::Admin {

OperationDialog::OperationDialog(const QString &title, QWidget *parent)
    : QDialog(parent),
      m_form(new QFormLayout),
      m_extra(new QVBoxLayout),
      m_error(new QLabel(this)),
      m_progressText(new QLabel(this)),
      m_progress(new QProgressBar(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(title);
    auto *inputs = new QWidget(this);
    inputs->setObjectName(QStringLiteral("inputs"));
    auto *inputLayout = new QVBoxLayout(inputs);
    inputLayout->setContentsMargins(0, 0, 0, 0);
    inputLayout->addLayout(m_form);
    inputLayout->addLayout(m_extra);
    m_form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);

    m_error->setObjectName(QStringLiteral("operationError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #a61b1b; background: #fdecea; padding: 6px; border-radius: 3px; }"));
    m_error->hide();
    m_progressText->setObjectName(QStringLiteral("operationProgress"));
    m_progress->setRange(0, 0); // how long the gateway takes is unknown: a busy bar
    m_progress->setTextVisible(false);
    m_progress->setMaximumHeight(12);
    auto *progressLine = new QHBoxLayout;
    progressLine->addWidget(m_progressText, 1);
    progressLine->addWidget(m_progress, 1);
    m_progressText->hide();
    m_progress->hide();

    connect(m_buttons, &QDialogButtonBox::accepted, this, &OperationDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &OperationDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(inputs);
    layout->addWidget(m_error);
    layout->addLayout(progressLine);
    layout->addWidget(m_buttons);
    setMinimumWidth(480);
}

void OperationDialog::setOperation(Operation operation, const QString &failed)
{
    m_operation = std::move(operation);
    m_failed = failed;
}

QString OperationDialog::error() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QPushButton *OperationDialog::okButton() const
{
    return m_buttons->button(QDialogButtonBox::Ok);
}

void OperationDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void OperationDialog::setInputEnabled(bool enabled)
{
    findChild<QWidget *>(QStringLiteral("inputs"))->setEnabled(enabled);
}

void OperationDialog::setBusy(bool busy)
{
    setInputEnabled(!busy);
    okButton()->setEnabled(!busy);
    m_progressText->setText(busy ? progressText() : QString());
    m_progressText->setVisible(busy);
    m_progress->setVisible(busy);
}

std::expected<void, QString> OperationDialog::succeeded(const QJsonObject &)
{
    QDialog::accept();
    return {};
}

void OperationDialog::accept()
{
    if (isBusy())
        return;
    if (const QString problem = validate(); !problem.isEmpty()) {
        showError(problem);
        return;
    }
    if (!m_operation) {
        QDialog::accept();
        return;
    }
    showError({});
    const auto sent = m_operation();
    if (!sent) {
        showError(sent.error());
        return;
    }
    m_reply = *sent;
    setBusy(true);
    m_reply->onFinished(this, [this](const ManagementReply &reply) {
        m_reply = nullptr;
        setBusy(false);
        if (reply.isError()) {
            showError(CertificateModel::explain(reply, m_failed));
            return;
        }
        m_result = reply.result();
        if (const auto done = succeeded(m_result); !done)
            showError(done.error());
    });
}

void OperationDialog::reject()
{
    if (m_reply) {
        m_reply->cancel(); // its handler says that it was cancelled
        return;
    }
    QDialog::reject();
}

} // namespace Postern::Admin
