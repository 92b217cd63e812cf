// What the node tests here share: their command line, pass/fail bookkeeping that prints
// 'PASS'/'FAIL!' lines and 'N passed, N failed', free loopback ports, the built posternd started
// as a process with its log kept, and the test PKI (a throwaway CA and a keystore it signed,
// made by tests/support/make-test-pki.sh).

import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

// --name value pairs; exits 2 naming the usage when one of `required` is missing.
export function parseArgs(required, usage) {
  const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) => {
    if (arg.startsWith('--')) pairs.push([arg.slice(2), all[i + 1]]);
    return pairs;
  }, []));
  for (const name of required) {
    if (!args[name]) {
      console.error(`usage: ${usage}`);
      process.exit(2);
    }
  }
  return args;
}

export const results = { passed: 0, failed: 0 };

export function check(name, condition, detail = '') {
  if (condition) {
    results.passed += 1;
    console.log(`PASS   ${name}`);
  } else {
    results.failed += 1;
    console.log(`FAIL!  ${name} ${detail}`);
  }
  return condition;
}

// Prints the summary and exits non-zero on any failure.
export function finish() {
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exit(results.failed === 0 ? 0 : 1);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

// Writes dir/ca.pem, dir/keystore.p12 and dir/keystore.pw (entry 'localhost' for localhost
// and 127.0.0.1, signed by the CA); returns the CA's path.
export function makeTestPki(keytool, source, dir) {
  execFileSync(path.join(source, 'tests', 'support', 'make-test-pki.sh'), [keytool, dir], { stdio: 'inherit' });
  return path.join(dir, 'ca.pem');
}

// posternd --config CONFIG as a process. `log()` is what it printed so far; `started` resolves
// to whether it said it listens on `listening` (such as 'localhost:8000') within 15 s.
export function startGateway(posternd, config, listening) {
  let log = '';
  const child = spawn(posternd, ['--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (data) => { log += data; });
  child.stderr.on('data', (data) => { log += data; });
  const waitForLog = (text, timeout = 15000) => new Promise((resolve) => {
    const done = (value) => { clearInterval(poll); clearTimeout(deadline); resolve(value); };
    const deadline = setTimeout(() => done(false), timeout);
    const poll = setInterval(() => { if (log.includes(text)) done(true); }, 50);
    child.on('exit', () => done(log.includes(text)));
  });
  return {
    process: child,
    log: () => log,
    waitForLog,
    started: waitForLog(`listening on ${listening}`),
    // SIGTERM (a drain), and the process's end.
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.on('exit', resolve);
      child.kill('SIGTERM');
    }),
  };
}

// Debian's Chromium (never a downloaded browser), headless. `home` sets $HOME, where Chromium
// finds its NSS database ($HOME/.pki/nssdb) of trusted certificates.
export async function launchChromium({ home } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
    env: home ? { ...process.env, HOME: home } : process.env,
  });
}
