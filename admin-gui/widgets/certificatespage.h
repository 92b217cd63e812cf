#pragma once

// The gateway's certificates, as XCA or KeyStore Explorer would show them: a tab for the
// keystore (what the gateway presents) and one for the truststore (what it trusts), each
// entry with its names, issuer, expiry in colour and the services using it, and below the
// details of the selected entry with its chain and fingerprints. Import (button, Ctrl+I, or
// files dropped on the page), generate a self-signed key (Ctrl+N), create a CSR and install
// the CA's reply, export, rename and delete (warning about the services that use the entry).
// Every change runs with a visible progress line that can be cancelled, and a refusal is
// shown where it was asked for: in the dialog, or at the top of the page.

#include "page.h"

#include <QPointer>

class QAction;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace Postern::Admin {

class CertificateDetailsView;
class CertificateModel;
class CertificateStoreView;
class ManagementReply;

class CertificatesPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CertificatesPage)

public:
    explicit CertificatesPage(ManagementClient *client, QWidget *parent = nullptr);

    CertificateStoreView *keystoreView() const { return m_keystore; }
    CertificateStoreView *truststoreView() const { return m_truststore; }
    CertificateStoreView *currentView() const;
    QTabWidget *tabs() const { return m_tabs; }
    CertificateDetailsView *details() const { return m_details; }
    // The page's actions by object name: importCertificate, generateCertificate, createCsr,
    // installReply, exportCertificate, renameCertificate, deleteCertificate, refreshCertificates.
    QAction *action(const QString &name) const;
    // "keystore" or "truststore": shows that tab.
    void showStore(const QString &store);

    // Imports files into the shown store: what Import… does once files are chosen, and what a
    // drop does. A password is asked for when a file needs one.
    void importFiles(const QStringList &paths);

public Q_SLOTS:
    void chooseAndImport();
    void generate();
    void createCsr();
    void installReply();
    void exportSelected();
    void renameSelected();
    void deleteSelected();
    void refresh();

protected:
    void updateActions() override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragLeaveEvent(QDragLeaveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    QAction *makeAction(const QString &name, const QString &text, const QKeySequence &shortcut, const QString &tip,
                       void (CertificatesPage::*slot)());
    bool canChange() const;
    void showDetails();
    void updateStoreLine();
    void sendDelete(CertificateModel *model, const QString &alias, bool force);
    // A change sent from the page itself (delete): its progress line, which can cancel it.
    void setPending(ManagementReply *reply, const QString &text);

    CertificateStoreView *m_keystore;
    CertificateStoreView *m_truststore;
    QTabWidget *m_tabs;
    CertificateDetailsView *m_details;
    QLineEdit *m_filter;
    QLabel *m_findings;
    QLabel *m_storeLine;
    QLabel *m_busyText;
    QProgressBar *m_busyBar;
    QPushButton *m_cancel;
    QPointer<ManagementReply> m_pending;
    QList<QAction *> m_actions;
    bool m_dragging = false;
};

} // namespace Postern::Admin
