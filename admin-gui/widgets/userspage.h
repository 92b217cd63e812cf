#pragma once

// Users of a realm whose login module is a users file: the list, and add, set password,
// set roles, remove. The realm is chosen from those the services name (or typed).

#include "page.h"

class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace Postern::Admin {

class UserModel;

class UsersPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UsersPage)

public:
    explicit UsersPage(ManagementClient *client, QWidget *parent = nullptr);

    UserModel *model() const { return m_model; }
    QComboBox *realmChooser() const { return m_realm; }
    QTableView *table() const { return m_table; }
    // The selected user's name; empty when none is selected.
    QString selectedUser() const;

protected:
    void updateActions() override;

private:
    void loadRealms();
    void addUser();
    void setPassword();
    void setRoles();
    void removeUser();
    void whenDone(ManagementReply *reply, const QString &done);

    UserModel *m_model;
    QComboBox *m_realm;
    QLabel *m_file;
    QTableView *m_table;
    QPushButton *m_add;
    QPushButton *m_password;
    QPushButton *m_roles;
    QPushButton *m_remove;
};

} // namespace Postern::Admin
