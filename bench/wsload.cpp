// wsload: the benchmark's load client, a native WebSocket client on epoll and OpenSSL (not
// Qt's WebSocket code, which would be measured along with the gateway). Modes:
//   rtt        closed-loop round trips: each connection sends one message and waits for as
//              many bytes back (bytes, not frames: a ws->tcp proxy may cut them differently)
//   handshakes new TCP + TLS (full handshake, no resumption) + upgrade + close, in a loop
//   idle       opens connections at a paced rate, holds them, then pings each one
//   fanout     one TCP source feeds timestamped lines to a broadcast service at a fixed rate;
//              the clients measure delivery latency
// Every mode ends by itself and prints a human line and a "RESULT key=value ..." line.
#include "histogram.h"
#include "net.h"
#include "stream.h"
#include "wsproto.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <openssl/rand.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using bench::Io;

const char *const kUsage = R"(usage:
  wsload rtt        --url URL [--connections N] [--size BYTES] [--seconds S] [--threads T] [--ca FILE]
  wsload handshakes --url URL [--concurrency C] [--seconds S] [--threads T] [--ca FILE]
  wsload idle       --url URL --count K [--rate PER_S] [--open-seconds S] [--hold S] [--ready-file FILE] [--ca FILE]
  wsload fanout     --url URL --source 127.0.0.1:PORT [--clients K] [--rate MSG_PER_S] [--size BYTES] [--seconds S]
URL is ws://127.0.0.1:PORT/path or wss://...; wss needs --ca (the server is verified).)";

enum class Mode { Rtt, Handshakes, Idle, Fanout };

struct Options {
    Mode mode = Mode::Rtt;
    bench::Url url;
    std::string ca;
    int connections = 16;
    std::size_t size = 100;
    double seconds = 5;
    int threads = 1;
    int count = 1000;
    double rate = 1000;
    double hold = 3;
    double openSeconds = 0;
    std::string readyFile;
    std::string sourceHost;
    uint16_t sourcePort = 0;
};

Options parseOptions(int argc, char **argv)
{
    if (argc < 2)
        bench::die(kUsage);
    Options o;
    const std::string mode = argv[1];
    if (mode == "rtt")
        o.mode = Mode::Rtt;
    else if (mode == "handshakes")
        o.mode = Mode::Handshakes;
    else if (mode == "idle")
        o.mode = Mode::Idle;
    else if (mode == "fanout")
        o.mode = Mode::Fanout;
    else
        bench::die("unknown mode '" + mode + "'\n" + kUsage);
    o.connections = o.mode == Mode::Fanout ? 1000 : 16;
    bool haveUrl = false;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc)
            bench::die("option '" + arg + "' needs a value\n" + kUsage);
        const std::string value = argv[++i];
        try {
            if (arg == "--url") {
                o.url = bench::parseUrl(value);
                haveUrl = true;
            } else if (arg == "--ca") {
                o.ca = value;
            } else if (arg == "--connections" || arg == "--concurrency" || arg == "--clients") {
                o.connections = std::stoi(value);
            } else if (arg == "--count") {
                o.count = std::stoi(value);
            } else if (arg == "--size") {
                o.size = std::stoul(value);
            } else if (arg == "--seconds") {
                o.seconds = std::stod(value);
            } else if (arg == "--threads") {
                o.threads = std::stoi(value);
            } else if (arg == "--rate") {
                o.rate = std::stod(value);
            } else if (arg == "--hold") {
                o.hold = std::stod(value);
            } else if (arg == "--open-seconds") {
                o.openSeconds = std::stod(value);
            } else if (arg == "--ready-file") {
                o.readyFile = value;
            } else if (arg == "--source") {
                const std::size_t colon = value.rfind(':');
                if (colon == std::string::npos)
                    bench::die("--source needs HOST:PORT, not '" + value + "'");
                o.sourceHost = value.substr(0, colon);
                o.sourcePort = static_cast<uint16_t>(std::stoi(value.substr(colon + 1)));
            } else {
                bench::die("unknown option '" + arg + "'\n" + kUsage);
            }
        } catch (const std::exception &) {
            bench::die("option " + arg + ": not a number: '" + value + "'");
        }
    }
    if (!haveUrl)
        bench::die("--url is required\n" + std::string(kUsage));
    if (o.url.tls && o.ca.empty())
        bench::die("a wss:// URL needs --ca FILE (the CA that signed the server's certificate)");
    if (o.connections < 1 || o.count < 1 || o.threads < 1 || o.size < 1 || o.seconds <= 0 || o.rate <= 0)
        bench::die("counts, sizes, seconds and rates must be positive");
    if (o.mode == Mode::Fanout && o.sourcePort == 0)
        bench::die("fanout needs --source 127.0.0.1:PORT (the broadcast service's source address)");
    if (o.mode == Mode::Fanout && o.size < 32)
        bench::die("fanout messages carry a timestamp: --size must be at least 32");
    return o;
}

