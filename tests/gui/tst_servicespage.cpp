// The services page against a real posternd (QT_QPA_PLATFORM=offscreen): a service added
// through the form answers and is in the file; a value the gateway refuses is shown at its
// field and changes nothing; an update shows what will change first; clone, disable and
// enable, delete (which names the sessions it ends, and ends them); a conflict with another
// console's change is explained and a reload recovers; a read-only user can change nothing.
// First, headless, the pieces the page stands on: the draft's diff and the mapping of the
// gateway's error fields to the form's.

#include "awaitreply.h"
#include "changepreviewdialog.h"
#include "clientsocket.h"
#include "dialoganswerer.h"
#include "keyvaluetable.h"
#include "managementclient.h"
#include "servicedraft.h"
#include "serviceeditor.h"
#include "servicefield.h"
#include "serviceform.h"
#include "servicemodel.h"
#include "servicespage.h"
#include "testgateway.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QtTest>

using namespace Postern;
using Admin::ServiceDraft;
using Admin::ServiceField;
using Admin::ServicesPage;
using Testing::Answer;
using Testing::answerNextDialog;
using Testing::await;
using Kind = Admin::ServiceField::Kind;

namespace {

// Whether a WebSocket to `url` opens.
bool opens(const QUrl &url)
{
    Client::ClientSocket socket;
    QSignalSpy connected(&socket, &Client::ClientSocket::connected);
    QSignalSpy failed(&socket, &Client::ClientSocket::connectFailed);
    socket.open(url);
    return QTest::qWaitFor([&] { return !connected.isEmpty() || !failed.isEmpty(); }, 15000) && !connected.isEmpty();
}

QJsonObject echoService()
{
    return {{QStringLiteral("name"), QStringLiteral("echo")},
            {QStringLiteral("type"), QStringLiteral("echo")},
            {QStringLiteral("enabled"), true},
            {QStringLiteral("accept"), QJsonArray{QStringLiteral("ws://localhost:8000/echo")}},
            {QStringLiteral("acceptOptions"), QJsonObject{{QStringLiteral("ws.maximum.message.size"), QStringLiteral("128k")}}},
            {QStringLiteral("crossSite"), QJsonArray{QJsonObject{{QStringLiteral("allowOrigin"), QStringLiteral("https://app.example.com")},
                                                                 {QStringLiteral("allowMethods"), QStringLiteral("GET")}}}}};
}

} // namespace

class TestServicesPage : public QObject
{
    Q_OBJECT

private:
    Testing::TestGateway m_gateway;
    std::unique_ptr<Admin::ManagementClient> m_client;
    std::unique_ptr<ServicesPage> m_page;

    std::unique_ptr<Admin::ManagementClient> connectedAs(const QString &user, const QString &password)
    {
        auto client = std::make_unique<Admin::ManagementClient>();
        QSignalSpy connected(client.get(), &Admin::ManagementClient::connected);
        client->open(m_gateway.managementUrl(), m_gateway.connectOptions(user, password));
        if (!connected.wait(15000))
            qWarning() << "not connected:" << client->lastOutcome().message;
        return client;
    }

    QUrl url(const QString &path) const
    {
        return QUrl(QStringLiteral("ws://localhost:%1/%2").arg(m_gateway.httpPort()).arg(path));
    }
    QString config() const { return QString::fromUtf8(m_gateway.fileText(QStringLiteral("gateway-config.xml"))); }

    template<typename T>
    T *child(const QString &name) const
    {
        T *found = m_page->findChild<T *>(name);
        if (!found)
            qWarning() << "no" << name;
        return found;
    }
    QPushButton *button(const QString &name) const { return child<QPushButton>(name); }
    Admin::KeyValueTable *options() const { return child<Admin::KeyValueTable>(QStringLiteral("acceptOptions")); }

    // Types `value` for `name` into a key/value table, as a user would: in the row that
    // has the name, or a new one.
    static void setPair(Admin::KeyValueTable *pairs, const QString &name, const QString &value)
    {
        QTableWidget *table = pairs->table();
        int row = 0;
        while (row < table->rowCount() && !(table->item(row, 0) && table->item(row, 0)->text() == name))
            ++row;
        if (row == table->rowCount()) {
            table->insertRow(row);
            table->setItem(row, 0, new QTableWidgetItem);
            table->setItem(row, 1, new QTableWidgetItem);
            table->item(row, 0)->setText(name);
        }
        table->item(row, 1)->setText(value);
    }

