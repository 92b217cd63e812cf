#pragma once

// postern-admin's start: the application object, the command line, the connection
// controller and the main window. Kept out of main.cpp so main stays one line.
//
//   postern-admin                      opens the window and the connect dialog
//   postern-admin --profile NAME       connects with a saved profile (asks for the password
//                                      unless the keyring remembers it)
//   postern-admin --profile NAME --password-stdin --screenshots DIR
//                                      connects, saves a PNG of each page into DIR and exits
//                                      (scripts/screenshots.sh uses it under Xvfb)

namespace Postern::Admin {

class ConsoleApplication final
{
public:
    static int run(int argc, char *argv[]);
};

} // namespace Postern::Admin
