// The browser client end to end: Debian's Chromium, driven by playwright-core, loads the demo
// page from a posternd started here, logs in through postern-client.js (a wrong password, then
// the right one, through the login service), echoes a message, reconnects on the single
// sign-on cookie without asking again, logs out; then, on a token realm, a wrong token is
// refused with a visible reason and a good one connects; on a realm that reads a cookie and a
// query parameter, the token goes in the cookie, and one that cannot be a cookie value in the
// query parameter. Prints "N passed, N failed" and exits non-zero on any failure.
//
//   node demo.test.mjs --posternd PATH --keytool PATH --source DIR [--screenshots DIR]

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { check, finish, freePort, launchChromium, parseArgs, startGateway } from './support.mjs';

const args = parseArgs(['posternd', 'keytool', 'source'],
  'node demo.test.mjs --posternd PATH --keytool PATH --source DIR [--screenshots DIR]');

function base64Url(data) {
  return Buffer.from(data).toString('base64url');
}

// An HS256 JSON Web Token, signed here independently of the gateway.
function jwt(claims, secret) {
  const input = `${base64Url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64Url(JSON.stringify(claims))}`;
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'postern-browser-'));
const http = await freePort();
const password = crypto.randomBytes(12).toString('base64url');
const secret = crypto.randomBytes(32).toString('base64url');
const hash = execFileSync(args.keytool, ['hash-password'], { input: `${password}\n` }).toString().trim();
fs.writeFileSync(path.join(work, 'users.xml'),
  `<jaas-config><user><name>demo</name><password>${hash}</password><role-name>AUTHORIZED</role-name></user></jaas-config>\n`,
  { mode: 0o600 });
fs.writeFileSync(path.join(work, 'jwt.secret'), `${secret}\n`, { mode: 0o600 });
const web = path.join(args.source, 'resources', 'web');
fs.writeFileSync(path.join(work, 'gateway-config.xml'), `<?xml version="1.0"?>
<gateway-config xmlns="http://xmlns.kaazing.org/2016/06/gateway">
  <service><name>welcome</name><accept>http://localhost:${http}/</accept><type>directory</type>
    <properties><directory>${web}</directory></properties></service>
  <service><name>echo</name><accept>ws://localhost:${http}/echo</accept><type>echo</type></service>
  <service><name>secure-echo</name><accept>ws://localhost:${http}/secure-echo</accept><type>echo</type>
    <realm-name>demo</realm-name>
    <authorization-constraint><require-role>AUTHORIZED</require-role></authorization-constraint></service>
  <service><name>login</name><accept>http://localhost:${http}/login</accept><type>login</type>
    <realm-name>demo</realm-name></service>
  <service><name>tokens</name><accept>ws://localhost:${http}/tokens</accept><type>echo</type>
    <realm-name>api</realm-name></service>
  <service><name>cookie-tokens</name><accept>ws://localhost:${http}/cookie-tokens</accept><type>echo</type>
    <realm-name>api-cookie</realm-name></service>
  <security>
    <realm><name>demo</name><authentication>
      <http-challenge-scheme>Application Basic</http-challenge-scheme>
      <authorization-mode>recycle</authorization-mode>
      <login-modules><login-module><type>file</type><options><file>users.xml</file></options></login-module></login-modules>
    </authentication></realm>
    <realm><name>api</name><authentication>
      <http-challenge-scheme>Application Token</http-challenge-scheme>
      <http-query-parameter>access_token</http-query-parameter>
      <login-modules><login-module><type>token</type>
        <options><algorithm>HS256</algorithm><key-file>jwt.secret</key-file></options></login-module></login-modules>
    </authentication></realm>
    <realm><name>api-cookie</name><authentication>
      <http-challenge-scheme>Application Token</http-challenge-scheme>
      <http-query-parameter>access_token</http-query-parameter>
      <http-cookie>token</http-cookie>
      <login-modules><login-module><type>token</type>
        <options><algorithm>HS256</algorithm><key-file>jwt.secret</key-file></options></login-module></login-modules>
    </authentication></realm>
  </security>
</gateway-config>
`);

const gateway = startGateway(args.posternd, path.join(work, 'gateway-config.xml'), `localhost:${http}`);
const started = await gateway.started;
const gatewayLog = gateway.log;
check('posternd starts', started, gatewayLog());

