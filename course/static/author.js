// Authoring forms, enhanced: the error summary takes focus when the page loads (so a screen reader reads it
// first), and an address (slug) or question id fills itself from the title or question as the author types. The
// server does both without this file: it makes an empty slug from the title and shows the same summary.
(function () {
  "use strict";

  // The same rule as course.author.forms.slug_from: accents dropped, lower-case words of letters and digits
  // joined by hyphens, cut at a word boundary.
  function slugFrom(text, maxLength) {
    var plain = (text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/['\u2019]/g, "");
    var words = plain.toLowerCase().match(/[a-z0-9]+/g) || [];
    var slug = "";
    for (var i = 0; i < words.length; i++) {
      var candidate = slug ? slug + "-" + words[i] : words[i];
      if (candidate.length > maxLength) break;
      slug = candidate;
    }
    return slug || words.join("-").slice(0, maxLength).replace(/-+$/, "");
  }

  function followTitle(slugField) {
    var form = slugField.form;
    var source = form && form.elements.namedItem(slugField.getAttribute("data-slug-from"));
    if (!source || typeof source.addEventListener !== "function") return;
    var maxLength = parseInt(slugField.getAttribute("data-slug-max") || "60", 10);
    // A slug already set (an existing lesson's address, which progress and links use) is never changed for the
    // author; an empty one follows the title until the author types in it.
    var following = slugField.value.trim() === "";
    slugField.addEventListener("input", function () {
      following = slugField.value.trim() === "";
    });
    source.addEventListener("input", function () {
      if (following) slugField.value = slugFrom(source.value, maxLength);
    });
  }

  function init() {
    var fields = document.querySelectorAll("input[data-slug-from]");
    for (var i = 0; i < fields.length; i++) followTitle(fields[i]);
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      // A link in the summary moves focus to its field, not just the view, so the author can type at once.
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        var target = link && document.getElementById(link.getAttribute("href").slice(1));
        if (!target) return;
        var control = target.matches("input, select, textarea, button")
          ? target : target.querySelector("input, select, textarea, button");
        if (!control) return;
        event.preventDefault();
        (target.closest(".field") || target).scrollIntoView();
        control.focus();
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
