// Interop with node's `ws` package (npm, an implementation independent of Postern's and Qt's):
// the client talks to a posternd started here, to its echo service and, through a proxy
// service, to a back-end that is itself a `ws` server, over ws:// and wss:// (the test CA given
// in `ca`; certificates are verified): text (not only ASCII), binary, empty and fragmented
// messages, 1 MiB messages, ping/pong, sub-protocol negotiation through the proxy, and close
// codes and reasons carried both ways. Prints "N passed, N failed"; non-zero exit on a failure.
//
//   node ws.test.mjs --posternd PATH --keytool PATH --source DIR

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';

import { check, finish, freePort, makeTestPki, parseArgs, startGateway } from './support.mjs';

const args = parseArgs(['posternd', 'keytool', 'source'], 'node ws.test.mjs --posternd PATH --keytool PATH --source DIR');
const MIB = 1 << 20;

// The back-end: echoes, closes with code N and reason R when sent 'close N R', speaks 'mqtt'
// and 'stomp', and records each connection's path, offer, choice and the close it was sent.
const backendConnections = [];
const backendPort = await freePort();
const backend = new WebSocketServer({
  host: '127.0.0.1',
  port: backendPort,
  maxPayload: 8 * MIB,
  handleProtocols: (offered) => ['mqtt', 'stomp'].find((p) => offered.has(p)) ?? false,
});
backend.on('connection', (socket, request) => {
  const seen = { path: request.url, offered: request.headers['sec-websocket-protocol'] ?? null,
    chosen: socket.protocol || null, closeCode: null, closeReason: null };
  backendConnections.push(seen);
  socket.on('message', (data, isBinary) => {
    const text = isBinary ? null : data.toString();
    if (text?.startsWith('close ')) {
      const [, code, reason] = text.match(/^close (\d+) (.*)$/s);
      socket.close(Number(code), reason);
    } else {
      socket.send(data, { binary: isBinary });
    }
  });
  socket.on('close', (code, reason) => { seen.closeCode = code; seen.closeReason = reason.toString(); });
});
await new Promise((resolve) => backend.on('listening', resolve));

// A WebSocket that queues what arrives, so a test can await the next message or the close.
function open(url, ca, protocols = []) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, { ca, maxPayload: 8 * MIB });
    const inbox = [];
    const waiting = [];
    socket.on('message', (data, isBinary) => {
      const message = { data: isBinary ? data : data.toString(), isBinary };
      const next = waiting.shift();
      if (next) next(message); else inbox.push(message);
    });
    const closed = new Promise((done) => socket.on('close', (code, reason) => done({ code, reason: reason.toString() })));
    socket.once('open', () => resolve({
      socket,
      closed,
      next: () => (inbox.length ? Promise.resolve(inbox.shift()) : new Promise((done) => waiting.push(done))),
    }));
    socket.once('error', reject);
  });
}

