// The echo demo: opens a WebSocket to the echo service on the same host and port as this
// page (ws:// from http://, wss:// from https://), sends messages and lists what comes back.
'use strict';

const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/echo`;
const $ = (id) => document.getElementById(id);
let socket = null;

$('url').textContent = url;

function log(text, kind) {
  const item = document.createElement('li');
  item.textContent = text;
  item.className = kind;
  $('log').prepend(item);
}

function setConnected(connected) {
  $('connect').disabled = connected;
  $('disconnect').disabled = !connected;
  $('message').disabled = !connected;
  $('send').disabled = !connected;
  $('state').textContent = connected ? 'connected' : 'disconnected';
}

$('connect').addEventListener('click', () => {
  socket = new WebSocket(url);
  $('state').textContent = 'connecting';
  socket.addEventListener('open', () => { setConnected(true); log(`connected to ${url}`, 'info'); });
  socket.addEventListener('message', (event) => log(`received: ${event.data}`, 'in'));
  socket.addEventListener('close', (event) => {
    setConnected(false);
    log(`closed (code ${event.code}${event.reason ? `, ${event.reason}` : ''})`, 'info');
  });
  socket.addEventListener('error', () => log('connection error', 'error'));
});

$('disconnect').addEventListener('click', () => socket && socket.close(1000, 'bye'));

$('form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('message').value;
  socket.send(text);
  log(`sent: ${text}`, 'out');
});
