// The echo demo: connects with postern-client.js to an echo service on this page's host and
// port (ws:// from http://, wss:// from https://), answering the realm's challenge with the
// sign-in form (Application Basic) or the token form (Application Token).
import { connect, logout } from './postern-client.js';

const $ = (id) => document.getElementById(id);
let socket = null;

const params = new URLSearchParams(location.search);
if (params.has('path')) $('path').value = params.get('path');

function serviceUrl() {
  const path = $('path').value.startsWith('/') ? $('path').value : `/${$('path').value}`;
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}`;
}

function log(text, kind) {
  const item = document.createElement('li');
  item.textContent = text;
  item.className = kind;
  $('log').prepend(item);
}

function setState(state) {
  const connected = state === 'connected';
  $('state').textContent = state;
  $('connect').disabled = state !== 'disconnected';
  $('disconnect').disabled = !connected;
  $('message').disabled = !connected;
  $('send').disabled = !connected;
}

// Shows `form` and resolves with what `read` takes from it on submit, or null on cancel.
function ask(form, cancel, problem, challenge, read) {
  form.hidden = false;
  $('state').textContent = 'waiting for you to sign in';
  const why = challenge.error || 'refused, try again';
  problem.textContent = challenge.attempt > 1 ? `${why[0].toUpperCase()}${why.slice(1)}.` : '';
  form.querySelector('input').focus();
  return new Promise((resolve) => {
    const done = (value) => {
      form.hidden = true;
      $('state').textContent = 'connecting';
      form.removeEventListener('submit', submitted);
      cancel.removeEventListener('click', cancelled);
      resolve(value);
    };
    const submitted = (event) => { event.preventDefault(); done(read()); };
    const cancelled = () => done(null);
    form.addEventListener('submit', submitted);
    cancel.addEventListener('click', cancelled);
  });
}

function askCredentials(challenge) {
  $('login-title').textContent = `Sign in to realm "${challenge.realm}"`;
  return ask($('login'), $('login-cancel'), $('login-problem'), challenge, () => {
    const credentials = { user: $('user').value, password: $('password').value };
    $('password').value = '';
    return credentials;
  });
}

function askToken(challenge) {
  $('token-title').textContent = `Token for realm "${challenge.realm}"`;
  return ask($('token-form'), $('token-cancel'), $('token-problem'), challenge, () => {
    const token = $('token').value.trim();
    $('token').value = '';
    return token || null;
  });
}

$('target').addEventListener('submit', async (event) => {
  event.preventDefault();
  const url = serviceUrl();
  setState('connecting');
  try {
    socket = await connect(url, { credentials: askCredentials, token: askToken });
  } catch (error) {
    setState('disconnected');
    log(`not connected: ${error.message}`, 'error');
    return;
  }
  setState('connected');
  log(`connected to ${url}`, 'info');
  socket.addEventListener('message', (message) => log(`received: ${message.data}`, 'in'));
  socket.addEventListener('close', (closed) => {
    setState('disconnected');
    log(`closed (code ${closed.code}${closed.reason ? `, ${closed.reason}` : ''})`, 'info');
  });
});

$('disconnect').addEventListener('click', () => socket && socket.close(1000, 'bye'));

$('logout').addEventListener('click', async () => {
  try {
    const answer = await logout('/login');
    log(`logged out of realm ${answer.realm}`, 'info');
  } catch (error) {
    log(`log out failed: ${error.message}`, 'error');
  }
});

$('form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('message').value;
  socket.send(text);
  log(`sent: ${text}`, 'out');
});
