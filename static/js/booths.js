/*
 * Booths pages (loaded with defer; no inline JS anywhere).
 *
 * 1. Marks the page as scripted (<html class="js">) so the hall's "Apply filters" button hides:
 *    htmx applies filters as they change. Without JavaScript the button submits the form.
 * 2. Buttons with data-confirm ask before their form submits (remove a brochure, a member...).
 */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = submitter && submitter.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
