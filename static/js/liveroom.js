/*
 * The live room of a session (templates/expo/schedule/live.html): the stage (slides follow the
 * host), Q&A sorted by votes, reactions, the attendee count and the connection state.
 *
 * One socket, /ws/sessions/<pk>/, through Expo.connect (reconnects with backoff). Each numbered
 * event carries an id: a duplicate (id already seen) is ignored; a gap (an id skipped) asks the
 * server for the missed events ({"type": "sync"}). A reconnect receives the whole state again.
 * User text is only ever set with textContent. Labels come from data-label-* attributes, which
 * the template renders translated.
 */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  ready(function () {
    var root = document.getElementById("liveroom");
    if (!root || !window.Expo || !window.Expo.connect) return;

    var path = root.getAttribute("data-socket");
    var room = "live." + path.split("/").filter(Boolean).pop();
    var isHost = root.getAttribute("data-host") === "1";
    var label = function (name, values) {
      var text = root.getAttribute("data-label-" + name) || "";
      Object.keys(values || {}).forEach(function (key) {
        text = text.replace("%(" + key + ")s", values[key]);
      });
      return text;
    };
    var $ = function (id) {
      return document.getElementById(id);
    };

    var lastId = null;
    var status = "waiting";
    var slide = { index: 0, url: null };
    var slideCount = $("slide-urls").children.length;
    var questions = {};
    var voted = {};
    var socket = null;

    /* ---- Stage ------------------------------------------------------------------------ */
    function showStatus() {
      var pill = $("stage-status");
      pill.textContent = label(status);
      pill.classList.toggle("is-live", status === "live");
      pill.classList.toggle("is-ended", status === "ended");
      // The host's controls follow the stage: "Go live" until it is live, then the slides and
      // "End"; nothing once it has ended.
      var show = { go_live: status === "waiting", prev: status === "live", next: status === "live",
                   end: status === "live" };
      Object.keys(show).forEach(function (action) {
        var control = root.querySelector('[data-action="' + action + '"]');
        if (control) control.hidden = !show[action];
      });
    }

    function showSlide(announce) {
      var image = $("slide-image");
      var url = slide.url;
      if (!url) {
        var item = $("slide-urls").children[slide.index];
        url = item ? item.getAttribute("data-url") : null;
      }
      if (url) {
        image.src = url;
        image.alt = label("slide", { n: slide.index + 1, total: slideCount });
        image.hidden = false;
        $("slide-empty").hidden = true;
      }
      $("slide-status").textContent = slideCount
        ? label("slide", { n: slide.index + 1, total: slideCount })
        : label("no-slides");
      $("slide-status").setAttribute("data-slide", String(slide.index + 1));
      if (announce) $("live-announcer").textContent = label("slide-changed") + " " +
        label("slide", { n: slide.index + 1, total: slideCount });
    }

    /* ---- Q&A ---------------------------------------------------------------------------- */
    function button(text, className, handler) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = className;
      b.textContent = text;
      b.addEventListener("click", handler);
      return b;
    }

    function qa(name, element) {
      element.setAttribute("data-qa", name);
      return element;
    }

    function renderQuestion(q) {
      var li = document.createElement("li");
      li.className = "question is-" + q.status;
      li.setAttribute("data-question", String(q.id));
      var body = document.createElement("p");
      body.className = "question-body mb-1";
      body.textContent = q.body || "";
      li.appendChild(body);
      var meta = document.createElement("p");
      meta.className = "question-meta small muted mb-1";
      meta.textContent = (q.author || "") + " · " +
        label(q.votes === 1 ? "votes-one" : "votes", { n: q.votes });
      li.appendChild(meta);
      var actions = document.createElement("div");
      actions.className = "d-flex flex-wrap gap-1 align-items-center";
      if (q.status === "answered" || q.status === "hidden") {
        var badge = document.createElement("span");
        badge.className = "badge " + (q.status === "answered" ? "text-bg-success" : "text-bg-secondary");
        badge.textContent = label(q.status);
        actions.appendChild(badge);
      }
      if (q.status === "open") {
        var mine = voted[q.id] || q.voted;
        var up = button(mine ? label("voted") : label("upvote"), "btn btn-sm btn-outline-primary", function () {
          if (!voted[q.id]) send({ type: "upvote", question: q.id });
        });
        // aria-disabled rather than disabled: a keyboard user who just voted keeps the focus.
        if (mine) up.setAttribute("aria-disabled", "true");
        up.setAttribute("aria-pressed", mine ? "true" : "false");
        up.setAttribute("data-qa", "upvote");
        actions.appendChild(up);
      }
      if (isHost) {
        if (q.status !== "answered") {
          actions.appendChild(qa("answer", button(label("mark-answered"), "btn btn-sm btn-success", function () {
            send({ type: "answer", question: q.id });
          })));
        }
        if (q.status !== "hidden") {
          actions.appendChild(qa("hide", button(label("hide"), "btn btn-sm btn-outline-secondary", function () {
            send({ type: "hide", question: q.id });
          })));
        } else {
          actions.appendChild(qa("hide", button(label("reopen"), "btn btn-sm btn-outline-secondary", function () {
            send({ type: "reopen", question: q.id });
          })));
        }
      }
      li.appendChild(actions);
      return li;
    }

    /* The list is rebuilt on every change: put the keyboard focus back on the same control of
     * the same question (or the question itself) so Q&A stays usable from the keyboard. */
    function focusedQuestionControl(list) {
      var active = document.activeElement;
      if (!active || !list.contains(active)) return null;
      var item = active.closest("[data-question]");
      return item ? { question: item.getAttribute("data-question"), qa: active.getAttribute("data-qa") } : null;
    }

    function restoreFocus(list, focus) {
      if (!focus) return;
      var item = list.querySelector('[data-question="' + focus.question + '"]');
      if (!item) return;
      var target = (focus.qa && item.querySelector('[data-qa="' + focus.qa + '"]')) || item.querySelector("button");
      if (!target) {
        item.setAttribute("tabindex", "-1");
        target = item;
      }
      target.focus();
    }

    function renderQuestions() {
      var list = $("questions");
      var focus = focusedQuestionControl(list);
      var items = Object.keys(questions).map(function (k) {
        return questions[k];
      });
      items.sort(function (a, b) {
        var answeredA = a.status === "answered" ? 1 : 0;
        var answeredB = b.status === "answered" ? 1 : 0;
        return answeredA - answeredB || b.votes - a.votes || a.id - b.id;
      });
      list.textContent = "";
      items.forEach(function (q) {
        list.appendChild(renderQuestion(q));
      });
      restoreFocus(list, focus);
      $("questions-empty").hidden = items.length > 0;
    }

    function applyQuestion(q, announce) {
      var known = questions[q.id];
      if (q.status === "hidden" && !isHost) {
        delete questions[q.id];
      } else {
        questions[q.id] = Object.assign({}, known || {}, q);
        if (!known && announce && q.body) $("live-announcer").textContent = label("new-question") + " " + q.body;
      }
      renderQuestions();
    }

    /* ---- Events ------------------------------------------------------------------------- */
    function applyState(state) {
      status = state.status;
      slide = state.slide || slide;
      if (typeof state.slide_count === "number") slideCount = state.slide_count;
      $("attendee-count").textContent = String(state.count);
      if (state.questions) {
        questions = {};
        state.questions.forEach(function (q) {
          questions[q.id] = q;
          if (q.voted) voted[q.id] = true;
        });
      }
      lastId = state.id;
      showStatus();
      showSlide(false);
      renderQuestions();
    }

    function applyEvent(event) {
      if (event.type === "status") {
        status = event.status;
        showStatus();
      } else if (event.type === "slide") {
        slide = event.slide;
        if (typeof event.slide_count === "number") slideCount = event.slide_count;
        showSlide(true);
      } else if (event.type === "question") {
        applyQuestion(event.question, true);
      }
    }

    function onMessage(data) {
      if (!data || typeof data.type !== "string") return;
      // The video (liveroom-media.js) follows the same stream: state, status, media events.
      root.dispatchEvent(new CustomEvent("liveroom:message", { detail: data }));
      if (data.type === "state") return applyState(data);
      if (data.type === "count") {
        $("attendee-count").textContent = String(data.count);
        return;
      }
      if (data.type === "reaction") return burst(data.reaction);
      if (data.type === "voted") {
        voted[data.question] = true;
        return renderQuestions();
      }
      if (data.type === "error") return showError(data.message);
      if (typeof data.id !== "number") return;
      if (lastId !== null && data.id <= lastId) return; // seen already
      if (lastId !== null && data.id > lastId + 1) {
        send({ type: "sync", room: room, last_event_id: lastId }); // missed some: ask again
        return;
      }
      lastId = data.id;
      applyEvent(data);
    }

    /* ---- Reactions ---------------------------------------------------------------------- */
    var EMOJI = { clap: "👏", heart: "❤️", party: "🎉", idea: "💡", laugh: "😂" };
    function burst(reaction) {
      var area = $("reaction-burst");
      if (!EMOJI[reaction] || !area) return;
      var span = document.createElement("span");
      span.className = "reaction-float";
      span.textContent = EMOJI[reaction];
      area.appendChild(span);
      setTimeout(function () {
        span.remove();
      }, 2000);
      while (area.children.length > 20) area.removeChild(area.firstElementChild);
    }

    /* ---- Sending ------------------------------------------------------------------------ */
    function send(frame) {
      return socket ? socket.send(frame) : false;
    }

    function showError(message) {
      var error = $("ask-error");
      error.textContent = message || "";
      error.hidden = !message;
    }

    $("ask-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var field = $("ask-body");
      var body = field.value.trim();
      if (!body) return;
      showError("");
      if (send({ type: "ask", body: body })) field.value = "";
    });

    root.querySelectorAll("[data-reaction]").forEach(function (b) {
      b.addEventListener("click", function () {
        send({ type: "react", reaction: b.getAttribute("data-reaction") });
      });
    });

    root.querySelectorAll("[data-action]").forEach(function (b) {
      b.addEventListener("click", function () {
        var action = b.getAttribute("data-action");
        if (action === "next" || action === "prev") {
          var index = slide.index + (action === "next" ? 1 : -1);
          if (index < 0 || index >= slideCount) return;
          send({ type: "slide", index: index });
        } else {
          send({ type: action });
        }
      });
    });

    root.liveroomSend = send; // for liveroom-media.js
    socket = window.Expo.connect(path, {
      onMessage: onMessage,
      onState: function (state) {
        var labels = { connecting: "connecting", open: "connected", reconnecting: "reconnecting", closed: "closed" };
        $("connection-state").textContent = label(labels[state] || state);
        root.setAttribute("data-connection", state);
      },
    });
  });
})();
