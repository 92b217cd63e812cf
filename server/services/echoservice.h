#pragma once

// type "echo": sends every message back as it came, text as text and binary as binary.

#include "services/service.h"

namespace Postern::Services {

class EchoService final : public Service
{
    Q_OBJECT

public:
    using Service::Service;

    void upgrade(Frontdoor::PendingUpgrade *upgrade) override;
    bool runsInWorkers() const override { return true; }
};

} // namespace Postern::Services