uint64_t nanos(double seconds) { return static_cast<uint64_t>(seconds * 1e9); }

class Worker;

// One client connection through its states: TCP connect, TLS handshake, upgrade, open.
class Connection final : public bench::FrameReader::Handler {
public:
    enum class State { Connecting, Tls, Upgrading, Open, Closing, Closed };
    explicit Connection(Worker &worker) : m_worker(worker) {}
    bool start();
    void onEvent(uint32_t events);
    void send(std::string_view bytes);
    void sendFrame(uint8_t opcode, std::string_view payload);
    void closeNow();
    // Sends a close frame (1000); the server's close frame, or its end of the connection, ends it.
    void beginClose();
    State state() const { return m_state; }

    // rtt
    std::string request; // this connection's whole (masked) message frame, built once
    uint64_t sentAt = 0;
    uint64_t received = 0;
    bool running = false;
    // handshakes
    uint64_t startedAt = 0;
    // idle
    bool pinged = false;
    bool ponged = false;
    // fanout
    std::string message;

private:
    void onData(const char *data, std::size_t size) override;
    void onMessageEnd() override;
    void onControl(uint8_t opcode, const std::string &payload) override;
    void fail(const std::string &why);
    bool flush();
    void readAll();
    bool readHead();
    void updateInterest();

    Worker &m_worker;
    bench::Stream m_stream;
    State m_state = State::Closed;
    std::string m_key;
    std::string m_head;
    std::string m_out;
    std::size_t m_outOffset = 0;
    bench::FrameReader m_reader;
    bool m_wantWrite = false;
    uint32_t m_interest = 0;
};

class Worker final {
public:
    Worker(const Options &options, SSL_CTX *tls, int connections) : o(options), tls(tls), m_target(connections)
    {
        epoll = epoll_create1(EPOLL_CLOEXEC);
    }
    ~Worker() { ::close(epoll); }
    void run();

    const Options &o;
    SSL_CTX *tls;
    int epoll;
    bench::Histogram latency;
    uint64_t messages = 0;
    uint64_t handshakes = 0;
    uint64_t errors = 0;
    uint64_t opened = 0;
    uint64_t lostWhileHeld = 0;
    uint64_t survived = 0;
    uint64_t delivered = 0;
    uint64_t sourceMessages = 0;
    uint64_t lastDeliveryAt = 0;
    double elapsed = 0;
    std::string firstError;

    // Called by connections.
    void onOpen(Connection &c);
    void onRoundTripBytes(Connection &c, std::size_t n);
    void onClosed(Connection &c, bool error);
    void onFanoutMessage(Connection &c);
    void onPong(Connection &c);

private:
    void startConnection(std::size_t slot);
    void runRttOrHandshakes();
    void runIdle();
    void runFanout();
    void poll(int timeoutMs);
    int openCount() const;

    int m_target;
    std::vector<std::unique_ptr<Connection>> m_connections;
    uint64_t m_measureStart = 0;
    uint64_t m_measureEnd = 0;
    bool m_measuring = false;
};

