// Fuzz target: the configuration loader (core/config/configloader: gateway-config.xml from
// bytes, every error with its line and column) and the document editor the management API
// edits the file with (configdocument, servicedefinition). The loader only checks whether
// files a configuration names exist; they are resolved against a folder that does not
// exist, so the fuzzer never depends on the disk and nothing is ever written.

#include "config/configdocument.h"
#include "config/configloader.h"
#include "config/servicedefinition.h"

#include <cstdint>
#include <cstdlib>

using namespace Postern::Config;

namespace {

const QString kFileName = QStringLiteral("/nonexistent/postern-fuzz/gateway-config.xml");

// Every problem says where it is and what it is.
void checkErrors(const ConfigErrors &errors)
{
    if (errors.isEmpty())
        std::abort();
    for (const auto &error : errors)
        if (error.message.isEmpty() || error.toString().isEmpty())
            std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray xml(reinterpret_cast<const char *>(data), qsizetype(size));

    const auto config = ConfigLoader::loadData(xml, kFileName);
    if (!config)
        checkErrors(config.error());

    auto document = ConfigDocument::fromText(xml);
    if (!document)
        return 0;
    (void)document->revision();
    (void)document->skeletonWithout({});
    // Each service's element as the management API shows it, written back as it would save
    // it, and the edited document loaded again.
    const auto services = document->services();
    for (const auto &service : services) {
        (void)document->lineOf(service.start);
        const auto definition = ServiceDefinition::fromXml(document->serviceText(service));
        if (!definition)
            continue;
        const auto element = ServiceDefinition::toXml(*definition, document->serviceIndent());
        if (!element || service.name.isEmpty())
            continue;
        ConfigDocument edited = *document;
        if (edited.replaceService(service.name, element->text)) {
            const auto reloaded = ConfigLoader::loadData(edited.text(), kFileName);
            if (!reloaded)
                checkErrors(reloaded.error());
        }
        (void)edited.setServiceEnabled(service.name, false);
        (void)edited.removeService(service.name);
    }
    return 0;
}
