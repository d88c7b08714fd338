// The consumer app: one page per project (/app/{projectId}/), talking to /app/v1 like any proprietary app would.
// Views by hash: #signin, #devices, #add, #device/{iotId}, #alarms, #account. Device panels are drawn from the
// product's HMI definition and thing model; values refresh every 2 s while a device is open.
const projectId = decodeURIComponent(location.pathname.split('/')[2] || '');
const store = `thingyard.app.${projectId}`;
const view = document.getElementById('view');
let tokens = JSON.parse(localStorage.getItem(store) || 'null');
let timer = null;
let knownAlarms = null;

// --- API ---

async function api(method, path, body, retried) {
  const headers = { 'Accept': 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (tokens) headers['Authorization'] = 'Bearer ' + tokens.accessToken;
  const res = await fetch('/app/v1' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401 && tokens && !retried && !path.startsWith('/sessions')) {
    if (await refresh()) return api(method, path, body, true);
    signOutLocally();
    throw new Error('Your session has ended; sign in again.');
  }
  if (res.status === 204 || res.status === 202) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) throw new Error((data && (data.detail || data.title)) || `Request failed (${res.status})`);
  return data;
}

async function refresh() {
  try {
    const res = await fetch('/app/v1/sessions/refresh', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refreshToken: tokens.refreshToken }) });
    if (!res.ok) return false;
    saveTokens(await res.json());
    return true;
  } catch { return false; }
}

function saveTokens(t) { tokens = t; localStorage.setItem(store, JSON.stringify(t)); }
function signOutLocally() { tokens = null; localStorage.removeItem(store); location.hash = '#signin'; }

// --- helpers ---

const esc = s => String(s ?? '').replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
function toast(text, error) {
  const t = document.getElementById('toast');
  t.textContent = text; t.className = error ? 'error' : ''; t.hidden = false;
  clearTimeout(toast.timer); toast.timer = setTimeout(() => t.hidden = true, error ? 6000 : 3000);
}
async function guarded(fn) { try { await fn(); } catch (e) { toast(e.message, true); } }
const when = ms => ms ? new Date(ms).toLocaleString() : '';
const nameOf = d => d.nickname || d.deviceName;

// --- brand ---

async function brand() {
  const res = await fetch(`/app/v1/projects/${encodeURIComponent(projectId)}/brand`);
  if (!res.ok) return;
  const b = await res.json();
  document.title = b.name;
  document.getElementById('brand-name').textContent = b.name;
  document.documentElement.style.setProperty('--brand', b.color);
  document.querySelector('meta[name=theme-color]').content = b.color;
}

// --- views ---

function signIn(mode) {
  const signUp = mode === 'signup';
  view.innerHTML = `<div class="card"><h1>${signUp ? 'Create your account' : 'Sign in'}</h1>
    <form id="f"><label for="login">E-mail or phone number</label><input id="login" data-testid="login" autocomplete="username" required>
    <label for="password">Password</label><input id="password" data-testid="password" type="password" autocomplete="${signUp ? 'new-password' : 'current-password'}" minlength="8" required>
    <button data-testid="submit">${signUp ? 'Create account' : 'Sign in'}</button>
    <button type="button" class="plain" data-testid="switch-mode">${signUp ? 'I have an account' : 'Create an account'}</button></form></div>`;
  view.querySelector('[data-testid=switch-mode]').onclick = () => location.hash = signUp ? '#signin' : '#signup';
  view.querySelector('#f').onsubmit = e => { e.preventDefault(); guarded(async () => {
    const body = { login: view.querySelector('#login').value, password: view.querySelector('#password').value };
    saveTokens(await api('POST', `/projects/${encodeURIComponent(projectId)}/${signUp ? 'users' : 'sessions'}`, body));
    location.hash = sessionStorage.getItem(store + '.after') || '#devices';
    sessionStorage.removeItem(store + '.after');
  }); };
}

