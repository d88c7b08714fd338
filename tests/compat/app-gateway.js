// A proprietary app's client written only from Alibaba API Gateway's documentation ("Use digest authentication to call
// an API"), not from Thingyard's code: X-Ca-Key, X-Ca-Timestamp, X-Ca-Nonce, X-Ca-Signature-Method,
// X-Ca-Signature-Headers, and X-Ca-Signature = Base64(HMAC(AppSecret, StringToSign)) where StringToSign is
//   HTTPMethod\nAccept\nContent-MD5\nContent-Type\nDate\nHeaders + PathAndParameters
// (Headers: "key:value\n" for each signed header, sorted by key; PathAndParameters: the path, and "?" with the query and
// form parameters sorted by key as "key=value", a key without value alone, joined by "&").
// Usage: node app-gateway.js walk 'JSON args'. Prints one JSON line per step: {type, status, error (X-Ca-Error-Message), body}.
// Args: {baseUrl, appKey, appSecret, projectId, login, password, productKey, code, otherProjectId}
'use strict';

const crypto = require('crypto');
const { print, exit } = require('./output');

const [scenario, rawArgs] = process.argv.slice(2);
const args = JSON.parse(rawArgs || '{}');
setTimeout(() => { print('timeout'); exit(2); }, 30000).unref();

function stringToSign(method, path, query, headers, signedHeaders) {
  const lines = [method, headers['Accept'] || '', headers['Content-MD5'] || '', headers['Content-Type'] || '', headers['Date'] || ''];
  let text = lines.join('\n') + '\n';
  for (const key of [...signedHeaders].sort()) text += `${key}:${headers[key]}\n`;
  const keys = Object.keys(query).sort();
  text += path;
  if (keys.length) text += '?' + keys.map(k => (query[k] === '' || query[k] === undefined ? k : `${k}=${query[k]}`)).join('&');
  return text;
}

// Builds the request: headers, signature and all. opts: {secret, method ('HmacSHA256'|'HmacSHA1'), timestamp, nonce, token}
function signed(httpMethod, path, query, body, opts = {}) {
  const headers = { 'Accept': 'application/json' };
  let payload;
  if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json; charset=utf-8';
    headers['Content-MD5'] = crypto.createHash('md5').update(payload).digest('base64');
  }
  if (opts.token) headers['Authorization'] = 'Bearer ' + opts.token;
  headers['X-Ca-Key'] = args.appKey;
  headers['X-Ca-Timestamp'] = String(opts.timestamp ?? Date.now());
  headers['X-Ca-Nonce'] = opts.nonce ?? crypto.randomUUID();
  headers['X-Ca-Signature-Method'] = opts.method ?? 'HmacSHA256';
  const signedHeaders = ['X-Ca-Key', 'X-Ca-Nonce', 'X-Ca-Signature-Method', 'X-Ca-Timestamp'];
  headers['X-Ca-Signature-Headers'] = signedHeaders.join(',');
  const algorithm = headers['X-Ca-Signature-Method'] === 'HmacSHA1' ? 'sha1' : 'sha256';
  headers['X-Ca-Signature'] = crypto.createHmac(algorithm, opts.secret ?? args.appSecret)
    .update(stringToSign(httpMethod, path, query, headers, signedHeaders), 'utf8').digest('base64');
  const qs = Object.keys(query).length ? '?' + new URLSearchParams(query).toString() : '';
  return { url: args.baseUrl + path + qs, init: { method: httpMethod, headers, body: payload } };
}

async function send(type, request) {
  const res = await fetch(request.url, request.init);
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch { body = text; }
  print(type, { status: res.status, error: res.headers.get('x-ca-error-message'), body });
  return body;
}

async function walk() {
  const tokens = await send('signin', signed('POST', `/app/v1/projects/${args.projectId}/sessions`, {}, { login: args.login, password: args.password }));
  const token = tokens && tokens.accessToken;
  const bound = await send('bind', signed('POST', '/app/v1/devices/bind', {}, { productKey: args.productKey, code: args.code }, { token }));
  const listing = signed('GET', '/app/v1/devices', { b: '2', a: '1', flag: '' }, undefined, { token });
  await send('list', listing);
  await send('set', signed('PUT', `/app/v1/devices/${bound.iotId}/properties`, {}, { items: { LightSwitch: 1 } }, { token }));
  await send('sha1', signed('GET', '/app/v1/me', {}, undefined, { token, method: 'HmacSHA1' }));
  // Refused: a wrong secret, the same request again (its nonce is spent), a timestamp 16 minutes old, a body changed
  // after signing, an unknown AppKey, and this app signing in an end user of another project.
  await send('bad-signature', signed('GET', '/app/v1/devices', {}, undefined, { token, secret: 'not-the-secret' }));
  await send('replay', listing);
  await send('expired', signed('GET', '/app/v1/devices', {}, undefined, { token, timestamp: Date.now() - 16 * 60 * 1000 }));
  const tampered = signed('PUT', `/app/v1/devices/${bound.iotId}/properties`, {}, { items: { LightSwitch: 0 } }, { token });
  tampered.init.body = JSON.stringify({ items: { LightSwitch: 1 } });
  await send('tampered', tampered);
  const unknown = signed('GET', '/app/v1/me', {}, undefined, { token });
  unknown.init.headers['X-Ca-Key'] = '12345678';
  await send('unknown-key', unknown);
  await send('other-project', signed('POST', `/app/v1/projects/${args.otherProjectId}/sessions`, {}, { login: args.login, password: args.password }));
  print('done');
  exit(0);
}

if (scenario !== 'walk') { print('error', { message: 'unknown scenario ' + scenario }); exit(1); return; }
walk().catch(e => { print('error', { message: String(e && e.stack || e) }); exit(1); });
