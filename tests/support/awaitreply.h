#pragma once

// For tests of the console: waits for a management request's answer and keeps what it said
// (the ManagementReply itself is gone after finished()). Header-only, for the tests that
// link postern_admin_client.

#include "managementreply.h"

#include <QObject>
#include <QTest>

namespace Postern::Testing {

struct Answer
{
    bool arrived = false;
    QJsonObject result;
    Management::ManagementError error;
    bool ok() const { return arrived && error.code.isEmpty(); }
};

inline Answer await(Admin::ManagementReply *reply, int timeout = 15000)
{
    Answer answer;
    QObject context;
    reply->onFinished(&context, [&answer](const Admin::ManagementReply &r) {
        answer.arrived = true;
        answer.result = r.result();
        answer.error = r.error();
    });
    static_cast<void>(QTest::qWaitFor([&] { return answer.arrived; }, timeout)); // `arrived` says whether it came
    return answer;
}

} // namespace Postern::Testing
