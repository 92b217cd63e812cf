#include "serviceform.h"

#include "keyvaluetable.h"
#include "serviceschema.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QStyle>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBlock>
#include <QVBoxLayout>

namespace Postern::Admin {

namespace {

const QColor kMarked(0xfd, 0xec, 0xea);

QStringList lines(const QPlainTextEdit *edit)
{
    return edit->toPlainText().split(u'\n');
}

QStringList commaSeparated(const QString &text)
{
    QStringList items;
    for (const QString &item : text.split(u','))
        if (!item.trimmed().isEmpty())
            items.append(item.trimmed());
    return items;
}

// Highlights the `entry`th line that holds anything (the index the gateway counts).
void markLine(QPlainTextEdit *edit, int entry)
{
    int filled = 0;
    for (QTextBlock block = edit->document()->firstBlock(); block.isValid(); block = block.next()) {
        if (block.text().trimmed().isEmpty())
            continue;
        if (filled++ != entry)
            continue;
        QTextEdit::ExtraSelection selection;
        selection.cursor = QTextCursor(block);
        selection.format.setBackground(kMarked);
        selection.format.setProperty(QTextFormat::FullWidthSelection, true);
        edit->setExtraSelections({selection});
        edit->setTextCursor(QTextCursor(block));
        return;
    }
}

QPlainTextEdit *listEdit(const QString &name, const QString &placeholder, QWidget *parent)
{
    auto *edit = new QPlainTextEdit(parent);
    edit->setObjectName(name);
    edit->setPlaceholderText(placeholder);
    edit->setTabChangesFocus(true);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    edit->setMaximumHeight(edit->fontMetrics().lineSpacing() * 5 + 12);
    return edit;
}

} // namespace

ServiceForm::ServiceForm(QWidget *parent)
    : QWidget(parent),
      m_tabs(new QTabWidget(this)),
      m_name(new QLineEdit(this)),
      m_description(new QLineEdit(this)),
      m_type(new QComboBox(this)),
      m_typeHelp(new QLabel(this)),
      m_accept(listEdit(QStringLiteral("acceptUrls"), tr("One URL a line, such as wss://gateway.example.com:9000/chat"), this)),
      m_connect(new QLineEdit(this)),
      m_realm(new QComboBox(this)),
      m_roles(new QLineEdit(this)),
      m_validUser(new QCheckBox(tr("Any user who logs in to the realm"), this)),
      m_origins(listEdit(QStringLiteral("allowedOrigins"),
                         tr("One origin a line, such as https://app.example.com (* for any). The service's own "
                            "origins are always allowed."),
                         this)),
      m_properties(new KeyValueTable(tr("Property"), tr("Value"), this)),
      m_acceptOptions(new KeyValueTable(tr("Option"), tr("Value"), this)),
      m_connectOptions(new KeyValueTable(tr("Option"), tr("Value"), this)),
      m_mimeMappings(new KeyValueTable(tr("Extension"), tr("MIME type"), this)),
      m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("serviceForm"));
    // Marked fields: a red border, whatever the platform's style draws otherwise.
    setStyleSheet(QStringLiteral("QLineEdit[invalid=\"true\"], QPlainTextEdit[invalid=\"true\"], QComboBox[invalid=\"true\"], "
                                 "QTableWidget[invalid=\"true\"] { border: 2px solid #c62828; border-radius: 2px; }"
                                 "QCheckBox[invalid=\"true\"] { color: #c62828; }"));
    m_name->setObjectName(QStringLiteral("serviceName"));
    m_name->setPlaceholderText(tr("Unique, such as chat"));
    m_description->setObjectName(QStringLiteral("serviceDescription"));
    m_description->setPlaceholderText(tr("Optional: what it is for"));
    m_type->setObjectName(QStringLiteral("serviceType"));
    m_type->addItems(ServiceSchema::types());
    m_typeHelp->setObjectName(QStringLiteral("typeHelp"));
    m_typeHelp->setWordWrap(true);
    m_typeHelp->setStyleSheet(QStringLiteral("QLabel { color: #555555; }"));
    m_connect->setObjectName(QStringLiteral("connectUrl"));
    m_realm->setObjectName(QStringLiteral("realm"));
    m_realm->setEditable(true);
    m_realm->setInsertPolicy(QComboBox::NoInsert);
    m_realm->lineEdit()->setPlaceholderText(tr("None: nobody is asked to log in"));
    m_roles->setObjectName(QStringLiteral("requiredRoles"));
    m_roles->setPlaceholderText(tr("Comma-separated, such as AUTHORIZED, OPERATOR; * for any logged-in user"));
    m_validUser->setObjectName(QStringLiteral("requireValidUser"));
    m_properties->setObjectName(QStringLiteral("properties"));
    m_acceptOptions->setObjectName(QStringLiteral("acceptOptions"));
    m_acceptOptions->setSuggestions(ServiceSchema::acceptOptionNames());
    m_connectOptions->setObjectName(QStringLiteral("connectOptions"));
    m_connectOptions->setSuggestions(ServiceSchema::connectOptionNames());
    m_mimeMappings->setObjectName(QStringLiteral("mimeMappings"));
    m_error->setObjectName(QStringLiteral("formError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #a61b1b; background: #fdecea; padding: 6px; border-radius: 3px; }"));
    m_error->hide();

    // Each tab's fields at the top; the room left over stays below them.
    const auto tab = [this](QFormLayout *form) {
        auto *page = new QWidget(m_tabs);
        auto *layout = new QVBoxLayout(page);
        layout->addLayout(form);
        layout->addStretch(1);
        return page;
    };
    auto *generalLayout = new QFormLayout;
    generalLayout->addRow(tr("&Name:"), m_name);
    generalLayout->addRow(tr("&Description:"), m_description);
    generalLayout->addRow(tr("&Type:"), m_type);
    generalLayout->addRow(QString(), m_typeHelp);
    generalLayout->addRow(tr("&Accept URLs:"), m_accept);
    generalLayout->addRow(tr("&Connect URL:"), m_connect);
    m_tabs->addTab(tab(generalLayout), tr("&General"));

    auto *accessLayout = new QFormLayout;
    accessLayout->addRow(tr("&Realm:"), m_realm);
    accessLayout->addRow(tr("Required r&oles:"), m_roles);
    accessLayout->addRow(QString(), m_validUser);
    accessLayout->addRow(tr("Allowed o&rigins:"), m_origins);
    m_tabs->addTab(tab(accessLayout), tr("Acc&ess"));

    auto *options = new QWidget(m_tabs);
    auto *optionsLayout = new QGridLayout(options);
    const auto box = [options](const QString &title, KeyValueTable *table) {
        auto *group = new QGroupBox(title, options);
        auto *layout = new QVBoxLayout(group);
        layout->setContentsMargins(6, 6, 6, 6);
        layout->addWidget(table);
        return group;
    };
    optionsLayout->addWidget(box(tr("Properties"), m_properties), 0, 0);
    optionsLayout->addWidget(box(tr("Accept options"), m_acceptOptions), 0, 1);
    optionsLayout->addWidget(box(tr("Connect options (proxy)"), m_connectOptions), 1, 0);
    optionsLayout->addWidget(box(tr("MIME mappings (directory)"), m_mimeMappings), 1, 1);
    m_tabs->addTab(options, tr("O&ptions"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_error);

    for (QLineEdit *edit : {m_name, m_description, m_connect, m_roles})
        connect(edit, &QLineEdit::textEdited, this, &ServiceForm::changed);
    for (QPlainTextEdit *edit : {m_accept, m_origins})
        connect(edit, &QPlainTextEdit::textChanged, this, &ServiceForm::changed);
    for (KeyValueTable *table : {m_properties, m_acceptOptions, m_connectOptions, m_mimeMappings})
        connect(table, &KeyValueTable::edited, this, &ServiceForm::changed);
    connect(m_realm, &QComboBox::currentTextChanged, this, &ServiceForm::changed);
    connect(m_validUser, &QCheckBox::toggled, this, &ServiceForm::changed);
    connect(m_type, &QComboBox::currentTextChanged, this, [this] {
        updateTypeParts();
        changed();
    });
    clear();
}

