// "Copy" buttons beside read-only fields (Settings → Listening). Without
// JavaScript the fields are still there to select and copy by hand.
(function () {
  "use strict";
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var field = document.getElementById(button.dataset.copy);
      if (!field) return;
      var done = function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value || field.textContent).then(done);
      } else {
        field.select();
        if (document.execCommand("copy")) done();
      }
    });
  });
})();
