#pragma once

// For GUI tests: answers the next dialog of a type as soon as it is shown, from inside its
// own event loop (an event filter sees it appear: no polling for windows, no sleeps).
//
//   answerNextDialog<QMessageBox>([](QMessageBox *box) { box->button(QMessageBox::Yes)->click(); });
//   deleteButton->click(); // opens the box, which is answered

#include <QApplication>
#include <QEvent>
#include <QTimer>

#include <functional>

namespace Postern::Testing {

// Runs `answer` on the next dialog of type Dialog that is shown, from inside its own event
// loop: an event filter sees it appear (no polling for windows), a zero timer answers it.
template<typename Dialog>
class DialogAnswerer final : public QObject
{
public:
    explicit DialogAnswerer(std::function<void(Dialog *)> answer) : m_answer(std::move(answer)) { qApp->installEventFilter(this); }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Show && !m_done) {
            if (auto *dialog = qobject_cast<Dialog *>(watched)) {
                m_done = true;
                qApp->removeEventFilter(this);
                QTimer::singleShot(0, dialog, [this, dialog] {
                    m_answer(dialog);
                    deleteLater();
                });
            }
        }
        return false;
    }

private:
    std::function<void(Dialog *)> m_answer;
    bool m_done = false;
};

template<typename Dialog>
inline void answerNextDialog(std::function<void(Dialog *)> answer)
{
    new DialogAnswerer<Dialog>(std::move(answer));
}

} // namespace Postern::Testing
