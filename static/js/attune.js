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

  // A list swapped whole by HTMX (a playlist being reordered) keeps keyboard
  // focus: htmx refocuses an element with the same id; when that button is now
  // disabled (the song reached the top) or gone (removed), focus its other
  // button, or the next song's, or the list itself - never the page's start.
  var lastFocus = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var list = event.target.closest && event.target.closest("[data-keep-focus]");
    var active = document.activeElement;
    lastFocus = list && active && list.contains(active)
      ? { id: active.id, row: Array.prototype.indexOf.call(list.querySelectorAll("li"), active.closest("li")) }
      : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!lastFocus) return;
    var remembered = lastFocus;
    lastFocus = null;
    var list = document.querySelector("[data-keep-focus]");
    if (!list || (document.activeElement && list.contains(document.activeElement) && document.activeElement !== list)) return;
    var same = remembered.id && document.getElementById(remembered.id);
    var row = same ? same.closest("li") : list.querySelectorAll("li")[remembered.row] || list.querySelector("li:last-of-type");
    var target = same && !same.disabled ? same : row && row.querySelector("button:not([disabled])");
    (target || list).focus();
  });

  function init(root) {
    detectTimeZone(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  window.Attune = { init: init };
})();
