#pragma once

// The console's main window. A placeholder until the console issue: it says what it is
// and that the management endpoint is not there yet.

#include <QMainWindow>

namespace Postern::Admin {

class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
};

} // namespace Postern::Admin
