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

  function init(root) {
    detectTimeZone(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  window.Attune = { init: init };
})();