let browser = null;
try {
  if (!started) throw new Error('posternd did not start');
  browser = await launchChromium();
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const base = `http://localhost:${http}`;
  const state = () => page.textContent('#state');
  const logText = () => page.textContent('#log');
  const shoot = async (name) => {
    if (args.screenshots) {
      fs.mkdirSync(args.screenshots, { recursive: true });
      await page.screenshot({ path: path.join(args.screenshots, `${name}.png`), fullPage: true });
    }
  };

  // --- Application Basic: wrong password, right password, echo ---
  await page.goto(`${base}/demo.html?path=/secure-echo`);
  check('the demo page loads its module', (await page.textContent('#state')) === 'disconnected' && pageErrors.length === 0,
    pageErrors.join('; '));
  await page.click('#connect');
  await page.waitForSelector('#login:not([hidden])');
  check('the realm asks for a user name and password', (await page.textContent('#login-title')).includes('realm "demo"'));
  await page.fill('#user', 'demo');
  await page.fill('#password', 'wrong-password');
  await page.click('#sign-in');
  await page.waitForFunction(() => document.getElementById('login-problem').textContent !== '');
  check('a wrong password is refused, visibly', (await page.textContent('#login-problem')) === 'Wrong user name or password.',
    await page.textContent('#login-problem'));
  await shoot('demo-wrong-password');
  await page.fill('#user', 'demo');
  await page.fill('#password', password);
  await page.click('#sign-in');
  await page.waitForFunction(() => document.getElementById('state').textContent === 'connected');
  check('the right password connects', (await state()) === 'connected');
  const cookies = await context.cookies(base);
  const sso = cookies.find((cookie) => cookie.name === 'postern-sso-demo');
  check('the login service set the single sign-on cookie, HttpOnly', sso && sso.httpOnly && sso.sameSite === 'Strict',
    JSON.stringify(cookies));
  await page.fill('#message', 'Hello from Chromium');
  await page.click('#send');
  await page.waitForFunction(() => document.getElementById('log').textContent.includes('received: Hello from Chromium'));
  check('a message is echoed', (await logText()).includes('received: Hello from Chromium'));
  await shoot('demo-connected');

  // --- single sign-on: connecting again does not ask ---
  await page.click('#disconnect');
  await page.waitForFunction(() => document.getElementById('state').textContent === 'disconnected');
  await page.click('#connect');
  await page.waitForFunction(() => document.getElementById('state').textContent === 'connected');
  check('reconnecting uses the cookie without asking', await page.isHidden('#login'));
  await page.click('#disconnect');
  await page.waitForFunction(() => document.getElementById('state').textContent === 'disconnected');

  // --- logging out: the next connection asks again ---
  await page.click('#logout');
  await page.waitForFunction(() => document.getElementById('log').textContent.includes('logged out of realm demo'));
  check('logging out removes the cookie', !(await context.cookies(base)).some((cookie) => cookie.name === 'postern-sso-demo'));
  await page.click('#connect');
  await page.waitForSelector('#login:not([hidden])');
  check('after logging out the realm asks again', true);
  await page.click('#login-cancel');
  await page.waitForFunction(() => document.getElementById('log').textContent.includes('not connected'));
  check('cancelling the sign-in gives up, visibly', (await logText()).includes("gave up logging in to realm 'demo'"),
    await logText());

  // --- Application Token: a wrong token is refused with a visible reason; a good one connects ---
  await page.goto(`${base}/demo.html?path=/tokens`);
  await page.click('#connect');
  await page.waitForSelector('#token-form:not([hidden])');
  check('the token realm asks for a token', (await page.textContent('#token-title')).includes('realm "api"'));
  const wrong = jwt({ sub: 'tina', exp: Math.floor(Date.now() / 1000) + 300 }, 'not-the-secret-of-this-realm-000000');
  await page.fill('#token', wrong);
  await page.click('#use-token');
  await page.waitForFunction(() => document.getElementById('token-problem').textContent !== '');
  const reason = await page.textContent('#token-problem');
  check('a wrong token is refused with a visible reason',
    reason === 'The token was refused (wrong credentials).' && await page.isVisible('#token-problem'),
    reason);
  await shoot('demo-wrong-token');
  const good = jwt({ sub: 'tina', exp: Math.floor(Date.now() / 1000) + 300 }, secret);
  await page.fill('#token', good);
  await page.click('#use-token');
  await page.waitForFunction(() => document.getElementById('state').textContent === 'connected');
  check('a good token connects', (await state()) === 'connected');
  await page.click('#send');
  await page.waitForFunction(() => document.getElementById('log').textContent.includes('received: Hello, Postern'));
  check('a message is echoed over the token login', (await logText()).includes('received: Hello, Postern'));

  // --- a realm that reads a cookie and a query parameter: the cookie first, as the C++ library ---
  const probes = [];
  page.on('request', (request) => { if (new URL(request.url()).pathname === '/cookie-tokens') probes.push(request); });
  await page.goto(`${base}/demo.html?path=/cookie-tokens`);
  await page.click('#connect');
  await page.waitForSelector('#token-form:not([hidden])');
  // Not a token the realm takes, and not a cookie value (space, ';'): it goes in the URL, intact.
  const odd = 'not a token; a+b/c=d';
  await page.fill('#token', odd);
  await page.click('#use-token');
  await page.waitForFunction(() => document.getElementById('token-problem').textContent !== '');
  const inUrl = probes.map((request) => new URL(request.url()).searchParams.get('access_token'));
  check('a token that cannot be a cookie value goes in the query parameter, unchanged', inUrl.includes(odd),
    JSON.stringify(inUrl));
  probes.length = 0;
  await page.fill('#token', good);
  await page.click('#use-token');
  await page.waitForFunction(() => document.getElementById('state').textContent === 'connected');
  const lastProbe = probes[probes.length - 1];
  const probeCookie = lastProbe ? (await lastProbe.allHeaders()).cookie ?? '' : '';
  check('a good token travels in the cookie, not the URL, and connects',
    (await state()) === 'connected' && probes.length > 0
      && probes.every((request) => !new URL(request.url()).searchParams.has('access_token'))
      && probeCookie.includes(`token=${good}`),
    JSON.stringify(probes.map((request) => request.url())));
  check('the token cookie is removed once the socket is open',
    !(await context.cookies(base)).some((cookie) => cookie.name === 'token'));
  check('no script error on the page', pageErrors.length === 0, pageErrors.join('; '));

  // --- the gateway logged the refusals, and never a secret ---
  const log = gatewayLog();
  check('the gateway logged the refused password and token', /refused client=\S+ listener=(?:"[^"]*"|\S+) service=\S+ realm=api /.test(log));
  check('no password or token in the gateway log', !log.includes(password) && !log.includes(good) && !log.includes(wrong)
    && !log.includes(sso?.value ?? 'no-cookie'));
} catch (error) {
  check('the browser run completes', false, `${error.stack}\n--- posternd log ---\n${gatewayLog()}`);
} finally {
  if (browser) await browser.close();
  await gateway.stop();
  fs.rmSync(work, { recursive: true, force: true });
}

finish();
