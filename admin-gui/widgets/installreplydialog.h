#pragma once

// Installs a certificate authority's reply onto the key it was requested for: the entry,
// the CA's certificate file, and the file of the CA's own chain when the reply does not
// carry it. The gateway refuses a reply made for another key, and says so here.

#include "operationdialog.h"

class QComboBox;
class QLineEdit;

namespace Postern::Admin {

class InstallReplyDialog final : public OperationDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InstallReplyDialog)

public:
    InstallReplyDialog(const QStringList &keyAliases, const QString &selected, QWidget *parent = nullptr);

    QString alias() const;
    QString replyPath() const;
    QString issuersPath() const;
    void setReplyPath(const QString &path);
    void setIssuersPath(const QString &path);

protected:
    QString validate() const override;
    QString progressText() const override { return tr("Installing the reply…"); }

private:
    QLineEdit *fileRow(const QString &label, const QString &name, const QString &placeholder);

    QComboBox *m_alias;
    QLineEdit *m_reply;
    QLineEdit *m_issuers;
};

} // namespace Postern::Admin
