#pragma once

// The editor of one service definition: name, description, type, accept URLs, connect URL,
// realm, required roles, allowed origins, properties, accept and connect options and MIME
// mappings, on three tabs. It shows a ServiceDraft and gives it back with what the user
// typed; the parts a type does not use are disabled. An error is shown where it belongs:
// the field (or the table row, or the line of a list) gets a red border and the message as
// its tool tip, its tab comes forward, and the message is written under the form.

#include "servicedraft.h"
#include "servicefield.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTabWidget;

namespace Postern::Admin {

class KeyValueTable;

class ServiceForm final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceForm)

public:
    explicit ServiceForm(QWidget *parent = nullptr);

    // Shows `draft` (errors shown before are cleared).
    void setDraft(const ServiceDraft &draft);
    // Shows nothing: no service is selected.
    void clear();
    bool hasDraft() const { return m_hasDraft; }
    // The draft shown, with what the user typed.
    ServiceDraft draft() const;
    // Whether there is anything the user would lose: edits of a service, or a new service
    // the user has typed into.
    bool hasUnappliedChanges() const;
    // For a draft kept across a reload of the list: the revision it now counts from.
    void setBaseRevision(const QString &revision) { m_draft.setBaseRevision(revision); }

    // Realms offered in the realm field (it takes any name).
    void setRealms(const QStringList &realms);
    // Read-only users see the definition but cannot type into it.
    void setEditable(bool editable);

    void showError(const ServiceField &field, const QString &message);
    void clearErrors();
    QString errorText() const;
    // The part of the service the error shown is about.
    const ServiceField &errorField() const { return m_errorField; }
    // The widget that shows `kind` (for focus, and for tests).
    QWidget *fieldWidget(ServiceField::Kind kind) const;

Q_SIGNALS:
    // The user changed something.
    void edited();

private:
    void changed();
    void updateTypeParts();
    void mark(QWidget *widget, const QString &message);
    void showTabOf(QWidget *widget);

    ServiceDraft m_draft;
    bool m_hasDraft = false;
    bool m_touched = false;
    bool m_loading = false;
    bool m_editable = true;
    ServiceField m_errorField;
    QList<QWidget *> m_marked;

    QTabWidget *m_tabs;
    QLineEdit *m_name;
    QLineEdit *m_description;
    QComboBox *m_type;
    QLabel *m_typeHelp;
    QPlainTextEdit *m_accept;
    QLineEdit *m_connect;
    QComboBox *m_realm;
    QLineEdit *m_roles;
    QCheckBox *m_validUser;
    QPlainTextEdit *m_origins;
    KeyValueTable *m_properties;
    KeyValueTable *m_acceptOptions;
    KeyValueTable *m_connectOptions;
    KeyValueTable *m_mimeMappings;
    QLabel *m_error;
};

} // namespace Postern::Admin