    void typeInto(const QString &name, const QString &text)
    {
        auto *line = child<QLineEdit>(name);
        line->setText(text);
        Q_EMIT line->textEdited(text);
    }

    // Presses Apply, answers the preview with Apply (keeping its lines), and waits for the
    // gateway's answer. False when no answer came.
    bool applyAndWait(QStringList *preview = nullptr)
    {
        QSignalSpy succeeded(m_page->editor(), &Admin::ServiceEditor::succeeded);
        QSignalSpy failed(m_page->editor(), &Admin::ServiceEditor::failed);
        QSignalSpy conflicted(m_page->editor(), &Admin::ServiceEditor::conflicted);
        answerNextDialog<Admin::ChangePreviewDialog>([this, preview](Admin::ChangePreviewDialog *dialog) {
            if (preview)
                *preview = dialog->changes();
            screenshot(QStringLiteral("services-preview"), dialog);
            dialog->findChild<QPushButton *>(QStringLiteral("applyChanges"))->click();
        });
        button(QStringLiteral("applyService"))->click();
        // The answer, and the list read again after it.
        return QTest::qWaitFor([&] { return succeeded.size() + failed.size() + conflicted.size() > 0; }, 20000)
            && QTest::qWaitFor([&] { return !m_page->model()->isLoading(); }, 10000);
    }

    // With POSTERN_SCREENSHOTS=<folder>, the page as it looks now, for a person to check.
    void screenshot(const QString &name, QWidget *window = nullptr) const
    {
        if (const QString folder = qEnvironmentVariable("POSTERN_SCREENSHOTS"); !folder.isEmpty())
            (window ? window : m_page->window())->grab().save(QDir(folder).filePath(name + QStringLiteral(".png")));
    }

    bool waitForService(const QString &name, bool present = true)
    {
        return QTest::qWaitFor([&] { return (m_page->model()->rowOf(name) >= 0) == present && !m_page->model()->isLoading(); }, 15000);
    }

private Q_SLOTS:
    // --- the draft and the field mapping, headless ---

