// Postern's client module for browser pages: opens a WebSocket to a Postern service and does
// the gateway's login on the way. An ES module with no dependencies and no build step:
//
//   import { connect } from '/postern-client.js';
//   const socket = await connect('/secure-echo', {
//     credentials: async (challenge) => ({ user, password }),  // Application Basic realms
//     token: async (challenge) => myIdentityProvider.token(),   // Application Token realms
//   });
//   socket.send('hello');
//
// A browser gives a page nothing of a refused WebSocket handshake (no status, no headers),
// so the module asks first over HTTP: the service's URL answers a plain GET with 401 and the
// realm's challenge when a login is needed, and 426 when the page may connect.
// - Application Basic (and Basic) realms: the credentials go to the realm's login service
//   (<type>login</type>, by default /login on the service's host), which answers with the
//   realm's single sign-on cookie; the WebSocket then carries the cookie. Use Application
//   Basic for pages: a Basic challenge brings up the browser's own login dialog.
// - Application Token realms: the token travels in the cookie the realm names in its
//   challenge, else in its query parameter (browsers cannot set headers on a WebSocket; a URL
//   ends up in access logs and browser history, so the cookie comes first, as in the C++
//   library). The gateway reads a cookie's value as it is (no decoding): a token with
//   characters a cookie cannot hold goes in the query parameter, or fails if there is none.
// Refusals reject with a PosternError that says why. docs/clients.md has the details.

const DEFAULT_ATTEMPTS = 3;

/** Why connecting or logging in failed. `kind`: 'refused', 'gave-up', 'unreachable', 'unsupported'. */
export class PosternError extends Error {
  constructor(kind, message, details = {}) {
    super(message);
    this.name = 'PosternError';
    this.kind = kind;
    this.status = details.status ?? 0;
    this.detail = details.detail ?? '';
    this.retryAfter = details.retryAfter ?? -1;
    this.challenge = details.challenge ?? null;
  }
}

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";

// RFC 6265 §4.1.1 cookie-octets: printable US-ASCII but space, '"', ',', ';' and '\\'. Base64
// and JSON Web Tokens are; a value with anything else cannot travel in a cookie unchanged.
const COOKIE_VALUE = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]+$/;

/** Whether `value` can be a cookie's value as it is (the gateway does not decode cookies). */
export function isCookieValue(value) {
  return COOKIE_VALUE.test(String(value));
}

/**
 * The challenges of a WWW-Authenticate value (RFC 7235), with KAAZING's two-word schemes:
 * [{ scheme: 'Application Token', realm: 'api', params: { parameter: 'access_token' } }].
 */
export function parseChallenges(header) {
  const challenges = [];
  if (!header) return challenges;
  const text = String(header);
  const scheme = new RegExp(`^[\\s,]*(Application\\s+${TOKEN}(?=\\s*(?:,|$|\\s${TOKEN}\\s*=))|${TOKEN})`, 'i');
  const param = new RegExp(`^[\\s,]*(${TOKEN})\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|(${TOKEN}))`);
  let rest = text;
  for (;;) {
    const found = scheme.exec(rest);
    if (!found) break;
    rest = rest.slice(found[0].length);
    const challenge = { scheme: found[1].replace(/\s+/g, ' '), realm: '', params: {} };
    for (;;) {
      const p = param.exec(rest);
      if (!p) break;
      rest = rest.slice(p[0].length);
      const name = p[1].toLowerCase();
      const value = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
      if (name === 'realm') challenge.realm = value;
      else challenge.params[name] = value;
    }
    challenges.push(challenge);
  }
  return challenges;
}

function httpUrlOf(wsUrl) {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  return url;
}

function webSocketUrl(url) {
  const resolved = new URL(url, globalThis.location ? globalThis.location.href : undefined);
  if (resolved.protocol === 'http:') resolved.protocol = 'ws:';
  else if (resolved.protocol === 'https:') resolved.protocol = 'wss:';
  if (resolved.protocol !== 'ws:' && resolved.protocol !== 'wss:') {
    throw new PosternError('unsupported', `'${url}' is not a ws://, wss://, http:// or https:// URL`);
  }
  return resolved;
}

