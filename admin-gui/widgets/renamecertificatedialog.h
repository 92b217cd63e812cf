#pragma once

// Gives an entry another alias. The gateway presents entries by the names in their
// certificates, not by alias, but an alias that is a host name wins for that host (SNI).

#include "operationdialog.h"

class QLineEdit;

namespace Postern::Admin {

class RenameCertificateDialog final : public OperationDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RenameCertificateDialog)

public:
    explicit RenameCertificateDialog(const QString &alias, QWidget *parent = nullptr);

    QString newAlias() const;
    void setNewAlias(const QString &alias);

protected:
    QString validate() const override;
    QString progressText() const override { return tr("Renaming…"); }

private:
    QString m_alias;
    QLineEdit *m_newAlias;
};

} // namespace Postern::Admin
