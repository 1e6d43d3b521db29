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

  // Arrow keys move focus across the mood grid (9 cells a row).
  function moodGridKeys(root) {
    root.querySelectorAll("[data-mood-grid]").forEach(function (grid) {
      if (grid.dataset.keysBound) return;
      grid.dataset.keysBound = "1";
      grid.addEventListener("keydown", function (event) {
        var moves = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -9, ArrowDown: 9 };
        if (!(event.key in moves)) return;
        var cells = Array.prototype.slice.call(grid.querySelectorAll("button.cell, .cell input"));
        var index = cells.indexOf(document.activeElement);
        if (index < 0) return;
        // Left and right stop at the row's edge instead of wrapping to the next row.
        var column = index % 9;
        if ((event.key === "ArrowLeft" && column === 0) || (event.key === "ArrowRight" && column === 8)) {
          event.preventDefault();
          return;
        }
        var next = cells[index + moves[event.key]];
        if (next) { event.preventDefault(); next.focus(); if (next.type === "radio") next.checked = true; }
      });
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
    moodGridKeys(root);
    printButtons(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
  window.Attune = { init: init };
})();
