/*
 * Job pages (loaded with defer; no inline script anywhere).
 * 1. Forms marked .js-confirm ask before submitting (withdrawing an application).
 * 2. A .js-select-all checkbox ticks every applicant on the page (bulk status changes).
 * Everything works without it: the search form submits normally, htmx only enhances it.
 */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.classList && form.classList.contains("js-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm") || "")) event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("js-select-all")) return;
    var form = box.closest("form");
    if (!form) return;
    form.querySelectorAll('input[name="applications"]').forEach(function (each) {
      each.checked = box.checked;
    });
  });
})();
