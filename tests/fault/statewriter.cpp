// postern-state-writer: a helper for tst_crashsafety, built only for the tests. It writes the
// gateway's state files over and over through the product's own code paths, alternating
// between two versions of each, until it is killed:
//   <dir>/state/gateway-config.xml  Util::FileChange write + keep (the management API's config
//                                   editor, users and certificate operations)
//   <dir>/state/users.xml           Auth::UsersFile::save (atomic, with a backup)
//   <dir>/state/keystore.p12        Util::AtomicFile::write with a backup, owner-only: what
//                                   Tls::Keystore::save (postern-keytool, the certificate
//                                   operations through FileChange) does once it has encoded
//                                   the PKCS#12. The encoding itself (a deliberately slow key
//                                   derivation, most of a second here) is done once, by the
//                                   test: it decides nothing about how the file is replaced,
//                                   and would make every round take that long.
// The versions are <dir>/config-{a,b}.xml, <dir>/users-{a,b}.xml (read with the product's
// loaders) and <dir>/keystore-{a,b}.p12. It prints "ready" when it starts writing. Any write
// that fails (say, because of what an earlier kill left behind) ends it with exit code 1 and
// the error on standard error, which the test sees instead of its own SIGKILL.
//
// Usage: postern-state-writer <dir> <first file: 0 config, 1 users, 2 keystore>

#include "auth/usersfile.h"
#include "util/atomicfile.h"
#include "util/filechange.h"
#include "util/filereader.h"

#include <QFile>

#include <cstdio>
#include <cstdlib>

using namespace Postern;

namespace {

[[noreturn]] void fail(const QString &message)
{
    std::fprintf(stderr, "postern-state-writer: %s\n", qPrintable(message));
    std::exit(1);
}

template<typename T>
T orFail(std::expected<T, QString> value)
{
    if (!value)
        fail(value.error());
    return std::move(*value);
}

void orFail(const std::expected<void, QString> &done)
{
    if (!done)
        fail(done.error());
}

} // namespace

int main(int argc, char *argv[])
{
    // No QCoreApplication: nothing here needs an event loop, and every millisecond of start-up
    // is spent again on each of the test's hundreds of kills.
    if (argc != 3)
        fail(QStringLiteral("usage: postern-state-writer <dir> <first file: 0 config, 1 users, 2 keystore>"));
    const QString dir = QFile::decodeName(argv[1]);
    auto at = [&](const char *name) -> QString { return dir + u'/' + QLatin1StringView(name); }; // QString, not a builder of temporaries

    const QByteArray configs[2] = {orFail(Util::FileReader::read(at("config-a.xml"), Util::FileReader::kConfigurationLimit, QStringLiteral("configuration"))),
                                   orFail(Util::FileReader::read(at("config-b.xml"), Util::FileReader::kConfigurationLimit, QStringLiteral("configuration")))};
    const Auth::UsersFile users[2] = {orFail(Auth::UsersFile::load(at("users-a.xml"))), orFail(Auth::UsersFile::load(at("users-b.xml")))};
    const QByteArray keystores[2] = {orFail(Util::FileReader::read(at("keystore-a.p12"), Util::FileReader::kKeystoreLimit, QStringLiteral("keystore"))),
                                     orFail(Util::FileReader::read(at("keystore-b.p12"), Util::FileReader::kKeystoreLimit, QStringLiteral("keystore")))};

    const QString configPath = at("state/gateway-config.xml");
    const QString usersPath = at("state/users.xml");
    const QString keystorePath = at("state/keystore.p12");
    auto current = [](const QString &path) { return Util::FileReader::read(path, Util::FileReader::kConfigurationLimit, QStringLiteral("file")).value_or(QByteArray()); };
    // Each file gets the version it does not hold now, so every write is a real change, and
    // the writing starts at the file the test names, so that kills land in all three even when
    // the disk is slow.
    int next[3] = {current(configPath) == configs[0] ? 1 : 0, current(usersPath) == users[0].toXml() ? 1 : 0,
                   current(keystorePath) == keystores[0] ? 1 : 0};
    const int first = std::atoi(argv[2]) % 3;
    std::fputs("ready\n", stdout);
    std::fflush(stdout);
    for (int step = first;; step = (step + 1) % 3) {
        const int version = next[step];
        next[step] ^= 1;
        if (step == 0) {
            auto change = orFail(Util::FileChange::begin(configPath, Util::FileReader::kConfigurationLimit, false));
            orFail(change.write(configs[version]));
            orFail(change.keep());
        } else if (step == 1) {
            orFail(users[version].save(usersPath));
        } else {
            orFail(Util::AtomicFile::write(keystorePath, keystores[version], true));
        }
    }
}
