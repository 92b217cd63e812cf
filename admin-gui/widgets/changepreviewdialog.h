#pragma once

// Shows what a change will do before it is made — one line per field, "old → new" — and
// lets the user apply it or go back to editing.

#include <QDialog>

class QListWidget;

namespace Postern::Admin {

class ChangePreviewDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChangePreviewDialog)

public:
    ChangePreviewDialog(const QString &title, const QString &intro, const QStringList &changes, QWidget *parent = nullptr);

    // The lines shown.
    QStringList changes() const;

private:
    QListWidget *m_list;
};

} // namespace Postern::Admin
