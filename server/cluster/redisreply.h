#pragma once

// One reply from Redis (RESP2), as a value: what hiredis's reader produced, copied out so
// that it can travel through signals and callbacks.

#include <QByteArray>
#include <QList>

namespace Postern::Cluster {

struct RedisReply
{
    enum class Type { Nil, Integer, String, Status, Error, Array };

    Type type = Type::Nil;
    qint64 integer = 0;
    QByteArray string; // String, Status and Error
    QList<RedisReply> elements;

    bool isError() const { return type == Type::Error; }
    bool isOk() const { return type == Type::Status && string == "OK"; }
    static RedisReply error(const QByteArray &message)
    {
        RedisReply reply;
        reply.type = Type::Error;
        reply.string = message;
        return reply;
    }
};

} // namespace Postern::Cluster
