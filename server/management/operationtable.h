#pragma once

// The management operations by name: what each runs, and whether it changes anything (then
// only administrators may call it, and the call is audited) or is for administrators anyway.

#include "management/caller.h"
#include "management/managementerror.h"
#include "management/params.h"

#include <QHash>
#include <QJsonValue>

#include <expected>
#include <functional>

namespace Postern::Management {

using OperationResult = std::expected<QJsonValue, ManagementError>;
// How an operation that waits (for another node, through Redis) gives its answer: once,
// from the event loop.
using Answer = std::function<void(OperationResult result)>;

struct Operation
{
    bool changes = false;
    std::function<OperationResult(const Params &params, const Caller &caller)> run;
    // Changes nothing, yet only administrators may call it (config.validate reads files).
    bool administratorsOnly = false;
    // Instead of `run`: an operation that answers later (and always answers).
    std::function<void(const Params &params, const Caller &caller, Answer answer)> runLater = {};
};

using OperationTable = QHash<QString, Operation>;

} // namespace Postern::Management
