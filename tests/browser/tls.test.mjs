// A real browser over TLS: Debian's Chromium, driven by playwright-core, trusts a test CA only
// because it was imported into a fresh NSS database ($HOME/.pki/nssdb, `certutil -A -t "C,,"`;
// no --ignore-certificate-errors, no ignoreHTTPSErrors). It loads a page from posternd's
// directory service over https://; the page opens wss:// to an echo service of its own origin
// and to one on another port that allows its origin, and each echoes; a service whose
// cross-site-constraint does not allow the page's origin refuses it: the browser sees the
// WebSocket fail (close 1006, never open) and the gateway logs the 403. Without the CA in the
// NSS database, the same page is refused by the browser. Prints "N passed, N failed" and exits
// non-zero on any failure.
//
//   node tls.test.mjs --posternd PATH --keytool PATH --source DIR [--screenshots DIR]

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { check, finish, freePort, launchChromium, makeTestPki, parseArgs, startGateway } from './support.mjs';

const args = parseArgs(['posternd', 'keytool', 'source'],
  'node tls.test.mjs --posternd PATH --keytool PATH --source DIR [--screenshots DIR]');

// The page: opens a WebSocket to ?target=, sends one message, and shows what happened.
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Postern wss interop</title></head>
<body>
  <p>Target: <code id="target"></code></p>
  <p>Opened: <span id="opened">no</span></p>
  <p>Received: <span id="received"></span></p>
  <p>Error: <span id="error"></span></p>
  <p>Closed: <span id="closed"></span></p>
  <script>
    const target = new URLSearchParams(location.search).get('target');
    document.getElementById('target').textContent = target;
    const show = (id, text) => { document.getElementById(id).textContent = text; };
    const socket = new WebSocket(target);
    socket.onopen = () => { show('opened', 'yes'); socket.send('hello over wss from ' + location.origin); };
    socket.onmessage = (message) => { show('received', message.data); socket.close(1000, 'done'); };
    socket.onerror = () => show('error', 'the WebSocket failed');
    socket.onclose = (closed) => show('closed', String(closed.code));
  </script>
</body></html>
`;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'postern-browser-tls-'));
let gateway = null;
const browsers = [];
try {
  const ca = makeTestPki(args.keytool, args.source, work);
  // A fresh NSS database that trusts the test CA to identify servers, and nothing of ours else.
  const home = path.join(work, 'home');
  const nssdb = path.join(home, '.pki', 'nssdb');
  fs.mkdirSync(nssdb, { recursive: true });
  execFileSync('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password']);
  execFileSync('certutil', ['-A', '-d', `sql:${nssdb}`, '-n', 'Postern Test CA', '-t', 'C,,', '-i', ca]);
  const listed = execFileSync('certutil', ['-L', '-d', `sql:${nssdb}`]).toString();
  check('certutil imported the test CA into a fresh NSS database', /Postern Test CA\s+C,,/.test(listed), listed);
  const bareHome = path.join(work, 'bare-home'); // for the control: an empty NSS database
  fs.mkdirSync(path.join(bareHome, '.pki', 'nssdb'), { recursive: true });
  execFileSync('certutil', ['-N', '-d', `sql:${path.join(bareHome, '.pki', 'nssdb')}`, '--empty-password']);

  const web = path.join(work, 'web');
  fs.mkdirSync(web);
  fs.writeFileSync(path.join(web, 'index.html'), PAGE);
  const own = await freePort();
  const other = await freePort();
  const origin = `https://localhost:${own}`;
  const config = path.join(work, 'gateway-config.xml');
  fs.writeFileSync(config, `<?xml version="1.0"?>
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service><name>pages</name><accept>https://localhost:${own}/</accept><type>directory</type>
    <properties><directory>${web}</directory></properties></service>
  <service><name>echo</name><accept>wss://localhost:${own}/echo</accept><type>echo</type></service>
  <service><name>partner</name><accept>wss://localhost:${other}/partner</accept><type>echo</type>
    <cross-site-constraint><allow-origin>${origin}</allow-origin></cross-site-constraint></service>
  <service><name>guarded</name><accept>wss://localhost:${other}/guarded</accept><type>echo</type>
    <cross-site-constraint><allow-origin>https://elsewhere.example</allow-origin></cross-site-constraint></service>
  <security><keystore><file>keystore.p12</file><password-file>keystore.pw</password-file></keystore></security>
</gateway-config>
`);
  gateway = startGateway(args.posternd, config, `localhost:${other} (TLS)`);
  if (!check('posternd starts with a keystore signed by the test CA', await gateway.started, gateway.log())) {
    throw new Error('posternd did not start');
  }

  const browser = await launchChromium({ home });
  browsers.push(browser);
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(15000);
  const shoot = async (name) => {
    if (args.screenshots) {
      fs.mkdirSync(args.screenshots, { recursive: true });
      await page.screenshot({ path: path.join(args.screenshots, `${name}.png`), fullPage: true });
    }
  };
  const visit = async (target) => {
    const response = await page.goto(`${origin}/?target=${encodeURIComponent(target)}`);
    await page.waitForFunction(() => document.getElementById('closed').textContent !== '');
    const text = async (id) => page.textContent(`#${id}`);
    return { response, opened: await text('opened'), received: await text('received'), error: await text('error'),
      closed: await text('closed') };
  };

  // --- same origin: https page, wss echo ---
  const sameOrigin = await visit(`wss://localhost:${own}/echo`);
  const security = await sameOrigin.response.securityDetails();
  check('the page loads over https, its certificate trusted through the NSS database',
    sameOrigin.response.ok() && security !== null && security.issuer.startsWith('Postern Test CA'),
    JSON.stringify(security));
  check('the page opens wss to the echo service of its own origin and shows the echo',
    sameOrigin.opened === 'yes' && sameOrigin.received === `hello over wss from ${origin}` && sameOrigin.closed === '1000',
    JSON.stringify(sameOrigin));
  await shoot('tls-echo');

  // --- another origin that allows this page ---
  const partner = await visit(`wss://localhost:${other}/partner`);
  check('a service on another port whose allow-origin names the page echoes it',
    partner.opened === 'yes' && partner.received === `hello over wss from ${origin}` && partner.closed === '1000',
    JSON.stringify(partner));

  // --- another origin that does not ---
  const refused = await visit(`wss://localhost:${other}/guarded`);
  check('a service whose allow-origin excludes the page: the WebSocket fails and never opens',
    refused.opened === 'no' && refused.error !== '' && refused.closed === '1006' && refused.received === '',
    JSON.stringify(refused));
  await shoot('tls-origin-refused');
  const logged = await gateway.waitForLog(`service=guarded status=403 reason="origin ${origin} is not allowed by service 'guarded'"`, 5000);
  check('the gateway logged the 403 with the page\'s origin and the service', logged, gateway.log().slice(-2000));

  // --- control: the same page without the CA in the NSS database ---
  const bare = await launchChromium({ home: bareHome });
  browsers.push(bare);
  const untrusting = await (await bare.newContext()).newPage();
  const failure = await untrusting.goto(`${origin}/?target=wss://localhost:${own}/echo`).then(() => 'loaded', (error) => error.message);
  check('without the test CA in the NSS database Chromium refuses the certificate',
    failure.includes('net::ERR_CERT_AUTHORITY_INVALID'), failure);
} catch (error) {
  check('the browser run completes', false, `${error.stack}\n--- posternd log ---\n${gateway?.log() ?? ''}`);
} finally {
  for (const browser of browsers) await browser.close();
  if (gateway) await gateway.stop();
  fs.rmSync(work, { recursive: true, force: true });
}
finish();
