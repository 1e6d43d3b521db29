// Attune's few lines of JavaScript. Everything works without it; this only
// fills in conveniences. Loaded with the CSP nonce; no inline handlers.
(function () {
  "use strict";

  function detectTimeZone(root) {
    root.querySelectorAll("input[data-detect-timezone]").forEach(function (input) {
      try {
        var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
        if (zone && (!input.value || input.value === "UTC")) input.value = zone;
      } catch (e) { /* keep the server default */ }
    });
  }

  // The check-in page says once (per pair of zones) when this device's zone
  // is not the account's, and offers to switch.
  function canonicalZone(name) {
    try { return new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone; }
    catch (e) { return name; }
  }

  function zoneHint(root) {
    root.querySelectorAll("[data-zone-hint]").forEach(function (hint) {
      var browser;
      try { browser = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
      var account = hint.dataset.accountZone;
      if (!browser || !account || canonicalZone(browser) === canonicalZone(account)) return;
      var key = "attune.zone-hint";
      var pair = browser + "|" + account;
      try { if (localStorage.getItem(key) === pair) return; localStorage.setItem(key, pair); }
      catch (e) { /* storage off: show it each time */ }
      hint.querySelectorAll("[data-browser-zone]").forEach(function (el) { el.textContent = browser; });
      hint.querySelector("[data-browser-zone-input]").value = browser;
      hint.querySelector("[data-zone-keep]").addEventListener("click", function () { hint.hidden = true; });
      hint.hidden = false;
    });
  }

  // A list swapped whole by HTMX (a playlist being reordered) keeps keyboard
  // focus: htmx refocuses an element with the same id; when that button is now
  // disabled (the song reached the top) or gone (removed), focus its other
  // button, or the next song's, or the list itself - never the page's start.
  // What had focus is remembered per request: a quick second move must not
  // have its memory taken by the first move's settle.
  var focusBefore = new WeakMap();
  document.addEventListener("htmx:beforeRequest", function (event) {
    var list = event.target.closest && event.target.closest("[data-keep-focus]");
    var active = document.activeElement;
    if (!list || !active || !list.contains(active) || !event.detail.xhr) return;
    focusBefore.set(event.detail.xhr, {
      id: active.id,
      row: Array.prototype.indexOf.call(list.querySelectorAll("li"), active.closest("li"))
    });
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var remembered = event.detail.xhr && focusBefore.get(event.detail.xhr);
    if (!remembered) return;
    focusBefore.delete(event.detail.xhr);
    var list = document.querySelector("[data-keep-focus]");
    if (!list || (document.activeElement && list.contains(document.activeElement) && document.activeElement !== list)) return;
    var same = remembered.id && document.getElementById(remembered.id);
    var row = same ? same.closest("li") : list.querySelectorAll("li")[remembered.row] || list.querySelector("li:last-of-type");
    var target = same && !same.disabled ? same : row && row.querySelector("button:not([disabled])");
    (target || list).focus();
  });

  // "Print or save as PDF": shown only where JavaScript can open the dialogue
  // (without it, the browser's own Print does the same).
  function printButtons(root) {
    root.querySelectorAll("[data-print]").forEach(function (button) {
      if (button.dataset.printBound) return;
      button.dataset.printBound = "1";
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function init(root) {
    detectTimeZone(root);
    zoneHint(root);
    printButtons(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  window.Attune = { init: init };
})();
