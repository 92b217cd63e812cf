#include "tablesettings.h"

#include <QHeaderView>
#include <QSettings>
#include <QTableView>

namespace Postern::Admin {

void TableSettings::remember(QTableView *table, const QString &name)
{
    QHeaderView *header = table->horizontalHeader();
    const QString key = QStringLiteral("tables/") + name;
    header->restoreState(QSettings().value(key).toByteArray());
    const auto save = [header, key] { QSettings().setValue(key, header->saveState()); };
    QObject::connect(header, &QHeaderView::sectionResized, header, save);
    QObject::connect(header, &QHeaderView::sectionMoved, header, save);
    QObject::connect(header, &QHeaderView::sortIndicatorChanged, header, save);
}

} // namespace Postern::Admin