async function devices() {
  const list = await api('GET', '/devices');
  const rooms = new Map();
  for (const d of list.devices) { const r = d.room || 'No room'; if (!rooms.has(r)) rooms.set(r, []); rooms.get(r).push(d); }
  let html = `<h1>My devices</h1><button data-testid="add-device" onclick="location.hash='#add'">Add device</button>`;
  if (list.invitations.length) {
    html += `<h2>Invitations</h2>` + list.invitations.map(d => `<div class="card row" data-testid="invitation" data-iot="${esc(d.iotId)}">
      <span class="label">${esc(nameOf(d))} <span class="muted">${esc(d.productName)}</span></span>
      <button data-accept="${esc(d.iotId)}" data-testid="accept">Accept</button><button class="plain" data-decline="${esc(d.iotId)}" data-testid="decline">Decline</button></div>`).join('');
  }
  if (!list.devices.length) html += `<p class="muted">No devices yet. Add one with the code on its label.</p>`;
  for (const [room, ds] of rooms) {
    html += `<h2 data-testid="room">${esc(room)}</h2><div class="grid">` + ds.map(d => `<a class="card device" href="#device/${encodeURIComponent(d.iotId)}" data-testid="device" data-iot="${esc(d.iotId)}">
      <div class="name"><span class="dot ${d.status === 'ONLINE' ? 'online' : ''}"></span>${esc(nameOf(d))}</div>
      <div class="sub">${esc(d.productName)} · ${d.role === 'owner' ? 'Owner' : 'Shared with you'}</div></a>`).join('') + `</div>`;
  }
  view.innerHTML = html;
  view.querySelectorAll('[data-accept]').forEach(b => b.onclick = () => guarded(async () => { await api('POST', `/devices/${b.dataset.accept}/invitation`, { accept: true }); toast('Added to your devices'); devices(); }));
  view.querySelectorAll('[data-decline]').forEach(b => b.onclick = () => guarded(async () => { await api('POST', `/devices/${b.dataset.decline}/invitation`, { accept: false }); devices(); }));
}

function add(params) {
  view.innerHTML = `<h1>Add a device</h1><div class="card"><p class="muted">Scan the QR code on the device, or type the product key and the bind code printed beside it.</p>
    <div id="scan"></div>
    <form id="f"><label for="pk">Product key</label><input id="pk" data-testid="product-key" required value="${esc(params.get('pk') || '')}">
    <label for="code">Bind code</label><input id="code" data-testid="bind-code" value="${esc(params.get('code') || '')}">
    <details><summary class="muted">The device shows a token instead</summary>
      <label for="dn">Device name</label><input id="dn" data-testid="device-name"><label for="token">Token</label><input id="token" data-testid="token"></details>
    <button data-testid="bind">Add</button></form></div>`;
  if ('BarcodeDetector' in window && navigator.mediaDevices) {
    const b = document.createElement('button'); b.className = 'plain'; b.textContent = 'Scan QR code'; b.onclick = () => guarded(scan);
    view.querySelector('#scan').append(b);
  }
  view.querySelector('#f').onsubmit = e => { e.preventDefault(); guarded(async () => {
    const v = id => view.querySelector(id).value.trim() || undefined;
    const body = v('#code') ? { productKey: v('#pk'), code: v('#code') } : { productKey: v('#pk'), deviceName: v('#dn'), token: v('#token') };
    const d = await api('POST', '/devices/bind', body);
    toast(`${nameOf(d)} is yours`);
    location.hash = `#device/${encodeURIComponent(d.iotId)}`;
  }); };
}

async function scan() {
  const video = document.createElement('video'); video.setAttribute('playsinline', '');
  view.querySelector('#scan').replaceChildren(video);
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
  video.srcObject = stream; await video.play();
  const detector = new BarcodeDetector({ formats: ['qr_code'] });
  const stop = () => stream.getTracks().forEach(t => t.stop());
  for (let i = 0; i < 600 && location.hash.startsWith('#add'); i++) {
    const codes = await detector.detect(video).catch(() => []);
    if (codes.length) {
      stop();
      const text = codes[0].rawValue, q = new URLSearchParams(text.includes('#add?') ? text.split('#add?')[1] : text.split('?')[1] || '');
      view.querySelector('#pk').value = q.get('pk') || ''; view.querySelector('#code').value = q.get('code') || '';
      return;
    }
    await new Promise(r => setTimeout(r, 200));
  }
  stop();
}

