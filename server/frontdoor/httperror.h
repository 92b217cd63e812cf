#pragma once

// Why a request was refused: the HTTP status to answer with and a short reason.

#include <QString>

namespace Postern::Frontdoor {

struct HttpError
{
    int status = 400;
    QString reason;
};

} // namespace Postern::Frontdoor