bool Connection::start()
{
    const int fd = bench::connectTo(m_worker.o.url.host, m_worker.o.url.port);
    if (fd < 0) {
        fail(std::string("connect: ") + std::strerror(errno));
        return false;
    }
    m_stream.attach(fd, m_worker.o.url.tls ? m_worker.tls : nullptr, false, m_worker.o.url.host);
    m_state = State::Connecting;
    m_head.clear();
    m_out.clear();
    m_outOffset = 0;
    m_reader = bench::FrameReader();
    m_wantWrite = false;
    received = 0;
    message.clear();
    startedAt = bench::monotonicNanoseconds();
    epoll_event ev{};
    ev.events = m_interest = EPOLLOUT;
    ev.data.ptr = this;
    epoll_ctl(m_worker.epoll, EPOLL_CTL_ADD, fd, &ev);
    return true;
}

void Connection::updateInterest()
{
    if (m_state == State::Closed)
        return;
    uint32_t wanted = EPOLLIN;
    if (m_state == State::Connecting || m_wantWrite || m_outOffset < m_out.size())
        wanted |= EPOLLOUT;
    if (wanted != m_interest) {
        epoll_event ev{};
        ev.events = m_interest = wanted;
        ev.data.ptr = this;
        epoll_ctl(m_worker.epoll, EPOLL_CTL_MOD, m_stream.fd(), &ev);
    }
}

void Connection::fail(const std::string &why)
{
    if (m_worker.firstError.empty())
        m_worker.firstError = why;
    closeNow();
    m_worker.onClosed(*this, true);
}

void Connection::closeNow()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_stream.close(true);
}

void Connection::beginClose()
{
    const char status[2] = {0x03, static_cast<char>(0xe8)};
    m_state = State::Closing;
    sendFrame(bench::kClose, std::string_view(status, 2));
}

void Connection::send(std::string_view bytes)
{
    if (m_outOffset == m_out.size()) {
        m_out.clear();
        m_outOffset = 0;
    }
    m_out.append(bytes);
    if (flush())
        updateInterest();
}

void Connection::sendFrame(uint8_t opcode, std::string_view payload)
{
    std::string frame;
    bench::appendFrame(frame, opcode, payload, true);
    send(frame);
}

bool Connection::flush()
{
    m_wantWrite = false;
    while (m_outOffset < m_out.size()) {
        std::size_t n = 0;
        const Io io = m_stream.write(m_out.data() + m_outOffset, m_out.size() - m_outOffset, n);
        if (io == Io::WantWrite) {
            m_wantWrite = true;
            return true;
        }
        if (io == Io::WantRead)
            return true;
        if (io != Io::Ok) {
            fail("write: " + m_stream.error());
            return false;
        }
        m_outOffset += n;
    }
    return true;
}

void Connection::onEvent(uint32_t events)
{
    if (m_state == State::Connecting) {
        int error = 0;
        socklen_t len = sizeof error;
        getsockopt(m_stream.fd(), SOL_SOCKET, SO_ERROR, &error, &len);
        if (error != 0 || (events & EPOLLERR))
            return fail(std::string("connect to the server: ") + std::strerror(error ? error : ECONNREFUSED));
        m_state = State::Tls;
    }
    if (m_state == State::Tls) {
        const Io io = m_stream.handshake();
        if (io == Io::WantRead || io == Io::WantWrite) {
            m_wantWrite = io == Io::WantWrite;
            return updateInterest();
        }
        if (io != Io::Ok)
            return fail("TLS handshake: " + m_stream.error());
        m_state = State::Upgrading;
        m_key = bench::randomKey();
        m_wantWrite = false;
        send(bench::upgradeRequest(m_worker.o.url, m_key));
        if (m_state == State::Closed)
            return;
    }
    if ((events & EPOLLOUT) && !flush())
        return;
    readAll();
    updateInterest();
}

