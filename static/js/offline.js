// Attune offline: registers the service worker (served at /sw.js, see
// templates/pwa/sw.js), tells it whose pages these are, and asks it to send
// taps kept while offline once the connection is back. Taps are kept by the
// worker with their point and time only - never a note.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;

  function account() {
    var meta = document.querySelector('meta[name="attune-account"]');
    return meta ? meta.content : null;
  }

  function csrf() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) { return ""; }
  }

  function tell() {
    var worker = navigator.serviceWorker.controller;
    var who = account();
    // The offline page knows no one: it only keeps taps; a real page sends them.
    if (!worker || who === null) return;
    worker.postMessage({ type: navigator.onLine ? "flush" : "hello", account: who, csrf: csrf() });
  }

  function say(text) {
    var box = document.getElementById("messages") || document.querySelector("[data-offline-status]");
    if (!box) return;
    var line = document.createElement("p");
    line.className = "message success";
    line.textContent = text;
    box.appendChild(line);
  }

  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type !== "flushed") return;
    if (data.saved) {
      say(data.saved === 1
        ? "Saved the check-in you made while offline."
        : "Saved the " + data.saved + " check-ins you made while offline.");
    }
    if (data.refused) say("One check-in made offline could not be saved: its time was not accepted.");
  });

  // The offline page: a fresh one-time key for each showing, and back to
  // today's page (which sends what was kept) once the connection returns.
  function offlinePage() {
    document.querySelectorAll("form[data-fresh-key] input[name=once]").forEach(function (input) {
      input.value = window.crypto && crypto.randomUUID ? crypto.randomUUID() : "";
    });
    if (/[?&]kept=1/.test(location.search)) {
      document.querySelectorAll("[data-offline-kept]").forEach(function (p) { p.hidden = false; });
    }
    if (document.querySelector("form[data-fresh-key]")) {
      window.addEventListener("online", backWhenReachable);
    }
  }

  // Browsers say "online" on a flaky network (and a test browser as it
  // swaps documents) before anything can be reached: only leave the offline
  // page once the server answers, or the tap just kept would seem lost.
  function backWhenReachable() {
    if (!navigator.onLine) return;
    fetch("/healthz", { cache: "no-store", credentials: "omit" }).then(function (answer) {
      if (answer.ok) location.href = "/";
    }).catch(function () { /* still offline: stay, the next "online" tries again */ });
  }

  document.addEventListener("DOMContentLoaded", offlinePage);
  window.addEventListener("online", tell);
  navigator.serviceWorker.register("/sw.js").then(function () {
    if (navigator.serviceWorker.controller) tell();
    else navigator.serviceWorker.addEventListener("controllerchange", tell, { once: true });
  }).catch(function () { /* no worker: the app works online as before */ });
})();
