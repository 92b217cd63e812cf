#pragma once
// Small POSIX helpers the benchmark's programs share: clocks, descriptor limits, loopback
// listeners and non-blocking connects.
#include <cstdint>
#include <string>

namespace bench {

uint64_t monotonicNanoseconds();
// Raises RLIMIT_NOFILE's soft limit to its hard limit; returns the limit now in force.
uint64_t raiseFileLimit();
// A non-blocking listening socket on host:port (port 0: any free port), SO_REUSEPORT set so
// that several threads can each listen on the same port. Exits with a message on failure.
int listenOn(const std::string &host, uint16_t port);
uint16_t localPort(int fd);
// Starts a non-blocking connect; returns the descriptor (or -1, errno set).
int connectTo(const std::string &host, uint16_t port);
void setNonBlocking(int fd);
void setNoDelay(int fd);
// Closes with a reset instead of a FIN, so that no TIME_WAIT is left behind (handshake
// loops would otherwise run out of loopback ports).
void closeWithReset(int fd);
[[noreturn]] void die(const std::string &message);

} // namespace bench
