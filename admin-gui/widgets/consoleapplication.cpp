#include "consoleapplication.h"

#include "connectdialog.h"
#include "connectioncontroller.h"
#include "mainwindow.h"
#include "page.h"
#include "passwordvault.h"
#include "profilestore.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QComboBox>
#include <QDir>
#include <QTableView>
#include <QTextStream>
#include <QTimer>

#include <cstdio>

namespace Postern::Admin {

namespace {

// Saves the connect dialog and then every page, each once its data had time to arrive.
void takeScreenshots(MainWindow *window, ConnectionController *controller, const QString &directory)
{
    QDir().mkpath(directory);
    // The dashboard last, once its graphs have some history.
    auto pages = std::make_shared<QList<Page *>>(window->pages());
    if (!pages->isEmpty())
        pages->append(pages->takeFirst());
    auto next = std::make_shared<std::function<void()>>();
    *next = [window, pages, next, directory] {
        if (pages->isEmpty()) {
            QApplication::quit();
            return;
        }
        Page *page = pages->takeFirst();
        window->showPage(page->objectName());
        // In a cluster, the Sessions page shows every node's sessions.
        if (auto *scope = page->findChild<QComboBox *>(QStringLiteral("sessionScope")); scope && scope->isEnabled())
            scope->setCurrentIndex(scope->count() - 1);
        QTimer::singleShot(2500, window, [window, page, next, directory] {
            // A page with its first row chosen shows its details too.
            for (QTableView *table : page->findChildren<QTableView *>()) {
                if (!table->isVisible() || !table->model() || table->model()->rowCount() == 0)
                    continue;
                if (!table->selectionModel()->hasSelection())
                    table->selectRow(0);
                break;
            }
            QApplication::processEvents();
            const QString file = QDir(directory).filePath(page->objectName().chopped(4).toLower() + QStringLiteral(".png"));
            if (!window->grab().save(file))
                std::fprintf(stderr, "postern-admin: cannot write %s\n", qPrintable(file));
            else
                std::fprintf(stdout, "postern-admin: saved %s\n", qPrintable(file));
            (*next)();
        });
    };
    QObject::connect(controller, &ConnectionController::connected, window, [next] { QTimer::singleShot(500, *next); },
                     Qt::SingleShotConnection);
    QObject::connect(controller, &ConnectionController::failed, window, [](auto, const QString &message) {
        std::fprintf(stderr, "postern-admin: %s\n", qPrintable(message));
        QApplication::exit(1);
    });
}

} // namespace

int ConsoleApplication::run(int argc, char *argv[])
{
    QApplication application(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("Postern"));
    QApplication::setApplicationName(QStringLiteral("postern-admin"));
    QApplication::setApplicationDisplayName(QStringLiteral("Postern Administration"));
    QApplication::setApplicationVersion(QStringLiteral(POSTERN_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("postern-admin"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/postern/postern-admin.svg")));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The Postern gateway's administration console."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption profileOption(QStringLiteral("profile"), QStringLiteral("Connect with the saved profile <name>."),
                                           QStringLiteral("name"));
    const QCommandLineOption stdinOption(QStringLiteral("password-stdin"),
                                         QStringLiteral("Read the password from the first line of standard input (for scripts)."));
    const QCommandLineOption shotsOption(QStringLiteral("screenshots"),
                                         QStringLiteral("Save a PNG of each page into <directory>, then exit."), QStringLiteral("directory"));
    parser.addOptions({profileOption, stdinOption, shotsOption});
    parser.process(application);

    ProfileStore profiles;
    PasswordVault vault;
    ConnectionController controller(&profiles, &vault);
    MainWindow window(&controller);
    window.show();

    const QString profileName = parser.value(profileOption);
    if (parser.isSet(shotsOption)) {
        const auto profile = profiles.find(profileName);
        if (!profile || !parser.isSet(stdinOption)) {
            std::fprintf(stderr, "postern-admin: --screenshots needs --profile with a saved profile and --password-stdin\n");
            return 2;
        }
        QTextStream input(stdin);
        const QString password = input.readLine();
        const QString directory = parser.value(shotsOption);
        QDir().mkpath(directory);
        {
            // The connect dialog, as an administrator meets it (the password field empty).
            ConnectDialog dialog(&controller, &window);
            dialog.setProfile(*profile);
            dialog.show();
            QApplication::processEvents();
            dialog.grab().save(QDir(directory).filePath(QStringLiteral("connect.png")));
        }
        takeScreenshots(&window, &controller, directory);
        controller.connectTo(*profile, password);
        return QApplication::exec();
    }

    QTimer::singleShot(0, &window, [&] {
        ConnectDialog dialog(&controller, &window);
        if (const auto profile = profiles.find(profileName))
            dialog.setProfile(*profile);
        if (parser.isSet(stdinOption)) {
            QTextStream input(stdin);
            dialog.setPassword(input.readLine());
            QTimer::singleShot(0, &dialog, &ConnectDialog::connectNow);
        }
        dialog.exec();
    });
    return QApplication::exec();
}

} // namespace Postern::Admin
