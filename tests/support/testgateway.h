#pragma once

// A real posternd for the console's tests, started as a process in a temporary directory:
// a keystore signed by a test CA, a management service over wss with an administrator
// ("admin"), a read-only user ("viewer") and one who may not manage ("guest"), an echo service over ws, and a realm "app"
// whose users the console may manage. Passwords are made up per run.

#include "connectoptions.h"
#include "testpki.h"

#include <QProcess>
#include <QSslCertificate>
#include <QString>
#include <QTemporaryDir>
#include <QUrl>

namespace Postern::Testing {

class TestGateway
{
public:
    TestGateway();
    ~TestGateway();

    // Writes the files and starts posternd; false (with a warning saying why) when it did not
    // start listening within 20 s.
    bool start();
    // Stops it (SIGTERM) and waits; start() may then be called again on the same files.
    void stop();

    // How a console connects as `user`: trusting the test CA, answering the challenge once.
    Client::ConnectOptions connectOptions(const QString &user, const QString &password) const;
    Client::ConnectOptions adminOptions() const { return connectOptions(kAdmin, m_adminPassword); }

    QUrl managementUrl() const;
    QUrl echoUrl() const;
    quint16 httpPort() const { return m_http; }
    quint16 managementPort() const { return m_manage; }
    QSslCertificate caCertificate() const { return m_pki.caCertificate(); }
    const TestPki &pki() const { return m_pki; }
    QString path(const QString &name) const { return m_dir.filePath(name); }
    QByteArray fileText(const QString &name) const;
    // Everything posternd printed so far.
    QByteArray output();

    static inline const QString kAdmin = QStringLiteral("admin");
    static inline const QString kViewer = QStringLiteral("viewer");
    const QString &adminPassword() const { return m_adminPassword; }
    const QString &viewerPassword() const { return m_viewerPassword; }
    const QString &guestPassword() const { return m_guestPassword; }

private:
    void writeFile(const QString &name, const QByteArray &data) const;

    QTemporaryDir m_dir;
    TestPki m_pki;
    QProcess m_process;
    QByteArray m_output;
    quint16 m_http = 0;
    quint16 m_manage = 0;
    QString m_adminPassword;
    QString m_viewerPassword;
    QString m_guestPassword;
    bool m_written = false;
};

} // namespace Postern::Testing