function base64Utf8(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// The gateway's reason in a refusal's body ("403 Forbidden\norigin not allowed\n").
async function reasonOf(response) {
  const body = (await response.text().catch(() => '')).trim().split('\n');
  if (body.length && /^\d{3}\b/.test(body[0])) body.shift();
  return body.join(' ').trim().slice(0, 300);
}

async function refusal(response, what, challenge) {
  const detail = await reasonOf(response);
  const retryAfter = Number.parseInt(response.headers.get('Retry-After') ?? '', 10);
  const message = `${what}: ${response.status} ${response.statusText}${detail ? ` (${detail})` : ''}` +
    (Number.isFinite(retryAfter) ? `; try again in ${retryAfter} s` : '');
  return new PosternError('refused', message, {
    status: response.status, detail, retryAfter: Number.isFinite(retryAfter) ? retryAfter : -1, challenge,
  });
}

async function probe(url) {
  try {
    return await fetch(url, { credentials: 'include', cache: 'no-store' });
  } catch (error) {
    throw new PosternError('unreachable', `cannot reach ${url.origin}: ${error.message}`);
  }
}

function isBasic(challenge) {
  return /^(application )?basic$/i.test(challenge.scheme);
}

function isToken(challenge) {
  return /^(application token|bearer)$/i.test(challenge.scheme);
}

function openSocket(url, protocols) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols);
    const failed = () => reject(new PosternError('refused',
      `the WebSocket handshake with ${url.origin}${url.pathname} failed (the browser does not say why; ` +
      'the gateway log does)'));
    socket.addEventListener('open', () => {
      socket.removeEventListener('error', failed);
      resolve(socket);
    }, { once: true });
    socket.addEventListener('error', failed, { once: true });
  });
}

/**
 * Logs in to the realm of a login service and keeps its single sign-on cookie (HttpOnly:
 * this page cannot read it). Resolves to { realm, user, roles, loginTime, expires }.
 */
export async function login(loginUrl, credentials, scheme = 'Application Basic') {
  const url = new URL(loginUrl, globalThis.location ? globalThis.location.href : undefined);
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      credentials: 'include',
      cache: 'no-store',
      headers: {
        Authorization: `${scheme} ${base64Utf8(`${credentials.user}:${credentials.password}`)}`,
        'Postern-Login': '1',
      },
    });
  } catch (error) {
    throw new PosternError('unreachable', `cannot reach the login service ${url.href}: ${error.message}`);
  }
  if (response.ok) return response.json();
  const challenge = parseChallenges(response.headers.get('WWW-Authenticate'))[0] ?? null;
  throw await refusal(response, `the login service ${url.pathname} refused`, challenge);
}

/** Makes the browser forget the realm's single sign-on cookie. */
export async function logout(loginUrl) {
  const url = new URL(loginUrl, globalThis.location ? globalThis.location.href : undefined);
  const response = await fetch(url, { method: 'DELETE', credentials: 'include', headers: { 'Postern-Login': '1' } });
  if (!response.ok) throw await refusal(response, `logging out at ${url.pathname} failed`, null);
  return response.json();
}

/** Who is logged in to the login service's realm, or null. */
export async function session(loginUrl) {
  const url = new URL(loginUrl, globalThis.location ? globalThis.location.href : undefined);
  const response = await fetch(url, { credentials: 'include', cache: 'no-store' });
  return response.ok ? response.json() : null;
}

/**
 * Opens a WebSocket to a Postern service, logging in as its realm asks; resolves to the open
 * WebSocket. Options:
 *   protocols    sub-protocols to offer
 *   credentials  async (challenge) => ({ user, password }) or null to give up
 *   token        async (challenge) => 'token' or null to give up
 *   loginUrl     the realm's login service (default: /login on the service's host)
 *   maxAttempts  answers tried before giving up (default 3)
 * A challenge is { scheme, realm, params, attempt, error }: `attempt` is 2 and more when the
 * gateway refused the previous answer, and `error` then says why.
 */
