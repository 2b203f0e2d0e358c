/*
 * The live day on every page of a signed-in person (#live-bar, templates/includes/live_bar.html).
 * expo.js hands each frame of the notification socket that is not a plain notification to
 * Expo.live.handle (chat/live.py says what the server sends):
 *
 *   live     {queues: [...], calling: [...], missed: [...], staff: [...], now, answer_seconds}
 *   summary  a booth's public summary: queue order and pace (talent), waiting and who is on the
 *            console (staff)
 *
 * Talent see each queue they are in (position, estimated wait), and when a recruiter calls them
 * a notice with a sound, a title that flashes while the tab is not in front, and a browser
 * notification when the tab is in the background (permission is asked when they join a queue,
 * or with the bar's button: never on page load). The notice stays on every page, after a reload
 * too, until they open the conversation or the time is up; then the server skips them and
 * says so on both sides. Booth staff get the same alerts while talent wait at their booth and
 * nobody on their team has the console open.
 *
 * Text only through textContent; links only to local paths.
 */
(function () {
  "use strict";

  var Expo = (window.Expo = window.Expo || {});
  var bar, S;
  var state = { queues: [], calling: [], missed: [], staff: [] };
  var clockOffset = 0; // server time minus this browser's time, in ms
  var countdownTimer = null;
  var checked = {}; // entry ids whose expiry this page already reported
  var alerted = {}; // what already rang: "call:<entry>", "staff:<booth>" -> waiting count
  var flashTimer = null;
  var baseTitle = document.title;
  var audio = null;

  function fmt(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function localPath(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" && url.charAt(1) !== "\\";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(url, className, text) {
    var a = el("a", className, text);
    a.href = localPath(url) ? url : "#";
    return a;
  }

  function dismissedKey(entry) {
    return "live-missed-" + entry;
  }

  function isDismissed(entry) {
    try {
      return window.sessionStorage.getItem(dismissedKey(entry)) === "1";
    } catch (e) {
      return false;
    }
  }

  /* ---- Attention: a chime, the tab title, a browser notification --------------------- */
  function unlockAudio() {
    if (audio || !(window.AudioContext || window.webkitAudioContext)) return;
    try {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    } catch (e) {
      audio = null;
    }
  }
  // Browsers let a page play sound only after the person interacted with it.
  ["pointerdown", "keydown", "touchstart"].forEach(function (name) {
    window.addEventListener(name, unlockAudio, { once: true, capture: true });
  });

  function chime() {
    var count = parseInt(document.body.getAttribute("data-live-chimes") || "0", 10) + 1;
    document.body.setAttribute("data-live-chimes", String(count));
    unlockAudio();
    if (!audio) return;
    try {
      if (audio.state === "suspended") audio.resume();
      var now = audio.currentTime;
      [880, 1318.5].forEach(function (frequency, i) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = "sine";
        osc.frequency.value = frequency;
        gain.gain.setValueAtTime(0.0001, now + i * 0.18);
        gain.gain.exponentialRampToValueAtTime(0.25, now + i * 0.18 + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.18 + 0.35);
        osc.connect(gain).connect(audio.destination);
        osc.start(now + i * 0.18);
        osc.stop(now + i * 0.18 + 0.4);
      });
    } catch (e) {
      /* no sound: the notice and the title still say it */
    }
  }

  function notifySystem(title, body, url, tag) {
    if (!("Notification" in window) || Notification.permission !== "granted") return;
    if (document.visibilityState === "visible" && document.hasFocus()) return;
    try {
      var n = new Notification(title, { body: body, tag: tag, renotify: true });
      n.onclick = function () {
        window.focus();
        if (localPath(url)) window.location.href = url;
        n.close();
      };
    } catch (e) {
      /* some browsers only allow notifications from a service worker: the page still alerts */
    }
  }

  /* The title carries the alert while one is active and blinks while the tab is not in front. */
  function setTitleAlert(text) {
    clearInterval(flashTimer);
    flashTimer = null;
    if (!text) {
      document.title = baseTitle;
      return;
    }
    var marked = "\uD83D\uDD14 " + text; // a bell
    document.title = marked;
    var on = true;
    flashTimer = setInterval(function () {
      if (document.visibilityState === "visible" && document.hasFocus()) {
        document.title = marked;
        return;
      }
      on = !on;
      document.title = on ? marked : baseTitle;
    }, 1000);
  }

  Expo.askToNotify = function () {
    if (!("Notification" in window) || Notification.permission !== "default") return;
    try {
      var asked = Notification.requestPermission(renderNotifyButton);
      if (asked && asked.then) asked.then(renderNotifyButton);
    } catch (e) {
      /* old browsers */
    }
  };

  function renderNotifyButton() {
    var button = bar.querySelector("[data-live-notify]");
    var wants = state.queues.length || state.calling.length || state.staff.length;
    var permission = "Notification" in window ? Notification.permission : "unsupported";
    button.hidden = !wants || permission !== "default";
  }

  /* ---- Rendering ----------------------------------------------------------------------- */
  function serverNow() {
    return Date.now() + clockOffset;
  }

  function remaining(until) {
    return Math.max(0, Math.round((Date.parse(until) - serverNow()) / 1000));
  }

  function clock(seconds) {
    var m = Math.floor(seconds / 60);
    var s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }

  function renderQueues() {
    var box = bar.querySelector("[data-live-queues]");
    box.textContent = "";
    state.queues.forEach(function (q) {
      var item = el("span", "live-queue");
      item.setAttribute("data-live-queue", q.booth);
      var a = link(q.url, "live-queue-link");
      a.setAttribute("aria-label", fmt(S.queueLabel, { company: q.company }) + ": " +
        fmt(S.position, { position: q.position }) + ", " + fmt(S.wait, { minutes: q.wait_minutes }));
      a.appendChild(el("strong", "", q.company));
      a.appendChild(el("span", "live-queue-position", " " + fmt(S.position, { position: q.position })));
      a.appendChild(el("span", "live-queue-wait", " · " + fmt(S.wait, { minutes: q.wait_minutes })));
      item.appendChild(a);
      var leave = el("button", "btn btn-link btn-sm live-queue-leave", S.leave);
      leave.type = "button";
      leave.setAttribute("aria-label", fmt(S.leaveLabel, { company: q.company }));
      leave.addEventListener("click", function () {
        if (Expo.notifications) Expo.notifications.send({ type: "queue.leave", booth: q.booth });
      });
      item.appendChild(leave);
      box.appendChild(item);
    });
  }

  function renderAlerts() {
    var box = bar.querySelector("[data-live-alerts]");
    box.textContent = "";
    var titleText = "";
    state.calling.forEach(function (c) {
      var left = remaining(c.until);
      var notice = el("div", "live-alert live-alert-call");
      notice.setAttribute("data-live-calling", c.entry);
      notice.appendChild(el("span", "live-alert-text",
        c.recruiter ? fmt(S.calling, { name: c.recruiter, company: c.company })
          : fmt(S.callingAnonymous, { company: c.company })));
      var open = link(c.url, "btn btn-light btn-sm live-alert-action", S.openConversation);
      open.setAttribute("data-live-open", c.entry);
      notice.appendChild(open);
      notice.appendChild(el("span", "live-alert-countdown", fmt(S.left, { time: clock(left) })));
      box.appendChild(notice);
      titleText = S.titleCalling;
    });
    state.missed.forEach(function (m) {
      if (isDismissed(m.entry)) return;
      var notice = el("div", "live-alert live-alert-missed");
      notice.appendChild(el("span", "live-alert-text", fmt(S.missed, { company: m.company })));
      notice.appendChild(link(m.url, "btn btn-light btn-sm live-alert-action", S.joinAgain));
      var close = el("button", "btn-close btn-close-white");
      close.type = "button";
      close.setAttribute("aria-label", S.dismiss);
      close.addEventListener("click", function () {
        try {
          window.sessionStorage.setItem(dismissedKey(m.entry), "1");
        } catch (e) {
          /* private mode: dismissed until the next page */
        }
        notice.remove();
        updateVisibility();
      });
      notice.appendChild(close);
      box.appendChild(notice);
    });
    state.staff.forEach(function (b) {
      if (!(b.waiting > 0 && !b.console_staff)) return;
      var notice = el("div", "live-alert live-alert-staff");
      notice.setAttribute("data-live-staff-alert", b.booth);
      notice.appendChild(el("span", "live-alert-text",
        fmt(b.waiting === 1 ? S.staffWaitingOne : S.staffWaiting, { count: b.waiting })));
      notice.appendChild(link(b.console_url, "btn btn-light btn-sm live-alert-action", S.openConsole));
      box.appendChild(notice);
      if (!titleText) titleText = S.titleStaff;
    });
    setTitleAlert(titleText);
  }

  function updateVisibility() {
    var alerts = bar.querySelector("[data-live-alerts]");
    bar.hidden = !state.queues.length && !alerts.children.length;
    renderNotifyButton();
  }

  function render() {
    renderQueues();
    renderAlerts();
    updateVisibility();
    ring();
    tick();
  }

  /* Ring once for each new call, and for staff whenever more people wait unattended. */
  function ring() {
    var seen = {};
    state.calling.forEach(function (c) {
      var key = "call:" + c.entry;
      seen[key] = true;
      if (alerted[key]) return;
      alerted[key] = true;
      var text = c.recruiter ? fmt(S.calling, { name: c.recruiter, company: c.company })
        : fmt(S.callingAnonymous, { company: c.company });
      chime();
      notifySystem(S.titleCalling, text, c.url, key);
    });
    state.staff.forEach(function (b) {
      var key = "staff:" + b.booth;
      var unattended = b.waiting > 0 && !b.console_staff;
      if (!unattended) {
        delete alerted[key];
        return;
      }
      seen[key] = true;
      if ((alerted[key] || 0) >= b.waiting) return;
      alerted[key] = b.waiting;
      chime();
      notifySystem(S.titleStaff, fmt(b.waiting === 1 ? S.staffWaitingOne : S.staffWaiting, { count: b.waiting }),
        b.console_url, key);
    });
    for (var key in alerted) if (!seen[key]) delete alerted[key];
  }

  /* Countdowns of calls; when one runs out the server is asked to settle it (it skips the
   * talent only if the database agrees that the time is up). */
  function tick() {
    clearInterval(countdownTimer);
    countdownTimer = null;
    if (!state.calling.length) return;
    countdownTimer = setInterval(function () {
      var expired = false;
      state.calling.forEach(function (c) {
        var left = remaining(c.until);
        var node = bar.querySelector('[data-live-calling="' + c.entry + '"] .live-alert-countdown');
        if (node) node.textContent = fmt(S.left, { time: clock(left) });
        if (left <= 0) {
          expired = true;
          if (!checked[c.entry] && Expo.notifications) {
            checked[c.entry] = true;
            Expo.notifications.send({ type: "queue.check" });
          }
        }
      });
      if (expired) {
        state.calling = state.calling.filter(function (c) {
          return remaining(c.until) > 0;
        });
        render();
      }
    }, 1000);
  }

  function applySummary(summary) {
    var changed = false;
    state.queues.forEach(function (q) {
      if (q.booth !== summary.booth) return;
      var index = summary.order.indexOf(q.entry);
      if (index >= 0) {
        q.position = index + 1;
        q.wait_minutes = Math.max(1, Math.ceil(q.position * summary.minutes_per_person));
        changed = true;
      }
    });
    state.staff.forEach(function (b) {
      if (b.booth !== summary.booth) return;
      b.waiting = summary.waiting;
      b.console_staff = summary.console_staff;
      changed = true;
    });
    if (changed) render();
  }

  Expo.live = {
    handle: function (data) {
      if (!bar) return;
      if (data.type === "live") {
        if (data.now) clockOffset = Date.parse(data.now) - Date.now();
        state = {
          queues: data.queues || [],
          calling: data.calling || [],
          missed: data.missed || [],
          staff: data.staff || [],
        };
        render();
      } else if (data.type === "summary") {
        applySummary(data);
      } else if (data.type === "error" && data.message) {
        Expo.toast(data.message);
      }
    },
    state: function () {
      return state;
    },
  };

  function init() {
    bar = document.getElementById("live-bar");
    if (!bar) return;
    var d = bar.dataset;
    S = {
      position: d.sPosition, wait: d.sWait, queueLabel: d.sQueueLabel, leave: d.sLeave,
      leaveLabel: d.sLeaveLabel, calling: d.sCalling, callingAnonymous: d.sCallingAnonymous,
      openConversation: d.sOpenConversation, left: d.sLeft, titleCalling: d.sTitleCalling,
      missed: d.sMissed, joinAgain: d.sJoinAgain, dismiss: d.sDismiss,
      staffWaitingOne: d.sStaffWaitingOne, staffWaiting: d.sStaffWaiting, titleStaff: d.sTitleStaff,
      openConsole: d.sOpenConsole,
    };
    baseTitle = document.title;
    bar.querySelector("[data-live-notify]").addEventListener("click", Expo.askToNotify);
    (Expo.liveBacklog || []).splice(0).forEach(Expo.live.handle);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
