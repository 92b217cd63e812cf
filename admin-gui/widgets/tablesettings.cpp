#include "tablesettings.h"

#include <QHeaderView>
#include <QSettings>
#include <QTableView>

namespace Postern::Admin {

void TableSettings::remember(QTableView *table, const QString &name)
{
    QHeaderView *header = table->horizontalHeader();
    const QString key = QStringLiteral("tables/") + name;
    if (!header->restoreState(QSettings().value(key).toByteArray())) {
        // First time: columns as wide as their titles need, rows one line high.
        header->setSectionResizeMode(QHeaderView::Interactive);
        header->setMinimumSectionSize(60);
        table->setWordWrap(false);
        // Sized to what the first rows hold, once there are some.
        if (QAbstractItemModel *model = table->model()) {
            auto connections = std::make_shared<QList<QMetaObject::Connection>>();
            const auto fit = [table, connections] {
                if (table->model()->rowCount() == 0)
                    return;
                table->resizeColumnsToContents();
                for (const auto &connection : std::as_const(*connections))
                    QObject::disconnect(connection);
            };
            connections->append(QObject::connect(model, &QAbstractItemModel::modelReset, table, fit));
            connections->append(QObject::connect(model, &QAbstractItemModel::rowsInserted, table, fit));
        }
    }
    const auto save = [header, key] { QSettings().setValue(key, header->saveState()); };
    QObject::connect(header, &QHeaderView::sectionResized, header, save);
    QObject::connect(header, &QHeaderView::sectionMoved, header, save);
    QObject::connect(header, &QHeaderView::sortIndicatorChanged, header, save);
}

} // namespace Postern::Admin
