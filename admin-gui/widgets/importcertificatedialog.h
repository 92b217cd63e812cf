#pragma once

// Confirms an import before it is sent: which file, what it holds (read here, after its
// password if it needed one), into which store, under which alias, and whether an entry of
// that alias may be replaced.

#include "operationdialog.h"

class QCheckBox;
class QLineEdit;

namespace Postern::Admin {

class ImportCertificateDialog final : public OperationDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ImportCertificateDialog)

public:
    // `storeName`: "keystore" or "truststore"; `fileName` and `summary` from CertificateFile.
    ImportCertificateDialog(const QString &storeName, const QString &fileName, const QString &summary,
                            const QString &suggestedAlias, QWidget *parent = nullptr);

    QString alias() const;
    void setAlias(const QString &alias);
    bool replace() const;
    void setReplace(bool replace);

protected:
    QString validate() const override;
    QString progressText() const override { return tr("Importing…"); }

private:
    QLineEdit *m_alias;
    QCheckBox *m_replace;
};

} // namespace Postern::Admin
