#pragma once

// Remembers a table's column widths, order and sort in QSettings under a name, so the
// console opens as the administrator left it.

class QTableView;
class QString;

namespace Postern::Admin {

class TableSettings final
{
public:
    // Restores what was saved under `name` now and saves it whenever the header changes.
    static void remember(QTableView *table, const QString &name);
};

} // namespace Postern::Admin
