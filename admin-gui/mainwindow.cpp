#include "mainwindow.h"

#include <QLabel>

namespace Postern::Admin {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("Postern Administration"));
    auto *label = new QLabel(tr("Postern administration console.\n\n"
                                "Connecting to a gateway needs its management endpoint, "
                                "which this version does not have yet."),
                             this);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    setCentralWidget(label);
    resize(640, 400);
}

} // namespace Postern::Admin
