#include "servicespage.h"

#include "changepreviewdialog.h"
#include "serviceeditor.h"
#include "serviceform.h"
#include "servicemodel.h"
#include "tablesettings.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>

namespace Postern::Admin {

namespace {

// How many of a service's sessions the delete question names one by one.
constexpr int kSessionsNamed = 8;

QString sessionText(const QJsonObject &session)
{
    const QString user = session.value(u"user").toString();
    const QString who = QStringLiteral("#%1 from %2").arg(qint64(session.value(u"id").toDouble())).arg(session.value(u"client").toString());
    return user.isEmpty() ? who : QStringLiteral("%1 (%2)").arg(who, user);
}

} // namespace

ServicesPage::ServicesPage(ManagementClient *client, QWidget *parent)
    : Page(client, tr("Services"), parent),
      m_model(new ServiceModel(client, this)),
      m_editor(new ServiceEditor(client, m_model, this)),
      m_proxy(new QSortFilterProxyModel(this)),
      m_filter(new QLineEdit(this)),
      m_table(new QTableView(this)),
      m_add(new QPushButton(tr("Add"), this)),
      m_clone(new QPushButton(tr("Clone"), this)),
      m_delete(new QPushButton(tr("Delete…"), this)),
      m_toggle(new QPushButton(tr("Disable"), this)),
      m_reload(new QPushButton(tr("Reload"), this)),
      m_conflict(new QFrame(this)),
      m_conflictText(new QLabel(m_conflict)),
      m_conflictReload(new QPushButton(tr("Reload"), m_conflict)),
      m_title(new QLabel(this)),
      m_form(new ServiceForm(this)),
      m_apply(new QPushButton(tr("Apply…"), this)),
      m_revert(new QPushButton(tr("Revert"), this))
{
    setObjectName(QStringLiteral("servicesPage"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(JsonTableModel::SortRole);
    m_proxy->setFilterKeyColumn(-1);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setObjectName(QStringLiteral("serviceFilter"));
    m_filter->setPlaceholderText(tr("Filter: name, type, address, state… (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    auto *find = new QShortcut(QKeySequence::Find, this);
    connect(find, &QShortcut::activated, m_filter, [this] { m_filter->setFocus(Qt::ShortcutFocusReason); });

    // The usual keys; each button says its key in its tool tip.
    const auto action = [](QPushButton *button, const QString &name, const QKeySequence &key, const QString &tip) {
        button->setObjectName(name);
        if (!key.isEmpty())
            button->setShortcut(key);
        button->setToolTip(key.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
    };
    action(m_add, QStringLiteral("addService"), QKeySequence::New, tr("Add a new service"));
    action(m_clone, QStringLiteral("cloneService"), QKeySequence(tr("Ctrl+Shift+N")), tr("Start a new service as a copy of the selected one"));
    action(m_delete, QStringLiteral("deleteService"), {}, tr("Delete the selected service (Del in the table)"));
    action(m_toggle, QStringLiteral("toggleService"), QKeySequence(tr("Ctrl+E")), tr("Enable or disable the selected service"));
    action(m_reload, QStringLiteral("reloadServices"), QKeySequence::Refresh, tr("Read the services from the gateway again"));
    action(m_apply, QStringLiteral("applyService"), QKeySequence::Save, tr("Show what will change, then apply it"));
    action(m_revert, QStringLiteral("revertService"), QKeySequence(tr("Ctrl+R")), tr("Throw away the edits in the form"));
    // Del deletes only from the table: in the form it edits text.
    auto *deleteKey = new QShortcut(QKeySequence::Delete, m_table);
    deleteKey->setContext(Qt::WidgetShortcut);
    connect(deleteKey, &QShortcut::activated, this, [this] {
        if (m_delete->isEnabled())
            deleteService();
    });

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_filter, 1);
    for (QPushButton *button : {m_add, m_clone, m_delete, m_toggle, m_reload})
        bar->addWidget(button);
    body()->addLayout(bar);

    m_conflict->setObjectName(QStringLiteral("conflictBar"));
    m_conflict->setStyleSheet(QStringLiteral("QFrame#conflictBar { background: #fff4e5; border: 1px solid #e0a040; border-radius: 3px; }"));
    m_conflictText->setObjectName(QStringLiteral("conflictText"));
    m_conflictText->setWordWrap(true);
    m_conflictText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_conflictReload->setObjectName(QStringLiteral("conflictReload"));
    m_conflictReload->setToolTip(tr("Read the configuration again; the form then shows the service as it is now"));
    auto *conflictLayout = new QHBoxLayout(m_conflict);
    conflictLayout->addWidget(m_conflictText, 1);
    conflictLayout->addWidget(m_conflictReload, 0, Qt::AlignTop);
    m_conflict->hide();
    body()->addWidget(m_conflict);

    m_table->setObjectName(QStringLiteral("serviceTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ServiceModel::Name, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->resizeSection(ServiceModel::Name, 140);
    m_table->horizontalHeader()->resizeSection(ServiceModel::Type, 90);
    m_table->horizontalHeader()->resizeSection(ServiceModel::State, 90);
    m_table->horizontalHeader()->resizeSection(ServiceModel::Accept, 300);
    m_table->horizontalHeader()->resizeSection(ServiceModel::Sessions, 70);
    TableSettings::remember(m_table, QStringLiteral("services"));

    m_title->setObjectName(QStringLiteral("editorTitle"));
    auto *editor = new QWidget(this);
    auto *editorLayout = new QVBoxLayout(editor);
    editorLayout->setContentsMargins(0, 6, 0, 0);
    editorLayout->addWidget(m_title);
    editorLayout->addWidget(m_form, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_revert);
    buttons->addWidget(m_apply);
    m_apply->setDefault(true);
    editorLayout->addLayout(buttons);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("servicesSplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_table);
    splitter->addWidget(editor);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({260, 440}); // room for several services above the form
    body()->addWidget(splitter, 1);

    connect(m_add, &QPushButton::clicked, this, &ServicesPage::addService);
    connect(m_clone, &QPushButton::clicked, this, &ServicesPage::cloneService);
    connect(m_delete, &QPushButton::clicked, this, &ServicesPage::deleteService);
    connect(m_toggle, &QPushButton::clicked, this, &ServicesPage::toggleService);
    connect(m_reload, &QPushButton::clicked, this, &ServicesPage::reload);
    connect(m_apply, &QPushButton::clicked, this, &ServicesPage::applyChanges);
    connect(m_revert, &QPushButton::clicked, this, &ServicesPage::revertChanges);
    connect(m_conflictReload, &QPushButton::clicked, this, [this] {
        // The stale edit goes: what the form shows next is the configuration as it is now.
        m_conflict->hide();
        m_discardOnLoad = true;
        m_model->refresh();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ServicesPage::onSelectionChanged);
    connect(m_form, &ServiceForm::edited, this, &ServicesPage::updateActions);
    connect(m_model, &JsonTableModel::loaded, this, &ServicesPage::onLoaded);
    connect(m_model, &JsonTableModel::errorChanged, this, [this](const QString &message) { showMessage(message); });
    connect(m_editor, &ServiceEditor::busyChanged, this, &ServicesPage::updateActions);
    connect(m_editor, &ServiceEditor::succeeded, this, &ServicesPage::onSucceeded);
    connect(m_editor, &ServiceEditor::failed, this, &ServicesPage::onFailed);
    connect(m_editor, &ServiceEditor::conflicted, this, &ServicesPage::onConflict);
    connect(m_editor, &ServiceEditor::sessionsFound, this, &ServicesPage::askAndDelete);
    updateActions();
}

QString ServicesPage::selectedName() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return m_model->row(m_proxy->mapToSource(rows.first()).row()).value(u"name").toString();
}

QString ServicesPage::conflictText() const
{
    return m_conflict->isHidden() ? QString() : m_conflictText->text();
}

bool ServicesPage::selectService(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return false;
    m_table->selectionModel()->setCurrentIndex(m_proxy->mapFromSource(m_model->index(row, 0)),
                                               QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    return true;
}

void ServicesPage::selectQuietly(const QString &name)
{
    m_quiet = true;
    const int row = name.isEmpty() ? -1 : m_model->rowOf(name);
    if (row < 0)
        m_table->selectionModel()->clearSelection();
    else
        m_table->selectionModel()->setCurrentIndex(m_proxy->mapFromSource(m_model->index(row, 0)),
                                                   QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_quiet = false;
}

void ServicesPage::onSelectionChanged()
{
    if (m_quiet)
        return;
    const QString name = selectedName();
    // An empty selection (the list was read again) leaves the form as it is.
    if (name.isEmpty() || (name == m_shown && m_form->hasDraft() && !m_form->draft().isNew())) {
        updateActions();
        return;
    }
    if (!mayDiscard()) {
        selectQuietly(m_shown);
        updateActions();
        return;
    }
    showSelected();
}

void ServicesPage::showSelected()
{
    const QString name = selectedName();
    const int row = m_model->rowOf(name);
    if (row < 0) {
        m_shown.clear();
        m_titleText.clear();
        m_form->clear();
    } else {
        m_shown = name;
        m_form->setDraft(ServiceDraft::edit(ServiceModel::definition(m_model->row(row)), m_model->revision()));
        m_titleText = tr("Service '%1'").arg(name);
    }
    m_conflict->hide();
    updateActions();
}

void ServicesPage::showDraft(const ServiceDraft &draft, const QString &title)
{
    m_titleText = title;
    m_form->setDraft(draft);
    m_conflict->hide();
    updateActions();
    m_form->fieldWidget(ServiceField::Kind::Name)->setFocus(Qt::OtherFocusReason);
}

bool ServicesPage::mayDiscard()
{
    if (!m_form->hasUnappliedChanges())
        return true;
    const QString what = m_shown.isEmpty() ? tr("the new service") : tr("service '%1'").arg(m_shown);
    return QMessageBox::question(this, tr("Discard changes"),
                                 tr("Your changes to %1 have not been applied. Discard them?").arg(what),
                                 QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel)
        == QMessageBox::Discard;
}

void ServicesPage::onLoaded()
{
    QStringList realms;
    for (const QJsonObject &service : m_model->rows())
        if (const QString realm = service.value(u"realm").toString(); !realm.isEmpty() && !realms.contains(realm))
            realms.append(realm);
    realms.sort();
    m_form->setRealms(realms);

    // After an apply the form shows what was applied; what the user typed since is kept
    // like any other edit. Only the conflict bar's reload throws edits away.
    const bool fresh = m_discardOnLoad;
    const QString target = !m_afterChange.isEmpty() ? m_afterChange : m_shown;
    m_afterChange.clear();
    m_discardOnLoad = false;
    const int row = m_model->rowOf(target);
    if (target.isEmpty()) {
        // A new service being written (or nothing shown): the list does not touch it. (A
        // create names the newest revision, so a reload makes a refused one good to retry.)
        selectQuietly({});
    } else if (row < 0) {
        selectQuietly({});
        if (fresh || !m_form->hasUnappliedChanges()) {
            m_shown.clear();
            m_titleText.clear();
            m_form->clear();
        }
    } else {
        selectQuietly(target);
        const ServiceDraft now = ServiceDraft::edit(ServiceModel::definition(m_model->row(row)), m_model->revision());
        if (fresh || !m_form->hasUnappliedChanges()) {
            m_shown = target;
            m_titleText = tr("Service '%1'").arg(target);
            m_form->setDraft(now);
        } else if (now.original() == m_form->draft().original()) {
            // Someone changed something else: this edit undoes nothing of theirs, so it may
            // count from the new revision. A change to this service itself keeps the old
            // one, and applying is then refused as a conflict.
            m_form->setBaseRevision(m_model->revision());
        }
    }
    updateActions();
}

void ServicesPage::addService()
{
    if (!m_add->isEnabled() || !mayDiscard())
        return;
    selectQuietly({});
    m_shown.clear();
    showDraft(ServiceDraft::newService(), tr("New service — created when you apply it"));
}

void ServicesPage::cloneService()
{
    const QString name = selectedName();
    const int row = m_model->rowOf(name);
    if (!m_clone->isEnabled() || row < 0 || !mayDiscard())
        return;
    QStringList names;
    for (const QJsonObject &service : m_model->rows())
        names.append(service.value(u"name").toString());
    const ServiceDraft copy = ServiceDraft::cloneOf(ServiceModel::definition(m_model->row(row)), names);
    selectQuietly({});
    m_shown.clear();
    showDraft(copy, tr("Copy of '%1' — created when you apply it").arg(name));
}

void ServicesPage::deleteService()
{
    const QString name = selectedName();
    if (name.isEmpty() || !m_delete->isEnabled())
        return;
    showMessage({});
    m_action = Action::Delete;
    // The question names the sessions it will end: ask the gateway which are open first.
    m_editor->findSessions(name);
}

void ServicesPage::askAndDelete(const QString &name, const QList<QJsonObject> &sessions)
{
    const int row = m_model->rowOf(name);
    const QStringList accepts = row < 0 ? QStringList() : m_model->row(row).value(u"accept").toVariant().toStringList();
    QString details = tr("It is removed from the gateway's configuration file and stops answering on %1.")
                          .arg(accepts.join(QStringLiteral(", ")));
    if (sessions.isEmpty()) {
        details += QStringLiteral("\n\n") + tr("No session is open on it now.");
    } else {
        QStringList named;
        for (qsizetype i = 0; i < sessions.size() && i < kSessionsNamed; ++i)
            named.append(sessionText(sessions.at(i)));
        if (sessions.size() > kSessionsNamed)
            named.append(tr("and %n more", nullptr, int(sessions.size() - kSessionsNamed)));
        details += QStringLiteral("\n\n") + tr("It will end %n open session(s): %1.", nullptr, int(sessions.size()))
                                                .arg(named.join(QStringLiteral("; ")));
    }
    QMessageBox box(QMessageBox::Warning, tr("Delete service"), tr("Delete service '%1'?").arg(name),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setInformativeText(details);
    box.button(QMessageBox::Yes)->setText(tr("Delete"));
    box.setDefaultButton(QMessageBox::Cancel);
    if (box.exec() != QMessageBox::Yes) {
        m_action = Action::None;
        return;
    }
    QList<quint64> ids;
    for (const QJsonObject &session : sessions)
        ids.append(quint64(session.value(u"id").toDouble()));
    m_deleting = name;
    m_editor->remove(name, ids);
}

void ServicesPage::toggleService()
{
    const QString name = selectedName();
    const int row = m_model->rowOf(name);
    if (row < 0 || !m_toggle->isEnabled())
        return;
    showMessage({});
    m_action = Action::Toggle;
    m_editor->setEnabled(name, !m_model->row(row).value(u"enabled").toBool(true));
}

void ServicesPage::applyChanges()
{
    if (!m_form->hasDraft() || !m_apply->isEnabled())
        return;
    const ServiceDraft draft = m_form->draft();
    m_form->clearErrors();
    if (!draft.isModified()) {
        showMessage(tr("Nothing to apply: the form shows the service as the gateway has it."), false);
        return;
    }
    if (const auto problem = draft.problem()) {
        m_form->showError(ServiceField::fromError(problem->field), problem->message);
        return;
    }
    const QString name = draft.service().value(u"name").toString();
    const QString title = draft.isNew() ? tr("Create service '%1'").arg(name)
                                        : tr("Apply changes to service '%1'").arg(draft.originalName());
    const QString intro = draft.isNew()
        ? tr("The gateway checks the new service, starts it, and adds it to its configuration file:")
        : tr("The gateway checks the change, applies it to the running service (sessions already open are left alone) "
             "and writes it to its configuration file:");
    ChangePreviewDialog preview(title, intro, draft.changes(), this);
    if (preview.exec() != QDialog::Accepted)
        return;
    showMessage({});
    m_action = Action::Apply;
    m_applying = draft;
    m_editor->apply(draft);
}

void ServicesPage::revertChanges()
{
    m_form->clearErrors();
    if (m_shown.isEmpty()) {
        m_titleText.clear();
        m_form->clear();
        updateActions();
        return;
    }
    selectQuietly(m_shown);
    showSelected();
}

void ServicesPage::reload()
{
    m_model->refresh();
}

void ServicesPage::onSucceeded(const QString &name, const QString &revision, const QString &message)
{
    showMessage(message, false);
    m_conflict->hide();
    if (m_action == Action::Apply) {
        // Shown as applied until the list comes back with it: nothing is left to apply.
        m_shown = name;
        m_titleText = tr("Service '%1'").arg(name);
        m_form->setDraft(ServiceDraft::edit(m_applying.service(), revision));
    }
    if (m_action == Action::Apply)
        m_afterChange = name;
    if (m_action == Action::Delete && m_deleting == m_shown) {
        m_shown.clear();
        m_titleText.clear();
        m_form->clear();
    }
    m_action = Action::None;
    updateActions();
}

void ServicesPage::onFailed(const QString &message, const ServiceField &field)
{
    // Shown where the user acted: a refused edit at its field, the rest at the top.
    if (m_action == Action::Apply)
        m_form->showError(field, message);
    else
        showMessage(message);
    m_action = Action::None;
    updateActions();
}

void ServicesPage::onConflict(const QString &message)
{
    QString text = message;
    if (m_action == Action::Apply) {
        const QStringList changes = m_applying.changes();
        if (!changes.isEmpty())
            text += QStringLiteral("\n\n") + tr("Your changes, not applied:") + QStringLiteral("\n• ")
                + changes.join(QStringLiteral("\n• "));
    }
    m_conflictText->setText(text);
    m_conflict->show();
    m_action = Action::None;
    updateActions();
}

void ServicesPage::updateTitle()
{
    const bool readOnly = client()->isConnected() && client()->isReadOnly();
    QString text;
    if (!m_form->hasDraft())
        text = readOnly ? tr("<b>Select a service to see its definition.</b>")
                        : tr("<b>Select a service to edit it, or add one (%1).</b>")
                              .arg(QKeySequence(QKeySequence::New).toString(QKeySequence::NativeText));
    else
        text = QStringLiteral("<b>%1</b>").arg(m_titleText.toHtmlEscaped());
    if (m_form->hasDraft() && !m_form->draft().isNew() && m_form->hasUnappliedChanges())
        text += tr(" — edited, not applied yet");
    if (readOnly)
        text += tr(" <span style=\"color:#555555\">(read only: your user may look at this gateway but not change it)</span>");
    m_title->setText(text);
}

void ServicesPage::updateActions()
{
    const bool connected = client()->isConnected();
    const bool canChange = connected && !client()->isReadOnly();
    const bool idle = !m_editor->isBusy();
    const QString selected = selectedName();
    const int row = m_model->rowOf(selected);
    const bool editing = m_form->hasUnappliedChanges();
    const bool enabled = row < 0 || m_model->row(row).value(u"enabled").toBool(true);

    m_add->setEnabled(canChange && idle);
    m_clone->setEnabled(canChange && idle && row >= 0);
    m_delete->setEnabled(canChange && idle && row >= 0);
    // Enabling rewrites the file: an edit of the same service would then be refused as stale.
    const bool editingIt = editing && selected == m_shown;
    m_toggle->setEnabled(canChange && idle && row >= 0 && !editingIt);
    m_toggle->setToolTip(editingIt ? tr("Apply or revert your edits of this service first")
                                   : tr("Enable or disable the selected service (%1)").arg(m_toggle->shortcut().toString(QKeySequence::NativeText)));
    const QKeySequence toggleKey = m_toggle->shortcut();
    m_toggle->setText(enabled ? tr("Disable") : tr("Enable"));
    m_toggle->setShortcut(toggleKey);
    m_apply->setEnabled(canChange && idle && m_form->hasDraft() && (m_form->draft().isNew() || editing));
    m_revert->setEnabled(m_form->hasDraft() && (editing || m_form->draft().isNew()));
    m_reload->setEnabled(connected);
    m_conflictReload->setEnabled(connected);
    m_form->setEditable(canChange);
    updateTitle();
}

} // namespace Postern::Admin
