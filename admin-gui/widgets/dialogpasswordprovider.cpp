#include "dialogpasswordprovider.h"

#include "passworddialog.h"

namespace Postern::Admin {

std::optional<QByteArray> DialogPasswordProvider::password(const QString &purpose)
{
    PasswordDialog dialog(purpose, m_parent);
    if (dialog.exec() != QDialog::Accepted)
        return std::nullopt;
    return dialog.password();
}

} // namespace Postern::Admin
