// Saves quiz answers in the background as the student answers, so a closed tab or a dropped
// connection loses nothing. Without JavaScript the "Save answers" button does the same.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var timer = null;

  function save() {
    var data = new FormData(form);
    data.set("action", "save");
    // form.action would name the buttons called "action"; the attribute is what we want.
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      if (status) status.textContent = response.ok ? "Answers saved." : "Could not save; use the Save answers button.";
    }).catch(function () {
      if (status) status.textContent = "Offline: your answers will be saved when you press Save answers.";
    });
  }

  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  });
})();
