// Linkwork's outbox, on facilitators' pages under /places only (docs/decisions/0013-offline-field-work.md).
// A form marked data-outbox is kept on the phone (IndexedDB) before it is sent, with a submission id made here, and
// sent again until the server has accepted it: the server keeps a record once per submission id, so a resend never
// makes a second one. Nothing is dropped unless the server accepted it or the user discarded it. The pages work
// without this script; it holds no words of its own (they are in the page's #outbox panel, in the reader's language).
(() => {
  'use strict';
  if (!window.indexedDB || !window.fetch || !window.URLSearchParams) return;
  if ('serviceWorker' in navigator) {
    // A page the worker did not serve (the first visit) asks it to keep this page and what /places links to.
    const first = !navigator.serviceWorker.controller;
    navigator.serviceWorker.register('/places/sw.js', { scope: '/places' }).catch(() => {});
    if (first) navigator.serviceWorker.ready.then((r) => r.active && r.active.postMessage('keep')).catch(() => {});
  }

  const RETRY_MS = 60000;
  const AUTO = ['waiting', 'signin', 'failed', 'other-user'];

  // IndexedDB, one store of items by id.
  let opened;
  const db = () => opened || (opened = new Promise((ok, bad) => {
    const r = indexedDB.open('linkwork-outbox', 1);
    r.onupgradeneeded = () => r.result.createObjectStore('items', { keyPath: 'id' });
    r.onsuccess = () => ok(r.result);
    r.onerror = () => bad(r.error);
  }));
  const tx = (mode, f) => db().then((d) => new Promise((ok, bad) => {
    const t = d.transaction('items', mode);
    const r = f(t.objectStore('items'));
    t.oncomplete = () => ok(r.result);
    t.onerror = t.onabort = () => bad(t.error);
  }));
  const all = () => tx('readonly', (s) => s.getAll()).then((xs) => xs.sort((a, b) => a.time - b.time));
  const get = (id) => tx('readonly', (s) => s.get(id));
  const put = (item) => tx('readwrite', (s) => s.put(item));
  const del = (id) => tx('readwrite', (s) => s.delete(id));

  const uuid = () => {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };

  // The panel and its words.
  const panel = () => document.getElementById('outbox');
  const say = (name, n) => ((panel() && panel().dataset[name]) || '').replace('{count}', String(n));
  const into = () => { if (panel()) panel().scrollIntoView(); };
  const me = () => (panel() ? panel().dataset.user || '' : '');
  const pad = (n) => String(n).padStart(2, '0');
  const stamp = (t) => { const d = new Date(t); return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`; };
  const stateName = (s) => 'state' + s.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  // `hidden` alone does not hide a button: the stylesheet gives buttons a display of their own.
  const show = (el, on) => { el.hidden = !on; el.style.display = on ? '' : 'none'; };
  const underPlaces = (u) => u.origin === location.origin && (u.pathname === '/places' || u.pathname.startsWith('/places/'));

  let status = '';
  async function render(message) {
    if (message !== undefined) status = message;
    const p = panel();
    const tpl = document.getElementById('outbox-item');
    if (!p || !tpl) return;
    const items = await all();
    const list = p.querySelector('[data-outbox-list]');
    list.textContent = '';
    for (const it of items) {
      const li = tpl.content.firstElementChild.cloneNode(true);
      li.dataset.id = it.id;
      li.dataset.state = it.state;
      li.querySelector('[data-slot=title]').textContent = it.title;
      li.querySelector('[data-slot=time]').textContent = stamp(it.time);
      li.querySelector('[data-slot=state]').textContent = say(stateName(it.state));
      if (it.detail) {
        li.querySelector('[data-slot=detail]').hidden = false;
        li.querySelector('[data-slot=detail-body]').append(quiet(it.detail));
      }
      show(li.querySelector('[data-outbox-correct]'), ['invalid', 'conflict'].includes(it.state));
      list.append(li);
    }
    p.querySelector('[data-outbox-count]').textContent = items.length ? say('count', items.length) : '';
    p.querySelector('[data-outbox-status]').textContent = status;
    p.querySelector('[data-outbox-warning]').hidden = !items.length;
    show(p.querySelector('[data-outbox-send]'), items.length > 0);
    const signIn = p.querySelector('[data-outbox-sign-in]');
    show(signIn, items.some((i) => i.state === 'signin'));
    signIn.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
    p.hidden = !items.length && !status;
  }

  // The server's HTML (what is there now, what was wrong) shown inside the panel: ids and the links between
  // labels and fields removed, so that it cannot clash with the page's own.
  function quiet(html) {
    const t = document.createElement('template');
    t.innerHTML = html;
    for (const el of t.content.querySelectorAll('[id],[for],[aria-describedby],[aria-labelledby],[aria-controls],[role],[tabindex]')) {
      for (const a of ['id', 'for', 'aria-describedby', 'aria-labelledby', 'aria-controls', 'role', 'tabindex']) el.removeAttribute(a);
    }
    for (const el of t.content.querySelectorAll('form,input,select,textarea,button,script,img,iframe,object')) el.remove();
    for (const el of t.content.querySelectorAll('*')) {
      for (const a of [...el.attributes]) if (a.name.startsWith('on')) el.removeAttribute(a.name);
    }
    return t.content;
  }

  function showState(id, state) {
    const li = panel() && panel().querySelector(`li[data-id="${id}"] [data-slot=state]`);
    if (li) li.textContent = say(stateName(state));
  }

  // Sends one item, and says what came of it.
  async function sendOne(item, retryCsrf = true) {
    let r;
    try {
      r = await fetch(item.action, { method: 'POST', body: new URLSearchParams(item.fields), credentials: 'same-origin', redirect: 'follow', headers: { Accept: 'text/html' } });
    } catch (e) {
      return { kind: 'offline' };
    }
    const url = new URL(r.url || item.action, location.href);
    if (url.pathname === '/login') return { kind: 'signin' };
    if (r.ok && r.redirected && underPlaces(url)) return { kind: 'sent', url: url.href };
    if (r.status === 422 || r.status === 409) return { kind: r.status === 422 ? 'invalid' : 'conflict', html: await r.text().catch(() => '') };
    if (r.status === 403 && retryCsrf) {
      // The page was drawn for another session (signed in again since): the current session's token.
      const token = await freshCsrf();
      if (token) {
        item.fields = item.fields.map(([k, v]) => [k, k === 'csrf' ? token : v]);
        return sendOne(item, false);
      }
    }
    return { kind: 'failed' };
  }

  async function freshCsrf() {
    try {
      const r = await fetch('/places', { credentials: 'same-origin', cache: 'no-store' });
      if (!r.ok || new URL(r.url).pathname === '/login') return '';
      const doc = new DOMParser().parseFromString(await r.text(), 'text/html');
      const input = doc.querySelector('input[name=csrf]');
      return input ? input.value : '';
    } catch (e) {
      return '';
    }
  }

  // What the panel keeps of the server's answer: the conflict (what is there now and what was sent), or the
  // summary of what needs correcting.
  function detailOf(kind, html) {
    if (!html) return '';
    const doc = new DOMParser().parseFromString(html, 'text/html');
    const el = kind === 'conflict' ? doc.getElementById('conflict') : doc.querySelector('.error-summary');
    return el ? el.outerHTML : '';
  }

  // Sends every item that may be sent, oldest first. `how`: 'hand' (Send now), 'timer' (every minute: only what
  // waits for a connection, since a refusal costs a page each time), or anything else (a page opened, online).
  let flushing = null;
  function flush(how) {
    if (!flushing) flushing = flushNow(how).finally(() => { flushing = null; });
    return flushing;
  }
  async function flushNow(how) {
    const byHand = how === 'hand';
    let sent = 0;
    let offline = false;
    for (const it of await all()) {
      if (!AUTO.includes(it.state) || (how === 'timer' && it.state !== 'waiting')) continue;
      if (it.user && me() && it.user !== me()) {
        if (it.state !== 'other-user') { it.state = 'other-user'; await put(it); }
        continue;
      }
      showState(it.id, 'sending');
      const r = await sendOne(it);
      if (r.kind === 'offline') { offline = true; showState(it.id, it.state); break; }
      if (r.kind === 'sent') { await del(it.id); sent++; continue; }
      it.state = r.kind;
      it.detail = detailOf(r.kind, r.html);
      await put(it);
      if (r.kind === 'signin') break;
    }
    const left = (await all()).length;
    await render(sent && !left ? say('allSent') : offline && byHand ? say('offline') : sent ? '' : undefined);
  }

  // The server's answer (the form again with what is wrong, or the conflict) shown as the page, its form bound
  // to the item so that sending it again keeps the item's submission id.
  async function showPage(html, item) {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    if (!doc.querySelector('main')) return render();
    // The whole page is the server's answer, as without this script (scripts in it do not run again).
    document.replaceChild(document.adoptNode(doc.documentElement), document.documentElement);
    for (const f of document.querySelectorAll('form[data-outbox]')) {
      if (new URL(f.action, location.href).pathname === new URL(item.action, location.href).pathname) f.dataset.outboxItem = item.id;
    }
    await render('');
    const focus = [...document.querySelectorAll('#conflict, .error-summary, main h1')].find((el) => !panel() || !panel().contains(el));
    if (focus) { focus.tabIndex = -1; focus.focus(); }
  }

  async function submitForm(form, submitter) {
    let fd;
    try {
      fd = submitter ? new FormData(form, submitter) : new FormData(form);
    } catch (e) {
      fd = new FormData(form);
      if (submitter && submitter.name) fd.append(submitter.name, submitter.value);
    }
    const fields = [];
    for (const [k, v] of fd) if (typeof v === 'string' && k !== 'submission') fields.push([k, v]);
    const u = new URL(form.action, location.href);
    let item = form.dataset.outboxItem ? await get(form.dataset.outboxItem) : null;
    if (item) {
      Object.assign(item, { fields, state: 'waiting', detail: '' });
    } else {
      const h1 = document.querySelector('main h1');
      item = { id: uuid(), action: u.pathname + u.search, time: Date.now(), title: (h1 && h1.textContent.trim()) || document.title, page: location.pathname + location.search, user: me(), state: 'waiting', detail: '' };
    }
    // A fresh id for each submission (two forms filled from one kept page are two), the same on every resend.
    item.fields = [...fields, ['submission', item.id]];
    await put(item);
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
    const r = await sendOne(item);
    if (r.kind === 'sent') { await del(item.id); location.assign(r.url); return; }
    if (r.kind === 'offline') {
      form.reset();
      delete form.dataset.outboxItem;
      await render(say('kept'));
      into();
      return;
    }
    item.state = r.kind;
    item.detail = detailOf(r.kind, r.html);
    await put(item);
    if (r.html) return showPage(r.html, item);
    await render('');
    into();
  }

  // Signing out: warned first when something is waiting (it stays on the phone, for the same user); the pages
  // kept for working offline are removed once the server has signed the user out.
  async function signOut(form) {
    const n = (await all()).length;
    if (n && !form.dataset.outboxWarned) {
      form.dataset.outboxWarned = '1';
      await render(say('signOutWarning', n));
      into();
      return;
    }
    const body = new URLSearchParams(new FormData(form));
    let r;
    try {
      r = await fetch('/logout', { method: 'POST', body, credentials: 'same-origin', redirect: 'follow' });
      if (r.status === 403) {
        const token = await freshCsrf();
        if (token) { body.set('csrf', token); r = await fetch('/logout', { method: 'POST', body, credentials: 'same-origin', redirect: 'follow' }); }
      }
    } catch (e) {
      await render(say('offline'));
      return;
    }
    if (window.caches) {
      for (const k of await caches.keys()) if (k.startsWith('linkwork-pages-')) await caches.delete(k);
    }
    location.assign(r.url || '/login');
  }

  // Falls back to the browser's own submission if anything here fails, so a form is never swallowed.
  function native(form, submitter) {
    form.dataset.outboxBypass = '1';
    form.requestSubmit ? form.requestSubmit(submitter || undefined) : form.submit();
  }

  document.addEventListener('submit', (e) => {
    const form = e.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.outboxBypass) return;
    const submitter = e.submitter && e.submitter.form === form ? e.submitter : null;
    if (form.getAttribute('action') === '/logout' && panel()) {
      e.preventDefault();
      signOut(form).catch(() => native(form, submitter));
    } else if (form.hasAttribute('data-outbox') && form.method === 'post' && new URL(form.action, location.href).origin === location.origin) {
      e.preventDefault();
      const buttons = form.querySelectorAll('button[type=submit],button:not([type])');
      buttons.forEach((b) => { b.disabled = true; });
      submitForm(form, submitter).catch(() => native(form, submitter)).finally(() => buttons.forEach((b) => { b.disabled = false; }));
    }
  });

  document.addEventListener('click', async (e) => {
    const b = e.target instanceof Element ? e.target.closest('button') : null;
    if (!b || !panel() || !panel().contains(b)) return;
    const li = b.closest('li[data-id]');
    if (b.hasAttribute('data-outbox-send')) {
      await render('');
      await flush('hand');
    } else if (li && b.hasAttribute('data-outbox-discard')) {
      // Twice, so that a stray tap loses nothing.
      if (!b.dataset.armed) { b.dataset.armed = '1'; b.textContent = say('discardAgain'); return; }
      await del(li.dataset.id);
      await render('');
    } else if (li && b.hasAttribute('data-outbox-correct')) {
      const item = await get(li.dataset.id);
      if (!item) return render();
      const r = await sendOne(item);
      if (r.kind === 'sent') { await del(item.id); location.assign(r.url); return; }
      if (r.kind === 'offline') return render(say('offline'));
      item.state = r.kind;
      item.detail = detailOf(r.kind, r.html);
      await put(item);
      if (r.html) return showPage(r.html, item);
      await render('');
    }
  });

  window.addEventListener('online', () => flush());
  document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') flush(); });
  setInterval(() => { if (document.visibilityState === 'visible') flush('timer'); }, RETRY_MS);
  render().then(() => flush()).catch(() => {});
})();
