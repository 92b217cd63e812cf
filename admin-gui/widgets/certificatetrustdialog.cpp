#include "certificatetrustdialog.h"

#include "connectioncontroller.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace Postern::Admin {

CertificateTrustDialog::CertificateTrustDialog(const QSslCertificate &certificate, bool changed, const QString &explanation,
                                               QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(changed ? tr("The gateway's certificate has changed") : tr("Trust this gateway's certificate?"));
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    auto *icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(changed ? QStyle::SP_MessageBoxCritical : QStyle::SP_MessageBoxWarning).pixmap(48, 48));
    top->addWidget(icon, 0, Qt::AlignTop);
    auto *text = new QLabel(explanation, this);
    text->setObjectName(QStringLiteral("explanation"));
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    top->addWidget(text, 1);
    layout->addLayout(top);

    auto *details = new QPlainTextEdit(ConnectionController::describeCertificate(certificate), this);
    details->setObjectName(QStringLiteral("certificateDetails"));
    details->setReadOnly(true);
    details->setFont(QFont(QStringLiteral("monospace")));
    details->setMinimumHeight(130);
    layout->addWidget(details);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *once = buttons->addButton(tr("Trust &once"), QDialogButtonBox::AcceptRole);
    QPushButton *always = buttons->addButton(changed ? tr("&Trust the new certificate") : tr("Trust &always"), QDialogButtonBox::AcceptRole);
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    once->setObjectName(QStringLiteral("trustOnce"));
    always->setObjectName(QStringLiteral("trustAlways"));
    connect(once, &QPushButton::clicked, this, [this] { done(TrustOnce); });
    connect(always, &QPushButton::clicked, this, [this] { done(TrustAlways); });
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    if (changed) {
        auto *checked = new QCheckBox(tr("I have checked with the gateway's administrator that the new fingerprint is right"), this);
        checked->setObjectName(QStringLiteral("checkedChange"));
        layout->addWidget(checked);
        once->setEnabled(false);
        always->setEnabled(false);
        connect(checked, &QCheckBox::toggled, once, &QPushButton::setEnabled);
        connect(checked, &QCheckBox::toggled, always, &QPushButton::setEnabled);
        cancel->setDefault(true);
    } else {
        always->setDefault(true);
    }
    layout->addWidget(buttons);
    setMinimumWidth(600);
}

} // namespace Postern::Admin
