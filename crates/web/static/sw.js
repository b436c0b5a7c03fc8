// Linkwork's service worker for facilitators' pages (docs/decisions/0013-offline-field-work.md). Scope /places.
// It keeps the app's shell and the /places pages the facilitator has opened (and, when /places is opened online, the
// pages it links to: each place and its forms, a bounded number), so that their places and every form of the cycle
// open with no connection. Pages come from the network first and from the phone's copy when the network fails or
// is slow. Nothing outside /places is kept except the shell, and no POST is ever touched: the outbox sends forms.
'use strict';

const VERSION = 'v1';
const SHELL = 'linkwork-shell-' + VERSION;
const PAGES = 'linkwork-pages-' + VERSION;
const SHELL_URLS = ['/static/app.css', '/places/outbox.js', '/places/manifest.webmanifest', '/places/icon.svg'];
// The phone's copy is shown when the network has not answered in this time (a 50 KB page takes about 3 s at 2G).
const TIMEOUT_MS = 4000;
// Pages fetched ahead from /places at most, and how long a page fetched ahead counts as fresh.
const AHEAD_MAX = 60;
const AHEAD_FRESH_MS = 15 * 60 * 1000;
// Pages kept at most; the oldest go first.
const PAGES_MAX = 200;
const STAMP = 'x-linkwork-kept-at';

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(SHELL).then((c) => c.addAll(SHELL_URLS)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil((async () => {
    for (const k of await caches.keys()) if (k.startsWith('linkwork-') && k !== SHELL && k !== PAGES) await caches.delete(k);
    await self.clients.claim();
  })());
});

// A page drawn before this worker ran (the first visit) asks for itself and /places, with what /places links to, to
// be kept. (Not done on activation: fetches wait until a worker is activated.)
self.addEventListener('message', (e) => {
  if (e.data !== 'keep') return;
  e.waitUntil((async () => {
    const pages = await caches.open(PAGES);
    const u = e.source && e.source.url ? new URL(e.source.url) : null;
    if (u && inScope(u) && u.pathname !== '/places') await keep(pages, u.pathname + u.search);
    const text = await keep(pages, '/places');
    if (text) await ahead(text);
  })().catch(() => {}));
});

const inScope = (u) => u.origin === location.origin && (u.pathname === '/places' || u.pathname.startsWith('/places/'));

// A page is kept under its address without `done` (the note saying what was just done) or a fragment.
function keyOf(url) {
  const u = new URL(url, location.origin);
  u.searchParams.delete('done');
  u.hash = '';
  return u.href;
}

const keepable = (r) => r && r.status === 200 && r.type === 'basic' && !r.redirected && (r.headers.get('content-type') || '').startsWith('text/html');

async function stamped(r) {
  const h = new Headers(r.headers);
  h.set(STAMP, String(Date.now()));
  return new Response(await r.blob(), { status: r.status, statusText: r.statusText, headers: h });
}

async function store(cache, url, r) {
  await cache.put(keyOf(url), await stamped(r));
  const keys = await cache.keys();
  if (keys.length > PAGES_MAX) {
    const dated = await Promise.all(keys.map(async (k) => [k, Number((await cache.match(k)).headers.get(STAMP)) || 0]));
    dated.sort((a, b) => a[1] - b[1]);
    for (const [k] of dated.slice(0, keys.length - PAGES_MAX)) await cache.delete(k);
  }
}

// Fetches a page and keeps it; its text, or '' when it could not be kept.
async function keep(cache, path) {
  try {
    const r = await fetch(path, { credentials: 'same-origin' });
    if (!keepable(r)) return '';
    const text = await r.clone().text();
    await store(cache, path, r);
    return text;
  } catch (e) {
    return '';
  }
}

// The /places addresses a page links to, once each.
function links(html) {
  const out = new Set();
  for (const m of html.matchAll(/href="(\/places\/[^"#?]+)"/g)) {
    const p = m[1].replace(/&amp;/g, '&');
    if (!SHELL_URLS.includes(p) && p !== '/places/sw.js') out.add(p);
  }
  return [...out];
}

// Opened online, /places brings its places and their forms, records and plans onto the phone: the places first,
// then what each links to, one at a time (kind to a slow connection), at most AHEAD_MAX, skipping fresh copies.
let going = null;
function ahead(html) {
  if (!going) going = aheadNow(html).catch(() => {}).finally(() => { going = null; });
  return going;
}
async function aheadNow(html) {
  const cache = await caches.open(PAGES);
  let budget = AHEAD_MAX;
  const fetchOrKept = async (path) => {
    const kept = await cache.match(keyOf(path));
    if (kept && Date.now() - Number(kept.headers.get(STAMP) || 0) < AHEAD_FRESH_MS) return kept.text();
    if (budget <= 0) return '';
    budget--;
    return keep(cache, path);
  };
  const places = links(html).filter((p) => /^\/places\/[^/]+$/.test(p));
  const inner = [];
  for (const p of places) {
    const text = await fetchOrKept(p);
    if (text) inner.push(...links(text).filter((q) => q.startsWith(p + '/')));
  }
  // Forms first, then the plan, then records.
  const rank = (q) => (q.includes('/new/') ? 0 : q.endsWith('/plan') ? 1 : 2);
  for (const q of [...new Set(inner)].sort((a, b) => rank(a) - rank(b))) {
    if (budget <= 0) break;
    await fetchOrKept(q);
  }
}

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== location.origin) return;
  if (SHELL_URLS.includes(url.pathname)) e.respondWith(shell(e, req));
  else if (inScope(url) && url.pathname !== '/places/sw.js') e.respondWith(page(e, req, url));
});

// The shell: the phone's copy at once, refreshed behind it.
async function shell(e, req) {
  const cache = await caches.open(SHELL);
  const kept = await cache.match(req, { ignoreSearch: true });
  const net = fetch(req).then(async (r) => {
    if (r.ok && r.type === 'basic') await cache.put(new URL(req.url).pathname, r.clone());
    return r;
  });
  if (kept) {
    e.waitUntil(net.catch(() => {}));
    return kept;
  }
  return net;
}

// A page: the network's answer when it comes in time, else the phone's copy (the network's answer still replaces
// it when it comes); a place never opened falls back to the kept /places.
async function page(e, req, url) {
  const cache = await caches.open(PAGES);
  const net = fetch(req).then(async (r) => {
    if (keepable(r)) {
      const text = url.pathname === '/places' && req.mode === 'navigate' ? r.clone().text() : null;
      await store(cache, req.url, r.clone());
      if (text) e.waitUntil(text.then(ahead));
    }
    return r;
  });
  const kept = await cache.match(keyOf(req.url));
  if (!kept) {
    return net.catch(async (err) => {
      const home = req.mode === 'navigate' ? await cache.match(keyOf('/places')) : null;
      if (home) return home;
      throw err;
    });
  }
  const timer = new Promise((ok) => setTimeout(() => ok(null), TIMEOUT_MS));
  const first = await Promise.race([net.catch(() => null), timer]);
  if (first) return first;
  e.waitUntil(net.catch(() => {}));
  return kept;
}
