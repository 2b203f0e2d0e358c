/*
 * The schedule page: day tabs keep the filter form's hidden `day` field in step, so that a
 * later filter change stays on the chosen day; with htmx the tab swaps the results in place
 * (the tabs are plain links without JavaScript). The calendar address selects itself on focus.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  ready(function () {
    document.addEventListener("click", function (event) {
      var tab = event.target.closest ? event.target.closest(".day-tabs [data-day]") : null;
      var form = document.getElementById("schedule-filters");
      if (!tab || !form || !window.htmx) return;
      var field = form.querySelector("input[name=day]");
      if (!field) return;
      event.preventDefault();
      field.value = tab.getAttribute("data-day");
      window.htmx.trigger(form, "submit");
    });

    var feed = document.getElementById("feed-url");
    if (feed) {
      feed.addEventListener("focus", function () {
        feed.select();
      });
    }
  });
})();
