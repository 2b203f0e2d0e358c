/* The organiser's live operations table: replaced with each snapshot from /ws/operations/. */
(function () {
  "use strict";
  var root = document.querySelector(".expo-operations[data-socket]");
  if (!root || !document.getElementById("ops-table")) { return; }
  var status = document.getElementById("ops-connection");
  var updated = document.getElementById("ops-updated");
  var tbody = document.querySelector("#ops-table tbody");
  var delay = 1000;

  function cell(tag, text) {
    var el = document.createElement(tag);
    el.textContent = text;
    return el;
  }

  function render(snapshot) {
    Object.keys(snapshot.totals || {}).forEach(function (key) {
      var el = root.querySelector('[data-total="' + key + '"]');
      if (el) { el.textContent = snapshot.totals[key]; }
    });
    var rows = document.createDocumentFragment();
    (snapshot.booths || []).forEach(function (booth) {
      var tr = document.createElement("tr");
      if (booth.alert) { tr.className = "expo-ops-alert"; }
      var name = cell("th", booth.company);
      name.scope = "row";
      if (booth.alert) { name.appendChild(cell("strong", " (" + root.dataset.textAlert + ")")); }
      tr.appendChild(name);
      [booth.waiting, (root.dataset.textSeconds || "%(n)s s").replace("%(n)s", booth.longest_wait_seconds), booth.staff_online, booth.staff_free,
       booth.staff_away, booth.staff_on_console, booth.conversations].forEach(function (value) { tr.appendChild(cell("td", String(value))); });
      rows.appendChild(tr);
    });
    if (!snapshot.booths || !snapshot.booths.length) {
      var empty = document.createElement("tr");
      var td = cell("td", root.dataset.textNone);
      td.colSpan = 8;
      empty.appendChild(td);
      rows.appendChild(empty);
    }
    tbody.replaceChildren(rows);
    if (snapshot.at) {
      // Hong Kong time, 24-hour, as every time in the admin
      updated.textContent = new Intl.DateTimeFormat("en-GB", {
        timeZone: "Asia/Hong_Kong", hour: "2-digit", minute: "2-digit", second: "2-digit",
        hourCycle: "h23"
      }).format(new Date(snapshot.at));
    }
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + root.dataset.socket);
    socket.onopen = function () { status.textContent = root.dataset.textLive; delay = 1000; };
    socket.onmessage = function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "snapshot") { render(data); }
    };
    socket.onclose = function (event) {
      if (event.code === 4401 || event.code === 4403) { return; }
      status.textContent = root.dataset.textReconnecting;
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();
