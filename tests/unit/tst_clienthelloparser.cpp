#include "frontdoor/clienthelloparser.h"

#include <QSslSocket>
#include <QTcpServer>
#include <QtTest>

using namespace Postern::Frontdoor;

class TestClientHelloParser : public QObject
{
    Q_OBJECT

private:
    // The first bytes a real QSslSocket client sends, for `peerName` (SNI when it is a name).
    static QByteArray captureClientHello(const QString &peerName)
    {
        QTcpServer server;
        if (!server.listen(QHostAddress::LocalHost))
            return {};
        QSslSocket client;
        client.setPeerVerifyMode(QSslSocket::VerifyNone);
        client.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.serverPort(), peerName);
        if (!server.waitForNewConnection(10000))
            return {};
        QTcpSocket *accepted = server.nextPendingConnection();
        QByteArray data;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 10000 && ClientHelloParser::parse(data).status == ClientHelloParser::Status::NeedMore) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
            accepted->waitForReadyRead(50);
            data += accepted->readAll();
        }
        return data;
    }

private Q_SLOTS:
    void readsTheServerName()
    {
        const QByteArray hello = captureClientHello(QStringLiteral("Gateway.Example.TEST"));
        QVERIFY(hello.size() > 50);
        const auto result = ClientHelloParser::parse(hello);
        QCOMPARE(result.status, ClientHelloParser::Status::Complete);
        QCOMPARE(result.serverName, QStringLiteral("gateway.example.test"));

        // Every proper prefix is "need more", never a wrong answer.
        for (qsizetype n : {qsizetype(0), qsizetype(1), qsizetype(4), qsizetype(5), hello.size() / 2, hello.size() - 1}) {
            QCOMPARE(ClientHelloParser::parse(QByteArrayView(hello).first(n)).status, ClientHelloParser::Status::NeedMore);
        }
    }

    void noServerNameForAnAddress()
    {
        const QByteArray hello = captureClientHello(QStringLiteral("127.0.0.1"));
        const auto result = ClientHelloParser::parse(hello);
        QCOMPARE(result.status, ClientHelloParser::Status::Complete);
        QVERIFY(result.serverName.isEmpty());
    }

    void recognisesPlainText()
    {
        QCOMPARE(ClientHelloParser::parse("GET / HTTP/1.1\r\n").status, ClientHelloParser::Status::NotTls);
        QCOMPARE(ClientHelloParser::parse(QByteArray("\x16\x09\x01\x00\x05", 5)).status, ClientHelloParser::Status::NotTls);
    }

    void survivesGarbage()
    {
        // A handshake record whose body is nonsense: complete, no name, no crash.
        QByteArray record("\x16\x03\x01\x00\x10", 5);
        record += QByteArray("\x01\x00\x00\x0c", 4) + QByteArray(12, '\xff');
        const auto result = ClientHelloParser::parse(record);
        QCOMPARE(result.status, ClientHelloParser::Status::Complete);
        QVERIFY(result.serverName.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestClientHelloParser)
#include "tst_clienthelloparser.moc"