async function device(iotId) {
  const [detail, panel] = await Promise.all([api('GET', `/devices/${iotId}`), api('GET', `/devices/${iotId}/panel`)]);
  const d = detail.device, tsl = panel.thingModel;
  const props = Object.fromEntries((tsl.properties || []).map(p => [p.identifier, p]));
  const services = Object.fromEntries((tsl.services || []).map(s => [s.identifier, s]));
  const pages = panel.panel?.pages?.length ? panel.panel.pages
    : [{ title: 'Status', sections: [{ title: '', widgets: (tsl.properties || []).map(p => ({ type: 'value', identifier: p.identifier })) }] }];
  let page = 0;
  view.innerHTML = `<h1 data-testid="device-title"><span class="dot ${d.status === 'ONLINE' ? 'online' : ''}" id="status-dot"></span>${esc(nameOf(d))}</h1>
    <p class="muted">${esc(d.productName)} · <span data-testid="device-status">${d.status === 'ONLINE' ? 'Online' : 'Offline'}</span></p>
    <div class="tabs" id="tabs"></div><div id="panel"></div>
    <div class="card"><label for="room">Room</label><input id="room" data-testid="room-input" value="${esc(d.room || '')}" placeholder="Living room">
    <button class="plain" data-testid="save-room">Save room</button></div>
    <div id="family"></div>
    <div class="card">${d.role === 'owner'
      ? `<button class="danger" data-testid="unbind">Unbind device</button><p class="muted">Everyone it is shared with loses it too.</p>`
      : `<button class="danger" data-testid="leave">Leave this shared device</button>`}</div>`;
  const tabs = view.querySelector('#tabs');
  const drawTabs = () => { tabs.innerHTML = pages.length < 2 ? '' : pages.map((p, i) => `<button class="${i === page ? 'active' : ''}" data-page="${i}">${esc(p.title)}</button>`).join('');
    tabs.querySelectorAll('button').forEach(b => b.onclick = () => { page = +b.dataset.page; drawTabs(); drawPanel(); }); };
  const drawPanel = () => {
    view.querySelector('#panel').innerHTML = pages[page].sections.map(s => `<div class="card">${s.title ? `<h2>${esc(s.title)}</h2>` : ''}
      ${s.widgets.map(w => widget(w, props[w.identifier], services[w.identifier])).join('')}</div>`).join('');
    bindWidgets(iotId, props);
    values(detail.properties);
    view.querySelectorAll('[data-widget=chart]').forEach(c => chart(iotId, c));
  };
  drawTabs(); drawPanel();
  view.querySelector('[data-testid=save-room]').onclick = () => guarded(async () => { await api('PATCH', `/devices/${iotId}`, { room: view.querySelector('#room').value }); toast('Saved'); });
  const unbind = view.querySelector('[data-testid=unbind]') || view.querySelector('[data-testid=leave]');
  unbind.onclick = () => guarded(async () => { if (!confirm(d.role === 'owner' ? 'Unbind this device?' : 'Leave this device?')) return; await api('DELETE', `/devices/${iotId}`); toast('Removed'); location.hash = '#devices'; });
  if (d.role === 'owner') await family(iotId);
  timer = setInterval(() => guarded(async () => {
    const fresh = await api('GET', `/devices/${iotId}`);
    const online = fresh.device.status === 'ONLINE';
    view.querySelector('#status-dot')?.classList.toggle('online', online);
    const s = view.querySelector('[data-testid=device-status]'); if (s) s.textContent = online ? 'Online' : 'Offline';
    values(fresh.properties);
  }), 2000);
}

function label(w, p, s) { return esc(w.label || p?.name || s?.name || w.identifier); }

