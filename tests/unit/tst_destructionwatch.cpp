#include "util/destructionwatch.h"

#include <QObject>
#include <QTest>

using namespace Postern;

namespace {

// An object that emits a signal and asks its watch afterwards, as Endpoint does.
class Emitter : public QObject
{
    Q_OBJECT

public:
    // Emits from inside a function that guards too; each says whether the object survived.
    void emitNested(bool *outerDestroyed, bool *innerDestroyed)
    {
        const Util::DestructionWatch::Guard guard(m_destruction);
        emitOnce(innerDestroyed);
        *outerDestroyed = guard.destroyed();
    }
    void emitOnce(bool *destroyed)
    {
        const Util::DestructionWatch::Guard guard(m_destruction);
        Q_EMIT happened();
        *destroyed = guard.destroyed();
    }

Q_SIGNALS:
    void happened();

private:
    Util::DestructionWatch m_destruction;
};

} // namespace

class TestDestructionWatch : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void anObjectThatSurvivesIsNotDestroyed()
    {
        Emitter emitter;
        bool destroyed = true;
        emitter.emitOnce(&destroyed);
        QVERIFY(!destroyed);
        // Again, after the guard has gone: the watch holds nothing of it.
        destroyed = true;
        emitter.emitOnce(&destroyed);
        QVERIFY(!destroyed);
    }

    void anObjectDeletedDuringTheSignalIsSeenDestroyed()
    {
        auto *emitter = new Emitter;
        connect(emitter, &Emitter::happened, emitter, [emitter] { delete emitter; });
        bool destroyed = false;
        emitter->emitOnce(&destroyed);
        QVERIFY(destroyed);
    }

    void nestedGuardsAllSeeIt()
    {
        auto *emitter = new Emitter;
        connect(emitter, &Emitter::happened, emitter, [emitter] { delete emitter; });
        bool outer = false, inner = false;
        emitter->emitNested(&outer, &inner);
        QVERIFY(inner);
        QVERIFY(outer);
    }

    void nestedGuardsOfASurvivorSeeNothing()
    {
        Emitter emitter;
        int emissions = 0;
        connect(&emitter, &Emitter::happened, &emitter, [&] { ++emissions; });
        bool outer = true, inner = true;
        emitter.emitNested(&outer, &inner);
        QVERIFY(!outer);
        QVERIFY(!inner);
        QCOMPARE(emissions, 1);
        // And a later deletion inside an emission is still seen: the watch's guards were
        // taken back in order.
        auto *doomed = new Emitter;
        connect(doomed, &Emitter::happened, doomed, [doomed] { delete doomed; });
        bool destroyed = false;
        doomed->emitNested(&outer, &destroyed);
        QVERIFY(destroyed);
        QVERIFY(outer);
    }

    void guardsOfTwoObjectsAreSeparate()
    {
        // One object deleted inside another's emission: only the deleted one's guard says so.
        Emitter survivor;
        auto *doomed = new Emitter;
        bool doomedDestroyed = false;
        connect(&survivor, &Emitter::happened, &survivor, [&] { doomed->emitOnce(&doomedDestroyed); });
        connect(doomed, &Emitter::happened, doomed, [doomed] { delete doomed; });
        bool survivorDestroyed = true;
        survivor.emitOnce(&survivorDestroyed);
        QVERIFY(doomedDestroyed);
        QVERIFY(!survivorDestroyed);
    }
};

QTEST_GUILESS_MAIN(TestDestructionWatch)
#include "tst_destructionwatch.moc"
