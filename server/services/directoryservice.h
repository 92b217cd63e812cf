#pragma once

// type "directory": static files from a web root, GET and HEAD, with validators (ETag,
// Last-Modified, 304) and no way out of the root (.., encoded dots, symlinks leaving it).

#include "services/service.h"

namespace Postern::Services {

class DirectoryService final : public Service
{
    Q_OBJECT

public:
    DirectoryService(Config::ServiceConfig config, ServiceContext context, QObject *parent = nullptr);

    Frontdoor::HttpResponse handleHttp(const Frontdoor::HttpRequestHead &request, const QString &relativePath,
                                       const Frontdoor::ConnectionInfo &connection) override;
    bool runsInWorkers() const override { return true; }

private:
    QString m_root;       // canonical
    QString m_welcomeFile;
};

} // namespace Postern::Services
