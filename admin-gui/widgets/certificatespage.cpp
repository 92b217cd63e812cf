#include "certificatespage.h"

#include "certificatedetailsview.h"
#include "certificatefile.h"
#include "certificatemodel.h"
#include "certificaterequestdialog.h"
#include "certificatestoreview.h"
#include "dialogpasswordprovider.h"
#include "exportcertificatedialog.h"
#include "generatecertificatedialog.h"
#include "importcertificatedialog.h"
#include "installreplydialog.h"
#include "renamecertificatedialog.h"

#include <QAction>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

namespace Postern::Admin {

namespace {

QStringList localFiles(const QMimeData *data)
{
    QStringList paths;
    if (!data || !data->hasUrls())
        return paths;
    for (const QUrl &url : data->urls()) {
        if (!url.isLocalFile())
            return {};
        paths.append(url.toLocalFile());
    }
    return paths;
}

} // namespace

CertificatesPage::CertificatesPage(ManagementClient *client, QWidget *parent)
    : Page(client, tr("Certificates"), parent),
      m_keystore(new CertificateStoreView(client, CertificateModel::kKeystore, this)),
      m_truststore(new CertificateStoreView(client, CertificateModel::kTruststore, this)),
      m_tabs(new QTabWidget(this)),
      m_details(new CertificateDetailsView(this)),
      m_filter(new QLineEdit(this)),
      m_findings(new QLabel(this)),
      m_storeLine(new QLabel(this)),
      m_busyText(new QLabel(this)),
      m_busyBar(new QProgressBar(this)),
      m_cancel(new QPushButton(tr("Cancel"), this))
{
    setObjectName(QStringLiteral("certificatesPage"));
    setAcceptDrops(true);

    auto *toolbar = new QToolBar(this);
    toolbar->setObjectName(QStringLiteral("certificateTools"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setIconSize(QSize(16, 16));
    const auto icon = [this](QStyle::StandardPixmap pixmap) { return style()->standardIcon(pixmap); };
    toolbar->addAction(makeAction(QStringLiteral("importCertificate"), tr("&Import…"), QKeySequence(tr("Ctrl+I")),
                                 tr("Import a PEM, DER or PKCS#12 file (you can also drop files on this page)"),
                                 &CertificatesPage::chooseAndImport));
    m_actions.last()->setIcon(icon(QStyle::SP_DialogOpenButton));
    toolbar->addAction(makeAction(QStringLiteral("generateCertificate"), tr("&Generate…"), QKeySequence(tr("Ctrl+N")),
                                 tr("Make a new key with a self-signed certificate"), &CertificatesPage::generate));
    m_actions.last()->setIcon(icon(QStyle::SP_FileIcon));
    toolbar->addAction(makeAction(QStringLiteral("createCsr"), tr("Create &CSR…"), QKeySequence(tr("Ctrl+R")),
                                 tr("Make a certificate signing request for a certificate authority"), &CertificatesPage::createCsr));
    m_actions.last()->setIcon(icon(QStyle::SP_FileDialogDetailedView));
    toolbar->addAction(makeAction(QStringLiteral("installReply"), tr("Install &reply…"), QKeySequence(tr("Ctrl+Shift+I")),
                                 tr("Install the certificate a CA sent for a request made here"), &CertificatesPage::installReply));
    m_actions.last()->setIcon(icon(QStyle::SP_DialogApplyButton));
    toolbar->addSeparator();
    toolbar->addAction(makeAction(QStringLiteral("exportCertificate"), tr("&Export…"), QKeySequence(tr("Ctrl+E")),
                                 tr("Save the selected entry's certificate, chain or key to a file"), &CertificatesPage::exportSelected));
    m_actions.last()->setIcon(icon(QStyle::SP_DialogSaveButton));
    toolbar->addAction(makeAction(QStringLiteral("renameCertificate"), tr("Re&name…"), QKeySequence(Qt::Key_F2),
                                 tr("Give the selected entry another alias"), &CertificatesPage::renameSelected));
    toolbar->addAction(makeAction(QStringLiteral("deleteCertificate"), tr("&Delete"), QKeySequence(QKeySequence::Delete),
                                 tr("Delete the selected entry"), &CertificatesPage::deleteSelected));
    m_actions.last()->setIcon(icon(QStyle::SP_TrashIcon));
    toolbar->addSeparator();
    toolbar->addAction(makeAction(QStringLiteral("refreshCertificates"), tr("Re&fresh"), QKeySequence(QKeySequence::Refresh),
                                 tr("Load the stores again"), &CertificatesPage::refresh));
    m_actions.last()->setIcon(icon(QStyle::SP_BrowserReload));

    m_filter->setObjectName(QStringLiteral("certificateFilter"));
    m_filter->setPlaceholderText(tr("Filter: alias, name, issuer, service… (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMinimumWidth(220);
    auto *find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    connect(find, &QAction::triggered, m_filter, [this] { m_filter->setFocus(Qt::ShortcutFocusReason); m_filter->selectAll(); });
    QWidget::addAction(find);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_keystore->setFilter(text);
        m_truststore->setFilter(text);
    });
    auto *bar = new QHBoxLayout;
    bar->addWidget(toolbar, 1);
    bar->addWidget(m_filter);
    body()->addLayout(bar);

    m_findings->setObjectName(QStringLiteral("storeFindings"));
    m_findings->setWordWrap(true);
    m_findings->setTextFormat(Qt::PlainText);
    m_findings->setStyleSheet(QStringLiteral("QLabel { color: #8a4b00; background: #fff4dc; padding: 6px; border-radius: 3px; }"));
    m_findings->hide();
    body()->addWidget(m_findings);

    m_tabs->setObjectName(QStringLiteral("stores"));
    m_tabs->addTab(m_keystore, tr("Keystore"));
    m_tabs->addTab(m_truststore, tr("Truststore"));
    m_tabs->setTabToolTip(0, tr("The certificates the gateway presents to clients, each with its private key"));
    m_tabs->setTabToolTip(1, tr("The CA certificates the gateway trusts for client certificates"));
    m_details->showPlaceholder(tr("Select an entry to see its certificate, chain and fingerprints."));
    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("certificateSplitter"));
    splitter->addWidget(m_tabs);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    body()->addWidget(splitter, 1);

    m_storeLine->setObjectName(QStringLiteral("storeLine"));
    m_storeLine->setTextFormat(Qt::PlainText);
    m_storeLine->setStyleSheet(QStringLiteral("QLabel { color: #555; }"));
    // A long path must not widen the window: the line is cut instead (the tooltip has it whole).
    m_storeLine->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_busyText->setObjectName(QStringLiteral("pageProgress"));
    m_busyBar->setRange(0, 0);
    m_busyBar->setTextVisible(false);
    m_busyBar->setMaximumWidth(140);
    m_busyBar->setMaximumHeight(12);
    m_cancel->setObjectName(QStringLiteral("cancelPending"));
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_storeLine, 1);
    bottom->addWidget(m_busyText);
    bottom->addWidget(m_busyBar);
    bottom->addWidget(m_cancel);
    body()->addLayout(bottom);
    m_busyText->hide();
    m_busyBar->hide();
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_pending)
            m_pending->cancel();
    });

    for (CertificateStoreView *view : {m_keystore, m_truststore}) {
        view->table()->setContextMenuPolicy(Qt::ActionsContextMenu);
        view->table()->addActions(m_actions);
        connect(view, &CertificateStoreView::selectionChanged, this, [this, view] {
            if (view == currentView()) {
                showDetails();
                updateActions();
            }
        });
        CertificateModel *model = view->model();
        const int tab = view == m_keystore ? 0 : 1;
        const auto retitle = [this, model, tab] {
            const QString name = tab == 0 ? tr("Keystore") : tr("Truststore");
            m_tabs->setTabText(tab, !model->isConfigured() ? tr("%1 (none)").arg(name)
                                                           : tr("%1 (%2)").arg(name).arg(model->rowCount()));
            updateStoreLine();
            updateActions();
        };
        connect(model, &QAbstractItemModel::modelReset, this, retitle);
        connect(model, &CertificateModel::configuredChanged, this, retitle);
        connect(model, &JsonTableModel::loadingChanged, this, [this] { updateStoreLine(); });
        connect(model, &JsonTableModel::errorChanged, this, [this, model](const QString &message) {
            // A store the configuration does not name is said in its tab, not as an error.
            if (!message.isEmpty() && model->isConfigured())
                showMessage(tr("The %1 could not be loaded: %2").arg(model->store(), message));
        });
    }
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        showDetails();
        updateStoreLine();
        updateActions();
    });
    updateStoreLine();
    updateActions();
}