void Connection::readAll()
{
    char buffer[65536];
    while (m_state != State::Closed) {
        std::size_t n = 0;
        const Io io = m_stream.read(buffer, sizeof buffer, n);
        if (io == Io::WantRead)
            return;
        if (io == Io::WantWrite) {
            m_wantWrite = true;
            return;
        }
        if (io == Io::Closed || io == Io::Error) {
            if (m_state == State::Closing) {
                closeNow();
                m_worker.onClosed(*this, false);
            } else {
                fail(io == Io::Closed ? "the server closed the connection" : "read: " + m_stream.error());
            }
            return;
        }
        const char *data = buffer;
        if (m_state == State::Upgrading) {
            m_head.append(buffer, n);
            const std::size_t end = m_head.find("\r\n\r\n");
            if (end == std::string::npos) {
                if (m_head.size() > 16384)
                    return fail("no end to the server's HTTP response head");
                continue;
            }
            if (m_head.rfind("HTTP/1.1 101", 0) != 0)
                return fail("the server refused the upgrade: " + m_head.substr(0, m_head.find("\r\n")));
            if (bench::headerValue(std::string_view(m_head).substr(0, end + 2), "Sec-WebSocket-Accept")
                != bench::acceptKey(m_key))
                return fail("wrong Sec-WebSocket-Accept from the server");
            const std::size_t rest = m_head.size() - (end + 4);
            data = buffer + (n - rest);
            n = rest;
            m_state = State::Open;
            m_worker.onOpen(*this);
            if (m_state == State::Closed)
                return;
        }
        if (n > 0 && !m_reader.feed(data, n, *this))
            return fail("a control frame longer than 125 bytes from the server");
    }
}

void Connection::onData(const char *data, std::size_t size)
{
    if (m_worker.o.mode == Mode::Rtt)
        m_worker.onRoundTripBytes(*this, size);
    else if (m_worker.o.mode == Mode::Fanout)
        message.append(data, size);
}

void Connection::onMessageEnd()
{
    if (m_worker.o.mode == Mode::Fanout) {
        m_worker.onFanoutMessage(*this);
        message.clear();
    }
}

void Connection::onControl(uint8_t opcode, const std::string &payload)
{
    if (opcode == bench::kPing) {
        sendFrame(bench::kPong, payload);
    } else if (opcode == bench::kPong) {
        m_worker.onPong(*this);
    } else if (opcode == bench::kClose) {
        const bool expected = m_state == State::Closing;
        if (!expected)
            sendFrame(bench::kClose, payload.substr(0, 2));
        closeNow();
        if (expected)
            m_worker.onClosed(*this, false);
        else
            fail("the server closed the WebSocket" + (payload.size() >= 2
                     ? " with " + std::to_string((uint8_t(payload[0]) << 8) | uint8_t(payload[1])) : std::string()));
    }
}

void Worker::onOpen(Connection &c)
{
    ++opened;
    switch (o.mode) {
    case Mode::Rtt:
        // The message is the same each time: framed and masked once per connection.
        bench::appendFrame(c.request, bench::kBinary, std::string(o.size, 'x'), true);
        break;
    case Mode::Handshakes:
        latency.record(bench::monotonicNanoseconds() - c.startedAt);
        c.beginClose();
        break;
    case Mode::Idle:
    case Mode::Fanout:
        break;
    }
}

void Worker::onRoundTripBytes(Connection &c, std::size_t n)
{
    c.received += n;
    if (c.received < o.size)
        return;
    c.received -= o.size;
    const uint64_t now = bench::monotonicNanoseconds();
    if (now <= m_measureEnd) {
        latency.record(now - c.sentAt);
        ++messages;
        c.sentAt = now;
        c.send(c.request);
    } else {
        c.running = false;
    }
}

void Worker::onClosed(Connection &c, bool error)
{
    if (error)
        ++errors;
    if (o.mode == Mode::Handshakes && !error)
        ++handshakes;
    if (o.mode == Mode::Idle && m_measuring && c.pinged == c.ponged)
        ++lostWhileHeld;
    c.running = false;
}

void Worker::onFanoutMessage(Connection &c)
{
    const uint64_t sent = std::strtoull(c.message.c_str(), nullptr, 10);
    const uint64_t now = bench::monotonicNanoseconds();
    if (sent == 0 || sent > now) {
        ++errors;
        return;
    }
    latency.record(now - sent);
    ++delivered;
    lastDeliveryAt = now;
}

void Worker::onPong(Connection &c)
{
    if (c.pinged && !c.ponged) {
        c.ponged = true;
        ++survived;
    }
}

int Worker::openCount() const
{
    int n = 0;
    for (const auto &c : m_connections)
        n += c->state() == Connection::State::Open ? 1 : 0;
    return n;
}