void ServiceForm::setDraft(const ServiceDraft &draft)
{
    m_loading = true;
    m_draft = draft;
    m_hasDraft = true;
    m_touched = false;
    clearErrors();
    m_tabs->setEnabled(true);
    m_name->setText(draft.name());
    m_description->setText(draft.description());
    if (m_type->findText(draft.type()) < 0 && !draft.type().isEmpty())
        m_type->addItem(draft.type()); // a type this console does not know: shown, the gateway judges it
    m_type->setCurrentText(draft.type());
    m_accept->setPlainText(draft.accept().join(u'\n'));
    m_connect->setText(draft.connect());
    m_realm->setCurrentText(draft.realm());
    m_roles->setText(draft.requiredRoles().join(QStringLiteral(", ")));
    m_validUser->setChecked(draft.requiresValidUser());
    m_origins->setPlainText(draft.allowedOrigins().join(u'\n'));
    m_properties->setPairs(draft.properties());
    m_acceptOptions->setPairs(draft.acceptOptions());
    m_connectOptions->setPairs(draft.connectOptions());
    m_mimeMappings->setPairs(draft.mimeMappings());
    updateTypeParts();
    m_loading = false;
}

void ServiceForm::clear()
{
    setDraft(ServiceDraft());
    m_hasDraft = false;
    m_tabs->setCurrentIndex(0);
    m_tabs->setEnabled(false);
}

