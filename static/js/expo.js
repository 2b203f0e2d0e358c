/*
 * The site's own script (loaded with defer on every page; no inline JS anywhere, so a strict
 * Content Security Policy stays possible).
 *
 * 1. Remembers the visitor's time zone in the `visitor_tz` cookie, which
 *    expo.middleware.VisitorTimezoneMiddleware reads to show times in HKT and the visitor's time.
 * 2. For signed-in visitors, listens on /ws/notifications/ and shows each notification as a toast
 *    in the polite live region (#toasts), reconnecting with backoff and pinging every 25 s (with
 *    the seconds since the last input: staff presence turns idle without it); the live state
 *    (queues, a recruiter calling, talent waiting at the booth) goes to Expo.live (live.js).
 * 3. htmx sends the CSRF token from <body hx-headers> (set in base.html); nothing to do here.
 *
 * Other pages may reuse Expo.connect(path, handlers) for their own sockets and Expo.toast(...).
 */
(function () {
  "use strict";

  var Expo = (window.Expo = window.Expo || {});
  // Other scripts handle their own notification types here: {type: function (data) {...}}.
  Expo.notificationHandlers = Expo.notificationHandlers || {};
  var TZ_COOKIE = "visitor_tz";
  var PING_MS = 25000;
  var MAX_BACKOFF_MS = 30000;
  var STABLE_MS = 10000;
  var MAX_TOASTS = 4;
  // Close codes the server uses to refuse a socket (chat/consumers.py): do not retry those.
  var REFUSED = { 4401: true, 4403: true, 4429: true };

  function readCookie(name) {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf("=");
      if (parts[i].slice(0, eq) === name) return parts[i].slice(eq + 1);
    }
    return null;
  }

  /* ---- 1. Time zone ------------------------------------------------------------------- */
  function rememberTimeZone() {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    // IANA names only ("Europe/London", "Etc/GMT+8"): safe as a raw cookie value.
    if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) return;
    if (readCookie(TZ_COOKIE) === zone) return;
    document.cookie =
      TZ_COOKIE + "=" + zone + "; path=/; max-age=31536000; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
  }

  /* ---- Times: the same text as the server's expo.lib.formatting.moment ---------------------- */
  function clock(date, zone) {
    try {
      return new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23"
      }).format(date);
    } catch (e) {
      return "";
    }
  }

  /* A time of day as the pages write it: {expo: "23:31 HKT", visitor: "16:31 your time" or
     null when the visitor's zone (as the server knows it, <body data-visitor-tz>) shows the
     same time}. */
  Expo.formatTime = function (iso) {
    var date = new Date(iso);
    if (isNaN(date)) return null;
    var body = document.body.dataset;
    var here = clock(date, body.expoTz || "Asia/Hong_Kong");
    var result = { expo: here + " " + (body.hkt || "HKT"), visitor: null };
    if (body.visitorTz) {
      var theirs = clock(date, body.visitorTz);
      if (theirs && theirs !== here) result.visitor = theirs + " " + (body.yourTime || "your time");
    }
    return result;
  };

  /* Fill a <time datetime> element (and the "(... your time)" after it) as expo_time does. */
  Expo.fillTime = function (node) {
    var found = Expo.formatTime(node.getAttribute("datetime"));
    if (!found) return;
    node.textContent = found.expo;
    var next = node.nextElementSibling;
    if (next && next.hasAttribute("data-visitor-time")) next.remove();
    if (found.visitor) {
      var span = document.createElement("span");
      span.className = "muted";
      span.setAttribute("data-visitor-time", "");
      span.textContent = "(" + found.visitor + ")";
      node.after(" ", span);
    }
  };

  /* ---- Toasts ------------------------------------------------------------------------- */
  function isSafeLocalUrl(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" &&
      url.charAt(1) !== "\\";
  }

  /* Show a notification. Text only (textContent), never HTML: titles and bodies may quote
   * what other people wrote. */
  Expo.toast = function (title, body, url) {
    var region = document.getElementById("toasts");
    if (!region) return null;
    var toast = document.createElement("div");
    toast.className = "expo-toast";

    var text = document.createElement("div");
    if (title) {
      var heading = document.createElement("p");
      heading.className = "expo-toast-title";
      heading.textContent = String(title);
      text.appendChild(heading);
    }
    if (body) {
      var para = document.createElement("p");
      para.className = "expo-toast-body";
      para.textContent = String(body);
      text.appendChild(para);
    }
    if (isSafeLocalUrl(url)) {
      var link = document.createElement("a");
      link.href = url;
      link.className = "fw-semibold";
      link.textContent = region.getAttribute("data-label-open") || "Open";
      text.appendChild(link);
    }
    toast.appendChild(text);

    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close";
    close.setAttribute("aria-label", region.getAttribute("data-label-close") || "Dismiss");
    close.addEventListener("click", function () {
      toast.remove();
    });
    toast.appendChild(close);

    region.appendChild(toast);
    while (region.children.length > MAX_TOASTS) region.removeChild(region.firstElementChild);
    return toast;
  };

  /* ---- Sockets ------------------------------------------------------------------------ */
  function socketUrl(path) {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  /* A websocket that reconnects with exponential backoff (1 s .. 30 s, with jitter), pings
   * every 25 s while open, and stops when the server refuses it (4401/4403/4429).
   * handlers: onOpen(socket), onMessage(data), onState(state) where state is
   * "connecting" | "open" | "reconnecting" | "closed". Returns {send(obj), close()}. */
  Expo.connect = function (path, handlers) {
    handlers = handlers || {};
    var socket = null;
    var attempts = 0;
    var pingTimer = null;
    var retryTimer = null;
    var stopped = false;
    var openedAt = 0;

    function setState(state) {
      if (handlers.onState) handlers.onState(state);
    }

    function clearTimers() {
      clearInterval(pingTimer);
      clearTimeout(retryTimer);
      pingTimer = retryTimer = null;
    }

    function open() {
      clearTimers();
      setState(attempts ? "reconnecting" : "connecting");
      try {
        socket = new WebSocket(socketUrl(path));
      } catch (e) {
        return scheduleRetry();
      }
      socket.addEventListener("open", function () {
        openedAt = Date.now();
        setState("open");
        pingTimer = setInterval(function () {
          send({ type: "ping", idle: Expo.idleSeconds() });
        }, PING_MS);
        if (handlers.onOpen) handlers.onOpen(api);
      });
      socket.addEventListener("message", function (event) {
        var data;
        try {
          data = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        if (data && data.type === "pong") return;
        if (handlers.onMessage) handlers.onMessage(data);
      });
      socket.addEventListener("close", function (event) {
        clearInterval(pingTimer);
        pingTimer = null;
        // The backoff starts afresh only after a socket that stayed up: a server that accepts
        // and at once refuses (4503 while Redis or PostgreSQL is down) is retried ever more
        // slowly, so that a thousand clients do not hammer it in step.
        if (openedAt && Date.now() - openedAt > STABLE_MS) attempts = 0;
        openedAt = 0;
        if (stopped || REFUSED[event.code]) {
          stopped = true;
          setState("closed");
          return;
        }
        scheduleRetry();
      });
    }

    function scheduleRetry() {
      if (stopped || retryTimer) return;
      attempts += 1;
      var delay = Math.min(MAX_BACKOFF_MS, 1000 * Math.pow(2, attempts - 1));
      delay = delay / 2 + Math.random() * (delay / 2);
      setState("reconnecting");
      retryTimer = setTimeout(function () {
        retryTimer = null;
        open();
      }, delay);
    }

    function send(obj) {
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify(obj));
        return true;
      }
      return false;
    }

    // Back online or back to the tab: try now rather than wait out the backoff.
    function retryNow() {
      if (!stopped && retryTimer) {
        clearTimeout(retryTimer);
        retryTimer = null;
        open();
      }
    }
    window.addEventListener("online", retryNow);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") retryNow();
    });

    var api = {
      send: send,
      close: function () {
        stopped = true;
        clearTimers();
        if (socket) socket.close(1000);
      },
    };
    open();
    return api;
  };

  /* ---- Activity: staff count as idle, not online, after a while without input -------- */
  var lastInput = Date.now();
  function noteInput() {
    lastInput = Date.now();
  }
  ["pointerdown", "keydown", "wheel", "touchstart", "focus"].forEach(function (name) {
    window.addEventListener(name, noteInput, { passive: true, capture: true });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") noteInput();
  });
  /* Seconds since the last input in this tab, sent with every ping. A page that keeps its
   * person available while merely watching it (the staff console) sets Expo.keepAwake. */
  Expo.idleSeconds = function () {
    if (Expo.keepAwake && document.visibilityState === "visible") return 0;
    return Math.floor((Date.now() - lastInput) / 1000);
  };

  /* ---- 2. Notifications and the live state (static/js/live.js renders the latter) ------ */
  function listenForNotifications() {
    if (document.body.getAttribute("data-user-authenticated") !== "1") return;
    if (!("WebSocket" in window)) return;
    Expo.notifications = Expo.connect("/ws/notifications/", {
      onMessage: function (data) {
        if (data && data.type === "notification") {
          Expo.toast(data.title, data.body, data.url);
        } else if (data && Expo.notificationHandlers[data.type]) {
          Expo.notificationHandlers[data.type](data); // e.g. "call" (call.js)
        } else if (data && Expo.live) {
          Expo.live.handle(data);
        } else if (data) {
          (Expo.liveBacklog = Expo.liveBacklog || []).push(data); // live.js not run yet
        }
      },
    });
  }

  function ready(fn) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  }

  /* ---- 4. Announce results swapped in by htmx ---------------------------------------- */
  /* A results container with data-announce="<selector>" (the hall, job search, the schedule)
   * is not itself a live region (a screen reader would read every card); after each swap the
   * text of the selected summary ("3 booths") goes to the polite #announcer instead. Focus
   * stays where it was: htmx puts it back on the control with the same id. */
  function announceSwaps() {
    document.body.addEventListener("htmx:afterSettle", function (event) {
      var target = event.detail && event.detail.target;
      var selector = target && target.getAttribute && target.getAttribute("data-announce");
      var region = document.getElementById("announcer");
      if (!selector || !region) return;
      var source = target.querySelector(selector) || document.querySelector(selector);
      if (!source) return;
      region.textContent = "";
      setTimeout(function () {
        region.textContent = source.textContent.replace(/\s+/g, " ").trim();
      }, 100);
    });
  }

  rememberTimeZone();
  ready(listenForNotifications);
  ready(announceSwaps);
})();
