// The certificates page against a real posternd, under QT_QPA_PLATFORM=offscreen: what the
// keystore shows of the gateway's own entry, and every change an administrator makes from the
// page (import with a password, generate, CSR → CA → reply, export, rename, delete), checked
// on the gateway — the TLS handshake included; the truststore tab before and after the
// configuration names one; what a read-only user may do; and the errors a user can run into,
// shown where they acted. Dialogs are answered when they show, from inside their own event
// loop; files are given to the page directly (importFiles) or dropped on it, never through a
// native file dialog.

#include "certificatedetailsview.h"
#include "certificatemodel.h"
#include "certificaterequestdialog.h"
#include "certificatespage.h"
#include "certificatestoreview.h"
#include "dialoganswerer.h"
#include "exportcertificatedialog.h"
#include "generatecertificatedialog.h"
#include "importcertificatedialog.h"
#include "installreplydialog.h"
#include "managementclient.h"
#include "passworddialog.h"
#include "renamecertificatedialog.h"
#include "testgateway.h"
#include "tls/keystore.h"
#include "tls/opensslhandles.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QLineEdit>
#include <QMessageBox>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QSslSocket>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <QtTest>

#include <openssl/pem.h>

using namespace Postern;
using Admin::CertificateModel;
using Admin::CertificatesPage;
using Admin::ManagementClient;
using Admin::ManagementReply;
using Testing::answerNextDialog;

namespace {

void writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(data) != data.size())
        qFatal("cannot write %s", qPrintable(path));
}

QByteArray pkcs12Of(const Tls::KeystoreEntry &entry, const QByteArray &password)
{
    Tls::Keystore single;
    single.insert(entry);
    return *single.toPkcs12(password);
}

} // namespace

class TestCertificatesPage : public QObject
{
    Q_OBJECT

private:
    Testing::TestGateway m_gateway;
    QTemporaryDir m_dir;
    std::unique_ptr<ManagementClient> m_client;
    std::unique_ptr<QWidget> m_window;
    CertificatesPage *m_page = nullptr;

    std::unique_ptr<ManagementClient> connectAs(const QString &user, const QString &password)
    {
        auto client = std::make_unique<ManagementClient>();
        QSignalSpy connected(client.get(), &ManagementClient::connected);
        client->open(m_gateway.managementUrl(), m_gateway.connectOptions(user, password));
        if (!connected.wait(20000))
            qWarning() << "not connected:" << client->lastOutcome().message;
        return client;
    }

    CertificateModel *keystore() const { return m_page->keystoreView()->model(); }
    CertificateModel *truststore() const { return m_page->truststoreView()->model(); }

    QString path(const QString &name) const { return m_dir.filePath(name); }

    // The model's display text of `alias`'s row in `column`.
    static QString cell(CertificateModel *model, const QString &alias, int column, int role = Qt::DisplayRole)
    {
        const int row = model->find(QStringLiteral("alias"), alias);
        return row < 0 ? QString() : model->data(model->index(row, column), role).toString();
    }