ServiceDraft ServiceForm::draft() const
{
    ServiceDraft draft = m_draft;
    const QString type = m_type->currentText();
    draft.setName(m_name->text());
    draft.setDescription(m_description->text());
    draft.setType(type);
    draft.setAccept(lines(m_accept));
    // What a type does not use is left out rather than sent to be refused.
    draft.setConnect(ServiceSchema::connects(type) ? m_connect->text() : QString());
    draft.setConnectOptions(ServiceSchema::connects(type) ? m_connectOptions->pairs() : ServiceDraft::Pairs());
    draft.setMimeMappings(ServiceSchema::servesFiles(type) ? m_mimeMappings->pairs() : ServiceDraft::Pairs());
    draft.setRealm(m_realm->currentText());
    draft.setRequiredRoles(commaSeparated(m_roles->text()));
    draft.setRequireValidUser(m_validUser->isChecked());
    draft.setAllowedOrigins(lines(m_origins));
    draft.setProperties(m_properties->pairs());
    draft.setAcceptOptions(m_acceptOptions->pairs());
    return draft;
}

bool ServiceForm::hasUnappliedChanges() const
{
    if (!m_hasDraft)
        return false;
    return m_draft.isNew() ? m_touched : draft().isModified();
}

void ServiceForm::setRealms(const QStringList &realms)
{
    const QString current = m_realm->currentText();
    const bool loading = m_loading;
    m_loading = true;
    m_realm->clear();
    m_realm->addItems(realms);
    m_realm->setCurrentText(current);
    m_loading = loading;
}

void ServiceForm::setEditable(bool editable)
{
    m_editable = editable;
    for (QLineEdit *edit : {m_name, m_description, m_roles})
        edit->setReadOnly(!editable);
    m_accept->setReadOnly(!editable);
    m_origins->setReadOnly(!editable);
    m_type->setEnabled(editable);
    m_realm->setEnabled(editable);
    m_validUser->setEnabled(editable);
    m_properties->setEditable(editable);
    m_acceptOptions->setEditable(editable);
    m_mimeMappings->setEditable(editable);
    updateTypeParts();
}

