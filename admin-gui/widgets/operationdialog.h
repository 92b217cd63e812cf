#pragma once

// The base of dialogs that ask for what one management request needs and then send it
// (generate a key, import a file, export an entry…): OK checks what can be checked here,
// sends the request, and shows that it runs (a busy bar; Cancel stops waiting for it). The
// dialog closes when the gateway says it is done; when the gateway refuses, the reason shows
// in the dialog, beside what the user typed, so it can be corrected and sent again.

#include "managementreply.h"

#include <QDialog>
#include <QJsonObject>
#include <QPointer>

#include <expected>
#include <functional>

class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QProgressBar;
class QPushButton;
class QVBoxLayout;

namespace Postern::Admin {

class OperationDialog : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OperationDialog)

public:
    // Sends the request; or says why it was not sent (a file that could not be read).
    using Operation = std::function<std::expected<ManagementReply *, QString>()>;

    OperationDialog(const QString &title, QWidget *parent = nullptr);

    // What OK does. `failed` opens the message of a refusal: "The key was not generated".
    void setOperation(Operation operation, const QString &failed);

    // The reason shown (empty when none is), and whether a request is under way.
    QString error() const;
    bool isBusy() const { return bool(m_reply); }
    QPushButton *okButton() const;
    // The last answer's result, once it worked.
    const QJsonObject &result() const { return m_result; }

public Q_SLOTS:
    // Checks (validate()) and sends; the dialog is accepted once the gateway agreed.
    void accept() override;
    // While a request runs: stops waiting for it (the gateway may still do it). Otherwise
    // closes the dialog.
    void reject() override;

protected:
    // Rows of the dialog's form, above the reason and the progress line.
    QFormLayout *form() const { return m_form; }
    QVBoxLayout *extra() const { return m_extra; }
    QDialogButtonBox *buttons() const { return m_buttons; }
    // What is wrong with the input, in a sentence; empty when it can be sent.
    virtual QString validate() const { return {}; }
    // What the progress line says while the request runs.
    virtual QString progressText() const { return tr("Waiting for the gateway…"); }
    // The gateway agreed: the default closes the dialog. An error keeps it open and shows it.
    virtual std::expected<void, QString> succeeded(const QJsonObject &result);
    void showError(const QString &message);
    // Input widgets are disabled while a request runs.
    virtual void setInputEnabled(bool enabled);

private:
    void setBusy(bool busy);

    QFormLayout *m_form;
    QVBoxLayout *m_extra;
    QLabel *m_error;
    QLabel *m_progressText;
    QProgressBar *m_progress;
    QDialogButtonBox *m_buttons;
    Operation m_operation;
    QString m_failed;
    QPointer<ManagementReply> m_reply;
    QJsonObject m_result;
};

} // namespace Postern::Admin