    void selectInKeystore(const QString &alias)
    {
        m_page->showStore(CertificateModel::kKeystore);
        QTRY_VERIFY_WITH_TIMEOUT(keystore()->find(QStringLiteral("alias"), alias) >= 0, 15000);
        m_page->keystoreView()->select(alias);
        QCOMPARE(m_page->keystoreView()->selectedAlias(), alias);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("postern-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_certificatespage"));
        // Column layouts are remembered: each run starts from none.
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
        QVERIFY(m_gateway.start());
        m_client = connectAs(Testing::TestGateway::kAdmin, m_gateway.adminPassword());
        QVERIFY(m_client->isConnected());
        m_window = std::make_unique<QWidget>();
        auto *layout = new QVBoxLayout(m_window.get());
        m_page = new CertificatesPage(m_client.get(), m_window.get());
        layout->addWidget(m_page);
        m_window->resize(1100, 760);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        QTRY_VERIFY_WITH_TIMEOUT(keystore()->rowCount() >= 1, 15000);
        // Beside the console's navigation it must fit a laptop's screen.
        QVERIFY2(m_page->minimumSizeHint().width() <= 1000, qPrintable(QString::number(m_page->minimumSizeHint().width())));
    }

    void cleanupTestCase()
    {
        m_window.reset();
        m_client.reset();
    }

    void keystoreShowsTheGatewaysEntry()
    {
        CertificateModel *model = keystore();
        const QString alias = QStringLiteral("localhost");
        QVERIFY(model->find(QStringLiteral("alias"), alias) >= 0);
        QVERIFY(cell(model, alias, CertificateModel::Names).contains(u"localhost"));
        QVERIFY(cell(model, alias, CertificateModel::Names).contains(u"127.0.0.1"));
        QCOMPARE(cell(model, alias, CertificateModel::Issuer), QStringLiteral("Postern Test CA"));
        QCOMPARE(cell(model, alias, CertificateModel::Key), QStringLiteral("EC P-256"));
        QVERIFY(cell(model, alias, CertificateModel::UsedBy).contains(u"management"));
        // The test CA signs for 30 days: within the 30 days that count as expiring, and coloured so.
        QCOMPARE(cell(model, alias, CertificateModel::Expires, CertificateModel::StatusRole), CertificateModel::kExpiring);
        const int row = model->find(QStringLiteral("alias"), alias);
        QVERIFY(model->data(model->index(row, CertificateModel::Expires), Qt::BackgroundRole).value<QBrush>().color().isValid());
        QVERIFY(cell(model, alias, CertificateModel::Expires).contains(u"day"));
        QCOMPARE(m_page->tabs()->tabText(0), QStringLiteral("Keystore (1)"));

        // Its details: the chain up to the CA, and the fingerprints.
        selectInKeystore(alias);
        const QString details = m_page->details()->toPlainText();
        const QJsonObject entry = model->entry(alias);
        QVERIFY2(details.contains(u"Presented by the services management"), qPrintable(details));
        QVERIFY(details.contains(u"SHA-256") && details.contains(u"SHA-1"));
        QVERIFY(details.contains(entry.value(u"certificate").toObject().value(u"sha256").toString().left(47)));
        QVERIFY(details.contains(u"Chain: its issuer"));
        QVERIFY(details.contains(u"Postern Test CA"));
        QVERIFY(m_page->action(QStringLiteral("deleteCertificate"))->isEnabled());
    }

    void errorsOfFilesAreSaidOnThePage()
    {
        m_page->showStore(CertificateModel::kKeystore);
        // A certificate without its key cannot go into the keystore.
        writeFile(path(QStringLiteral("ca.pem")), m_gateway.caCertificate().toPem());
        m_page->importFiles({path(QStringLiteral("ca.pem"))});
        QVERIFY2(m_page->message().contains(u"no private key"), qPrintable(m_page->message()));
        // A request is not a certificate.
        writeFile(path(QStringLiteral("request.csr")), "-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n-----END CERTIFICATE REQUEST-----\n");
        m_page->importFiles({path(QStringLiteral("request.csr"))});
        QVERIFY2(m_page->message().contains(u"certificate signing request"), qPrintable(m_page->message()));
        // Neither PEM, DER nor PKCS#12.
        writeFile(path(QStringLiteral("notes.txt")), "hello");
        m_page->importFiles({path(QStringLiteral("notes.txt"))});
        QVERIFY2(m_page->message().contains(u"not a certificate or key file"), qPrintable(m_page->message()));
    }

    void importPkcs12AsksForThePassword()
    {
        const Tls::KeystoreEntry entry = m_gateway.pki().serverEntry(QStringLiteral("imported.test"), {QStringLiteral("imported.test")});
        writeFile(path(QStringLiteral("imported.p12")), pkcs12Of(entry, "import-pw"));
        // A wrong password first: asked again, saying so, before anything is sent.
        QString firstPurpose, secondPurpose, summary, suggested;
        answerNextDialog<Admin::PasswordDialog>([&](Admin::PasswordDialog *dialog) {
            firstPurpose = dialog->purpose();
            answerNextDialog<Admin::PasswordDialog>([&](Admin::PasswordDialog *again) {
                secondPurpose = again->purpose();
                again->setPassword(QStringLiteral("import-pw"));
                again->accept();
            });
            dialog->setPassword(QStringLiteral("wrong"));
            dialog->accept();
        });
        answerNextDialog<Admin::ImportCertificateDialog>([&](Admin::ImportCertificateDialog *dialog) {
            summary = dialog->findChild<QLabel *>(QStringLiteral("importSummary"))->text();
            suggested = dialog->alias();
            dialog->accept();
        });
        m_page->importFiles({path(QStringLiteral("imported.p12"))});
        QVERIFY2(firstPurpose.contains(u"imported.p12"), qPrintable(firstPurpose));
        QVERIFY2(secondPurpose.contains(u"wrong"), qPrintable(secondPurpose));
        QCOMPARE(suggested, QStringLiteral("imported.test"));
        QVERIFY2(summary.contains(u"PKCS#12") && summary.contains(u"private key"), qPrintable(summary));
        QTRY_VERIFY_WITH_TIMEOUT(keystore()->find(QStringLiteral("alias"), QStringLiteral("imported.test")) >= 0, 15000);
        QVERIFY2(m_page->message().contains(u"Imported imported.test"), qPrintable(m_page->message()));
        QCOMPARE(cell(keystore(), QStringLiteral("imported.test"), CertificateModel::Issuer), QStringLiteral("Postern Test CA"));
    }

    void declinedPasswordImportsNothing()
    {
        answerNextDialog<Admin::PasswordDialog>([](Admin::PasswordDialog *dialog) { dialog->reject(); });
        m_page->importFiles({path(QStringLiteral("imported.p12"))});
        QVERIFY2(m_page->message().contains(u"No password was given"), qPrintable(m_page->message()));
    }

    void replacingTheGatewaysCertificateIsPresented()
    {
        const Tls::KeystoreEntry entry = m_gateway.pki().serverEntry(QStringLiteral("localhost"), {QStringLiteral("localhost")});
        writeFile(path(QStringLiteral("renewed.p12")), pkcs12Of(entry, "renewed-pw"));
        answerNextDialog<Admin::PasswordDialog>([](Admin::PasswordDialog *dialog) {
            dialog->setPassword(QStringLiteral("renewed-pw"));
            dialog->accept();
        });
        QString refusal;
        answerNextDialog<Admin::ImportCertificateDialog>([&refusal](Admin::ImportCertificateDialog *dialog) {
            QCOMPARE(dialog->alias(), QStringLiteral("localhost"));
            // Not replacing: the gateway refuses, and the dialog says so and stays.
            dialog->accept();
            QVERIFY(dialog->isBusy());
            QVERIFY(QTest::qWaitFor([dialog] { return !dialog->isBusy(); }, 15000));
            refusal = dialog->error();
            dialog->setReplace(true);
            dialog->accept();
        });
        m_page->importFiles({path(QStringLiteral("renewed.p12"))});
        QVERIFY2(refusal.contains(u"exists already") && refusal.contains(u"Nothing was imported"), qPrintable(refusal));
        QVERIFY2(m_page->message().contains(u"Imported localhost"), qPrintable(m_page->message()));
        // New handshakes get the new certificate.
        QSslSocket socket;
        socket.setPeerVerifyMode(QSslSocket::VerifyNone);
        QSignalSpy encrypted(&socket, &QSslSocket::encrypted);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_gateway.managementPort(), QStringLiteral("localhost"));
        QVERIFY(encrypted.wait(15000)); // (no waitFor*: signals only)
        QCOMPARE(socket.peerCertificate(), entry.certificate());
        socket.abort();
        QTRY_COMPARE_WITH_TIMEOUT(keystore()->entry(QStringLiteral("localhost")).value(u"sha256").toString(),
                                  QString::fromLatin1(entry.sha256Fingerprint()), 15000);
    }

    void generateSelfSigned()
    {
        m_page->showStore(CertificateModel::kKeystore);
        answerNextDialog<Admin::GenerateCertificateDialog>([](Admin::GenerateCertificateDialog *dialog) {
            dialog->findChild<QLineEdit *>(QStringLiteral("commonName"))->setText(QStringLiteral("gen.test"));
            dialog->findChild<QLineEdit *>(QStringLiteral("dnsNames"))->setText(QStringLiteral("gen.test, 10.1.2.3"));
            QCOMPARE(dialog->alias(), QStringLiteral("gen.test")); // follows the names
            QCOMPARE(dialog->ipAddresses(), QStringList{QStringLiteral("10.1.2.3")});
            dialog->accept();
        });
        m_page->action(QStringLiteral("generateCertificate"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(keystore()->find(QStringLiteral("alias"), QStringLiteral("gen.test")) >= 0, 15000);
        QCOMPARE(cell(keystore(), QStringLiteral("gen.test"), CertificateModel::Issuer), QStringLiteral("(self-signed)"));
        QCOMPARE(cell(keystore(), QStringLiteral("gen.test"), CertificateModel::Names), QStringLiteral("gen.test, 10.1.2.3"));
        QCOMPARE(cell(keystore(), QStringLiteral("gen.test"), CertificateModel::Expires, CertificateModel::StatusRole),
                 CertificateModel::kFine);
        QCOMPARE(cell(keystore(), QStringLiteral("gen.test"), CertificateModel::UsedBy), QString());
        QTRY_COMPARE(m_page->keystoreView()->selectedAlias(), QStringLiteral("gen.test"));
    }

    void generatingAnAliasTakenIsRefusedInTheDialog()
    {
        QString refusal;
        QString invalid;
        answerNextDialog<Admin::GenerateCertificateDialog>([&](Admin::GenerateCertificateDialog *dialog) {
            // Checked here first: not an IP address.
            dialog->findChild<QLineEdit *>(QStringLiteral("commonName"))->setText(QStringLiteral("gen.test"));
            dialog->findChild<QLineEdit *>(QStringLiteral("ipAddresses"))->setText(QStringLiteral("10.1.2"));
            dialog->accept();
            invalid = dialog->error();
            dialog->findChild<QLineEdit *>(QStringLiteral("ipAddresses"))->clear();
            dialog->accept();
            QVERIFY(QTest::qWaitFor([dialog] { return !dialog->isBusy(); }, 15000));
            refusal = dialog->error();
            dialog->reject();
        });
        m_page->action(QStringLiteral("generateCertificate"))->trigger();
        QVERIFY2(invalid.contains(u"not an IP address"), qPrintable(invalid));
        QVERIFY2(refusal.contains(u"The key was not generated") && refusal.contains(u"exists already"), qPrintable(refusal));
    }

    void cancellingAChangeStopsWaiting()
    {
        QString said;
        bool wasBusy = false;
        answerNextDialog<Admin::GenerateCertificateDialog>([&](Admin::GenerateCertificateDialog *dialog) {
            dialog->findChild<QLineEdit *>(QStringLiteral("commonName"))->setText(QStringLiteral("cancelled.test"));
            dialog->accept();
            wasBusy = dialog->isBusy() && dialog->findChild<QLabel *>(QStringLiteral("operationProgress"))->isVisible();
            dialog->reject(); // Cancel while it runs: stops waiting, says so, stays open
            said = dialog->error();
            dialog->reject();
        });
        m_page->action(QStringLiteral("generateCertificate"))->trigger();
        QVERIFY(wasBusy);
        QVERIFY2(said.startsWith(u"Cancelled"), qPrintable(said));
    }

    void expiringCertificateIsShownAsExpiring()
    {
        answerNextDialog<Admin::GenerateCertificateDialog>([](Admin::GenerateCertificateDialog *dialog) {
            dialog->findChild<QLineEdit *>(QStringLiteral("dnsNames"))->setText(QStringLiteral("soon.test"));
            dialog->findChild<QSpinBox *>(QStringLiteral("days"))->setValue(10);
            dialog->findChild<QComboBox *>(QStringLiteral("keyType"))->setCurrentIndex(
                dialog->findChild<QComboBox *>(QStringLiteral("keyType"))->findData(QStringLiteral("ec-p384")));
            dialog->accept();
        });
        m_page->action(QStringLiteral("generateCertificate"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(keystore()->find(QStringLiteral("alias"), QStringLiteral("soon.test")) >= 0, 15000);
        QCOMPARE(cell(keystore(), QStringLiteral("soon.test"), CertificateModel::Expires, CertificateModel::StatusRole),
                 CertificateModel::kExpiring);
        QCOMPARE(cell(keystore(), QStringLiteral("soon.test"), CertificateModel::Key), QStringLiteral("EC P-384"));
        const QString expires = cell(keystore(), QStringLiteral("soon.test"), CertificateModel::Expires);
        QVERIFY2(expires.contains(u"(in 9 days)") || expires.contains(u"(in 10 days)"), qPrintable(expires));
        // The gateway's own check says it too, in the tooltip and the details.
        QVERIFY(cell(keystore(), QStringLiteral("soon.test"), CertificateModel::Alias, Qt::ToolTipRole).contains(u"expires in"));
        selectInKeystore(QStringLiteral("soon.test"));
        QVERIFY(m_page->details()->toPlainText().contains(u"Expires soon"));
    }

    void requestSignAndInstallTheReply()
    {
        m_page->showStore(CertificateModel::kKeystore);
        QString csr;
        QString note;
        const QString csrPath = path(QStringLiteral("signed.test.csr"));
        answerNextDialog<Admin::CertificateRequestDialog>([&](Admin::CertificateRequestDialog *dialog) {
            dialog->setForNewKey(true);
            dialog->findChild<QLineEdit *>(QStringLiteral("dnsNames"))->setText(QStringLiteral("signed.test"));
            QCOMPARE(dialog->alias(), QStringLiteral("signed.test"));
            dialog->accept();
            QVERIFY(QTest::qWaitFor([dialog] { return !dialog->isBusy(); }, 30000));
            QVERIFY2(dialog->error().isEmpty(), qPrintable(dialog->error()));
            csr = dialog->findChild<QPlainTextEdit *>(QStringLiteral("csr"))->toPlainText();
            QVERIFY(dialog->saveTo(csrPath).has_value());
            note = dialog->findChild<QLabel *>(QStringLiteral("csrNote"))->text();
            dialog->reject(); // Close
        });
        m_page->action(QStringLiteral("createCsr"))->trigger();
        QVERIFY2(csr.startsWith(u"-----BEGIN CERTIFICATE REQUEST-----"), qPrintable(csr));
        QVERIFY(note.contains(u"Install reply"));
        QFile saved(csrPath);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromLatin1(saved.readAll()), csr);
        QTRY_VERIFY_WITH_TIMEOUT(keystore()->find(QStringLiteral("alias"), QStringLiteral("signed.test")) >= 0, 15000);
        QCOMPARE(cell(keystore(), QStringLiteral("signed.test"), CertificateModel::Issuer), QStringLiteral("(self-signed)"));

        // The test CA signs the request, as a CA would.
        const QByteArray csrPem = csr.toLatin1();
        Tls::BioPtr bio(BIO_new_mem_buf(csrPem.constData(), int(csrPem.size())));
        std::unique_ptr<X509_REQ, Tls::OpenSslDeleter<X509_REQ_free>> request(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
        QVERIFY(request);
        Tls::EvpPkeyPtr publicKey(X509_REQ_get_pubkey(request.get()));
        Tls::CertificateRequest what;
        what.commonName = QStringLiteral("signed.test");
        what.dnsNames = {QStringLiteral("signed.test")};
        what.validityDays = 90;
        const Tls::SharedCertificate signedCertificate = m_gateway.pki().sign(publicKey.get(), what);
        writeFile(path(QStringLiteral("signed.crt")), Tls::toQSslCertificate(signedCertificate.get()).toPem());

        // A reply for another key is refused in the dialog; the right one is installed.
        QString refusal;
        answerNextDialog<Admin::InstallReplyDialog>([&](Admin::InstallReplyDialog *dialog) {
            dialog->findChild<QComboBox *>(QStringLiteral("alias"))->setCurrentText(QStringLiteral("signed.test"));
            dialog->setReplyPath(path(QStringLiteral("ca.pem")));
            dialog->accept();
            QVERIFY(QTest::qWaitFor([dialog] { return !dialog->isBusy(); }, 15000));
            refusal = dialog->error();
            dialog->setReplyPath(path(QStringLiteral("signed.crt")));
            dialog->setIssuersPath(path(QStringLiteral("ca.pem")));
            dialog->accept();
        });
        m_page->action(QStringLiteral("installReply"))->trigger();
        QVERIFY2(refusal.contains(u"The reply was not installed"), qPrintable(refusal));
        QTRY_COMPARE_WITH_TIMEOUT(cell(keystore(), QStringLiteral("signed.test"), CertificateModel::Issuer),
                                  QStringLiteral("Postern Test CA"), 15000);
        QCOMPARE(keystore()->entry(QStringLiteral("signed.test")).value(u"chain").toArray().size(), 2);
        QVERIFY2(m_page->message().contains(u"reply was installed"), qPrintable(m_page->message()));
    }

    void exportPemAndPkcs12()
    {
        selectInKeystore(QStringLiteral("signed.test"));
        const QString pem = path(QStringLiteral("exported.pem"));
        answerNextDialog<Admin::ExportCertificateDialog>([&pem](Admin::ExportCertificateDialog *dialog) {
            dialog->setFormat(QStringLiteral("pem"));
            dialog->setChain(true);
            dialog->setPath(pem);
            dialog->accept();
        });
        m_page->action(QStringLiteral("exportCertificate"))->trigger();
        const QList<QSslCertificate> certificates = QSslCertificate::fromPath(pem);
        QCOMPARE(certificates.size(), 2);
        QCOMPARE(certificates.first().subjectInfo(QSslCertificate::CommonName), QStringList{QStringLiteral("signed.test")});
        QCOMPARE(certificates.last(), m_gateway.caCertificate());

        // With the key: a password is required, typed twice; the file is the owner's only.
        const QString p12 = path(QStringLiteral("exported.p12"));
        QString mismatch;
        answerNextDialog<Admin::ExportCertificateDialog>([&](Admin::ExportCertificateDialog *dialog) {
            dialog->setFormat(QStringLiteral("pkcs12"));
            dialog->setPath(p12);
            dialog->findChild<QLineEdit *>(QStringLiteral("exportPassword"))->setText(QStringLiteral("export-password"));
            dialog->findChild<QLineEdit *>(QStringLiteral("exportPasswordRepeat"))->setText(QStringLiteral("export-passwort"));
            dialog->accept();
            mismatch = dialog->error();
            dialog->findChild<QLineEdit *>(QStringLiteral("exportPasswordRepeat"))->setText(QStringLiteral("export-password"));
            dialog->accept();
        });
        m_page->action(QStringLiteral("exportCertificate"))->trigger();
        QVERIFY2(mismatch.contains(u"differ"), qPrintable(mismatch));
        QFile file(p12);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.permissions() & (QFile::ReadGroup | QFile::ReadOther), QFile::Permissions());
        const auto store = Tls::Keystore::fromPkcs12(file.readAll(), "export-password");
        QVERIFY2(store.has_value(), store ? "" : qPrintable(store.error()));
        QVERIFY(store->firstKeyEntry());
    }

    void renameAnEntry()
    {
        selectInKeystore(QStringLiteral("imported.test"));
        answerNextDialog<Admin::RenameCertificateDialog>([](Admin::RenameCertificateDialog *dialog) {
            dialog->setNewAlias(QStringLiteral("renamed.test"));
            dialog->accept();
        });
        m_page->action(QStringLiteral("renameCertificate"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(keystore()->find(QStringLiteral("alias"), QStringLiteral("renamed.test")) >= 0, 15000);
        QCOMPARE(keystore()->find(QStringLiteral("alias"), QStringLiteral("imported.test")), -1);
        QTRY_COMPARE(m_page->keystoreView()->selectedAlias(), QStringLiteral("renamed.test"));
    }

    void deletingAnEntryInUseWarnsNamingTheService()
    {
        selectInKeystore(QStringLiteral("localhost"));
        QString text;
        answerNextDialog<QMessageBox>([&text](QMessageBox *box) {
            text = box->text();
            box->button(QMessageBox::Cancel)->click();
        });
        m_page->action(QStringLiteral("deleteCertificate"))->trigger();
        QVERIFY2(text.contains(u"in use") && text.contains(u"management"), qPrintable(text));
        QVERIFY(keystore()->find(QStringLiteral("alias"), QStringLiteral("localhost")) >= 0);
    }

    void deletingAnUnusedEntryRemovesIt()
    {
        selectInKeystore(QStringLiteral("gen.test"));
        QString text;
        answerNextDialog<QMessageBox>([&text](QMessageBox *box) {
            text = box->text();
            box->findChild<QPushButton *>(QStringLiteral("confirmDelete"))->click();
        });
        // Del, as an administrator would press it.
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        m_page->keystoreView()->table()->setFocus();
        QTest::keyClick(m_page->keystoreView()->table(), Qt::Key_Delete);
        QVERIFY2(text.contains(u"Delete “gen.test” from the keystore?"), qPrintable(text));
        QTRY_COMPARE_WITH_TIMEOUT(keystore()->find(QStringLiteral("alias"), QStringLiteral("gen.test")), -1, 15000);
        QVERIFY2(m_page->message().contains(u"was deleted"), qPrintable(m_page->message()));
    }

    void shortcutsOpenTheirDialogs()
    {
        m_window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        bool generateShown = false;
        answerNextDialog<Admin::GenerateCertificateDialog>([&](Admin::GenerateCertificateDialog *dialog) {
            generateShown = true;
            dialog->reject();
        });
        QTest::keyClick(m_window.get(), Qt::Key_N, Qt::ControlModifier);
        QVERIFY(generateShown);
    }

    void truststoreNotConfiguredIsSaidInItsTab()
    {
        m_page->showStore(CertificateModel::kTruststore);
        QTRY_VERIFY_WITH_TIMEOUT(!truststore()->isConfigured(), 15000);
        QVERIFY2(m_page->truststoreView()->notice().contains(u"This gateway has no truststore"),
                 qPrintable(m_page->truststoreView()->notice()));
        QVERIFY(m_page->truststoreView()->notice().contains(u"<security><truststore>"));
        QCOMPARE(m_page->tabs()->tabText(1), QStringLiteral("Truststore (none)"));
        QVERIFY(!m_page->action(QStringLiteral("importCertificate"))->isEnabled());
        QVERIFY(!m_page->action(QStringLiteral("generateCertificate"))->isEnabled());
        // Not an error at the top of the page: it is how this gateway is set up.
        QVERIFY(!m_page->message().contains(u"could not be loaded"));
    }

    void truststoreImportByDrop()
    {
        // The configuration gains a truststore (with one CA in it), and the gateway reloads it.
        Tls::Keystore trusted;
        trusted.insert(Tls::KeystoreEntry(QStringLiteral("seed-ca"), nullptr, {m_gateway.pki().caCertificateHandle()}));
        QVERIFY(trusted.save(m_gateway.path(QStringLiteral("truststore.p12")), "truststore-pw").has_value());
        writeFile(m_gateway.path(QStringLiteral("truststore.pw")), "truststore-pw\n");
        QByteArray config = m_gateway.fileText(QStringLiteral("gateway-config.xml"));
        config.replace("</keystore>\n", "</keystore>\n    <truststore><file>truststore.p12</file><password-file>truststore.pw</password-file></truststore>\n");
        writeFile(m_gateway.path(QStringLiteral("gateway-config.xml")), config);
        bool reloaded = false;
        QString reloadError;
        m_client->reloadConfig()->onFinished(this, [&](const ManagementReply &reply) {
            reloaded = true;
            reloadError = reply.error().message;
        });
        QTRY_VERIFY_WITH_TIMEOUT(reloaded, 15000);
        QVERIFY2(reloadError.isEmpty(), qPrintable(reloadError));
        m_page->showStore(CertificateModel::kTruststore);
        QTRY_VERIFY_WITH_TIMEOUT(truststore()->isConfigured() && truststore()->rowCount() == 1, 15000);
        QCOMPARE(m_page->truststoreView()->notice(), QString());
        QVERIFY(m_page->action(QStringLiteral("importCertificate"))->isEnabled());
        QVERIFY(!m_page->action(QStringLiteral("generateCertificate"))->isEnabled()); // keys live in the keystore

        // Another CA's certificate, dropped on the page.
        const Testing::TestPki other;
        writeFile(path(QStringLiteral("other-ca.pem")), other.caCertificate().toPem());
        QString suggested;
        answerNextDialog<Admin::ImportCertificateDialog>([&suggested](Admin::ImportCertificateDialog *dialog) {
            suggested = dialog->alias();
            dialog->setAlias(QStringLiteral("other-ca"));
            dialog->accept();
        });
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path(QStringLiteral("other-ca.pem")))});
        const QPoint where = m_page->rect().center();
        QDragEnterEvent enter(where, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(m_page, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(where), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(m_page, &drop);
        QTRY_VERIFY_WITH_TIMEOUT(truststore()->find(QStringLiteral("alias"), QStringLiteral("other-ca")) >= 0, 15000);
        QCOMPARE(suggested, QStringLiteral("Postern Test CA"));
        QCOMPARE(cell(truststore(), QStringLiteral("other-ca"), CertificateModel::Issuer), QStringLiteral("(self-signed)"));
        QCOMPARE(m_page->tabs()->tabText(1), QStringLiteral("Truststore (2)"));
    }

    void readOnlyUserSeesNoChangeAction()
    {
        auto viewer = connectAs(Testing::TestGateway::kViewer, m_gateway.viewerPassword());
        QVERIFY(viewer->isConnected());
        QVERIFY(viewer->isReadOnly());
        // The column layout the administrator left is the one a new page opens with.
        m_page->keystoreView()->table()->setColumnWidth(CertificateModel::Subject, 222);
        QWidget window;
        auto *layout = new QVBoxLayout(&window);
        auto *page = new CertificatesPage(viewer.get(), &window);
        layout->addWidget(page);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(page->keystoreView()->table()->columnWidth(CertificateModel::Subject), 222);
        QTRY_VERIFY_WITH_TIMEOUT(page->keystoreView()->model()->rowCount() >= 1, 15000);
        page->keystoreView()->select(QStringLiteral("localhost"));
        QCOMPARE(page->keystoreView()->selectedAlias(), QStringLiteral("localhost"));
        for (const char *name : {"importCertificate", "generateCertificate", "createCsr", "installReply", "exportCertificate",
                                 "renameCertificate", "deleteCertificate"}) {
            QAction *action = page->action(QLatin1String(name));
            QVERIFY2(!action->isEnabled(), name);
            QVERIFY(action->toolTip().contains(u"may read but not change"));
        }
        QVERIFY(page->action(QStringLiteral("refreshCertificates"))->isEnabled());
        // Reading is allowed: the details show.
        QVERIFY(page->details()->toPlainText().contains(u"SHA-256"));
        // A drop is refused too.
        page->importFiles({path(QStringLiteral("imported.p12"))});
        QVERIFY(page->message().contains(u"may read but not change"));
    }

};

QTEST_MAIN(TestCertificatesPage)
#include "tst_certificatespage.moc"
