// Settings → Reminders: turn Web Push on or off for this browser. The
// subscription goes to the server as JSON; the service worker (sw.js) shows
// the reminders it receives.
(function () {
  "use strict";

  function key(base64) {
    var padded = base64 + "===".slice((base64.length + 3) % 4);
    var raw = atob(padded.replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function csrf() {
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; }
    catch (e) { return ""; }
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify(body),
    });
  }

  function setup(box) {
    var on = box.querySelector("[data-push-on]");
    var off = box.querySelector("[data-push-off]");
    var status = box.querySelector("[data-push-status]");
    if (!("serviceWorker" in navigator) || !("PushManager" in window)) {
      status.textContent = "This browser can't show notifications from Attune.";
      return;
    }
    function show(subscription) {
      on.hidden = !!subscription;
      off.hidden = !subscription;
    }
    navigator.serviceWorker.ready.then(function (registration) {
      registration.pushManager.getSubscription().then(show);
      on.addEventListener("click", function () {
        registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: key(box.dataset.vapidKey),
        }).then(function (subscription) {
          return post(box.dataset.subscribeUrl, subscription.toJSON()).then(function (response) {
            if (!response.ok) throw new Error("refused");
            status.textContent = "Notifications are on for this device.";
            show(subscription);
          });
        }).catch(function () {
          status.textContent = "Notifications could not be turned on. Your browser may have blocked them for this site.";
        });
      });
      off.addEventListener("click", function () {
        registration.pushManager.getSubscription().then(function (subscription) {
          if (!subscription) return show(null);
          return post(box.dataset.unsubscribeUrl, { endpoint: subscription.endpoint })
            .then(function () { return subscription.unsubscribe(); })
            .then(function () { status.textContent = "Notifications are off for this device."; show(null); });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-push]").forEach(setup);
  });
})();
