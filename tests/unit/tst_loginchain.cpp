#include "auth/loginchain.h"

#include <QtTest>

using namespace Postern::Auth;

namespace {

// Succeeds (with its role) or fails, whatever the credentials.
class Fixed final : public LoginModule
{
public:
    Fixed(bool succeeds, QString role) : m_succeeds(succeeds), m_role(std::move(role)) {}
    std::expected<LoginResult, QString> login(const Credentials &credentials) const override
    {
        if (!m_succeeds)
            return std::unexpected(QStringLiteral("%1 refused").arg(m_role));
        return LoginResult{credentials.user, {m_role}};
    }

private:
    bool m_succeeds;
    QString m_role;
};

} // namespace

class TestLoginChain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void semantics_data()
    {
        // "R+" = required that succeeds, "Q-" = requisite that fails, S sufficient, O optional.
        QTest::addColumn<QString>("chain");
        QTest::addColumn<bool>("succeeds");
        QTest::addColumn<QString>("roles");
        QTest::addColumn<QString>("reason"); // of a failure: the module that decided it
        QTest::newRow("required ok") << "R+" << true << "R0" << "";
        QTest::newRow("required fails") << "R-" << false << "" << "R0 refused";
        QTest::newRow("required fails, later sufficient ok") << "R- S+" << false << "" << "R0 refused";
        QTest::newRow("requisite fails stops") << "Q- O+" << false << "" << "Q0 refused";
        QTest::newRow("required ok, requisite ok") << "R+ Q+" << true << "R0,Q1" << "";
        QTest::newRow("sufficient ok stops the chain") << "S+ R-" << true << "S0" << "";
        QTest::newRow("sufficient fails, required ok") << "S- R+" << true << "R1" << "";
        QTest::newRow("only optional, one ok") << "O- O+" << true << "O1" << "";
        QTest::newRow("only optional, none ok") << "O- O-" << false << "" << "O0 refused";
        QTest::newRow("required ok, optional fails") << "R+ O-" << true << "R0" << "";
        QTest::newRow("roles of every success") << "R+ O+ S+" << true << "R0,O1,S2" << "";
        QTest::newRow("required fails, then sufficient ok is not enough") << "R- S+ O+" << false << "" << "R0 refused";
        QTest::newRow("first required failure is the reason") << "O- R- Q-" << false << "" << "R1 refused";
    }
    void semantics()
    {
        QFETCH(QString, chain);
        QFETCH(bool, succeeds);
        QFETCH(QString, roles);
        QFETCH(QString, reason);
        LoginChain login;
        const QStringList parts = chain.split(u' ');
        for (int i = 0; i < parts.size(); ++i) {
            const QChar kind = parts[i].at(0);
            const LoginChain::Flag flag = kind == u'R' ? LoginChain::Flag::Required
                : kind == u'Q'                         ? LoginChain::Flag::Requisite
                : kind == u'S'                         ? LoginChain::Flag::Sufficient
                                                       : LoginChain::Flag::Optional;
            login.add(std::make_shared<Fixed>(parts[i].at(1) == u'+', QString(kind) + QString::number(i)), flag);
        }
        Credentials credentials;
        credentials.user = QStringLiteral("alice");
        credentials.password = "pw";
        const auto result = login.login(credentials);
        QCOMPARE(bool(result), succeeds);
        if (result) {
            QCOMPARE(result->user, QStringLiteral("alice"));
            QCOMPARE(result->roles.join(u','), roles);
        } else {
            QCOMPARE(result.error(), reason);
        }
    }

    void flagNames()
    {
        QCOMPARE(LoginChain::flagFromName(QStringLiteral("requisite")), LoginChain::Flag::Requisite);
        QVERIFY(!LoginChain::flagFromName(QStringLiteral("mandatory")));
    }
};

QTEST_GUILESS_MAIN(TestLoginChain)
#include "tst_loginchain.moc"
