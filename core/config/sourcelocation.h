#pragma once

// Where something was written in a configuration file, for error messages.

namespace Postern::Config {

struct SourceLocation
{
    int line = 0;
    int column = 0;
};

} // namespace Postern::Config
