#include "userspage.h"

#include "tablesettings.h"
#include "userdialog.h"
#include "usermodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>

namespace Postern::Admin {

UsersPage::UsersPage(ManagementClient *client, QWidget *parent)
    : Page(client, tr("Users"), parent),
      m_model(new UserModel(client, this)),
      m_realm(new QComboBox(this)),
      m_file(new QLabel(this)),
      m_table(new QTableView(this)),
      m_add(new QPushButton(tr("&Add…"), this)),
      m_password(new QPushButton(tr("Set &password…"), this)),
      m_roles(new QPushButton(tr("Set &roles…"), this)),
      m_remove(new QPushButton(tr("Re&move"), this))
{
    setObjectName(QStringLiteral("usersPage"));
    m_realm->setObjectName(QStringLiteral("realm"));
    m_realm->setEditable(true);
    m_realm->setMinimumWidth(200);
    m_add->setObjectName(QStringLiteral("addUser"));
    m_password->setObjectName(QStringLiteral("setPassword"));
    m_roles->setObjectName(QStringLiteral("setRoles"));
    m_remove->setObjectName(QStringLiteral("removeUser"));
    m_add->setShortcut(QKeySequence::New);
    m_remove->setShortcut(QKeySequence::Delete);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Realm:"), this));
    bar->addWidget(m_realm);
    bar->addWidget(m_file, 1);
    for (QPushButton *button : {m_add, m_password, m_roles, m_remove})
        bar->addWidget(button);
    body()->addLayout(bar);

    m_table->setObjectName(QStringLiteral("userTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    TableSettings::remember(m_table, QStringLiteral("users"));
    body()->addWidget(m_table);

    connect(m_realm, &QComboBox::currentTextChanged, m_model, [this](const QString &realm) { m_model->setRealm(realm.trimmed()); });
    connect(m_add, &QPushButton::clicked, this, &UsersPage::addUser);
    connect(m_password, &QPushButton::clicked, this, &UsersPage::setPassword);
    connect(m_roles, &QPushButton::clicked, this, &UsersPage::setRoles);
    connect(m_remove, &QPushButton::clicked, this, &UsersPage::removeUser);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &UsersPage::updateActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, &UsersPage::updateActions); // the selection went with the rows
    track(m_model);
    connect(m_model, &JsonTableModel::loaded, this, [this] {
        m_file->setText(tr("  users file: %1").arg(m_model->file()));
        updateActions();
    });
    connect(client, &ManagementClient::connected, this, &UsersPage::loadRealms);
    connect(client, &ManagementClient::configChanged, this, &UsersPage::loadRealms);
    loadRealms();
    updateActions();
}

void UsersPage::loadRealms()
{
    if (!client()->isConnected())
        return;
    client()->listServices()->onFinished(this, [this](const ManagementReply &reply) {
        if (reply.isError())
            return;
        QStringList realms;
        for (const QJsonValue &service : reply.result().value(u"services").toArray())
            if (const QString realm = service.toObject().value(u"realm").toString(); !realm.isEmpty() && !realms.contains(realm))
                realms.append(realm);
        realms.sort();
        QStringList shown;
        for (int i = 0; i < m_realm->count(); ++i)
            shown.append(m_realm->itemText(i));
        if (shown == realms)
            return; // nothing new: the table and its selection stay
        const QString current = m_realm->currentText();
        m_realm->clear();
        m_realm->addItems(realms);
        m_realm->setCurrentText(current.isEmpty() || !realms.contains(current) ? realms.value(0) : current);
    });
}

QString UsersPage::selectedUser() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_model->row(rows.first().row()).value(u"name").toString();
}

void UsersPage::updateActions()
{
    const bool canChange = client()->isConnected() && !client()->isReadOnly() && !m_model->realm().isEmpty();
    const bool selected = !selectedUser().isEmpty();
    m_add->setEnabled(canChange);
    m_password->setEnabled(canChange && selected);
    m_roles->setEnabled(canChange && selected);
    m_remove->setEnabled(canChange && selected);
}

void UsersPage::whenDone(ManagementReply *reply, const QString &done)
{
    reply->onFinished(this, [this, done](const ManagementReply &answer) {
        if (!answer.isError())
            showMessage(done, false);
    });
}

void UsersPage::addUser()
{
    UserDialog dialog(UserDialog::Mode::Add, {}, {}, this);
    if (dialog.exec() == QDialog::Accepted)
        whenDone(m_model->addUser(dialog.name(), dialog.password(), dialog.roles()), tr("User '%1' was added.").arg(dialog.name()));
}

void UsersPage::setPassword()
{
    const QString user = selectedUser();
    if (user.isEmpty())
        return;
    UserDialog dialog(UserDialog::Mode::SetPassword, user, {}, this);
    if (dialog.exec() == QDialog::Accepted)
        whenDone(m_model->setPassword(user, dialog.password()), tr("The password of '%1' was set.").arg(user));
}

void UsersPage::setRoles()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const QString user = selectedUser();
    const QStringList roles = m_model->row(rows.first().row()).value(u"roles").toVariant().toStringList();
    UserDialog dialog(UserDialog::Mode::SetRoles, user, roles, this);
    if (dialog.exec() == QDialog::Accepted)
        whenDone(m_model->setRoles(user, dialog.roles()), tr("The roles of '%1' were set.").arg(user));
}

void UsersPage::removeUser()
{
    const QString user = selectedUser();
    if (user.isEmpty())
        return;
    if (QMessageBox::question(this, tr("Remove user"),
                              tr("Remove user '%1' from realm '%2'? They can no longer log in; sessions they have open stay open "
                                 "until they end or you close them.")
                                  .arg(user, m_model->realm()))
        != QMessageBox::Yes)
        return;
    whenDone(m_model->removeUser(user), tr("User '%1' was removed.").arg(user));
}

} // namespace Postern::Admin
