// Attune's service worker (served by pwa/views.py; version {{ version }}).
//
// - The app shell (styles, scripts, icons) and the offline page are cached;
//   pages are never cached: they hold a person's check-ins and notes.
// - A page the network cannot fetch shows the offline page.
// - A tap on the grid that cannot reach the server is kept in IndexedDB -
//   the point, the moment and the form's one-time key, never any note text -
//   and sent when a page says the connection is back (static/js/offline.js).
//   The one-time key makes a tap sent twice one check-in.
"use strict";

const VERSION = "{{ version }}";
const CACHE = "attune-shell-" + VERSION;
const SHELL = {{ shell|safe }};
const OFFLINE_URL = "/offline/";
const DB_NAME = "attune-offline";
const STORE = "taps";
// Only these fields of a tap are kept; anything else in the form (a note) is not.
const KEPT = ["mood", "once", "when_date", "when_time"];

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.filter((url) => url !== OFFLINE_URL));
    // Fetched as nobody: the cached copy holds no one's name or token.
    const offline = await fetch(OFFLINE_URL, { credentials: "omit" });
    if (offline.ok) await cache.put(OFFLINE_URL, offline);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("attune-shell-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && url.pathname === "/") {
    event.respondWith(tapOrKeep(request));
  } else if (request.method === "GET" && request.mode === "navigate") {
    event.respondWith(pageOrOffline(request));
  } else if (request.method === "GET" && SHELL.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

async function pageOrOffline(request) {
  try {
    return await fetch(request);
  } catch (error) {
    return (await caches.match(OFFLINE_URL, { ignoreSearch: true })) || Response.error();
  }
}

async function tapOrKeep(request) {
  const copy = request.clone();
  try {
    return await fetch(request);
  } catch (error) {
    const form = await copy.formData();
    const tap = { tapped_at: new Date().toISOString(), account: await currentAccount() };
    for (const name of KEPT) tap[name] = String(form.get(name) || "");
    if (!tap.once) tap.once = crypto.randomUUID();
    if (!tap.mood) return Response.error();
    await put(STORE, tap);
    notify({ type: "kept", pending: (await all(STORE)).length });
    if (copy.headers.get("HX-Request")) {
      return new Response(keptHtml(), { headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
    return Response.redirect(OFFLINE_URL + "?kept=1", 303);
  }
}

function keptHtml() {
  return '<section class="card offline-kept" role="status" aria-labelledby="kept-title">'
    + '<h2 id="kept-title" tabindex="-1">Kept on this device</h2>'
    + "<p>You're offline. Your check-in will be saved when you're back online.</p>"
    + '<p><a class="button" href="/">Check in again</a></p></section>';
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "hello") event.waitUntil(setAccount(data.account || ""));
  if (data.type === "flush") event.waitUntil(setAccount(data.account || "").then(() => flush(data)));
});

let flushing = null;
function flush(data) {
  if (!flushing) flushing = send(data).finally(() => { flushing = null; });
  return flushing;
}

// Send this account's kept taps, oldest first. 201/200: saved (now or
// before); 4xx other than 403: the server will never take it (say, a time in
// the future), so it is dropped and said; anything else: keep and stop.
async function send(data) {
  let saved = 0;
  let refused = 0;
  const taps = (await all(STORE)).filter((tap) => tap.account === (data.account || ""));
  for (const tap of taps) {
    const body = new URLSearchParams({ csrfmiddlewaretoken: data.csrf || "" });
    for (const name of KEPT.concat(["tapped_at"])) if (tap[name]) body.set(name, tap[name]);
    let response;
    try {
      response = await fetch("/", {
        method: "POST",
        body,
        credentials: "same-origin",
        headers: { "X-Attune-Replay": "1", "X-CSRFToken": data.csrf || "" },
      });
    } catch (error) {
      break;
    }
    if (response.status === 200 || response.status === 201) {
      saved += 1;
      await remove(STORE, tap.once);
    } else if (response.status >= 400 && response.status < 500 && response.status !== 403) {
      refused += 1;
      await remove(STORE, tap.once);
    } else {
      break;
    }
  }
  const pending = (await all(STORE)).filter((tap) => tap.account === (data.account || "")).length;
  notify({ type: "flushed", saved, refused, pending });
}

async function notify(message) {
  for (const client of await self.clients.matchAll({ type: "window" })) client.postMessage(message);
}

// IndexedDB, in a few promises.
function database() {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore(STORE, { keyPath: "once" });
      open.result.createObjectStore("meta");
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function run(store, mode, work) {
  const db = await database();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(store, mode);
    const request = work(transaction.objectStore(store));
    transaction.oncomplete = () => { db.close(); resolve(request && request.result); };
    transaction.onerror = () => { db.close(); reject(transaction.error); };
  });
}

const put = (store, value) => run(store, "readwrite", (s) => s.put(value));
const remove = (store, key) => run(store, "readwrite", (s) => s.delete(key));
const all = (store) => run(store, "readonly", (s) => s.getAll());
const setAccount = (account) => run("meta", "readwrite", (s) => s.put(account, "account"));
const currentAccount = async () => (await run("meta", "readonly", (s) => s.get("account"))) || "";

// Web Push: a reminder from reminders/channels.py, {title, body, url}.
self.addEventListener("push", (event) => {
  let data = {};
  try { data = event.data ? event.data.json() : {}; } catch (error) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "Attune", {
    body: data.body || "How are you feeling right now?",
    icon: "/static/img/icon-192.png",
    data: { url: data.url || "/" },
    tag: "attune-reminder",
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  // Only ever open a page of this site.
  const url = target.origin === self.location.origin ? target.href : "/";
  event.waitUntil(self.clients.openWindow(url));
});
