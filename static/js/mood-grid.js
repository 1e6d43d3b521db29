// The mood grid with a keyboard, a pointer and a finger (templates/includes/mood_grid.html).
// Without this file every cell is a plain button or radio that works.
//
// - One Tab stop (roving tabindex): the start square (the last check-in's, or
//   the centre) is the one in the Tab order; arrow keys move, Home/End go to
//   the row's ends, PageUp/PageDown to the column's ends, Enter/Space choose.
// - A live label near the grid says the meaning of the square under the
//   pointer, the finger or the focus, before anything is saved.
// - On a touch screen a tap on a "submit" grid first shows what the square
//   means; a second tap on the same square saves it (unless the person chose
//   one-tap saving in Settings: data-one-tap).
(function () {
  "use strict";

  var COLUMNS = 9;

  function cellsOf(grid) {
    return Array.prototype.slice.call(grid.querySelectorAll(".cell"));
  }

  // The focusable element of a cell: the button itself, or a label's radio.
  function control(cell) {
    return cell.tagName === "BUTTON" ? cell : cell.querySelector("input");
  }

  function valueOf(cell) {
    return control(cell).value;
  }

  function setup(grid) {
    if (grid.dataset.gridReady) return;
    grid.dataset.gridReady = "1";
    var cells = cellsOf(grid);
    if (cells.length !== COLUMNS * COLUMNS) return;
    var wrap = grid.closest(".mood-grid-wrap");
    var live = wrap && wrap.querySelector("[data-mood-live]");
    var submitMode = grid.dataset.gridMode !== "radio";
    var armed = null; // the cell a first touch showed, waiting for a second
    var touching = false;
    var idle = live ? "" : null;

    if (live) {
      idle = submitMode && grid.dataset.oneTap !== undefined
        ? "Point at a square to see what it means; a tap saves it."
        : "Touch or point at a square to see what it means.";
      live.hidden = false;
      live.textContent = idle;
    }

    function say(text) {
      if (live && live.textContent !== text) live.textContent = text;
    }

    function describe(cell, extra) {
      say(cell.dataset.label + (extra || ""));
    }

    function indexOfValue(value) {
      for (var i = 0; i < cells.length; i++) if (valueOf(cells[i]) === value) return i;
      return -1;
    }

    var current = indexOfValue(grid.dataset.start || "0,0");
    if (current < 0) current = indexOfValue("0,0");
    // Radios: the browser puts a checked radio in the Tab order; keep ours in step.
    if (!submitMode) {
      var checked = grid.querySelector("input:checked");
      if (checked) current = cells.indexOf(checked.closest(".cell"));
    }

    function rove(index) {
      cells.forEach(function (cell, i) { control(cell).tabIndex = i === index ? 0 : -1; });
      current = index;
    }
    rove(current);

    function moveTo(index) {
      rove(index);
      var target = control(cells[index]);
      target.focus();
      if (!submitMode) {
        target.checked = true;
        target.dispatchEvent(new Event("change", { bubbles: true }));
      }
    }

    function disarm() {
      if (armed) armed.classList.remove("armed");
      armed = null;
    }

    // The div itself is a skip link's target: hand focus to the roving square.
    grid.addEventListener("focus", function (event) {
      if (event.target === grid) control(cells[current]).focus();
    });

    grid.addEventListener("focusin", function (event) {
      var cell = event.target.closest && event.target.closest(".cell");
      if (!cell || !grid.contains(cell)) return;
      var index = cells.indexOf(cell);
      if (index !== current) rove(index);
      // Only a keyboard's focus gets the hint; a click's focus must not
      // change the text (and the layout) between press and release.
      var keyboard = event.target.matches && event.target.matches(":focus-visible");
      if (!touching && keyboard) describe(cell, submitMode ? ". Enter saves it." : "");
    });

    grid.addEventListener("keydown", function (event) {
      var cell = event.target.closest && event.target.closest(".cell");
      if (!cell) return;
      var index = cells.indexOf(cell);
      var row = Math.floor(index / COLUMNS);
      var column = index % COLUMNS;
      var next = null;
      switch (event.key) {
        case "ArrowLeft": next = column > 0 ? index - 1 : index; break;
        case "ArrowRight": next = column < COLUMNS - 1 ? index + 1 : index; break;
        case "ArrowUp": next = row > 0 ? index - COLUMNS : index; break;
        case "ArrowDown": next = row < COLUMNS - 1 ? index + COLUMNS : index; break;
        case "Home": next = row * COLUMNS; break;
        case "End": next = row * COLUMNS + COLUMNS - 1; break;
        case "PageUp": next = column; break;
        case "PageDown": next = (COLUMNS - 1) * COLUMNS + column; break;
        default: return;
      }
      event.preventDefault();
      if (next !== index) moveTo(next);
    });

    grid.addEventListener("pointerover", function (event) {
      if (event.pointerType !== "mouse" && event.pointerType !== "pen") return;
      var cell = event.target.closest && event.target.closest(".cell");
      if (cell) describe(cell);
    });
    grid.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse" && !armed && !grid.contains(document.activeElement)) say(idle);
    });

    grid.addEventListener("pointerdown", function (event) {
      touching = event.pointerType === "touch";
    });

    // A click from a touch on a submit grid: the first shows, the second saves.
    grid.addEventListener("click", function (event) {
      var wasTouch = touching;
      touching = false;
      var cell = event.target.closest && event.target.closest(".cell");
      if (!cell || !submitMode || !wasTouch || grid.dataset.oneTap !== undefined) return;
      if (armed === cell) { disarm(); return; }
      event.preventDefault();
      event.stopPropagation();
      disarm();
      armed = cell;
      cell.classList.add("armed");
      rove(cells.indexOf(cell));
      describe(cell, ". Tap it again to save.");
    }, true);
  }

  // A skip link's target that holds a grid (the check-in area, which may show
  // the editor instead): focus goes on to the grid's roving square.
  function focusHolder(holder) {
    if (holder.dataset.gridFocusBound) return;
    holder.dataset.gridFocusBound = "1";
    holder.addEventListener("focus", function (event) {
      var grid = event.target === holder && holder.querySelector("[data-mood-grid]");
      if (grid) grid.focus();
    });
  }

  function init(root) {
    document.querySelectorAll("[data-grid-focus]").forEach(focusHolder);
    var scope = root.querySelectorAll ? root : document;
    if (scope.matches && scope.matches("[data-mood-grid]")) setup(scope);
    scope.querySelectorAll("[data-mood-grid]").forEach(setup);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
