#pragma once

// One page of the console's main window (dashboard, services, certificates, …). A page
// shows what its models hold and turns the user's actions into ManagementClient requests;
// the logic lives in postern_admin_client. Errors from the server are shown on the page
// where the user acted (showMessage), in the server's words.

#include "managementclient.h"

#include <QWidget>

class QLabel;
class QProgressBar;
class QVBoxLayout;

namespace Postern::Admin {

class Page : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Page)

public:
    Page(ManagementClient *client, const QString &title, QWidget *parent = nullptr);

    const QString &title() const { return m_title; }
    ManagementClient *client() const { return m_client; }

    // A line at the top of the page: an error (red) or news (plain); empty hides it.
    void showMessage(const QString &message, bool error = true);
    QString message() const;

    // Whether a load is under way (a busy bar shows it).
    bool isBusy() const;

protected:
    // Shows the busy bar while `model` loads, and its load errors as the page's message.
    void track(class JsonTableModel *model);
    // The page's own content goes here, below the message line.
    QVBoxLayout *body() const { return m_body; }
    // Read-only users see no change action: pages enable theirs with this.
    virtual void updateActions() {}

private:
    ManagementClient *m_client;
    QString m_title;
    QLabel *m_message;
    QProgressBar *m_busy;
    int m_loading = 0;
    QVBoxLayout *m_body;
};

} // namespace Postern::Admin
