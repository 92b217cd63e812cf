#pragma once

// A small editable table of names and values (a service's properties, accept options,
// connect options, MIME mappings) with buttons to add and remove rows. Names the gateway
// knows are offered while typing. A row can be marked as the one an error is about.

#include "servicedraft.h"

#include <QWidget>

class QTableWidget;
class QToolButton;

namespace Postern::Admin {

class KeyValueTable final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyValueTable)

public:
    KeyValueTable(const QString &nameHeader, const QString &valueHeader, QWidget *parent = nullptr);

    void setPairs(const ServiceDraft::Pairs &pairs);
    // The rows that hold anything, in order.
    ServiceDraft::Pairs pairs() const;
    void setSuggestions(const QStringList &names);
    void setEditable(bool editable);
    QTableWidget *table() const { return m_table; }

    // Marks the row named `name` (or the `entry`th row that holds anything), or the whole
    // table when neither is given, with `message` as its tool tip.
    void mark(const QString &name, int entry, const QString &message);
    void clearMark();
    bool isMarked() const { return m_marked; }
    // The row added last, to type into.
    void addRow();

Q_SIGNALS:
    void edited();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void removeCurrentRow();

    QTableWidget *m_table;
    QToolButton *m_add;
    QToolButton *m_remove;
    QStringList m_suggestions;
    bool m_marked = false;
    bool m_loading = false;
};

} // namespace Postern::Admin