QAction *CertificatesPage::makeAction(const QString &name, const QString &text, const QKeySequence &shortcut, const QString &tip,
                                     void (CertificatesPage::*slot)())
{
    auto *action = new QAction(text, this);
    action->setObjectName(name);
    action->setShortcut(shortcut);
    // A window shortcut of a hidden page does not fire: other pages keep their own Del and Ctrl+N.
    action->setShortcutContext(Qt::WindowShortcut);
    action->setToolTip(QStringLiteral("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
    action->setStatusTip(tip);
    connect(action, &QAction::triggered, this, slot);
    QWidget::addAction(action);
    m_actions.append(action);
    return action;
}

QAction *CertificatesPage::action(const QString &name) const
{
    for (QAction *action : m_actions)
        if (action->objectName() == name)
            return action;
    return nullptr;
}

CertificateStoreView *CertificatesPage::currentView() const
{
    return m_tabs->currentWidget() == m_truststore ? m_truststore : m_keystore;
}

void CertificatesPage::showStore(const QString &store)
{
    m_tabs->setCurrentWidget(store == CertificateModel::kTruststore ? m_truststore : m_keystore);
}

bool CertificatesPage::canChange() const
{
    return client()->isConnected() && !client()->isReadOnly();
}

void CertificatesPage::updateActions()
{
    const CertificateStoreView *view = currentView();
    const CertificateModel *model = view->model();
    const bool change = canChange() && model->isConfigured() && !m_pending;
    const bool keystore = model->isKeystore();
    const QJsonObject entry = view->selectedEntry();
    const bool selected = !entry.isEmpty();
    const QString readOnly = tr("You may read but not change this gateway's certificates.");
    const auto set = [this, readOnly](const QString &name, bool enabled, const QString &why = {}) {
        QAction *a = action(name);
        a->setEnabled(enabled);
        const QString tip = a->statusTip() + QStringLiteral(" (%1)").arg(a->shortcut().toString(QKeySequence::NativeText));
        a->setToolTip(enabled ? tip : !client()->isConnected() ? tip : client()->isReadOnly() ? readOnly : why.isEmpty() ? tip : why);
    };
    const QString keystoreOnly = tr("Keys live in the keystore: switch to its tab.");
    set(QStringLiteral("importCertificate"), change);
    set(QStringLiteral("generateCertificate"), change && keystore, keystoreOnly);
    set(QStringLiteral("createCsr"), change && keystore, keystoreOnly);
    set(QStringLiteral("installReply"), change && keystore && !model->keyAliases().isEmpty(), keystoreOnly);
    // Exporting can carry a key: the gateway allows it to administrators only.
    set(QStringLiteral("exportCertificate"), change && selected, tr("Select an entry first."));
    set(QStringLiteral("renameCertificate"), change && selected, tr("Select an entry first."));
    set(QStringLiteral("deleteCertificate"), change && selected, tr("Select an entry first."));
    action(QStringLiteral("refreshCertificates"))->setEnabled(client()->isConnected());
}

void CertificatesPage::showDetails()
{
    CertificateStoreView *view = currentView();
    const QJsonObject entry = view->selectedEntry();
    if (!view->model()->isConfigured())
        m_details->showPlaceholder(QString());
    else if (entry.isEmpty())
        m_details->showPlaceholder(tr("Select an entry to see its certificate, chain and fingerprints."));
    else
        m_details->setEntry(entry, view->model()->isKeystore(), view->model()->expiringWithinDays());
}

void CertificatesPage::updateStoreLine()
{
    if (m_dragging)
        return; // the line says where a drop goes
    const CertificateModel *model = currentView()->model();
    QString line;
    if (model->isLoading())
        line = tr("Loading the %1…").arg(model->store());
    else if (!model->file().isEmpty())
        line = tr("%1 on the gateway: %2 — %3. Drop PEM, DER or PKCS#12 files here to import them.")
                   .arg(model->isKeystore() ? tr("Keystore") : tr("Truststore"), model->file(),
                        model->rowCount() == 1 ? tr("1 entry") : tr("%1 entries").arg(model->rowCount()));
    m_storeLine->setText(line);
    m_storeLine->setToolTip(model->file());

    QStringList findings;
    for (const QJsonValue &finding : model->generalFindings())
        findings.append(finding.toObject().value(u"message").toString());
    m_findings->setText(findings.join(u'\n'));
    m_findings->setVisible(!findings.isEmpty());
}

void CertificatesPage::refresh()
{
    m_keystore->model()->refresh();
    m_truststore->model()->refresh();
}

void CertificatesPage::setPending(ManagementReply *reply, const QString &text)
{
    m_pending = reply;
    m_busyText->setText(text);
    for (QWidget *widget : {static_cast<QWidget *>(m_busyText), static_cast<QWidget *>(m_busyBar), static_cast<QWidget *>(m_cancel)})
        widget->show();
    updateActions();
    reply->onFinished(this, [this](const ManagementReply &) {
        m_pending = nullptr;
        for (QWidget *widget : {static_cast<QWidget *>(m_busyText), static_cast<QWidget *>(m_busyBar), static_cast<QWidget *>(m_cancel)})
            widget->hide();
        updateActions();
    });
}

void CertificatesPage::chooseAndImport()
{
    if (!action(QStringLiteral("importCertificate"))->isEnabled())
        return;
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Import into the %1").arg(currentView()->model()->store()), QString(),
        tr("Certificates and keys (*.pem *.crt *.cer *.der *.key *.p12 *.pfx);;All files (*)"));
    if (!paths.isEmpty())
        importFiles(paths);
}

void CertificatesPage::importFiles(const QStringList &paths)
{
    CertificateStoreView *view = currentView();
    CertificateModel *model = view->model();
    const QString store = model->store();
    if (!canChange()) {
        showMessage(client()->isConnected() ? tr("Nothing was imported: you may read but not change this gateway's certificates.")
                                            : tr("Nothing was imported: the console is not connected to a gateway."));
        return;
    }
    if (!model->isConfigured()) {
        showMessage(tr("Nothing was imported: this gateway has no %1.").arg(store));
        return;
    }
    auto file = CertificateFile::read(paths);
    if (!file) {
        showMessage(tr("Nothing was imported: %1").arg(file.error()));
        return;
    }
    DialogPasswordProvider passwords(this);
    if (const auto unlocked = file->unlock(&passwords); !unlocked) {
        showMessage(unlocked.error());
        return;
    }
    // Said before asking for an alias: a file that cannot go into this store at all.
    if (const auto fits = file->importParams(store, QStringLiteral("check"), false); !fits) {
        showMessage(tr("Nothing was imported: %1").arg(fits.error()));
        return;
    }
    ImportCertificateDialog dialog(store, file->name(), file->summary(), file->suggestedAlias(), this);
    dialog.setOperation(
        [&]() -> std::expected<ManagementReply *, QString> {
            const auto params = file->importParams(store, dialog.alias(), dialog.replace());
            if (!params)
                return std::unexpected(params.error());
            return model->importEntries(*params);
        },
        tr("Nothing was imported"));
    const bool imported = dialog.exec() == QDialog::Accepted;
    file->forgetPassword();
    if (!imported)
        return;
    QStringList aliases;
    for (const QJsonValue &entry : dialog.result().value(u"entries").toArray())
        aliases.append(entry.toObject().value(u"alias").toString());
    view->select(aliases.value(0));
    showMessage(tr("Imported %1 into the %2.").arg(aliases.join(QStringLiteral(", ")), store), false);
}

void CertificatesPage::generate()
{
    if (!action(QStringLiteral("generateCertificate"))->isEnabled())
        return;
    GenerateCertificateDialog dialog(this);
    dialog.setOperation(
        [&] {
            return m_keystore->model()->generate(dialog.alias(), dialog.commonName(), dialog.dnsNames(), dialog.ipAddresses(),
                                                 dialog.days(), dialog.keyType(), dialog.replace());
        },
        tr("The key was not generated"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_keystore->select(dialog.alias());
    showMessage(tr("Generated “%1”: a new key with a self-signed certificate, valid for %2. Browsers warn about it until it "
                   "is trusted; for production, create a CSR instead.")
                    .arg(dialog.alias(), CertificateModel::days(dialog.days())),
                false);
}

void CertificatesPage::createCsr()
{
    if (!action(QStringLiteral("createCsr"))->isEnabled())
        return;
    CertificateRequestDialog dialog(m_keystore->model()->keyAliases(), m_keystore->selectedAlias(), this);
    dialog.setOperation(
        [&] {
            return m_keystore->model()->requestCertificate(dialog.alias(), dialog.commonName(), dialog.dnsNames(),
                                                           dialog.ipAddresses(), dialog.keyType());
        },
        tr("No request was made"));
    dialog.exec();
    if (dialog.csr().isEmpty())
        return;
    m_keystore->select(dialog.alias());
    showMessage(tr("A request for the key of “%1” was made. Once your CA signs it, install its reply (Install reply…).")
                    .arg(dialog.alias()),
                false);
}

void CertificatesPage::installReply()
{
    if (!action(QStringLiteral("installReply"))->isEnabled())
        return;
    CertificateModel *model = m_keystore->model();
    InstallReplyDialog dialog(model->keyAliases(), m_keystore->selectedAlias(), this);
    dialog.setOperation(
        [&]() -> std::expected<ManagementReply *, QString> {
            const auto reply = CertificateFile::readBytes(dialog.replyPath());
            if (!reply)
                return std::unexpected(reply.error());
            QByteArray issuers;
            if (!dialog.issuersPath().isEmpty()) {
                const auto read = CertificateFile::readBytes(dialog.issuersPath());
                if (!read)
                    return std::unexpected(read.error());
                issuers = *read;
            }
            return model->installReply(dialog.alias(), *reply, issuers);
        },
        tr("The reply was not installed"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_keystore->select(dialog.alias());
    const QJsonObject certificate = dialog.result().value(u"certificate").toObject();
    showMessage(tr("The CA's reply was installed on “%1”: its certificate is now issued by %2, valid until %3.")
                    .arg(dialog.alias(), certificate.value(u"issuer").toString(), CertificateModel::expiryText(certificate)),
                false);
}

void CertificatesPage::exportSelected()
{
    if (!action(QStringLiteral("exportCertificate"))->isEnabled())
        return;
    CertificateStoreView *view = currentView();
    const QJsonObject entry = view->selectedEntry();
    const QString alias = entry.value(u"alias").toString();
    ExportCertificateDialog dialog(alias, entry.value(u"hasPrivateKey").toBool(), this);
    dialog.setOperation([&] { return view->model()->exportEntry(alias, dialog.format(), dialog.chain(), dialog.password()); },
                        tr("Nothing was exported"));
    if (dialog.exec() != QDialog::Accepted)
        return;
    showMessage(dialog.format() == u"pkcs12"
                    ? tr("Exported “%1” with its private key to %2 (readable by you only). Keep it, and its password, safe.")
                          .arg(alias, dialog.path())
                    : tr("Exported “%1” to %2.").arg(alias, dialog.path()),
                false);
}

void CertificatesPage::renameSelected()
{
    if (!action(QStringLiteral("renameCertificate"))->isEnabled())
        return;
    CertificateStoreView *view = currentView();
    const QString alias = view->selectedAlias();
    RenameCertificateDialog dialog(alias, this);
    dialog.setOperation([&] { return view->model()->rename(alias, dialog.newAlias()); }, tr("“%1” was not renamed").arg(alias));
    if (dialog.exec() != QDialog::Accepted)
        return;
    view->select(dialog.newAlias());
    showMessage(tr("“%1” is now “%2”.").arg(alias, dialog.newAlias()), false);
}

void CertificatesPage::deleteSelected()
{
    if (!action(QStringLiteral("deleteCertificate"))->isEnabled())
        return;
    CertificateStoreView *view = currentView();
    const QJsonObject entry = view->selectedEntry();
    const QString alias = entry.value(u"alias").toString();
    const QString store = view->model()->store();
    const QStringList usedBy = entry.value(u"usedBy").toVariant().toStringList();
    QMessageBox box(this);
    box.setWindowTitle(tr("Delete a certificate"));
    QPushButton *confirm = nullptr;
    if (!usedBy.isEmpty()) {
        box.setIcon(QMessageBox::Warning);
        box.setText(tr("“%1” is in use by the service(s) %2.", nullptr, int(usedBy.size())).arg(alias, usedBy.join(QStringLiteral(", "))));
        box.setInformativeText(tr("Deleted, those services present another certificate of the keystore to new connections, "
                                  "or none (then the gateway refuses to delete it). Clients that expect this certificate will "
                                  "fail to connect. Connections open now are not affected."));
        confirm = box.addButton(tr("Delete anyway"), QMessageBox::DestructiveRole);
    } else {
        box.setIcon(QMessageBox::Question);
        box.setText(tr("Delete “%1” from the %2?").arg(alias, store));
        box.setInformativeText(entry.value(u"hasPrivateKey").toBool()
                                   ? tr("Its private key goes with it, unless you exported it. The gateway keeps the previous %1 "
                                        "as a backup (.bak) beside it.").arg(store)
                                   : tr("The gateway keeps the previous %1 as a backup (.bak) beside it.").arg(store));
        confirm = box.addButton(tr("Delete"), QMessageBox::DestructiveRole);
    }
    confirm->setObjectName(QStringLiteral("confirmDelete"));
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    if (box.clickedButton() != confirm)
        return;
    sendDelete(view->model(), alias, !usedBy.isEmpty());
}

// The store is the one asked about, even if another tab is shown by the time of a retry.
void CertificatesPage::sendDelete(CertificateModel *model, const QString &alias, bool force)
{
    ManagementReply *reply = model->remove(alias, force);
    setPending(reply, tr("Deleting “%1”…").arg(alias));
    reply->onFinished(this, [this, alias, force, model](const ManagementReply &answer) {
        if (!answer.isError()) {
            showMessage(tr("“%1” was deleted from the %2.").arg(alias, model->store()), false);
            return;
        }
        if (answer.error().code == u"conflict" && !force) {
            // The list was older than the gateway's view: it says the entry is in use.
            QMessageBox box(this);
            box.setIcon(QMessageBox::Warning);
            box.setWindowTitle(tr("Delete a certificate"));
            box.setText(tr("The gateway did not delete “%1”: %2").arg(alias, answer.error().message));
            QPushButton *anyway = box.addButton(tr("Delete anyway"), QMessageBox::DestructiveRole);
            anyway->setObjectName(QStringLiteral("confirmDelete"));
            box.addButton(QMessageBox::Cancel);
            box.setDefaultButton(QMessageBox::Cancel);
            box.exec();
            if (box.clickedButton() == anyway)
                sendDelete(model, alias, true);
            return;
        }
        showMessage(CertificateModel::explain(answer, tr("“%1” was not deleted").arg(alias)));
    });
}

void CertificatesPage::dragEnterEvent(QDragEnterEvent *event)
{
    const CertificateModel *model = currentView()->model();
    if (localFiles(event->mimeData()).isEmpty() || !canChange() || !model->isConfigured())
        return; // refused: the cursor says so
    event->acceptProposedAction();
    m_dragging = true;
    m_storeLine->setText(tr("Drop to import into the %1.").arg(model->store()));
    m_storeLine->setStyleSheet(QStringLiteral("QLabel { color: #1b4f9c; font-weight: bold; }"));
}

void CertificatesPage::dragLeaveEvent(QDragLeaveEvent *event)
{
    m_dragging = false;
    m_storeLine->setStyleSheet(QStringLiteral("QLabel { color: #555; }"));
    updateStoreLine();
    Page::dragLeaveEvent(event);
}

void CertificatesPage::dropEvent(QDropEvent *event)
{
    const QStringList paths = localFiles(event->mimeData());
    m_dragging = false;
    m_storeLine->setStyleSheet(QStringLiteral("QLabel { color: #555; }"));
    updateStoreLine();
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    // The drop's own event must end before dialogs open.
    QMetaObject::invokeMethod(this, [this, paths] { importFiles(paths); }, Qt::QueuedConnection);
}

} // namespace Postern::Admin
