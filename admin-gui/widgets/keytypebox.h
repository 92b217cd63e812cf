#pragma once

// The key types the gateway makes (docs/management-api.md, certificates.generate), named as
// an administrator would choose between them; the current one's data is the protocol's name.

#include <QComboBox>

namespace Postern::Admin {

class KeyTypeBox final : public QComboBox
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyTypeBox)

public:
    explicit KeyTypeBox(QWidget *parent = nullptr);

    // "ec-p256", "rsa3072", …
    QString keyType() const;
    void setKeyType(const QString &keyType);
    // "EC P-384", for progress lines.
    QString keyTypeText() const;
};

} // namespace Postern::Admin