function widget(w, p, s) {
  const id = esc(w.identifier), attrs = `data-widget="${esc(w.type)}" data-identifier="${id}"`;
  const specs = p?.dataType?.specs || {};
  switch (w.type) {
    case 'switch': return `<div class="row"><span class="label">${label(w, p)}</span><label class="switch"><input type="checkbox" ${attrs} aria-label="${label(w, p)}"><span></span></label></div>`;
    case 'slider': return `<div class="row"><span class="label">${label(w, p)} <span class="value" data-value="${id}"></span> ${esc(specs.unit || '')}</span>
      <input type="range" ${attrs} min="${esc(specs.min ?? 0)}" max="${esc(specs.max ?? 100)}" step="${esc(specs.step ?? 1)}" aria-label="${label(w, p)}"></div>`;
    case 'enum': return `<div class="row"><span class="label">${label(w, p)}</span><select ${attrs} style="max-width:220px" aria-label="${label(w, p)}">
      ${Object.entries(specs).map(([k, v]) => `<option value="${esc(k)}">${esc(v)}</option>`).join('')}</select></div>`;
    case 'chart': return `<div><div class="row"><span class="label">${label(w, p)} (24 h)</span><span class="value" data-value="${id}"></span></div><svg class="chart" ${attrs} viewBox="0 0 300 100" preserveAspectRatio="none"></svg></div>`;
    case 'service': return `<div class="row"><span class="label">${label(w, null, s)}</span><button ${attrs}>${label(w, null, s)}</button></div>`;
    default: return `<div class="row"><span class="label">${label(w, p)}</span><span class="value" data-value="${id}">–</span> <span class="muted">${esc(specs.unit || '')}</span></div>`;
  }
}

function bindWidgets(iotId, props) {
  const set = (identifier, value) => guarded(async () => { await api('PUT', `/devices/${iotId}/properties`, { items: { [identifier]: value } }); toast('Sent'); });
  view.querySelectorAll('input[data-widget=switch]').forEach(i => i.onchange = () => set(i.dataset.identifier, i.checked ? 1 : 0));
  view.querySelectorAll('input[data-widget=slider]').forEach(i => i.onchange = () => {
    const t = props[i.dataset.identifier]?.dataType?.type; set(i.dataset.identifier, t === 'int' ? parseInt(i.value, 10) : parseFloat(i.value)); });
  view.querySelectorAll('select[data-widget=enum]').forEach(s => s.onchange = () => set(s.dataset.identifier, parseInt(s.value, 10)));
  view.querySelectorAll('button[data-widget=service]').forEach(b => b.onclick = () => guarded(async () => {
    const r = await api('POST', `/devices/${iotId}/services/${b.dataset.identifier}`, { args: {} }); toast(r.code && r.code !== 200 ? `The device answered ${r.code}` : 'Done'); }));
}

function values(list) {
  for (const p of list || []) {
    view.querySelectorAll(`[data-value="${CSS.escape(p.identifier)}"]`).forEach(e => e.textContent = p.value);
    const input = view.querySelector(`[data-widget][data-identifier="${CSS.escape(p.identifier)}"]`);
    if (!input || input === document.activeElement) continue;
    if (input.type === 'checkbox') input.checked = p.value === '1' || p.value === 'true';
    else if (input.tagName === 'SELECT' || input.type === 'range') input.value = p.value;
  }
}

async function chart(iotId, svg) {
  const rows = await api('GET', `/devices/${iotId}/history?identifier=${encodeURIComponent(svg.dataset.identifier)}`).catch(() => []);
  const pts = rows.map(r => [r.time, parseFloat(r.value)]).filter(p => !isNaN(p[1]));
  if (pts.length < 2) { svg.innerHTML = `<text x="150" y="55" text-anchor="middle" font-size="12" fill="#999">Not enough history yet</text>`; return; }
  const [t0, t1] = [pts[0][0], pts.at(-1)[0]], ys = pts.map(p => p[1]), [lo, hi] = [Math.min(...ys), Math.max(...ys)];
  const x = t => (t - t0) / Math.max(1, t1 - t0) * 300, y = v => 95 - (v - lo) / Math.max(1e-9, hi - lo) * 90;
  svg.innerHTML = `<polyline points="${pts.map(p => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ')}"/>`;
}

async function family(iotId) {
  const members = await api('GET', `/devices/${iotId}/members`);
  const box = view.querySelector('#family');
  box.innerHTML = `<div class="card"><h2>Family</h2>${members.map(m => `<div class="row" data-testid="member" data-user="${esc(m.userId)}">
      <span class="label">${esc(m.email || m.phone)} <span class="muted">${m.role === 'owner' ? 'owner' : m.pending ? 'invited' : 'member'}</span></span>
      ${m.role === 'owner' ? '' : `<button class="plain" data-remove="${esc(m.userId)}" data-testid="remove-member">Remove</button>`}</div>`).join('')}
    <form id="invite"><label for="invitee">Share with (their e-mail or phone)</label><input id="invitee" data-testid="invitee" required>
    <button data-testid="invite">Invite</button></form></div>`;
  box.querySelector('#invite').onsubmit = e => { e.preventDefault(); guarded(async () => { await api('POST', `/devices/${iotId}/members`, { login: box.querySelector('#invitee').value }); toast('Invitation sent'); family(iotId); }); };
  box.querySelectorAll('[data-remove]').forEach(b => b.onclick = () => guarded(async () => { await api('DELETE', `/devices/${iotId}/members/${b.dataset.remove}`); toast('Removed'); family(iotId); }));
}