// Resolves when condition() holds, or after `ms` (the caller's check then fails).
async function until(condition, ms = 10000) {
  for (const deadline = Date.now() + ms; !condition() && Date.now() < deadline;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const same = (a, b) => (Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : a === b);

async function exchanges(url, ca) {
  const problems = [];
  const client = await open(url, ca);
  const messages = [['hello, postern', false], ['héllo ✓ 𝄞 — ☃', false], ['', false],
    [Buffer.from([...Array(256).keys()]), true], [Buffer.alloc(0), true],
    [crypto.randomBytes(MIB), true], [('0123456789abcdé'.repeat(MIB / 16 + 1)).slice(0, MIB), false]];
  for (const [data, binary] of messages) {
    client.socket.send(data, { binary });
    const echoed = await client.next();
    if (!same(echoed.data, data) || echoed.isBinary !== binary) problems.push(`${String(data).slice(0, 30)} (${data.length} B)`);
  }
  // One text message in three frames.
  client.socket.send('frag', { fin: false });
  client.socket.send('mented ', { fin: false });
  client.socket.send('tëxt', { fin: true });
  const fragmented = await client.next();
  if (fragmented.data !== 'fragmented tëxt') problems.push(`fragmented text came back as ${fragmented.data}`);
  const pong = new Promise((resolve) => client.socket.once('pong', (data) => resolve(data.toString())));
  client.socket.ping('are you there');
  const answered = await Promise.race([pong, new Promise((resolve) => setTimeout(() => resolve('no pong'), 10000))]);
  if (answered !== 'are you there') problems.push(`pong: ${answered}`);
  client.socket.close(1000);
  await client.closed;
  return problems;
}

async function clientClose(url, ca, code, reason) {
  const client = await open(url, ca);
  client.socket.send('before closing');
  await client.next();
  client.socket.close(code, reason);
  return client.closed;
}

async function backendClose(url, ca, code, reason) {
  const client = await open(url, ca);
  client.socket.send(`close ${code} ${reason}`);
  return client.closed;
}

async function negotiated(url, ca, offer) {
  const client = await open(url, ca, offer);
  client.socket.send('which');
  await client.next();
  const chosen = client.socket.protocol || null;
  client.socket.close(1000);
  await client.closed;
  return chosen;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'postern-node-ws-'));
let gateway = null;
try {
  const ca = fs.readFileSync(makeTestPki(args.keytool, args.source, work));
  const http = await freePort();
  const tls = await freePort();
  const config = path.join(work, 'gateway-config.xml');
  fs.writeFileSync(config, `<?xml version="1.0"?>
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service><name>echo</name><accept>ws://localhost:${http}/echo</accept><accept>wss://localhost:${tls}/echo</accept>
    <type>echo</type><accept-options><ws.maximum.message.size>2m</ws.maximum.message.size></accept-options></service>
  <service><name>to-ws</name><accept>ws://localhost:${http}/to-ws</accept><accept>wss://localhost:${tls}/to-ws</accept>
    <connect>ws://127.0.0.1:${backendPort}/chat</connect><type>proxy</type>
    <accept-options><ws.maximum.message.size>2m</ws.maximum.message.size></accept-options></service>
  <security><keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore></security>
</gateway-config>
`);
  gateway = startGateway(args.posternd, config, `localhost:${tls} (TLS)`);
  if (!check('posternd starts with a keystore signed by the test CA', await gateway.started, gateway.log())) {
    throw new Error('posternd did not start');
  }
  for (const [scheme, port, trust] of [['ws', http, undefined], ['wss', tls, ca]]) {
    const echo = `${scheme}://localhost:${port}/echo`;
    const proxy = `${scheme}://localhost:${port}/to-ws`;
    for (const [name, url] of [['echo', echo], ['proxy to a ws back-end', proxy]]) {
      const problems = await exchanges(url, trust);
      check(`${scheme} ${name}: text, UTF-8, empty, binary, 1 MiB text and binary, fragmented, ping`,
        problems.length === 0, JSON.stringify(problems));
    }
    let answered = await clientClose(echo, trust, 4001, 'client done');
    // RFC 6455 5.5.1: the answer typically echoes the code; the reason is the endpoint's own.
    check(`${scheme} echo: a client's close 4001 is answered with 4001`, answered.code === 4001, JSON.stringify(answered));
    const before = backendConnections.length;
    answered = await clientClose(proxy, trust, 4002, 'client leaves');
    await until(() => backendConnections[before]?.closeCode != null); // the back-end's close event comes on its own time
    const reached = backendConnections[before];
    check(`${scheme} proxy: the client's close 4002 and its reason reach the back-end and its answer comes back`,
      reached.closeCode === 4002 && reached.closeReason === 'client leaves' && answered.code === 4002,
      JSON.stringify({ reached, answered }));
    let received = await backendClose(proxy, trust, 4005, 'back-end says so');
    check(`${scheme} proxy: the back-end's close 4005 and its reason reach the client`,
      received.code === 4005 && received.reason === 'back-end says so', JSON.stringify(received));
    received = await backendClose(proxy, trust, 1001, 'going away');
    check(`${scheme} proxy: the back-end's 1001 reaches the client`, received.code === 1001 && received.reason === 'going away',
      JSON.stringify(received));
    let chosen = await negotiated(proxy, trust, ['stomp']);
    let seen = backendConnections.at(-1);
    check(`${scheme} proxy: the offered sub-protocol reaches the back-end and its choice the client`,
      chosen === 'stomp' && seen.offered === 'stomp' && seen.chosen === 'stomp', JSON.stringify({ chosen, seen }));
    chosen = await negotiated(proxy, trust, ['amqp', 'mqtt']);
    seen = backendConnections.at(-1);
    check(`${scheme} proxy: of several offered, the back-end's choice is the client's`,
      chosen === 'mqtt' && seen.chosen === 'mqtt' && seen.offered === 'amqp, mqtt', JSON.stringify({ chosen, seen }));
    // The back-end answers without one; the gateway passes that on rather than inventing a
    // choice, and `ws` (stricter than RFC 6455 4.1 asks) then refuses the session itself.
    const before2 = backendConnections.length;
    chosen = await negotiated(proxy, trust, ['amqp']).catch((error) => error.message);
    check(`${scheme} proxy: none the back-end speaks, none chosen (ws gives up: 'Server sent no subprotocol')`,
      chosen === 'Server sent no subprotocol' && backendConnections.length === before2 + 1
        && backendConnections.at(-1).offered === 'amqp' && backendConnections.at(-1).chosen === null, String(chosen));
    check(`${scheme} proxy: the back-end is asked for the connect URL's path`, backendConnections.at(-1).path === '/chat',
      backendConnections.at(-1).path);
  }
  // Trust comes from the CA given, not from switching verification off: without it, refused.
  const untrusted = await open(`wss://localhost:${tls}/echo`).then(() => 'connected', (error) => error.code ?? error.message);
  check('wss without the test CA is refused by the client (the certificate is really checked)',
    untrusted === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || untrusted === 'SELF_SIGNED_CERT_IN_CHAIN', untrusted);
} catch (error) {
  check('the ws run completes', false, `${error.stack}\n--- posternd log ---\n${gateway?.log() ?? ''}`);
} finally {
  if (gateway) await gateway.stop();
  backend.close();
  for (const client of backend.clients) client.terminate();
  fs.rmSync(work, { recursive: true, force: true });
}
finish();