void Worker::poll(int timeoutMs)
{
    epoll_event events[256];
    const int n = epoll_wait(epoll, events, 256, timeoutMs);
    for (int i = 0; i < n; ++i)
        static_cast<Connection *>(events[i].data.ptr)->onEvent(events[i].events);
}

void Worker::startConnection(std::size_t slot)
{
    if (!m_connections[slot]->start()) {
        ++errors;
        if (firstError.empty())
            firstError = "cannot start a connection";
    }
}

void Worker::run()
{
    switch (o.mode) {
    case Mode::Rtt:
    case Mode::Handshakes:
        return runRttOrHandshakes();
    case Mode::Idle:
        return runIdle();
    case Mode::Fanout:
        return runFanout();
    }
}

void Worker::runRttOrHandshakes()
{
    for (int i = 0; i < m_target; ++i) {
        m_connections.push_back(std::make_unique<Connection>(*this));
        startConnection(m_connections.size() - 1);
    }
    if (o.mode == Mode::Rtt) {
        // Measure from the moment every connection is open: the handshakes are not part of it.
        const uint64_t giveUp = bench::monotonicNanoseconds() + nanos(30);
        while (openCount() + static_cast<int>(errors) < m_target && bench::monotonicNanoseconds() < giveUp)
            poll(100);
        if (errors > 0)
            return;
    }
    m_measureStart = bench::monotonicNanoseconds();
    m_measureEnd = m_measureStart + nanos(o.seconds);
    m_measuring = true;
    if (o.mode == Mode::Rtt) {
        for (auto &c : m_connections) {
            c->running = true;
            c->sentAt = m_measureStart;
            c->send(c->request);
        }
    }
    for (;;) {
        poll(50);
        const uint64_t now = bench::monotonicNanoseconds();
        if (o.mode == Mode::Handshakes) {
            // Each slot starts its next handshake once its last one is closed.
            for (std::size_t i = 0; i < m_connections.size(); ++i)
                if (m_connections[i]->state() == Connection::State::Closed && now < m_measureEnd)
                    startConnection(i);
            if (now >= m_measureEnd)
                break;
        } else {
            const bool busy = std::any_of(m_connections.begin(), m_connections.end(),
                                          [](const auto &c) { return c->running; });
            if (now >= m_measureEnd && !busy)
                break;
            if (now >= m_measureEnd + nanos(10)) {
                ++errors;
                firstError = "round trips still unanswered 10 s after the end";
                break;
            }
        }
    }
    elapsed = static_cast<double>(bench::monotonicNanoseconds() - m_measureStart) / 1e9;
    if (o.mode == Mode::Rtt)
        elapsed = o.seconds;
}

void Worker::runIdle()
{
    m_connections.reserve(static_cast<std::size_t>(m_target));
    const uint64_t start = bench::monotonicNanoseconds();
    const uint64_t giveUp = start + nanos(o.openSeconds > 0 ? o.openSeconds : static_cast<double>(m_target) / o.rate + 60);
    // Opening at the paced rate, with at most kInFlight handshakes under way (a server that
    // takes longer than the rate allows is not buried under handshakes it will time out).
    // Failures count as errors and are not retried.
    constexpr std::size_t kInFlight = 128;
    while (static_cast<int>(opened + errors) < m_target && bench::monotonicNanoseconds() < giveUp) {
        const double since = static_cast<double>(bench::monotonicNanoseconds() - start) / 1e9;
        const auto due = std::min({static_cast<std::size_t>(since * o.rate) + 1, static_cast<std::size_t>(m_target),
                                   static_cast<std::size_t>(opened + errors) + kInFlight});
        while (m_connections.size() < due) {
            m_connections.push_back(std::make_unique<Connection>(*this));
            startConnection(m_connections.size() - 1);
        }
        poll(1);
    }
    elapsed = static_cast<double>(bench::monotonicNanoseconds() - start) / 1e9;
    if (!o.readyFile.empty())
        std::ofstream(o.readyFile) << opened << "\n";
    // Holding: the connections stay quiet (pings from the server are answered).
    m_measuring = true;
    const uint64_t holdEnd = bench::monotonicNanoseconds() + nanos(o.hold);
    while (bench::monotonicNanoseconds() < holdEnd)
        poll(100);
    for (auto &c : m_connections) {
        if (c->state() == Connection::State::Open) {
            c->pinged = true;
            c->sendFrame(bench::kPing, "still there?");
        }
    }
    const uint64_t pongEnd = bench::monotonicNanoseconds() + nanos(15);
    while (survived + lostWhileHeld < opened && bench::monotonicNanoseconds() < pongEnd)
        poll(100);
}

