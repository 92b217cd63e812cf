#pragma once

// Tls::PasswordProvider for the console: each question is a PasswordDialog over `parent`.
// Core and client code ask through the interface and never see a widget.

#include "tls/passwordprovider.h"

#include <QPointer>
#include <QWidget>

namespace Postern::Admin {

class DialogPasswordProvider final : public Tls::PasswordProvider
{
    Q_DISABLE_COPY_MOVE(DialogPasswordProvider)

public:
    explicit DialogPasswordProvider(QWidget *parent) : m_parent(parent) {}

    std::optional<QByteArray> password(const QString &purpose) override;

private:
    QPointer<QWidget> m_parent;
};

} // namespace Postern::Admin