export async function connect(url, options = {}) {
  const target = webSocketUrl(url);
  const http = httpUrlOf(target);
  const loginUrl = new URL(options.loginUrl ?? '/login', http);
  const maxAttempts = options.maxAttempts ?? DEFAULT_ATTEMPTS;
  let answers = 0;
  let lastError = '';
  let lastWasToken = false;
  let tokenCookie = null; // a token cookie this module set: removed once the socket is open
  const tokenQuery = new URL(http); // the probe's URL, with a token parameter when one is used
  const socketUrl = new URL(target);
  try {
    for (;;) {
      const response = await probe(tokenQuery);
      if (response.status === 426 || response.ok) {
        const socket = await openSocket(socketUrl, options.protocols);
        return socket;
      }
      if (response.status !== 401) {
        throw await refusal(response, `${target.pathname} refused the connection`, null);
      }
      if (lastWasToken) {
        const detail = await reasonOf(response);
        lastError = `the token was refused${detail ? ` (${detail})` : ''}`;
      }
      const challenges = parseChallenges(response.headers.get('WWW-Authenticate'));
      const challenge = challenges.find((c) => isBasic(c) || isToken(c)) ?? challenges[0];
      if (!challenge) throw new PosternError('refused', `${target.pathname} asks for a login without naming a scheme`, { status: 401 });
      challenge.attempt = answers + 1;
      challenge.error = lastError;
      if (answers >= maxAttempts) {
        throw new PosternError('gave-up', `${answers} answer(s) for realm '${challenge.realm}' refused` +
          (lastError ? ` (${lastError})` : ''), { status: 401, challenge });
      }
      if (isBasic(challenge)) {
        if (!options.credentials) throw new PosternError('refused', `realm '${challenge.realm}' asks for a user name and password, and no credentials callback was given`, { status: 401, challenge });
        const credentials = await options.credentials(challenge);
        if (!credentials) throw new PosternError('gave-up', `gave up logging in to realm '${challenge.realm}'`, { status: 401, challenge });
        answers += 1;
        lastWasToken = false;
        try {
          await login(loginUrl, credentials, challenge.scheme);
          lastError = '';
        } catch (error) {
          if (error.status !== 401) throw error;
          lastError = 'wrong user name or password';
        }
      } else if (isToken(challenge)) {
        const parameter = challenge.params.parameter;
        const cookie = challenge.params.cookie;
        if (!parameter && !cookie) {
          throw new PosternError('unsupported', `realm '${challenge.realm}' reads tokens only from headers, which a browser ` +
            'cannot set on a WebSocket: give the realm an http-query-parameter or http-cookie', { status: 401, challenge });
        }
        if (!options.token) throw new PosternError('refused', `realm '${challenge.realm}' asks for a token, and no token callback was given`, { status: 401, challenge });
        const token = await options.token(challenge);
        if (!token) throw new PosternError('gave-up', `gave up logging in to realm '${challenge.realm}'`, { status: 401, challenge });
        answers += 1;
        // The previous answer goes, wherever it was: the gateway reads a query parameter before a cookie.
        if (parameter) {
          tokenQuery.searchParams.delete(parameter);
          socketUrl.searchParams.delete(parameter);
        }
        if (tokenCookie) {
          document.cookie = `${tokenCookie}=; Path=${http.pathname}; Max-Age=0`;
          tokenCookie = null;
        }
        // The cookie first: a query parameter ends up in access logs and browser history.
        if (cookie && isCookieValue(token)) {
          tokenCookie = cookie;
          document.cookie = `${cookie}=${token}; Path=${http.pathname}; SameSite=Strict` +
            (http.protocol === 'https:' ? '; Secure' : '');
        } else if (parameter) {
          tokenQuery.searchParams.set(parameter, token);
          socketUrl.searchParams.set(parameter, token);
        } else {
          throw new PosternError('unsupported', `the token for realm '${challenge.realm}' cannot travel in a cookie ` +
            '(it holds a space, a quote, a comma, a semicolon, a backslash or a character that is not ASCII), and the ' +
            'realm reads tokens from no query parameter: give the realm an http-query-parameter', { status: 401, challenge });
        }
        lastWasToken = true;
      } else {
        throw new PosternError('unsupported', `realm '${challenge.realm}' asks for '${challenge.scheme}', which this module does not answer`, { status: 401, challenge });
      }
    }
  } finally {
    if (tokenCookie) document.cookie = `${tokenCookie}=; Path=${http.pathname}; Max-Age=0`;
  }
}
