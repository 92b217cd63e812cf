#pragma once

// Tells a member function that emitted a signal whether its object survived it. QPointer
// does the same with an atomic reference count per use; on the data path, where an endpoint
// and its transport check after every signal, that cost 9 % of posternd's user time
// (docs/performance.md, "Fifth pass"). Here a check is a plain flag:
//
//     const Util::DestructionWatch::Guard guard(m_destruction); // m_destruction: a member
//     Q_EMIT something();
//     if (guard.destroyed())
//         return;
//
// Guards nest (a function that emits calls another that does), as stack frames do, and
// belong to the object's own thread, like the object.

#include <QtGlobal>

namespace Postern::Util {

class DestructionWatch
{
    Q_DISABLE_COPY_MOVE(DestructionWatch)

public:
    class Guard
    {
        Q_DISABLE_COPY_MOVE(Guard)

    public:
        // The watch keeps this guard's address only while the guard lives: its destructor
        // takes it back (GCC's dangling-pointer warning cannot see that).
#if defined(Q_CC_GNU) && !defined(Q_CC_CLANG)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#endif
        explicit Guard(DestructionWatch &watch) : m_watch(&watch), m_outer(watch.m_innermost)
        {
            watch.m_innermost = this;
        }
#if defined(Q_CC_GNU) && !defined(Q_CC_CLANG)
#pragma GCC diagnostic pop
#endif
        ~Guard()
        {
            if (!m_destroyed)
                m_watch->m_innermost = m_outer;
        }
        bool destroyed() const { return m_destroyed; }

    private:
        friend class DestructionWatch;
        DestructionWatch *m_watch;
        Guard *m_outer;
        bool m_destroyed = false;
    };

    DestructionWatch() = default;
    ~DestructionWatch()
    {
        for (Guard *guard = m_innermost; guard; guard = guard->m_outer)
            guard->m_destroyed = true;
    }

private:
    Guard *m_innermost = nullptr;
};

} // namespace Postern::Util
