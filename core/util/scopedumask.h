#pragma once

// Sets the process umask for a scope, so files holding secrets are created owner-only
// from the first byte rather than chmod-ed afterwards.

#include <QtGlobal>

#include <sys/stat.h>

namespace Postern::Util {

class ScopedUmask final
{
public:
    explicit ScopedUmask(mode_t mask) : m_previous(::umask(mask)) {}
    ~ScopedUmask() { ::umask(m_previous); }
    Q_DISABLE_COPY_MOVE(ScopedUmask)

private:
    mode_t m_previous;
};

} // namespace Postern::Util