void ServiceForm::changed()
{
    if (m_loading)
        return;
    m_touched = true;
    Q_EMIT edited();
}

void ServiceForm::updateTypeParts()
{
    const QString type = m_type->currentText();
    const bool connects = ServiceSchema::connects(type);
    m_typeHelp->setText(ServiceSchema::describe(type));
    m_connect->setReadOnly(!m_editable || !connects);
    m_connect->setEnabled(connects);
    m_connect->setPlaceholderText(connects ? tr("The back-end: ws://, wss://, tcp:// or ssl://host:port")
                                           : tr("Only proxy services connect to a back-end"));
    m_connectOptions->setEnabled(connects);
    m_connectOptions->setEditable(m_editable && connects);
    m_mimeMappings->setEnabled(ServiceSchema::servesFiles(type));
    m_properties->setSuggestions(ServiceSchema::propertyNames(type));
    m_accept->setPlaceholderText(tr("One URL a line, such as %1").arg(ServiceSchema::acceptExample(type)));
}

QWidget *ServiceForm::fieldWidget(ServiceField::Kind kind) const
{
    switch (kind) {
    case ServiceField::Kind::Name: return m_name;
    case ServiceField::Kind::Description: return m_description;
    case ServiceField::Kind::Type: return m_type;
    case ServiceField::Kind::Accept: return m_accept;
    case ServiceField::Kind::Connect: return m_connect;
    case ServiceField::Kind::Realm: return m_realm;
    case ServiceField::Kind::RequiredRoles: return m_roles;
    case ServiceField::Kind::RequireValidUser: return m_validUser;
    case ServiceField::Kind::AllowedOrigins: return m_origins;
    case ServiceField::Kind::Properties: return m_properties;
    case ServiceField::Kind::AcceptOptions: return m_acceptOptions;
    case ServiceField::Kind::ConnectOptions: return m_connectOptions;
    case ServiceField::Kind::MimeMappings: return m_mimeMappings;
    default: return nullptr;
    }
}

void ServiceForm::showError(const ServiceField &field, const QString &message)
{
    clearErrors();
    m_errorField = field;
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
    QWidget *widget = fieldWidget(field.kind);
    if (!widget)
        return;
    if (auto *table = qobject_cast<KeyValueTable *>(widget)) {
        table->mark(field.key, field.index, message);
        m_marked.append(table);
    } else {
        mark(widget, message);
        if (field.index >= 0 && (widget == m_accept || widget == m_origins))
            markLine(static_cast<QPlainTextEdit *>(widget), field.index);
    }
    showTabOf(widget);
    widget->setFocus(Qt::OtherFocusReason);
}

void ServiceForm::clearErrors()
{
    m_errorField = {};
    m_error->clear();
    m_error->hide();
    for (QWidget *widget : std::as_const(m_marked)) {
        if (auto *table = qobject_cast<KeyValueTable *>(widget)) {
            table->clearMark();
            continue;
        }
        widget->setProperty("invalid", false);
        widget->setToolTip({});
        widget->style()->unpolish(widget);
        widget->style()->polish(widget);
    }
    m_marked.clear();
    m_accept->setExtraSelections({});
    m_origins->setExtraSelections({});
}

QString ServiceForm::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ServiceForm::mark(QWidget *widget, const QString &message)
{
    widget->setProperty("invalid", true);
    widget->setToolTip(message);
    widget->style()->unpolish(widget);
    widget->style()->polish(widget);
    m_marked.append(widget);
}

void ServiceForm::showTabOf(QWidget *widget)
{
    for (int i = 0; i < m_tabs->count(); ++i)
        if (m_tabs->widget(i)->isAncestorOf(widget))
            m_tabs->setCurrentIndex(i);
}

} // namespace Postern::Admin
