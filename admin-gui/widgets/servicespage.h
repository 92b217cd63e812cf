#pragma once

// Services: the table of the gateway's services with their live state, and an editor for
// the selected one (ServiceForm). Add, clone, delete (asking first, naming the sessions it
// will end), enable or disable; an edit is applied only after its changes were shown
// (ChangePreviewDialog). The gateway's refusals are shown at the field they name; a change
// refused because someone else changed the configuration meanwhile is explained in a bar
// that offers a reload. The work is ServiceEditor's and ServiceDraft's; this only shows.

#include "page.h"
#include "servicedraft.h"
#include "servicefield.h"

class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace Postern::Admin {

class ServiceEditor;
class ServiceForm;
class ServiceModel;

class ServicesPage final : public Page
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServicesPage)

public:
    explicit ServicesPage(ManagementClient *client, QWidget *parent = nullptr);

    ServiceModel *model() const { return m_model; }
    ServiceEditor *editor() const { return m_editor; }
    QTableView *table() const { return m_table; }
    ServiceForm *form() const { return m_form; }
    // Selects the service named `name` in the table (asking first when edits would be lost);
    // false when there is none.
    bool selectService(const QString &name);
    // The name of the service selected in the table; empty when none is.
    QString selectedName() const;
    // What the conflict bar says; empty when it is hidden.
    QString conflictText() const;

public Q_SLOTS:
    void addService();
    void cloneService();
    void deleteService();
    void toggleService();
    void applyChanges();
    void revertChanges();
    void reload();

protected:
    void updateActions() override;

private:
    enum class Action { None, Apply, Delete, Toggle };

    void onSelectionChanged();
    void onLoaded();
    void onSucceeded(const QString &name, const QString &revision, const QString &message);
    void onFailed(const QString &message, const ServiceField &field);
    void onConflict(const QString &message);
    void askAndDelete(const QString &name, const QList<QJsonObject> &sessions);
    // Shows the selected service's definition as the gateway has it now.
    void showSelected();
    void showDraft(const ServiceDraft &draft, const QString &title);
    // Asks before edits are thrown away; true when there are none or the user agrees.
    bool mayDiscard();
    // Selects `name` without the questions a user's click brings.
    void selectQuietly(const QString &name);
    void updateTitle();

    ServiceModel *m_model;
    ServiceEditor *m_editor;
    QSortFilterProxyModel *m_proxy;
    QLineEdit *m_filter;
    QTableView *m_table;
    QPushButton *m_add;
    QPushButton *m_clone;
    QPushButton *m_delete;
    QPushButton *m_toggle;
    QPushButton *m_reload;
    QFrame *m_conflict;
    QLabel *m_conflictText;
    QPushButton *m_conflictReload;
    QLabel *m_title;
    ServiceForm *m_form;
    QPushButton *m_apply;
    QPushButton *m_revert;

    QString m_shown;          // the service whose definition the form shows (empty: a new one, or none)
    QString m_titleText;      // what the form shows, for its heading
    QString m_afterChange;    // select (and show afresh) this one when the list comes back
    QString m_deleting;       // the service a delete under way is for
    bool m_discardOnLoad = false;
    bool m_quiet = false;     // selection changes made by the page itself
    Action m_action = Action::None;
    ServiceDraft m_applying;
};

} // namespace Postern::Admin
