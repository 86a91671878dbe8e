// One-time password slips: a Print button where JavaScript runs (without it, the browser's own Print works).
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (!button || !window.print) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