    void fieldMapping_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("label");
        const auto row = [](const char *field, Kind kind, int index, const char *key, const char *label) {
            QTest::newRow(field) << QString::fromUtf8(field) << int(kind) << index << QString::fromUtf8(key) << QString::fromUtf8(label);
        };
        row("service.name", Kind::Name, -1, "", "Name");
        row("service.accept", Kind::Accept, -1, "", "Accept URLs");
        row("service.accept[1]", Kind::Accept, 1, "", "Accept URL 2");
        row("service.acceptOptions.ws.maximum.message.size", Kind::AcceptOptions, -1, "ws.maximum.message.size",
            "Accept option ws.maximum.message.size");
        row("service.connectOptions.connect.timeout", Kind::ConnectOptions, -1, "connect.timeout", "Connect option connect.timeout");
        row("service.properties.directory", Kind::Properties, -1, "directory", "Property directory");
        row("service.authorization.requireRoles[2]", Kind::RequiredRoles, 2, "", "Required role 3");
        row("service.authorization.requireValidUser", Kind::RequireValidUser, -1, "", "Any logged-in user");
        row("service.crossSite[0].allowOrigin", Kind::AllowedOrigins, 0, "", "Allowed origin 1");
        row("service.mimeMappings[1].mimeType", Kind::MimeMappings, 1, "", "MIME mapping 2");
        row("service.realm", Kind::Realm, -1, "", "Realm");
        row("service.connect", Kind::Connect, -1, "", "Connect URL");
        row("service", Kind::Service, -1, "", "Service");
        row("params.revision", Kind::Revision, -1, "", "Configuration");
        row("params.name", Kind::Service, -1, "", "Service");
        row("op", Kind::None, -1, "", "Service");
    }

    void fieldMapping()
    {
        QFETCH(QString, field);
        QFETCH(int, kind);
        QFETCH(int, index);
        QFETCH(QString, key);
        QFETCH(QString, label);
        const ServiceField mapped = ServiceField::fromError(field);
        QCOMPARE(int(mapped.kind), kind);
        QCOMPARE(mapped.index, index);
        QCOMPARE(mapped.key, key);
        QCOMPARE(mapped.label(), label);
    }

    void draftListsWhatChanges()
    {
        // As read: nothing to apply, however the gateway wrote empty parts.
        QJsonObject read = echoService();
        read.insert(QStringLiteral("description"), QString());
        read.insert(QStringLiteral("authorization"),
                    QJsonObject{{QStringLiteral("requireRoles"), QJsonArray()}, {QStringLiteral("requireValidUser"), false}});
        read.insert(QStringLiteral("state"), QJsonObject{{QStringLiteral("running"), true}});
        ServiceDraft draft = ServiceDraft::edit(Admin::ServiceModel::definition(read), QStringLiteral("r1"));
        QVERIFY(!draft.isNew());
        QVERIFY(!draft.isModified());
        QVERIFY(draft.changes().isEmpty());
        QCOMPARE(draft.originalName(), QStringLiteral("echo"));
        QCOMPARE(draft.baseRevision(), QStringLiteral("r1"));

        draft.setDescription(QStringLiteral("Echo for tests"));
        draft.setAccept({QStringLiteral("ws://localhost:8000/echo"), QStringLiteral(" ws://localhost:8000/echo2 "), QString()});
        draft.setAcceptOptions({{QStringLiteral("ws.maximum.message.size"), QStringLiteral("256k")},
                                {QStringLiteral("ws.inactivity.timeout"), QStringLiteral("30s")}});
        draft.setRequiredRoles({QStringLiteral("AUTHORIZED")});
        draft.setRealm(QStringLiteral("demo"));
        QVERIFY(draft.isModified());
        const QStringList changes = draft.changes();
        QVERIFY2(changes.contains(u"Description: (none) → Echo for tests"), qPrintable(changes.join(u'\n')));
        QVERIFY(changes.contains(u"Accept URL: (none) → ws://localhost:8000/echo2"));
        QVERIFY(changes.contains(u"Accept option ws.maximum.message.size: 128k → 256k"));
        QVERIFY(changes.contains(u"Accept option ws.inactivity.timeout: (none) → 30s"));
        QVERIFY(changes.contains(u"Required role: (none) → AUTHORIZED"));
        QVERIFY(changes.contains(u"Realm: (none) → demo"));
        QCOMPARE(changes.size(), 6);

        // What is sent: trimmed, empty lines gone, the constraint's other settings kept.
        const QJsonObject service = draft.service();
        QCOMPARE(service.value(u"accept").toArray().size(), 2);
        QCOMPARE(service.value(u"accept").toArray().at(1).toString(), QStringLiteral("ws://localhost:8000/echo2"));
        QCOMPARE(service.value(u"crossSite").toArray().at(0).toObject().value(u"allowMethods").toString(), QStringLiteral("GET"));
        QVERIFY(!service.contains(u"description") || !service.value(u"description").toString().isEmpty());

        // Removing, and an origin added next to the one kept.
        draft.setAcceptOptions({});
        draft.setAllowedOrigins({QStringLiteral("https://app.example.com"), QStringLiteral("https://other.example.com")});
        const QStringList later = draft.changes();
        QVERIFY(later.contains(u"Accept option ws.maximum.message.size: 128k → (none)"));
        QVERIFY(later.contains(u"Allowed origin: (none) → https://other.example.com"));
        QCOMPARE(draft.service().value(u"crossSite").toArray().at(0).toObject().value(u"allowMethods").toString(), QStringLiteral("GET"));
        QVERIFY(!draft.service().value(u"crossSite").toArray().at(1).toObject().contains(u"allowMethods"));
    }

    void draftFindsWhatCannotBeSent()
    {
        ServiceDraft draft = ServiceDraft::newService();
        QVERIFY(draft.isNew() && draft.isModified());
        QCOMPARE(draft.problem()->field, QStringLiteral("service.name"));
        draft.setName(QStringLiteral("x"));
        QCOMPARE(draft.problem()->field, QStringLiteral("service.accept"));
        draft.setAccept({QStringLiteral("ws://localhost:8000/x")});
        QVERIFY(!draft.problem());
        draft.setAcceptOptions({{QStringLiteral("ws.inactivity.timeout"), QStringLiteral("1s")},
                                {QStringLiteral("ws.inactivity.timeout"), QStringLiteral("2s")}});
        QCOMPARE(draft.problem()->field, QStringLiteral("service.acceptOptions.ws.inactivity.timeout"));
        QVERIFY(draft.problem()->message.contains(u"twice"));
        draft.setAcceptOptions({{QString(), QStringLiteral("2s")}});
        QCOMPARE(ServiceField::fromError(draft.problem()->field).kind, Kind::AcceptOptions);
        draft.setAcceptOptions({});
        draft.setMimeMappings({{QStringLiteral("md"), QString()}});
        QCOMPARE(draft.problem()->field, QStringLiteral("service.mimeMappings[0]"));
    }

    void cloneGetsAFreeNameAndPaths()
    {
        const ServiceDraft copy = ServiceDraft::cloneOf(echoService(), {QStringLiteral("echo"), QStringLiteral("echo-copy")});
        QVERIFY(copy.isNew());
        QCOMPARE(copy.name(), QStringLiteral("echo-copy-2"));
        QCOMPARE(copy.accept(), QStringList{QStringLiteral("ws://localhost:8000/echo-copy")});
        QCOMPARE(copy.acceptOptions(), (ServiceDraft::Pairs{{QStringLiteral("ws.maximum.message.size"), QStringLiteral("128k")}}));
        QJsonObject site = echoService();
        site.insert(QStringLiteral("accept"), QJsonArray{QStringLiteral("http://${gateway.hostname}:${gateway.port}/")});
        QCOMPARE(ServiceDraft::cloneOf(site, {}).accept(), QStringList{QStringLiteral("http://${gateway.hostname}:${gateway.port}/copy")});
    }

    void explainsErrorsInWords()
    {
        using Admin::ServiceEditor;
        const Management::ManagementError stale{QStringLiteral("conflict"), QStringLiteral("the configuration has changed"),
                                                QStringLiteral("params.revision")};
        QVERIFY(ServiceEditor::isConflict(stale));
        QVERIFY(ServiceEditor::explain(stale).contains(u"Someone else changed"));
        const Management::ManagementError taken{QStringLiteral("conflict"), QStringLiteral("a service 'echo' exists already"),
                                                QStringLiteral("service.name")};
        QVERIFY(!ServiceEditor::isConflict(taken));
        QCOMPARE(ServiceEditor::explain(taken), QStringLiteral("A service 'echo' exists already: choose another name."));
        QVERIFY(ServiceEditor::explain({QStringLiteral("forbidden"), QStringLiteral("x")}).contains(u"read-only"));
        QVERIFY(ServiceEditor::explain({Admin::ManagementReply::kNotConnected, QStringLiteral("x")}).contains(u"not connected"));
    }

    // --- the page against a gateway ---

    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_gateway.start());
        m_client = connectedAs(Testing::TestGateway::kAdmin, m_gateway.adminPassword());
        QVERIFY(m_client->isConnected());
    }

    void cleanupTestCase()
    {
        m_page.reset();
        m_client.reset();
    }

    void showsTheServices()
    {
        m_page = std::make_unique<ServicesPage>(m_client.get());
        m_page->resize(1000, 720);
        m_page->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_page.get()));
        QVERIFY(waitForService(QStringLiteral("management")));
        QCOMPARE(m_page->model()->rowCount(), 3);
        QVERIFY(!m_page->form()->hasDraft());
        QVERIFY(m_page->selectService(QStringLiteral("echo")));
        QCOMPARE(m_page->selectedName(), QStringLiteral("echo"));
        QCOMPARE(child<QLineEdit>(QStringLiteral("serviceName"))->text(), QStringLiteral("echo"));
        QCOMPARE(child<QComboBox>(QStringLiteral("serviceType"))->currentText(), QStringLiteral("echo"));
        QCOMPARE(child<QPlainTextEdit>(QStringLiteral("acceptUrls"))->toPlainText(), url(QStringLiteral("echo")).toString());
        QVERIFY(!child<QLineEdit>(QStringLiteral("connectUrl"))->isEnabled()); // an echo has no back-end
        QVERIFY(!button(QStringLiteral("applyService"))->isEnabled());          // nothing edited yet
        QVERIFY(button(QStringLiteral("deleteService"))->isEnabled());
        QCOMPARE(button(QStringLiteral("toggleService"))->text(), QStringLiteral("Disable"));
        screenshot(QStringLiteral("services"));
    }

    void addsAServiceThatAnswers()
    {
        QVERIFY(!opens(url(QStringLiteral("added"))));
        button(QStringLiteral("addService"))->click();
        QVERIFY(m_page->form()->hasDraft() && m_page->form()->draft().isNew());
        QVERIFY(m_page->selectedName().isEmpty());
        typeInto(QStringLiteral("serviceName"), QStringLiteral("added"));
        child<QPlainTextEdit>(QStringLiteral("acceptUrls"))->setPlainText(url(QStringLiteral("added")).toString());
        QVERIFY(m_page->form()->hasUnappliedChanges());
        QStringList preview;
        QVERIFY(applyAndWait(&preview));
        QVERIFY2(m_page->form()->errorText().isEmpty(), qPrintable(m_page->form()->errorText()));
        QVERIFY2(preview.contains(u"Name: (none) → added"), qPrintable(preview.join(u'\n')));
        QVERIFY(preview.contains(QStringLiteral("Accept URL: (none) → ") + url(QStringLiteral("added")).toString()));
        QVERIFY(preview.contains(u"Type: (none) → echo"));
        QVERIFY2(m_page->message().contains(u"Service 'added' was created"), qPrintable(m_page->message()));
        QVERIFY(config().contains(u"<name>added</name>"));
        QVERIFY(opens(url(QStringLiteral("added"))));
        // The list comes back with it, selected, and the form has nothing left to apply.
        QVERIFY(waitForService(QStringLiteral("added")));
        QVERIFY(QTest::qWaitFor([&] { return m_page->selectedName() == u"added"; }, 10000));
        QVERIFY(!m_page->form()->hasUnappliedChanges());
        QVERIFY(!button(QStringLiteral("applyService"))->isEnabled());
    }

    void refusesAnInvalidValueAtItsField()
    {
        QVERIFY(m_page->selectService(QStringLiteral("added")));
        const QString before = config();
        setPair(options(), QStringLiteral("ws.maximum.message.size"), QStringLiteral("lots"));
        QVERIFY(m_page->form()->hasUnappliedChanges());
        QStringList preview;
        QVERIFY(applyAndWait(&preview));
        QVERIFY(preview.contains(u"Accept option ws.maximum.message.size: (none) → lots"));
        const ServiceField field = m_page->form()->errorField();
        QCOMPARE(field.kind, Kind::AcceptOptions);
        QCOMPARE(field.key, QStringLiteral("ws.maximum.message.size"));
        QVERIFY2(m_page->form()->errorText().contains(u"'lots' is not a valid size"), qPrintable(m_page->form()->errorText()));
        QVERIFY(options()->isMarked());
        QVERIFY(options()->table()->property("invalid").toBool());
        QVERIFY(options()->table()->item(0, 1)->toolTip().contains(u"lots")); // the row that holds it
        QVERIFY(options()->table()->item(0, 1)->background().style() != Qt::NoBrush);
        QCOMPARE(config(), before);
        QVERIFY(m_page->form()->hasUnappliedChanges()); // kept, to be corrected
        screenshot(QStringLiteral("services-refused"));

        // A name given twice is the console's own finding: no preview, shown at the name.
        button(QStringLiteral("revertService"))->click();
        QVERIFY(!m_page->form()->hasUnappliedChanges());
        QVERIFY(!options()->isMarked());
        typeInto(QStringLiteral("serviceName"), QStringLiteral("echo"));
        QVERIFY(applyAndWait());
        QCOMPARE(m_page->form()->errorField().kind, Kind::Name);
        QVERIFY2(m_page->form()->errorText().contains(u"exists already"), qPrintable(m_page->form()->errorText()));
        QVERIFY(m_page->form()->fieldWidget(Kind::Name)->property("invalid").toBool());
        QVERIFY(m_page->conflictText().isEmpty()); // a name taken is not someone else's change
        QCOMPARE(config(), before);
        button(QStringLiteral("revertService"))->click();

        // An empty name never reaches the gateway.
        typeInto(QStringLiteral("serviceName"), QString());
        button(QStringLiteral("applyService"))->click(); // no preview: nothing to answer
        QCOMPARE(m_page->form()->errorField().kind, Kind::Name);
        QVERIFY(m_page->form()->errorText().contains(u"Give the service a name"));
        button(QStringLiteral("revertService"))->click();
        QVERIFY(!m_page->form()->hasUnappliedChanges());
    }

    void showsWhatAnUpdateChanges()
    {
        QVERIFY(m_page->selectService(QStringLiteral("added")));
        typeInto(QStringLiteral("serviceDescription"), QStringLiteral("Added by the test"));
        setPair(options(), QStringLiteral("ws.maximum.message.size"), QStringLiteral("256k"));
        QVERIFY(child<QLabel>(QStringLiteral("editorTitle"))->text().contains(u"not applied"));
        QStringList preview;
        QVERIFY(applyAndWait(&preview));
        QCOMPARE(preview, (QStringList{QStringLiteral("Description: (none) → Added by the test"),
                                       QStringLiteral("Accept option ws.maximum.message.size: (none) → 256k")}));
        QVERIFY2(m_page->form()->errorText().isEmpty(), qPrintable(m_page->form()->errorText()));
        QVERIFY(m_page->message().contains(u"Service 'added' was updated"));
        QVERIFY(config().contains(u"<ws.maximum.message.size>256k</ws.maximum.message.size>"));
        QVERIFY(config().contains(u"<description>Added by the test</description>"));
        QVERIFY(!m_page->form()->hasUnappliedChanges());

        // Going back from the preview changes nothing.
        typeInto(QStringLiteral("serviceDescription"), QStringLiteral("Not this"));
        answerNextDialog<Admin::ChangePreviewDialog>([](Admin::ChangePreviewDialog *dialog) { dialog->reject(); });
        button(QStringLiteral("applyService"))->click();
        QVERIFY(!config().contains(u"Not this"));
        QVERIFY(m_page->form()->hasUnappliedChanges());
        button(QStringLiteral("revertService"))->click();
    }

    void clonesAService()
    {
        QVERIFY(m_page->selectService(QStringLiteral("added")));
        button(QStringLiteral("cloneService"))->click();
        QVERIFY(m_page->form()->draft().isNew());
        QCOMPARE(child<QLineEdit>(QStringLiteral("serviceName"))->text(), QStringLiteral("added-copy"));
        QCOMPARE(child<QPlainTextEdit>(QStringLiteral("acceptUrls"))->toPlainText(), url(QStringLiteral("added-copy")).toString());
        QStringList preview;
        QVERIFY(applyAndWait(&preview));
        QVERIFY2(preview.contains(u"Accept option ws.maximum.message.size: (none) → 256k"), qPrintable(preview.join(u'\n')));
        QVERIFY2(m_page->message().contains(u"Service 'added-copy' was created"), qPrintable(m_page->message()));
        QVERIFY(config().contains(u"<name>added-copy</name>"));
        QVERIFY(opens(url(QStringLiteral("added-copy"))));
        QVERIFY(waitForService(QStringLiteral("added-copy")));
    }

    void disablesAndEnables()
    {
        QVERIFY(m_page->selectService(QStringLiteral("added-copy")));
        QSignalSpy succeeded(m_page->editor(), &Admin::ServiceEditor::succeeded);
        QPushButton *toggle = button(QStringLiteral("toggleService"));
        QCOMPARE(toggle->text(), QStringLiteral("Disable"));
        toggle->click();
        QVERIFY(succeeded.wait(15000));
        QVERIFY(m_page->message().contains(u"is disabled"));
        QVERIFY(!opens(url(QStringLiteral("added-copy"))));
        QVERIFY(opens(url(QStringLiteral("added")))); // its original goes on
        QVERIFY(QTest::qWaitFor([&] { return toggle->text() == u"Enable"; }, 10000));
        QCOMPARE(m_page->selectedName(), QStringLiteral("added-copy"));
        const int row = m_page->model()->rowOf(QStringLiteral("added-copy"));
        QCOMPARE(m_page->model()->data(m_page->model()->index(row, Admin::ServiceModel::State)).toString(), QStringLiteral("disabled"));
        QVERIFY(config().contains(u"<service enabled=\"false\">"));

        toggle->click();
        QVERIFY(succeeded.wait(15000));
        QVERIFY(m_page->message().contains(u"is enabled"));
        QVERIFY(opens(url(QStringLiteral("added-copy"))));
        QVERIFY(QTest::qWaitFor([&] { return toggle->text() == u"Disable"; }, 10000));
    }

    void deleteNamesTheSessionsItEnds()
    {
        Client::ClientSocket session;
        QSignalSpy open(&session, &Client::ClientSocket::connected);
        QSignalSpy ended(&session, &Client::ClientSocket::disconnected);
        session.open(url(QStringLiteral("added-copy")));
        QVERIFY(open.wait(10000));
        QVERIFY(m_page->selectService(QStringLiteral("added-copy")));

        // Asked, and cancelled: nothing happens.
        QString asked;
        answerNextDialog<QMessageBox>([this, &asked](QMessageBox *box) {
            asked = box->text() + u'\n' + box->informativeText();
            screenshot(QStringLiteral("services-delete"), box);
            box->button(QMessageBox::Cancel)->click();
        });
        button(QStringLiteral("deleteService"))->click();
        QVERIFY(QTest::qWaitFor([&] { return !asked.isEmpty(); }, 10000));
        QVERIFY2(asked.contains(u"Delete service 'added-copy'?"), qPrintable(asked));
        QVERIFY2(asked.contains(u"It will end 1 open session"), qPrintable(asked));
        QVERIFY(asked.contains(url(QStringLiteral("added-copy")).toString()));
        QVERIFY(config().contains(u"<name>added-copy</name>"));

        // Asked again and confirmed: gone from the file, the session ended, the path silent.
        QSignalSpy succeeded(m_page->editor(), &Admin::ServiceEditor::succeeded);
        answerNextDialog<QMessageBox>([](QMessageBox *box) { box->button(QMessageBox::Yes)->click(); });
        button(QStringLiteral("deleteService"))->click();
        QVERIFY(succeeded.wait(15000));
        QVERIFY2(m_page->message().contains(u"Service 'added-copy' was deleted and 1 session(s) on it ended"), qPrintable(m_page->message()));
        QVERIFY(!ended.isEmpty() || ended.wait(10000));
        QCOMPARE(session.closeCode(), quint16(1001));
        QVERIFY(!config().contains(u"added-copy"));
        QVERIFY(!opens(url(QStringLiteral("added-copy"))));
        QVERIFY(waitForService(QStringLiteral("added-copy"), false));
        QVERIFY(!m_page->form()->hasDraft());
    }

    void explainsAConflictAndReloads()
    {
        QVERIFY(m_page->selectService(QStringLiteral("added")));
        typeInto(QStringLiteral("serviceDescription"), QStringLiteral("Mine"));

        // Meanwhile another console changes the same service.
        auto other = connectedAs(Testing::TestGateway::kAdmin, m_gateway.adminPassword());
        const Answer current = await(other->getService(QStringLiteral("added")));
        QVERIFY(current.ok());
        QJsonObject theirs = Admin::ServiceModel::definition(current.result.value(u"service").toObject());
        theirs.insert(QStringLiteral("description"), QStringLiteral("Theirs"));
        QVERIFY(await(other->updateService(current.result.value(u"revision").toString(), QStringLiteral("added"), theirs)).ok());

        QVERIFY(applyAndWait());
        const QString explained = m_page->conflictText();
        QVERIFY2(explained.contains(u"Someone else changed the gateway's configuration"), qPrintable(explained));
        QVERIFY(explained.contains(u"Description: Added by the test → Mine"));
        QVERIFY(config().contains(u"<description>Theirs</description>"));
        QVERIFY(!config().contains(u"Mine"));
        screenshot(QStringLiteral("services-conflict"));

        // Reload: the form shows their version, and a new edit goes through.
        child<QPushButton>(QStringLiteral("conflictReload"))->click();
        QVERIFY(QTest::qWaitFor([&] { return child<QLineEdit>(QStringLiteral("serviceDescription"))->text() == u"Theirs"; }, 10000));
        QVERIFY(m_page->conflictText().isEmpty());
        QVERIFY(!m_page->form()->hasUnappliedChanges());
        typeInto(QStringLiteral("serviceDescription"), QStringLiteral("Mine after all"));
        QStringList preview;
        QVERIFY(applyAndWait(&preview));
        QCOMPARE(preview, QStringList{QStringLiteral("Description: Theirs → Mine after all")});
        QVERIFY(config().contains(u"<description>Mine after all</description>"));
    }

    void anotherServicesChangeIsNoConflict()
    {
        // A change elsewhere in the file leaves this edit safe: it is applied at the new revision.
        QVERIFY(m_page->selectService(QStringLiteral("added")));
        typeInto(QStringLiteral("serviceDescription"), QStringLiteral("Edited while echo changes"));
        auto other = connectedAs(Testing::TestGateway::kAdmin, m_gateway.adminPassword());
        const Answer current = await(other->getService(QStringLiteral("echo")));
        QJsonObject echo = Admin::ServiceModel::definition(current.result.value(u"service").toObject());
        echo.insert(QStringLiteral("description"), QStringLiteral("Changed by another console"));
        QVERIFY(await(other->updateService(current.result.value(u"revision").toString(), QStringLiteral("echo"), echo)).ok());
        QVERIFY(QTest::qWaitFor([&] {
            const int row = m_page->model()->rowOf(QStringLiteral("echo"));
            return row >= 0 && m_page->model()->row(row).value(u"description").toString() == u"Changed by another console";
        }, 10000));
        QVERIFY(applyAndWait());
        QVERIFY2(m_page->conflictText().isEmpty(), qPrintable(m_page->conflictText()));
        QVERIFY(config().contains(u"<description>Edited while echo changes</description>"));
    }

    void keyboardShortcuts()
    {
        QVERIFY(m_page->selectService(QStringLiteral("echo")));
        m_page->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(m_page.get()));
        // A button's shortcut clicks it the way a mouse would: pressed, and released a moment later.
        QTest::keySequence(m_page->windowHandle(), QKeySequence::New);
        QVERIFY(QTest::qWaitFor([&] { return m_page->form()->hasDraft() && m_page->form()->draft().isNew(); }, 5000));
        QVERIFY(child<QLabel>(QStringLiteral("editorTitle"))->text().contains(u"New service"));
        QTest::keySequence(m_page->windowHandle(), QKeySequence(QStringLiteral("Ctrl+R")));
        QVERIFY(QTest::qWaitFor([&] { return !m_page->form()->hasDraft(); }, 5000));
        // Ctrl+S shows what will change.
        QVERIFY(m_page->selectService(QStringLiteral("echo")));
        typeInto(QStringLiteral("serviceDescription"), QStringLiteral("Typed"));
        QStringList preview;
        answerNextDialog<Admin::ChangePreviewDialog>([&preview](Admin::ChangePreviewDialog *dialog) {
            preview = dialog->changes();
            dialog->reject();
        });
        QTest::keySequence(m_page->windowHandle(), QKeySequence::Save);
        QVERIFY(QTest::qWaitFor([&] { return !preview.isEmpty(); }, 5000));
        QCOMPARE(preview, QStringList{QStringLiteral("Description: Changed by another console → Typed")});
        m_page->activateWindow(); // back from the dialog (offscreen has no window manager to do it)
        QVERIFY(QTest::qWaitForWindowActive(m_page.get()));
        QTest::keySequence(m_page->windowHandle(), QKeySequence(QStringLiteral("Ctrl+R")));
        QVERIFY(QTest::qWaitFor([&] { return !m_page->form()->hasUnappliedChanges(); }, 5000));
        QCOMPARE(button(QStringLiteral("reloadServices"))->shortcut(), QKeySequence(QKeySequence::Refresh));
        QCOMPARE(button(QStringLiteral("toggleService"))->shortcut(), QKeySequence(QStringLiteral("Ctrl+E")));
        QCOMPARE(button(QStringLiteral("cloneService"))->shortcut(), QKeySequence(QStringLiteral("Ctrl+Shift+N")));
        // Del in the table asks to delete the selected service.
        m_page->table()->setFocus();
        QString asked;
        answerNextDialog<QMessageBox>([&asked](QMessageBox *box) {
            asked = box->text();
            box->button(QMessageBox::Cancel)->click();
        });
        QTest::keySequence(m_page->windowHandle(), QKeySequence::Delete);
        QVERIFY(QTest::qWaitFor([&] { return !asked.isEmpty(); }, 10000));
        QCOMPARE(asked, QStringLiteral("Delete service 'echo'?"));
    }

    void remembersColumnWidths()
    {
        m_page->table()->horizontalHeader()->resizeSection(Admin::ServiceModel::Accept, 333);
        ServicesPage second(m_client.get());
        QCOMPARE(second.table()->horizontalHeader()->sectionSize(Admin::ServiceModel::Accept), 333);
    }

    void readOnlyUserCannotChange()
    {
        auto viewer = connectedAs(Testing::TestGateway::kViewer, m_gateway.viewerPassword());
        QVERIFY(viewer->isConnected() && viewer->isReadOnly());
        ServicesPage page(viewer.get());
        page.show();
        QVERIFY(QTest::qWaitFor([&] { return page.model()->rowOf(QStringLiteral("echo")) >= 0; }, 10000));
        QVERIFY(page.selectService(QStringLiteral("echo")));
        QCOMPARE(page.findChild<QLineEdit *>(QStringLiteral("serviceName"))->text(), QStringLiteral("echo"));
        for (const char *name : {"addService", "cloneService", "deleteService", "toggleService", "applyService"})
            QVERIFY2(!page.findChild<QPushButton *>(QString::fromUtf8(name))->isEnabled(), name);
        QVERIFY(page.findChild<QLineEdit *>(QStringLiteral("serviceName"))->isReadOnly());
        QVERIFY(!page.findChild<QComboBox *>(QStringLiteral("serviceType"))->isEnabled());
        QVERIFY(page.findChild<QLabel *>(QStringLiteral("editorTitle"))->text().contains(u"read only"));
        // The shortcuts are dead too.
        page.addService();
        QVERIFY(!page.form()->draft().isNew());
    }
};

QTEST_MAIN(TestServicesPage)
#include "tst_servicespage.moc"
