#include "userdialog.h"

#include "usermodel.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace Postern::Admin {

UserDialog::UserDialog(Mode mode, const QString &name, const QStringList &roles, QWidget *parent)
    : QDialog(parent),
      m_mode(mode),
      m_name(new QLineEdit(name, this)),
      m_password(new QLineEdit(this)),
      m_repeat(new QLineEdit(this)),
      m_roles(new QLineEdit(roles.join(QStringLiteral(", ")), this)),
      m_error(new QLabel(this))
{
    setWindowTitle(mode == Mode::Add ? tr("Add a user") : mode == Mode::SetPassword ? tr("Set the password of %1").arg(name)
                                                                                    : tr("Set the roles of %1").arg(name));
    m_name->setObjectName(QStringLiteral("userName"));
    m_password->setObjectName(QStringLiteral("userPassword"));
    m_repeat->setObjectName(QStringLiteral("userPasswordRepeat"));
    m_roles->setObjectName(QStringLiteral("userRoles"));
    m_password->setEchoMode(QLineEdit::Password);
    m_repeat->setEchoMode(QLineEdit::Password);
    m_roles->setPlaceholderText(tr("Roles, separated by commas: AUTHORIZED, ADMINISTRATOR"));
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #a61b1b; }"));
    m_error->setWordWrap(true);
    m_error->hide();
    auto *form = new QFormLayout;
    if (mode == Mode::Add)
        form->addRow(tr("&Name:"), m_name);
    else
        m_name->hide();
    if (mode != Mode::SetRoles) {
        form->addRow(tr("&Password:"), m_password);
        form->addRow(tr("&Repeat:"), m_repeat);
    } else {
        m_password->hide();
        m_repeat->hide();
    }
    if (mode != Mode::SetPassword)
        form->addRow(tr("R&oles:"), m_roles);
    else
        m_roles->hide();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &UserDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    setMinimumWidth(420);
}

UserDialog::~UserDialog()
{
    // What was typed does not outlive the dialog in its fields.
    m_password->clear();
    m_repeat->clear();
}

QString UserDialog::name() const
{
    return m_name->text().trimmed();
}

QString UserDialog::password() const
{
    return m_password->text();
}

QStringList UserDialog::roles() const
{
    return UserModel::parseRoles(m_roles->text());
}

void UserDialog::accept()
{
    QString problem;
    if (m_mode == Mode::Add && name().isEmpty())
        problem = tr("Give the user a name.");
    else if (m_mode != Mode::SetRoles && m_password->text().size() < 8)
        problem = tr("A password needs at least 8 characters.");
    else if (m_mode != Mode::SetRoles && m_password->text() != m_repeat->text())
        problem = tr("The two passwords differ.");
    if (!problem.isEmpty()) {
        m_error->setText(problem);
        m_error->show();
        return;
    }
    QDialog::accept();
}

} // namespace Postern::Admin