void Worker::runFanout()
{
    // The source first, so that the service has it before the clients come.
    const int source = bench::connectTo(o.sourceHost, o.sourcePort);
    if (source < 0)
        bench::die("cannot connect to the broadcast source address: " + std::string(std::strerror(errno)));
    for (int i = 0; i < m_target; ++i) {
        m_connections.push_back(std::make_unique<Connection>(*this));
        startConnection(m_connections.size() - 1);
        if (i % 100 == 99)
            poll(0);
    }
    const uint64_t giveUp = bench::monotonicNanoseconds() + nanos(30);
    while (openCount() + static_cast<int>(errors) < m_target && bench::monotonicNanoseconds() < giveUp)
        poll(10);
    if (errors > 0 || openCount() < m_target) {
        if (firstError.empty())
            firstError = "not every client connected within 30 s";
        return;
    }
    m_measureStart = bench::monotonicNanoseconds();
    m_measureEnd = m_measureStart + nanos(o.seconds);
    const std::string padding(o.size, 'p');
    std::string pending;
    while (bench::monotonicNanoseconds() < m_measureEnd) {
        const uint64_t now = bench::monotonicNanoseconds();
        const auto due = static_cast<uint64_t>(static_cast<double>(now - m_measureStart) / 1e9 * o.rate) + 1;
        while (sourceMessages < due) {
            char line[64];
            const int n = std::snprintf(line, sizeof line, "%" PRIu64 " %" PRIu64 " ", bench::monotonicNanoseconds(),
                                        sourceMessages);
            std::string text(line, static_cast<std::size_t>(n));
            text.append(padding, 0, o.size > text.size() + 1 ? o.size - text.size() - 1 : 0);
            text += '\n';
            pending += text;
            ++sourceMessages;
        }
        while (!pending.empty()) {
            const ssize_t sent = ::send(source, pending.data(), pending.size(), MSG_NOSIGNAL);
            if (sent < 0 && errno != EAGAIN)
                bench::die("the broadcast source connection failed: " + std::string(std::strerror(errno)));
            if (sent <= 0)
                break;
            pending.erase(0, static_cast<std::size_t>(sent));
        }
        poll(1);
    }
    // What was sent is still counted when it arrives within 10 s after the end; the rate is
    // over the time from the first message sent to the last one delivered, so a gateway that
    // falls behind shows a rate below the source's times the clients.
    const uint64_t expected = sourceMessages * static_cast<uint64_t>(m_target);
    const uint64_t drainEnd = bench::monotonicNanoseconds() + nanos(10);
    while (delivered < expected && bench::monotonicNanoseconds() < drainEnd)
        poll(10);
    elapsed = lastDeliveryAt > m_measureStart ? static_cast<double>(lastDeliveryAt - m_measureStart) / 1e9 : o.seconds;
    ::close(source);
}

} // namespace

