#include "passworddialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QVBoxLayout>

namespace Postern::Admin {

PasswordDialog::PasswordDialog(const QString &purpose, QWidget *parent)
    : QDialog(parent), m_purpose(new QLabel(this)), m_password(new QLineEdit(this))
{
    setWindowTitle(tr("Password needed"));
    m_purpose->setObjectName(QStringLiteral("passwordPurpose"));
    m_purpose->setWordWrap(true);
    m_purpose->setText(tr("Enter the password of %1.").arg(purpose));
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("Password"));
    auto *note = new QLabel(tr("It opens the file here, on this computer; the console forgets it once the import is sent."), this);
    note->setWordWrap(true);
    note->setStyleSheet(QStringLiteral("QLabel { color: #666; }"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxQuestion).pixmap(32, 32));
    auto *top = new QHBoxLayout;
    top->addWidget(icon, 0, Qt::AlignTop);
    auto *texts = new QVBoxLayout;
    texts->addWidget(m_purpose);
    texts->addWidget(m_password);
    texts->addWidget(note);
    top->addLayout(texts, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(buttons);
    setMinimumWidth(420);
}

PasswordDialog::~PasswordDialog()
{
    m_password->clear();
}

QString PasswordDialog::purpose() const
{
    return m_purpose->text();
}

QByteArray PasswordDialog::password() const
{
    return m_password->text().toUtf8();
}

void PasswordDialog::setPassword(const QString &password)
{
    m_password->setText(password);
}

} // namespace Postern::Admin
