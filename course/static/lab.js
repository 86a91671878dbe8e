// ID Design Lab: progressive enhancement only. Without JavaScript the form posts to /lab and the page is rendered
// again on the server. With it, every change fetches the same server-rendered results from /lab/preview, so the
// card, the profile and the task checks follow the student's choices; errors appear at their fields.
(function () {
  "use strict";
  var form = document.getElementById("lab-form");
  var results = document.getElementById("lab-results");
  if (!form || !results || !window.fetch || !window.FormData) return;
  var status = document.getElementById("lab-status");
  var note = form.querySelector(".lab-js-note");
  var url = form.getAttribute("data-preview-url");
  var timer = null;
  var latest = 0;

  if (note) note.hidden = false;

  function showErrors(errors) {
    var holders = form.querySelectorAll("[data-error-for]");
    for (var i = 0; i < holders.length; i++) {
      var key = holders[i].getAttribute("data-error-for");
      var message = errors && Object.prototype.hasOwnProperty.call(errors, key) ? errors[key] : "";
      holders[i].textContent = message;
      holders[i].hidden = !message;
      var option = holders[i].closest("[data-option]");
      if (option) option.classList.toggle("has-error", !!message);
      var select = option && option.querySelector("select");
      if (select) {
        if (message) select.setAttribute("aria-invalid", "true");
        else select.removeAttribute("aria-invalid");
      }
    }
  }

  function refresh() {
    var request = ++latest;
    var data = new FormData(form);
    results.setAttribute("aria-busy", "true");
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.json();
      })
      .then(function (payload) {
        if (request !== latest) return; // a newer change is on its way
        results.innerHTML = payload.html;
        var summary = document.getElementById("lab-summary");
        if (summary && payload.summary_html) summary.outerHTML = payload.summary_html;
        showErrors(payload.errors || {});
        if (status) status.textContent = payload.summary || "";
      })
      .catch(function () {
        if (status) status.textContent = form.dataset.textPreviewFailed;  // in the reader's language
      })
      .then(function () {
        if (request === latest) results.removeAttribute("aria-busy");
      });
  }

  form.addEventListener("change", function (event) {
    if (event.target && event.target.name === "title") return; // the title does not change the design
    clearTimeout(timer);
    timer = setTimeout(refresh, 150);
  });
})();
