/*
 * Live chat in the browser: a booth's live panel (lobby, queue, presence), the staff console
 * and 1:1 conversations. Loaded with defer; no inline JS. Strings come from #chat-strings
 * (rendered with {% translate %}); user content is only ever set with textContent, links are
 * built as <a> elements (http/https only, rel="noopener nofollow ugc").
 *
 * No lost messages: every numbered event carries a per-room id without gaps. The client applies
 * them in order and holds back anything after a gap for up to REORDER_MS (two server processes
 * publish independently, so their events may arrive swapped); only a gap still open then makes
 * it ask the server to replay from the last id it applied (as it does after every reconnect). Messages carry a client id and stay in an outbox until
 * acknowledged, so a resend after a broken connection is stored once. When the server answers
 * a post with {"type": "error", "retry": true} (a dependency is down: "not sent, retrying") the
 * post stays in the outbox and is sent again after a jittered backoff; {"type": "resync"} asks
 * for a replay of a room whose live events the server may have lost.
 *
 * The hall: any element with data-chat-booth-summary="<booth id>" is refreshed every 10 s from
 * /chat/summaries/ (children data-chat-summary-waiting and data-chat-summary-staffed).
 */
(function () {
  "use strict";

  var Expo = window.Expo || {};
  var T = {};
  var TYPING_SHOW_MS = 4000;
  var TYPING_SEND_MS = 2000;
  var SUMMARY_POLL_MS = 10000;
  var RETRY_MAX_MS = 30000;
  var REORDER_MS = 300; // how long an event after a gap waits for the missing one (see Streams)

  function fmt(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
      return (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16);
    });
  }


  /* Text with clickable links, built from text nodes and <a> elements only. */
  function fillLinked(node, text) {
    node.textContent = "";
    var pattern = /https?:\/\/[^\s<>"']+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var url = match[0].replace(/[.,;:!?)\]]+$/, "");
      node.appendChild(document.createTextNode(text.slice(last, match.index)));
      var parsed = null;
      try {
        parsed = new URL(url);
      } catch (e) {
        parsed = null;
      }
      if (parsed && (parsed.protocol === "http:" || parsed.protocol === "https:")) {
        var a = document.createElement("a");
        a.href = parsed.href;
        a.rel = "noopener nofollow ugc";
        a.target = "_blank";
        a.textContent = url;
        node.appendChild(a);
      } else {
        node.appendChild(document.createTextNode(url));
      }
      last = match.index + url.length;
      pattern.lastIndex = last;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  function show(el, visible) {
    if (el) el.hidden = !visible;
  }

  /* ---- Message list ------------------------------------------------------------------- */
  function MessageList(list, opts) {
    this.list = list;
    this.opts = opts;
    this.empty = opts.root.querySelector("[data-chat-empty]");
    var self = this;
    Array.prototype.forEach.call(list.querySelectorAll(".chat-msg"), function (li) {
      self.decorate(li);
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) return;
      var li = button.closest(".chat-msg");
      var id = parseInt(li.getAttribute("data-message-id"), 10);
      var action = button.getAttribute("data-action");
      if (action === "delete") opts.send({ type: "delete", message: id });
      if (action === "report") opts.send({ type: "report", message: id, reason: "" });
      if (action === "mute") {
        opts.send({ type: "mute", user: parseInt(li.getAttribute("data-author-id"), 10), minutes: 15 });
      }
    });
  }

  MessageList.prototype.decorate = function (li) {
    var body = li.querySelector(".chat-body");
    if (body && !body.querySelector("em")) fillLinked(body, body.textContent.trim());
    var time = li.querySelector("time");
    if (time && !time.textContent) window.Expo.fillTime(time);
    var me = this.opts.userId;
    var author = li.getAttribute("data-author-id");
    if (!me || li.querySelector(".chat-actions") || li.classList.contains("chat-msg-deleted")) return;
    var actions = document.createElement("div");
    actions.className = "chat-actions";
    var add = function (action, label) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-link btn-sm p-0 me-2";
      b.setAttribute("data-action", action);
      b.textContent = label;
      actions.appendChild(b);
    };
    if (author !== me) add("report", T.report);
    if (this.opts.canModerate) {
      add("delete", T.delete);
      if (author !== me && this.opts.canMute) add("mute", T.mute);
    }
    if (actions.children.length) li.appendChild(actions);
  };

  MessageList.prototype.render = function (eventId, m) {
    var li = document.createElement("li");
    li.className = "chat-msg" + (m.staff ? " chat-msg-staff" : "") +
      (String(m.author_id) === this.opts.userId ? " chat-msg-mine" : "");
    li.setAttribute("data-message-id", m.id);
    li.setAttribute("data-event-id", eventId);
    li.setAttribute("data-author-id", m.author_id);
    var meta = document.createElement("div");
    meta.className = "chat-meta";
    var author = document.createElement("span");
    author.className = "chat-author";
    author.textContent = m.author;
    meta.appendChild(author);
    if (m.staff) {
      var badge = document.createElement("span");
      badge.className = "badge text-bg-primary ms-1";
      badge.textContent = T.staff;
      meta.appendChild(badge);
    }
    var time = document.createElement("time");
    time.setAttribute("datetime", m.sent_at);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(time);
    window.Expo.fillTime(time);
    li.appendChild(meta);
    var body = document.createElement("div");
    body.className = "chat-body";
    if (m.deleted) {
      var em = document.createElement("em");
      em.textContent = T.deleted;
      body.appendChild(em);
      li.classList.add("chat-msg-deleted");
    } else {
      fillLinked(body, m.body);
    }
    li.appendChild(body);
    this.decorate(li);
    return li;
  };

  MessageList.prototype.add = function (eventId, m, prepend) {
    if (this.list.querySelector('[data-message-id="' + m.id + '"]')) return;
    var li = this.render(eventId, m);
    if (prepend) this.list.insertBefore(li, this.list.firstChild);
    else this.list.appendChild(li);
    show(this.empty, false);
    if (!prepend) this.list.scrollTop = this.list.scrollHeight;
  };

  MessageList.prototype.markDeleted = function (messageId) {
    var li = this.list.querySelector('[data-message-id="' + messageId + '"]');
    if (!li) return;
    var body = li.querySelector(".chat-body");
    body.textContent = "";
    var em = document.createElement("em");
    em.textContent = T.deleted;
    body.appendChild(em);
    li.classList.add("chat-msg-deleted");
    var actions = li.querySelector(".chat-actions");
    if (actions) actions.remove();
  };

  MessageList.prototype.oldestEventId = function () {
    var first = this.list.querySelector(".chat-msg");
    return first ? parseInt(first.getAttribute("data-event-id"), 10) : null;
  };

  /* ---- Ordered, gap-free event streams ------------------------------------------------- */
  function Streams(send) {
    this.send = send;
    this.rooms = {};
  }

  Streams.prototype.add = function (room, lastId, apply) {
    this.rooms[room] = { last: lastId || 0, pending: {}, apply: apply, syncing: false, timer: null };
  };

  Streams.prototype.sync = function (room) {
    var s = this.rooms[room];
    s.syncing = true;
    this.send({ type: "sync", room: room, last_event_id: s.last });
  };

  Streams.prototype.syncAll = function () {
    for (var room in this.rooms) this.sync(room);
  };

  /* Returns true when the event belonged to a numbered stream (handled here). */
  Streams.prototype.handle = function (data) {
    if (data.type === "synced" && this.rooms[data.room]) {
      this.rooms[data.room].syncing = false;
      this.checkGap(data.room); // a replay is capped: ask for the rest if events still wait
      return true;
    }
    var s = data.room && this.rooms[data.room];
    if (!s || typeof data.id !== "number") return false;
    if (data.id <= s.last) return true;
    if (data.id > s.last + 1) {
      // Events published by two server processes may overtake each other on the way: hold
      // this one back for a moment, and ask for a replay only if the gap is still there.
      s.pending[data.id] = data;
      if (!s.syncing && !s.timer) {
        var self = this;
        s.timer = setTimeout(function () {
          s.timer = null;
          self.checkGap(data.room);
        }, REORDER_MS);
      }
      return true;
    }
    s.apply(data);
    s.last = data.id;
    while (s.pending[s.last + 1]) {
      var next = s.pending[s.last + 1];
      delete s.pending[s.last + 1];
      s.apply(next);
      s.last = next.id;
    }
    this.dropApplied(s);
    if (s.timer && !Object.keys(s.pending).length) {
      clearTimeout(s.timer);
      s.timer = null;
    }
    return true;
  };

  Streams.prototype.dropApplied = function (s) {
    for (var id in s.pending) if (parseInt(id, 10) <= s.last) delete s.pending[id];
  };

  Streams.prototype.checkGap = function (room) {
    var s = this.rooms[room];
    this.dropApplied(s);
    if (Object.keys(s.pending).length && !s.syncing) this.sync(room);
  };

  /* ---- A socket with state badge, outbox and streams ---------------------------------- */
  function LiveSocket(root, handlers) {
    var self = this;
    this.root = root;
    this.outbox = {};
    this.retries = {};
    this.waiting = [];
    this.state = root.querySelector("[data-chat-state]");
    this.streams = new Streams(function (frame) {
      return self.send(frame);
    });
    this.handlers = handlers;
    this.conn = Expo.connect(root.getAttribute("data-chat-ws"), {
      onState: function (state) {
        if (handlers.onState) handlers.onState(state);
        if (!self.state) return;
        self.state.textContent = T[state] || state;
        self.state.className = "chat-state badge " +
          (state === "open" ? "text-bg-success" : state === "closed" ? "text-bg-danger" : "text-bg-light");
      },
      onOpen: function () {
        self.streams.syncAll();
        var waiting = self.waiting;
        self.waiting = [];
        waiting.forEach(function (frame) {
          self.send(frame);
        });
        for (var id in self.outbox) self.send(self.outbox[id]);
        if (handlers.onOpen) handlers.onOpen();
      },
      onMessage: function (data) {
        if (data.type === "ack") {
          delete self.outbox[data.client_id];
          delete self.retries[data.client_id];
          return;
        }
        if (data.type === "resync") {
          // The server's channel layer may have lost events: replay this room from the database.
          if (self.streams.rooms[data.room]) self.streams.sync(data.room);
          return;
        }
        if (data.type === "error" && data.ref) {
          // "Not sent, retrying": a dependency of the server is down; the frame stays in the
          // outbox and goes again after a jittered backoff (its client_id makes it idempotent).
          if (data.retry && self.outbox[data.ref]) self.retryLater(data.ref);
          else delete self.outbox[data.ref];
        }
        if (self.streams.handle(data)) return;
        if (handlers.onEvent) handlers.onEvent(data);
      },
    });
  }

  LiveSocket.prototype.retryLater = function (clientId) {
    var self = this;
    var attempts = (this.retries[clientId] || 0) + 1;
    this.retries[clientId] = attempts;
    var delay = Math.min(RETRY_MAX_MS, 1000 * Math.pow(2, attempts - 1));
    setTimeout(function () {
      if (self.outbox[clientId]) self.send(self.outbox[clientId]);
    }, delay / 2 + Math.random() * (delay / 2));
  };

  // Frames that only make sense now (the rest are state the server resends or a sync replaces).
  var TRANSIENT_FRAMES = { ping: true, typing: true, read: true, sync: true, history: true };

  LiveSocket.prototype.send = function (frame) {
    if (this.conn && this.conn.send(frame)) return true;
    // Not connected yet (a click before the socket opened) or reconnecting: an action such as
    // joining the queue waits and goes on open; posts wait in the outbox (client_id) instead.
    if (!TRANSIENT_FRAMES[frame.type] && !frame.client_id && this.waiting.length < 20) {
      this.waiting.push(frame);
    }
    return false;
  };

  LiveSocket.prototype.post = function (type, body) {
    var frame = { type: type, body: body, client_id: uuid() };
    this.outbox[frame.client_id] = frame;
    this.send(frame);
  };

  function showError(root, message) {
    var el = root.querySelector("[data-chat-error], [data-chat-console-error]");
    if (!el) return;
    el.textContent = message;
    el.hidden = false;
    clearTimeout(el._timer);
    el._timer = setTimeout(function () {
      el.hidden = true;
    }, 6000);
  }

  function bindCompose(root, socket, type) {
    var form = root.querySelector("[data-chat-compose]");
    if (!form) return null;
    var area = form.querySelector("textarea");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var body = area.value.trim();
      if (!body) return;
      socket.post(type, body);
      area.value = "";
      area.focus();
    });
    area.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      }
    });
    return area;
  }

  function bindLoadEarlier(root, socket, room, list) {
    var button = root.querySelector("[data-chat-load-earlier]");
    if (!button) return;
    button.addEventListener("click", function () {
      socket.send({ type: "history", room: room, before: list.oldestEventId() });
    });
    return function (data) {
      for (var i = data.messages.length - 1; i >= 0; i--) {
        list.add(data.messages[i].id, data.messages[i].message, true);
      }
      button.hidden = !data.more;
    };
  }

  function lobbyApply(list) {
    return function (data) {
      if (data.type === "message") list.add(data.id, data.message);
      if (data.type === "message.deleted") list.markDeleted(data.message_id);
    };
  }

  // Templates come in pairs where the language has a singular: T.x and T.xOne (for 1).
  function plural(template, count, one) {
    return fmt(count === 1 && one ? one : template, { count: count });
  }

  function updateSummary(root, s) {
    var set = function (sel, text) {
      var el = root.querySelector(sel);
      if (el) el.textContent = text;
    };
    set("[data-chat-staff-online]", plural(T.staffOnline, s.staff_online, T.staffOnlineOne));
    set("[data-chat-staff-names]", s.staff_names && s.staff_names.length ? ": " + s.staff_names.join(", ") : "");
    set("[data-chat-waiting]", plural(T.waiting, s.waiting));
    set("[data-chat-visitors]", plural(T.visitors, s.visitors, T.visitorsOne));
    var dot = root.querySelector("[data-chat-dot]");
    if (dot) dot.classList.toggle("chat-dot-on", s.staff_online > 0);
    show(root.querySelector("[data-chat-leave-message]"), s.staff_online === 0);
  }

  /* ---- Booth live panel --------------------------------------------------------------- */
  function initBoothPanel(root) {
    var room = root.getAttribute("data-chat-lobby");
    var entry = parseInt(root.getAttribute("data-queue-entry"), 10) || null;
    var summary = null;
    var socket;
    var list = new MessageList(root.querySelector("[data-chat-messages]"), {
      root: root,
      userId: root.getAttribute("data-user-id"),
      canModerate: root.getAttribute("data-can-moderate") === "1",
      canMute: true,
      send: function (f) {
        socket.send(f);
      },
    });
    var join = root.querySelector("[data-chat-queue-join]");
    var status = root.querySelector("[data-chat-queue-status]");

    /* When the control that has the keyboard focus is hidden (joining hides "Talk to a
     * recruiter", leaving or being accepted hides "Leave the queue"), hand the focus to the
     * control that replaces it rather than dropping it on <body>. Nothing else moves focus:
     * news arrives through the role=status / role=alert regions. */
    function keepFocus(active, hiding) {
      if (!active || !hiding || !hiding.contains(active) || !hiding.hidden) return;
      var accepted = root.querySelector("[data-chat-accepted]");
      var candidates = [
        accepted && !accepted.hidden ? root.querySelector("[data-chat-accepted-link]") : null,
        entry ? root.querySelector("[data-chat-queue-leave]") : join,
      ];
      for (var i = 0; i < candidates.length; i++) {
        if (candidates[i] && candidates[i].offsetParent !== null) {
          candidates[i].focus();
          return;
        }
      }
    }

    function renderQueue() {
      var active = document.activeElement;
      show(join, !entry);
      show(status, !!entry);
      keepFocus(active, entry ? join : status);
      if (!entry || !summary || !status) return;
      var position = summary.order.indexOf(entry) + 1;
      var pos = root.querySelector("[data-chat-position]");
      var wait = root.querySelector("[data-chat-wait]");
      if (position > 0) {
        pos.textContent = fmt(T.position, { position: position });
        wait.textContent = fmt(T.wait, { minutes: Math.max(1, Math.ceil(position * summary.minutes_per_person)) });
      }
    }

    socket = new LiveSocket(root, {
      onEvent: function (data) {
        if (data.type === "hello" || data.type === "summary") {
          summary = data;
          if (data.type === "hello") entry = data.queue_entry;
          updateSummary(root, data);
          renderQueue();
        } else if (data.type === "queue.joined") {
          entry = data.entry;
          if (data.summary) {
            summary = data.summary;
            updateSummary(root, summary);
          }
          renderQueue();
        } else if (data.type === "queue.left") {
          entry = null;
          renderQueue();
        } else if (data.type === "queue.accepted") {
          entry = null;
          var box = root.querySelector("[data-chat-accepted]");
          var link = root.querySelector("[data-chat-accepted-link]");
          if (link) link.href = data.url;
          show(box, true);
          renderQueue();
        } else if (data.type === "message_left") {
          var note = root.querySelector("[data-chat-left-note]");
          if (note) {
            note.textContent = T.messageLeft;
            note.hidden = false;
          }
        } else if (data.type === "history" && loadEarlier) {
          loadEarlier(data);
        } else if (data.type === "reported") {
          Expo.toast(T.reported);
        } else if (data.type === "muted") {
          Expo.toast(T.muted);
        } else if (data.type === "error") {
          showError(root, data.message);
        }
      },
    });
    socket.streams.add(room, parseInt(root.getAttribute("data-last-event-id"), 10), lobbyApply(list));
    var loadEarlier = bindLoadEarlier(root, socket, room, list);
    bindCompose(root, socket, "post");
    if (join) {
      join.addEventListener("click", function () {
        socket.send({ type: "queue.join" });
        // The moment a browser notification makes sense: "tell me when it is my turn".
        if (Expo.askToNotify) Expo.askToNotify();
      });
    }
    var leave = root.querySelector("[data-chat-queue-leave]");
    if (leave) {
      leave.addEventListener("click", function () {
        socket.send({ type: "queue.leave" });
      });
    }
    var leaveForm = root.querySelector("[data-chat-leave-message]");
    if (leaveForm) {
      leaveForm.addEventListener("submit", function (event) {
        event.preventDefault();
        var area = leaveForm.querySelector("textarea");
        if (!area.value.trim()) return;
        socket.post("leave_message", area.value.trim());
        area.value = "";
        leaveForm.hidden = true;
      });
    }
  }

  /* ---- The console's conversations as tabs ---------------------------------------------
   * One tab per open conversation (WAI-ARIA tabs: arrows, Home and End move between them;
   * Alt+Down/Up and Alt+1..9 work from anywhere on the page). A panel is fetched from
   * /chat/<id>/panel/ (server-rendered, our own template) when first shown and then runs as a
   * conversation with its own socket; a hidden tab counts what arrives as unread. */
  function ConsoleTabs(section) {
    var self = this;
    this.section = section;
    this.list = section.querySelector("[data-chat-tablist]");
    this.panels = section.querySelector("[data-chat-panels]");
    this.list.addEventListener("click", function (event) {
      var tab = event.target.closest("[data-chat-tab]");
      if (tab) self.show(tab.getAttribute("data-chat-tab"), true);
    });
    this.list.addEventListener("keydown", function (event) {
      var moves = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (moves[event.key]) self.step(moves[event.key], true);
      else if (event.key === "Home") self.showAt(0, true);
      else if (event.key === "End") self.showAt(self.tabs().length - 1, true);
      else return;
      event.preventDefault();
    });
    document.addEventListener("keydown", function (event) {
      if (!event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "ArrowDown" || event.key === "PageDown") self.step(1, true);
      else if (event.key === "ArrowUp" || event.key === "PageUp") self.step(-1, true);
      else if (/^Digit[1-9]$/.test(event.code)) self.showAt(parseInt(event.code.slice(5), 10) - 1, true);
      else return;
      event.preventDefault();
    });
    var active = this.list.querySelector('[aria-selected="true"]');
    if (active) this.show(active.getAttribute("data-chat-tab"), false);
  }

  ConsoleTabs.prototype.tabs = function () {
    return Array.prototype.slice.call(this.list.querySelectorAll("[data-chat-tab]"));
  };

  ConsoleTabs.prototype.current = function () {
    return this.list.querySelector('[aria-selected="true"]');
  };

  ConsoleTabs.prototype.step = function (by, focus) {
    var tabs = this.tabs();
    if (!tabs.length) return;
    var index = tabs.indexOf(this.current());
    this.showAt((index + by + tabs.length) % tabs.length, focus);
  };

  ConsoleTabs.prototype.showAt = function (index, focus) {
    var tab = this.tabs()[index];
    if (tab) this.show(tab.getAttribute("data-chat-tab"), focus);
  };

  ConsoleTabs.prototype.panel = function (id) {
    return this.panels.querySelector('[data-chat-tabpanel="' + id + '"]');
  };

  ConsoleTabs.prototype.show = function (id, focus) {
    var self = this;
    this.tabs().forEach(function (tab) {
      var on = tab.getAttribute("data-chat-tab") === String(id);
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      if (on && focus) tab.focus();
      self.panel(tab.getAttribute("data-chat-tab")).hidden = !on;
      if (on) {
        var badge = tab.querySelector("[data-unread]");
        badge.textContent = "0";
        badge.hidden = true;
      }
    });
    var panel = this.panel(id);
    if (!panel) return;
    if (window.history && history.replaceState) {
      history.replaceState(null, "", window.location.pathname + "?open=" + encodeURIComponent(id));
    }
    if (panel.getAttribute("data-loaded") === "1") {
      var conv = panel.querySelector("[data-chat-conversation]");
      if (conv) conv.dispatchEvent(new CustomEvent("chat:shown"));
      return;
    }
    this.load(id);
  };

  ConsoleTabs.prototype.load = function (id) {
    var panel = this.panel(id);
    var tab = this.list.querySelector('[data-chat-tab="' + id + '"]');
    panel.setAttribute("data-loaded", "1");
    fetch(tab.getAttribute("data-panel-url"), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        // Our own server-rendered template (user content escaped by Django), same origin.
        panel.innerHTML = html;
        var conv = panel.querySelector("[data-chat-conversation]");
        if (conv) {
          initConversation(conv);
          if (Expo.calls && Expo.calls.attach) Expo.calls.attach(conv); // its call panel
        }
      })
      .catch(function () {
        panel.setAttribute("data-loaded", "0");
        var loading = panel.querySelector("[data-chat-panel-loading]");
        if (loading) loading.textContent = T.panelFailed;
      });
  };

  /* A conversation just taken or picked up: a new tab, shown at once. */
  ConsoleTabs.prototype.open = function (id, name, url) {
    id = String(parseInt(id, 10));
    if (!this.list.querySelector('[data-chat-tab="' + id + '"]')) {
      var tab = document.createElement("button");
      tab.type = "button";
      tab.className = "chat-tab";
      tab.id = "tab-" + id;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", "tabpanel-" + id);
      tab.setAttribute("aria-selected", "false");
      tab.tabIndex = -1;
      tab.setAttribute("data-chat-tab", id);
      tab.setAttribute("data-conversation", id);
      tab.setAttribute("data-panel-url", url);
      var label = document.createElement("span");
      label.className = "chat-tab-name";
      label.textContent = name;
      tab.appendChild(label);
      var badge = document.createElement("span");
      badge.className = "badge rounded-pill text-bg-danger";
      badge.setAttribute("data-unread", "");
      badge.hidden = true;
      badge.textContent = "0";
      tab.appendChild(document.createTextNode(" "));
      tab.appendChild(badge);
      this.list.appendChild(tab);
      var panel = document.createElement("div");
      panel.className = "chat-tabpanel";
      panel.id = "tabpanel-" + id;
      panel.tabIndex = -1;
      panel.hidden = true;
      panel.setAttribute("role", "tabpanel");
      panel.setAttribute("aria-labelledby", "tab-" + id);
      panel.setAttribute("data-chat-tabpanel", id);
      this.panels.appendChild(panel);
      var none = this.section.querySelector("[data-chat-none]");
      if (none) none.hidden = true;
    }
    this.show(id, true);
  };

  /* A message from the talent: count it unless its tab is in front. Returns false for a
   * conversation that has no tab here. */
  ConsoleTabs.prototype.activity = function (id) {
    var tab = this.list.querySelector('[data-chat-tab="' + parseInt(id, 10) + '"]');
    if (!tab) return false;
    if (tab.getAttribute("aria-selected") === "true" && document.visibilityState === "visible") return true;
    var badge = tab.querySelector("[data-unread]");
    badge.textContent = String((parseInt(badge.textContent, 10) || 0) + 1);
    badge.hidden = false;
    return true;
  };

  /* ---- Staff console ------------------------------------------------------------------- */
  function initConsole(root) {
    var lobby = root.getAttribute("data-chat-lobby");
    var staffRoom = root.getAttribute("data-chat-staff-room");
    var tabsSection = document.querySelector("[data-chat-tabs]");
    var tabs = tabsSection ? new ConsoleTabs(tabsSection) : null;
    if (tabs) {
      // A call ringing in a tab behind another (call.js's notice) brings that tab to the front.
      Expo.revealConversation = function (id) {
        id = String(parseInt(id, 10));
        if (tabs.panel(id)) tabs.show(id, true);
      };
    }
    var socket;
    // Watching the console is being available: staff here stay online without typing.
    Expo.keepAwake = true;
    var list = new MessageList(root.querySelector("[data-chat-messages]"), {
      root: root,
      userId: root.getAttribute("data-user-id"),
      canModerate: true,
      canMute: true,
      send: function (f) {
        socket.send(f);
      },
    });
    var queueList = root.querySelector("[data-chat-queue-list]");
    var leftList = root.querySelector("[data-chat-left-list]");

    function item(name, extra, buttonLabel, attr, value) {
      var li = document.createElement("li");
      li.className = "chat-queue-item";
      var span = document.createElement("span");
      var strong = document.createElement("strong");
      strong.textContent = name;
      span.appendChild(strong);
      if (extra) span.appendChild(document.createTextNode(" · " + extra));
      li.appendChild(span);
      var b = document.createElement("button");
      b.type = "button";
      b.className = "btn btn-outline-primary btn-sm";
      b.setAttribute(attr, value);
      b.textContent = buttonLabel;
      li.appendChild(b);
      return li;
    }

    function emptyItem(text) {
      var li = document.createElement("li");
      li.className = "text-body-secondary small";
      li.textContent = text;
      return li;
    }

    function renderQueue(data) {
      queueList.textContent = "";
      data.waiting.forEach(function (w) {
        queueList.appendChild(item(w.name, w.headline, T.take, "data-chat-take", w.entry));
      });
      if (!data.waiting.length) queueList.appendChild(emptyItem(T.nobodyWaiting));
      leftList.textContent = "";
      data.messages_left.forEach(function (m) {
        leftList.appendChild(item(m.name, "", T.openConversation, "data-chat-pick-up", m.conversation));
      });
      if (!data.messages_left.length) leftList.appendChild(emptyItem(T.noMessagesLeft));
    }

    root.addEventListener("click", function (event) {
      var take = event.target.closest("[data-chat-take]");
      var next = event.target.closest("[data-chat-take-next]");
      var pick = event.target.closest("[data-chat-pick-up]");
      if (take) socket.send({ type: "take", entry: parseInt(take.getAttribute("data-chat-take"), 10) });
      if (next) socket.send({ type: "take" });
      if (pick) socket.send({ type: "pick_up", conversation: parseInt(pick.getAttribute("data-chat-pick-up"), 10) });
    });

    socket = new LiveSocket(root, {
      onEvent: function (data) {
        if (data.type === "hello" || data.type === "summary") {
          updateSummary(root, data);
        } else if (data.type === "taken") {
          if (tabs) tabs.open(data.conversation, data.name, data.panel_url);
          else window.location.href = data.url;
        } else if (data.type === "conversation.activity") {
          if (!tabs || !tabs.activity(data.conversation)) {
            Expo.toast(T.newActivity, "", "/chat/" + parseInt(data.conversation, 10) + "/");
          }
        } else if (data.type === "history" && loadEarlier) {
          loadEarlier(data);
        } else if (data.type === "muted") {
          Expo.toast(T.muted);
        } else if (data.type === "error") {
          showError(root, data.message);
        }
      },
    });
    socket.streams.add(lobby, parseInt(root.getAttribute("data-last-event-id"), 10), lobbyApply(list));
    socket.streams.add(staffRoom, parseInt(root.getAttribute("data-staff-last-event-id"), 10), renderQueue);
    // Queue events are snapshots: a newer one supersedes whatever was missed in between.
    var staff = socket.streams.rooms[staffRoom];
    staff.apply = function (data) {
      renderQueue(data);
      staff.last = data.id - 1;
    };
    var loadEarlier = bindLoadEarlier(root, socket, lobby, list);
    bindCompose(root, socket, "post");
  }

  /* ---- 1:1 conversation ---------------------------------------------------------------- */
  function initConversation(root) {
    var room = root.getAttribute("data-chat-room");
    var me = root.getAttribute("data-user-id");
    var otherRead = parseInt(root.getAttribute("data-other-read"), 10) || 0;
    var typingEl = root.querySelector("[data-chat-typing]");
    var receipt = root.querySelector("[data-chat-receipt]");
    var typingTimer = null;
    var lastTypingSent = 0;
    var lastSeen = 0;
    var socket;
    var list = new MessageList(root.querySelector("[data-chat-messages]"), {
      root: root,
      userId: me,
      canModerate: root.getAttribute("data-can-moderate") === "1",
      canMute: false,
      send: function (f) {
        socket.send(f);
      },
    });

    function lastOwnEventId() {
      var mine = list.list.querySelectorAll(".chat-msg-mine");
      return mine.length ? parseInt(mine[mine.length - 1].getAttribute("data-event-id"), 10) : 0;
    }

    function renderReceipt() {
      var own = lastOwnEventId();
      if (!receipt) return;
      receipt.textContent = own ? (otherRead >= own ? T.read : T.sent) : "";
    }

    function markRead() {
      var items = list.list.querySelectorAll(".chat-msg:not(.chat-msg-mine)");
      if (!items.length || document.visibilityState !== "visible") return;
      if (root.closest("[hidden]")) return; // a console tab that is not in front
      var id = parseInt(items[items.length - 1].getAttribute("data-event-id"), 10);
      if (id > lastSeen) {
        lastSeen = id;
        socket.send({ type: "read", up_to: id });
      }
    }

    /* The recruiter called the talent from the queue: a countdown until they open the
     * conversation; when it runs out the server is asked to settle it (skip if unanswered). */
    var callingEl = root.querySelector("[data-chat-calling]");
    var callingTimer = null;
    var clockOffset = 0;
    function showCalling(until) {
      if (!callingEl) return;
      clearInterval(callingTimer);
      callingTimer = null;
      if (!until) {
        callingEl.hidden = true;
        return;
      }
      var name = callingEl.getAttribute("data-talent-name");
      var checked = false;
      function draw() {
        var left = Math.max(0, Math.round((Date.parse(until) - Date.now() - clockOffset) / 1000));
        callingEl.textContent = fmt(T.calling, {
          name: name, time: Math.floor(left / 60) + ":" + (left % 60 < 10 ? "0" : "") + (left % 60),
        });
        if (left <= 0 && !checked) {
          checked = true;
          clearInterval(callingTimer);
          socket.send({ type: "queue.check" });
        }
      }
      callingEl.hidden = false;
      draw();
      callingTimer = setInterval(draw, 1000);
    }

    function applyState(data) {
      if (data.calling_until && data.status === "open") showCalling(data.calling_until);
      if (data.status === "closed") showCalling(null);
      var line = root.querySelector("[data-chat-status-line]");
      if (line && data.recruiter) line.textContent = data.recruiter;
      var closed = data.status === "closed";
      show(root.querySelector("[data-chat-compose]"), data.status === "open");
      var card = root.querySelector("[data-chat-outcome]");
      if (card && closed) {
        card.querySelector("[data-chat-outcome-label]").textContent = data.outcome_label || T.closedOutcome;
        card.querySelector("[data-chat-outcome-note]").textContent = data.outcome_note || "";
        var job = card.querySelector("[data-chat-outcome-job]");
        job.textContent = "";
        if (data.outcome_job_title) {
          if (data.outcome_job_url && data.outcome_job_url.charAt(0) === "/") {
            var a = document.createElement("a");
            a.href = data.outcome_job_url;
            a.textContent = data.outcome_job_title;
            job.appendChild(a);
          } else {
            job.textContent = data.outcome_job_title;
          }
        }
        card.hidden = false;
      }
    }

    /* Other scripts of the page (call.js) follow the conversation through DOM events on its
     * root: "chat:event" (every event, numbered ones in order), "chat:open" (after every
     * (re)connect) and "chat:state"; they send frames with root.chatSend(frame). */
    function announce(data) {
      root.dispatchEvent(new CustomEvent("chat:event", { detail: data }));
    }
    root.chatSend = function (frame) {
      return socket.send(frame);
    };

    socket = new LiveSocket(root, {
      onOpen: function () {
        markRead();
        root.dispatchEvent(new CustomEvent("chat:open"));
      },
      onState: function (state) {
        root.dispatchEvent(new CustomEvent("chat:state", { detail: state }));
      },
      onEvent: function (data) {
        announce(data);
        if (data.type === "error" && data.ref === "call") return; // shown by the call panel
        if (data.type === "typing" && String(data.user_id) !== me) {
          typingEl.textContent = fmt(T.typing, { name: data.name });
          clearTimeout(typingTimer);
          typingTimer = setTimeout(function () {
            typingEl.textContent = "";
          }, TYPING_SHOW_MS);
        } else if (data.type === "read" && String(data.by) !== me) {
          otherRead = Math.max(otherRead, data.up_to);
          renderReceipt();
        } else if (data.type === "hello") {
          otherRead = Math.max(otherRead, String(data.talent_id) === me ? data.staff_read : data.talent_read);
          renderReceipt();
          if (data.now) clockOffset = Date.parse(data.now) - Date.now();
          showCalling(data.calling_until);
        } else if (data.type === "answered" && callingEl) {
          showCalling(null);
          callingEl.textContent = fmt(T.answered, { name: callingEl.getAttribute("data-talent-name") });
          callingEl.hidden = false;
        } else if (data.type === "error") {
          showError(root, data.message);
        } else if (data.type === "reported") {
          Expo.toast(T.reported);
        }
      },
    });
    socket.streams.add(room, parseInt(root.getAttribute("data-last-event-id"), 10), function (data) {
      if (data.type === "message") {
        list.add(data.id, data.message);
        if (String(data.message.author_id) !== me) {
          typingEl.textContent = "";
          markRead();
        }
        renderReceipt();
      } else if (data.type === "message.deleted") {
        list.markDeleted(data.message_id);
      } else if (data.type === "conversation") {
        applyState(data);
      }
      announce(data);
    });
    var area = bindCompose(root, socket, "post");
    if (area) {
      area.addEventListener("input", function () {
        var now = Date.now();
        if (now - lastTypingSent > TYPING_SEND_MS) {
          lastTypingSent = now;
          socket.send({ type: "typing" });
        }
      });
    }
    document.addEventListener("visibilitychange", markRead);
    root.addEventListener("chat:shown", function () {
      list.list.scrollTop = list.list.scrollHeight;
      markRead();
    });
    list.list.scrollTop = list.list.scrollHeight;
    renderReceipt();
  }

  /* ---- The hall: poll a small JSON of queue lengths and staffed states ----------------- */
  function pollSummaries() {
    var nodes = document.querySelectorAll("[data-chat-booth-summary]");
    if (!nodes.length) return;
    var ids = Array.prototype.map.call(nodes, function (n) {
      return "booth=" + encodeURIComponent(n.getAttribute("data-chat-booth-summary"));
    });
    function refresh() {
      if (document.visibilityState !== "visible") return;
      fetch("/chat/summaries/?" + ids.join("&"), { credentials: "same-origin" })
        .then(function (r) {
          return r.ok ? r.json() : {};
        })
        .then(function (data) {
          Array.prototype.forEach.call(nodes, function (n) {
            var s = data[n.getAttribute("data-chat-booth-summary")];
            if (!s) return;
            var w = n.querySelector("[data-chat-summary-waiting]");
            if (w) w.textContent = plural(T.waiting, s.waiting);
            var st = n.querySelector("[data-chat-summary-staffed]");
            if (st) st.textContent = plural(T.staffOnline, s.staff_online, T.staffOnlineOne);
            n.classList.toggle("chat-staffed", s.staff_online > 0);
          });
        })
        .catch(function () {});
    }
    setInterval(refresh, SUMMARY_POLL_MS);
  }

  function readStrings() {
    var el = document.getElementById("chat-strings");
    if (!el) return;
    var d = el.dataset;
    T = {
      staff: d.staff, deleted: d.deleted, connecting: d.connecting, open: d.open,
      reconnecting: d.reconnecting, closed: d.closed, position: d.position, wait: d.wait,
      waiting: d.waiting, staffOnline: d.staffOnline, staffOnlineOne: d.staffOnlineOne,
      visitors: d.visitors, visitorsOne: d.visitorsOne, typing: d.typing,
      read: d.read, sent: d.sent, report: d.report, reported: d.reported, delete: d.delete,
      mute: d.mute, muted: d.muted, take: d.take, openConversation: d.openConversation,
      newActivity: d.newActivity, nobodyWaiting: d.nobodyWaiting, noMessagesLeft: d.noMessagesLeft,
      messageLeft: d.messageLeft, closedOutcome: d.closedOutcome, calling: d.calling,
      answered: d.answered, panelFailed: d.panelFailed,
    };
  }

  function init() {
    readStrings();
    if (Expo.connect && "WebSocket" in window) {
      document.querySelectorAll("[data-chat-booth]").forEach(initBoothPanel);
      document.querySelectorAll("[data-chat-console]").forEach(initConsole);
      document.querySelectorAll("[data-chat-conversation]").forEach(initConversation);
    }
    pollSummaries();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