async function alarms() {
  const list = await api('GET', '/alarms');
  view.innerHTML = `<h1>Alarms</h1>` + (list.length ? list.map(a => `<div class="card" data-testid="alarm">
    <div class="sev-${esc(a.severity)}">${esc(a.ruleName)} · ${esc(a.state)}</div>
    <div class="muted">${esc(a.deviceName)}${a.identifier ? ` · ${esc(a.identifier)} = ${esc(a.value)}` : ''} · ${when(a.lastAt)}${a.count > 1 ? ` · ${a.count} times` : ''}</div></div>`).join('')
    : `<p class="muted">No alarms.</p>`);
  knownAlarms = new Set(list.map(a => a.id + ':' + a.count));
  document.getElementById('alarm-badge').hidden = true;
}

async function account() {
  const me = await api('GET', '/me');
  view.innerHTML = `<h1>Account</h1><div class="card"><p data-testid="me">${esc(me.email || me.phone)}</p>
    <button class="plain" data-testid="sign-out">Sign out</button>
    <button class="plain" data-testid="notify">Notify me of alarms</button></div>
    <div class="card"><p class="muted">Deleting your account unbinds the devices you own; the people you shared them with lose them too.</p>
    <button class="danger" data-testid="delete-account">Delete my account</button></div>`;
  view.querySelector('[data-testid=sign-out]').onclick = () => guarded(async () => { await api('DELETE', '/sessions').catch(() => {}); signOutLocally(); });
  view.querySelector('[data-testid=notify]').onclick = () => guarded(async () => { const p = await Notification.requestPermission(); toast(p === 'granted' ? 'Alarms will be notified' : 'Notifications are blocked'); });
  view.querySelector('[data-testid=delete-account]').onclick = () => guarded(async () => { if (!confirm('Delete your account?')) return; await api('DELETE', '/me'); signOutLocally(); });
}

// New alarms of one's devices: a badge, a message, and a system notification where allowed.
async function watchAlarms() {
  if (!tokens) return;
  const list = await api('GET', '/alarms').catch(() => null);
  if (!list) return;
  const keys = list.map(a => a.id + ':' + a.count);
  if (knownAlarms) {
    const fresh = list.filter((a, i) => !knownAlarms.has(keys[i]) && a.state === 'Active');
    if (fresh.length) {
      const badge = document.getElementById('alarm-badge'); badge.textContent = fresh.length; badge.hidden = false;
      toast(`Alarm: ${fresh[0].ruleName} on ${fresh[0].deviceName}`, true);
      if (window.Notification?.permission === 'granted') new Notification(fresh[0].ruleName, { body: fresh[0].deviceName, icon: 'icon' });
    }
  }
  knownAlarms = new Set(keys);
}

// --- routing ---

async function route() {
  clearInterval(timer); timer = null;
  const [path, query] = (location.hash || '#devices').slice(1).split('?');
  const signedOut = path === 'signin' || path === 'signup';
  if (!tokens && !signedOut) { if (path === 'add') sessionStorage.setItem(store + '.after', location.hash); location.hash = '#signin'; return; }
  document.getElementById('nav').hidden = !tokens;
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.getAttribute('href') === '#' + path.split('/')[0]));
  await guarded(async () => {
    if (signedOut) return signIn(path);
    if (path === 'add') return add(new URLSearchParams(query));
    if (path.startsWith('device/')) return device(path.slice(7));
    if (path === 'alarms') return alarms();
    if (path === 'account') return account();
    return devices();
  });
}

window.addEventListener('hashchange', route);
brand();
route();
setInterval(watchAlarms, 15000);
watchAlarms();
if ('serviceWorker' in navigator) navigator.serviceWorker.register('sw.js').catch(() => {});