int main(int argc, char **argv)
{
    const Options o = parseOptions(argc, argv);
    const uint64_t limit = bench::raiseFileLimit();
    const uint64_t needed = static_cast<uint64_t>(o.mode == Mode::Idle ? o.count : o.connections) + 64;
    if (limit < needed)
        bench::die("RLIMIT_NOFILE is " + std::to_string(limit) + ", and this run needs " + std::to_string(needed)
                   + " descriptors: raise the hard limit (ulimit -Hn) as root");
    bench::SslCtx tls;
    if (o.url.tls)
        tls = bench::makeClientContext(o.ca);
    const bool threaded = o.mode == Mode::Rtt || o.mode == Mode::Handshakes;
    const int threads = threaded ? std::min(o.threads, o.connections) : 1;
    std::vector<std::unique_ptr<Worker>> workers;
    const int total = o.mode == Mode::Idle ? o.count : o.connections;
    for (int i = 0; i < threads; ++i)
        workers.push_back(std::make_unique<Worker>(o, tls.get(), total / threads + (i < total % threads ? 1 : 0)));
    std::vector<std::thread> running;
    for (auto &w : workers)
        running.emplace_back([&w] { w->run(); });
    for (auto &t : running)
        t.join();

    Worker &sum = *workers.front();
    for (std::size_t i = 1; i < workers.size(); ++i) {
        Worker &w = *workers[i];
        sum.latency.merge(w.latency);
        sum.messages += w.messages;
        sum.handshakes += w.handshakes;
        sum.errors += w.errors;
        sum.opened += w.opened;
        sum.elapsed = std::max(sum.elapsed, w.elapsed);
        if (sum.firstError.empty())
            sum.firstError = w.firstError;
    }
    const double us50 = static_cast<double>(sum.latency.quantile(0.50)) / 1e3;
    const double us99 = static_cast<double>(sum.latency.quantile(0.99)) / 1e3;
    const double seconds = sum.elapsed > 0 ? sum.elapsed : 1;
    if (!sum.firstError.empty())
        std::fprintf(stderr, "wsload: %" PRIu64 " error(s), the first: %s\n", sum.errors, sum.firstError.c_str());
    switch (o.mode) {
    case Mode::Rtt: {
        const double rate = static_cast<double>(sum.messages) / seconds;
        const double mbps = rate * static_cast<double>(o.size) / 1e6;
        std::printf("rtt: %" PRIu64 " round trips of %zu B over %d connection(s) in %.1f s: %.0f msg/s, %.2f MB/s, "
                    "p50 %.1f us, p99 %.1f us\n", sum.messages, o.size, o.connections, seconds, rate, mbps, us50, us99);
        std::printf("RESULT messages=%" PRIu64 " seconds=%.3f msg_per_s=%.0f mb_per_s=%.2f p50_us=%.1f p99_us=%.1f "
                    "errors=%" PRIu64 "\n", sum.messages, seconds, rate, mbps, us50, us99, sum.errors);
        break;
    }
    case Mode::Handshakes: {
        const double rate = static_cast<double>(sum.handshakes) / seconds;
        std::printf("handshakes: %" PRIu64 " in %.1f s with %d at once: %.0f/s, time to open p50 %.1f us, p99 %.1f us\n",
                    sum.handshakes, seconds, o.connections, rate, us50, us99);
        std::printf("RESULT handshakes=%" PRIu64 " seconds=%.3f per_s=%.0f p50_us=%.1f p99_us=%.1f errors=%" PRIu64 "\n",
                    sum.handshakes, seconds, rate, us50, us99, sum.errors);
        break;
    }
    case Mode::Idle:
        std::printf("idle: opened %" PRIu64 " of %d in %.1f s, held %.0f s: %" PRIu64 " answered a ping, %" PRIu64
                    " closed while held\n", sum.opened, o.count, seconds, o.hold, sum.survived, sum.lostWhileHeld);
        std::printf("RESULT opened=%" PRIu64 " survived=%" PRIu64 " lost=%" PRIu64 " errors=%" PRIu64 "\n", sum.opened,
                    sum.survived, sum.lostWhileHeld, sum.errors);
        break;
    case Mode::Fanout: {
        const double rate = static_cast<double>(sum.delivered) / seconds;
        const uint64_t expected = sum.sourceMessages * static_cast<uint64_t>(o.connections);
        std::printf("fanout: %" PRIu64 " source messages to %d clients in %.1f s: %" PRIu64 " of %" PRIu64
                    " delivered in %.1f s, %.0f msg/s, latency p50 %.1f us, p99 %.1f us\n", sum.sourceMessages,
                    o.connections, o.seconds, sum.delivered, expected, seconds, rate, us50, us99);
        std::printf("RESULT source_messages=%" PRIu64 " delivered=%" PRIu64 " expected=%" PRIu64 " seconds=%.3f "
                    "msg_per_s=%.0f p50_us=%.1f p99_us=%.1f errors=%" PRIu64 "\n", sum.sourceMessages, sum.delivered,
                    expected, seconds, rate, us50, us99, sum.errors);
        break;
    }
    }
    return sum.errors == 0 ? 0 : 1;
}
