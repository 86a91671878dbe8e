// Saves quiz answers in the background as the student answers, so a closed tab or a dropped
// connection loses nothing. Without JavaScript the "Save answers" button does the same.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch || !window.FormData) return;
  var status = document.getElementById("autosave-status");
  var text = form.dataset;  // the page's words, in the reader's language (templates/quiz/take.html)
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
      if (status) status.textContent = response.ok ? text.textSaved : text.textSaveFailed;
    }).catch(function () {
      if (status) status.textContent = text.textOffline;
    });
  }

  form.addEventListener("change", function () {
    clearTimeout(timer);
    timer = setTimeout(save, 400);
  });
})();

// Before a submission with unanswered questions, a dialog says how many and which, and how many attempts will be
// left. Without JavaScript (or <dialog>) the server shows the same as a confirmation page.
(function () {
  "use strict";
  var form = document.getElementById("quiz-form");
  if (!form || typeof HTMLDialogElement !== "function") return;
  var text = form.dataset;

  function answered(fieldset) {
    var inputs = fieldset.querySelectorAll("input, select, textarea");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if (input.type === "radio" || input.type === "checkbox") {
        if (input.checked) return true;
      } else if (input.type !== "hidden" && input.value.trim() !== "") {
        return true;
      }
    }
    return false;
  }

  function element(tag, text) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    return node;
  }

  function confirmDialog(missing, submitter) {
    var dialog = element("dialog");
    dialog.className = "confirm-submit";
    dialog.setAttribute("aria-labelledby", "confirm-submit-title");
    var count = String(missing.length);
    var title = element("h2", (missing.length === 1 ? text.textTitleOne : text.textTitleOther).replace("{n}", count));
    title.id = "confirm-submit-title";
    dialog.appendChild(title);
    dialog.appendChild(element("p", text.textSummary.replace("{n}", count)));
    var list = element("ul");
    missing.forEach(function (fieldset) {
      var item = element("li");
      var link = element("a", fieldset.querySelector(".question-number").textContent);
      link.href = "#" + fieldset.id;
      link.addEventListener("click", function () { dialog.close(); });
      item.appendChild(link);
      list.appendChild(item);
    });
    dialog.appendChild(list);
    var left = document.getElementById("attempts-left");
    if (left) dialog.appendChild(element("p", left.textContent.trim()));
    var actions = element("div");
    actions.className = "actions";
    var back = element("button", text.textBack);
    back.type = "button";
    back.className = "secondary";
    back.addEventListener("click", function () {
      dialog.close();
      var first = missing[0].querySelector("input, select, textarea");
      if (first) first.focus();
    });
    var go = element("button", text.textSubmit);
    go.type = "button";
    go.addEventListener("click", function () {
      var confirmed = element("input");
      confirmed.type = "hidden";
      confirmed.name = "confirmed";
      confirmed.value = "yes";
      form.appendChild(confirmed);
      dialog.close();
      if (form.requestSubmit) form.requestSubmit(submitter);
      else submitter.click();
    });
    actions.appendChild(back);
    actions.appendChild(go);
    dialog.appendChild(actions);
    dialog.addEventListener("close", function () { dialog.remove(); });
    document.body.appendChild(dialog);
    dialog.showModal();
    back.focus();
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (!submitter || submitter.value !== "submit" || form.querySelector("input[name=confirmed]")) return;
    var questions = Array.prototype.slice.call(form.querySelectorAll("fieldset.question"));
    var missing = questions.filter(function (fieldset) { return !answered(fieldset); });
    if (!missing.length) return;
    event.preventDefault();
    confirmDialog(missing, submitter);
  });
})();
