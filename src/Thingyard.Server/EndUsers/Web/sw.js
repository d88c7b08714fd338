// Keeps the app's shell (page, script, style, icon) for starting offline; API calls always go to the network.
const SHELL = 'thingyard-app-v1';
self.addEventListener('install', e => {
  const base = self.registration.scope;
  e.waitUntil(caches.open(SHELL).then(c => c.addAll([base, base + 'manifest.webmanifest', base + 'icon', '/app/app.js', '/app/app.css'])).then(() => self.skipWaiting()));
});
self.addEventListener('activate', e => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', e => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.pathname.startsWith('/app/v1/')) return;
  e.respondWith(fetch(e.request).then(r => {
    const copy = r.clone();
    caches.open(SHELL).then(c => c.put(e.request, copy));
    return r;
  }).catch(() => caches.match(e.request)));
});
