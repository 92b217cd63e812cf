#include "keytypebox.h"

namespace Postern::Admin {

KeyTypeBox::KeyTypeBox(QWidget *parent) : QComboBox(parent)
{
    setObjectName(QStringLiteral("keyType"));
    addItem(tr("EC P-256 (recommended: fast, understood everywhere)"), QStringLiteral("ec-p256"));
    addItem(tr("EC P-384"), QStringLiteral("ec-p384"));
    addItem(tr("RSA 2048"), QStringLiteral("rsa2048"));
    addItem(tr("RSA 3072"), QStringLiteral("rsa3072"));
    addItem(tr("RSA 4096 (slow to make)"), QStringLiteral("rsa4096"));
    addItem(tr("Ed25519 (browsers do not accept it for TLS)"), QStringLiteral("ed25519"));
}

QString KeyTypeBox::keyType() const
{
    return currentData().toString();
}

void KeyTypeBox::setKeyType(const QString &keyType)
{
    const int index = findData(keyType);
    if (index >= 0)
        setCurrentIndex(index);
}

QString KeyTypeBox::keyTypeText() const
{
    return currentText().section(QStringLiteral(" ("), 0, 0);
}

} // namespace Postern::Admin
