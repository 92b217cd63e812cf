#include "passwordvault.h"

#include <qt6keychain/keychain.h>

namespace Postern::Admin {

namespace {

template<typename JobType>
JobType *makeJob(const QString &service, const QString &key, QObject *parent)
{
    auto *job = new JobType(service, parent);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // a keyring, or nothing: never a plain file
    job->setKey(key);
    return job;
}

QString describe(const QKeychain::Job &job)
{
    switch (job.error()) {
    case QKeychain::NoBackendAvailable:
        return PasswordVault::tr("there is no system keyring on this desktop (%1)").arg(job.errorString());
    case QKeychain::AccessDeniedByUser:
    case QKeychain::AccessDenied:
        return PasswordVault::tr("the system keyring refused access (%1)").arg(job.errorString());
    default:
        return PasswordVault::tr("the system keyring failed: %1").arg(job.errorString());
    }
}

} // namespace

PasswordVault::PasswordVault(QObject *parent, QString service) : QObject(parent), m_service(std::move(service))
{
}

void PasswordVault::read(const QString &key, Callback callback)
{
    auto *job = makeJob<QKeychain::ReadPasswordJob>(m_service, key, this);
    connect(job, &QKeychain::Job::finished, this, [callback = std::move(callback)](QKeychain::Job *done) {
        auto *reader = static_cast<QKeychain::ReadPasswordJob *>(done);
        if (done->error() == QKeychain::EntryNotFound)
            callback({});
        else if (done->error() != QKeychain::NoError)
            callback({std::nullopt, describe(*done)});
        else
            callback({reader->textData(), {}});
    });
    job->start();
}

void PasswordVault::write(const QString &key, const QString &password, Callback callback)
{
    auto *job = makeJob<QKeychain::WritePasswordJob>(m_service, key, this);
    job->setTextData(password);
    connect(job, &QKeychain::Job::finished, this, [callback = std::move(callback)](QKeychain::Job *done) {
        callback({std::nullopt, done->error() == QKeychain::NoError ? QString() : describe(*done)});
    });
    job->start();
}

void PasswordVault::remove(const QString &key, Callback callback)
{
    auto *job = makeJob<QKeychain::DeletePasswordJob>(m_service, key, this);
    connect(job, &QKeychain::Job::finished, this, [callback = std::move(callback)](QKeychain::Job *done) {
        const bool fine = done->error() == QKeychain::NoError || done->error() == QKeychain::EntryNotFound;
        callback({std::nullopt, fine ? QString() : describe(*done)});
    });
    job->start();
}

} // namespace Postern::Admin
