/*
 * 1:1 video and voice calls (chat/calls): the call panel of a conversation, and on every page
 * the ringing notice of an incoming call. Loaded with defer; no inline JS; strings come from
 * #call-strings (rendered with {% translate %}); names are only ever set with textContent.
 *
 * WebRTC peer to peer. Signalling travels over the conversation's socket (chat.js gives
 * root.chatSend(frame) and the DOM events "chat:event", "chat:open", "chat:state"); the server
 * checks and relays it to the other side and stores none of it. ICE servers (our TURN server,
 * with short-lived credentials) come from the server in "call.config", only to the two sides.
 *
 * Roles: the caller makes every offer (the first, each ICE restart, a fresh one after a page
 * of either side came back); the callee answers and asks the caller for a restart when its side
 * fails. Both sides send on one audio and one video transceiver made at the start, so muting,
 * the camera, switching devices and sharing the screen replace a sender's track and never
 * renegotiate; a voice call can turn its camera on later.
 *
 * Expo.calls.active() is the call in progress on this page: {id, pc, summary()} where summary()
 * resolves to decoded video frames, received audio packets and the candidate types in use
 * (diagnostics, and what the browser tests read).
 */
(function () {
  "use strict";

  var Expo = (window.Expo = window.Expo || {});
  Expo.notificationHandlers = Expo.notificationHandlers || {};
  var T = {};
  var STATS_MS = 2000;
  var DISCONNECTED_GRACE_MS = 4000;
  var MAX_RESTART_DELAY_MS = 15000;
  var current = null; // the Call this page holds
  var panels = {}; // conversation id -> its Panel on this page (several on the staff console)

  function fmt(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function duration(seconds) {
    seconds = Math.max(0, Math.round(seconds || 0));
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var pad = function (n) {
      return (n < 10 ? "0" : "") + n;
    };
    return h ? h + ":" + pad(m) + ":" + pad(s) : m + ":" + pad(s);
  }

  function readStrings() {
    var el = document.getElementById("call-strings");
    T = el ? el.dataset : {};
  }

  function announce(text) {
    var region = document.getElementById("announcer");
    if (!region || !text) return;
    region.textContent = "";
    setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  /* ---- The ring: a soft two-tone beep every 3 s while a call waits for our answer ----------
   * Web Audio, nothing to download. A browser may keep it silent until the page has been
   * clicked once; the ring in the panel and the notice show regardless. */
  var ringer = { ctx: null, timer: null, calls: {} };

  function beep() {
    var ctx = ringer.ctx;
    var now = ctx.currentTime;
    [0, 0.45].forEach(function (offset, i) {
      var osc = ctx.createOscillator();
      var gain = ctx.createGain();
      osc.frequency.value = i ? 480 : 440;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.12, now + offset + 0.03);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.4);
      osc.connect(gain);
      gain.connect(ctx.destination);
      osc.start(now + offset);
      osc.stop(now + offset + 0.42);
    });
  }

  function ringStart(callId) {
    ringer.calls[callId] = true;
    if (ringer.timer) return;
    var AudioCtx = window.AudioContext || window.webkitAudioContext;
    try {
      ringer.ctx = ringer.ctx || (AudioCtx ? new AudioCtx() : null);
      if (ringer.ctx && ringer.ctx.state === "suspended") ringer.ctx.resume().catch(function () {});
    } catch (e) {
      ringer.ctx = null;
    }
    var ring = function () {
      if (ringer.ctx) beep();
    };
    ring();
    ringer.timer = setInterval(ring, 3000);
  }

  function ringStop(callId) {
    delete ringer.calls[callId];
    if (Object.keys(ringer.calls).length || !ringer.timer) return;
    clearInterval(ringer.timer);
    ringer.timer = null;
  }

  /* ---- Call records in the message list (any viewer, organiser staff included) ---------- */
  var FINISHED = { ended: true, missed: true, declined: true, cancelled: true };

  function recordText(data) {
    if (data.state === "ended") {
      return (data.kind === "video" ? T.videoCall : T.voiceCall) + ", ";
    }
    var key = data.state + (data.kind === "video" ? "Video" : "Voice");
    return fmt(T[key], { name: data.caller });
  }

  function addRecord(root, data) {
    var list = root.querySelector("[data-chat-messages]");
    if (!list || list.querySelector('[data-call-record="' + data.call + '"]')) return;
    var li = document.createElement("li");
    li.className = "chat-call-record";
    li.setAttribute("data-call-record", data.call);
    li.setAttribute("data-event-id", data.id);
    var icon = document.createElement("span");
    icon.className = "chat-call-icon chat-call-icon-" + (data.kind === "video" ? "video" : "voice");
    icon.setAttribute("aria-hidden", "true");
    li.appendChild(icon);
    var text = document.createElement("span");
    text.className = "chat-call-text";
    text.textContent = recordText(data);
    if (data.state === "ended") {
      var time = document.createElement("time");
      time.setAttribute("datetime", "PT" + (data.duration || 0) + "S");
      time.textContent = duration(data.duration);
      text.appendChild(time);
    }
    li.appendChild(text);
    var at = new Date(data.rang_at);
    if (!isNaN(at)) {
      /* the same text as the rendered record (expo_time): "23:31 HKT (16:31 your time)" */
      var when = document.createElement("span");
      when.className = "chat-call-at";
      var stamp = document.createElement("time");
      stamp.setAttribute("datetime", data.rang_at);
      when.appendChild(stamp);
      li.appendChild(when);
      window.Expo.fillTime(stamp);
    }
    list.appendChild(li);
    var empty = root.querySelector("[data-chat-empty]");
    if (empty) empty.hidden = true;
    list.scrollTop = list.scrollHeight;
  }

  /* ---- Local media ---------------------------------------------------------------------- */
  function mediaError(err) {
    var name = err && err.name;
    if (name === "NotAllowedError" || name === "SecurityError") return T.micRefused;
    if (name === "NotFoundError" || name === "OverconstrainedError") return T.micMissing;
    if (name === "NotReadableError" || name === "AbortError") return T.micBusy;
    if (err && err.noMedia) return T.noMedia;
    return T.callFailed;
  }

  /* Microphone (required) and, for a video call, the camera (optional: when it is missing,
   * refused or busy the call goes on with voice only). Resolves {stream, cameraFailed}. */
  function getLocalMedia(kind) {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.RTCPeerConnection) {
      return Promise.reject({ noMedia: true });
    }
    var md = navigator.mediaDevices;
    if (kind !== "video") {
      return md.getUserMedia({ audio: true, video: false }).then(function (stream) {
        return { stream: stream, cameraFailed: false };
      });
    }
    return md.getUserMedia({ audio: true, video: true }).then(
      function (stream) {
        return { stream: stream, cameraFailed: false };
      },
      function () {
        return md.getUserMedia({ audio: true, video: false }).then(function (stream) {
          return { stream: stream, cameraFailed: true };
        });
      }
    );
  }

  /* ---- One call ------------------------------------------------------------------------- */
  function Call(panel, id, role, kind, media) {
    this.panel = panel;
    this.id = id;
    this.role = role; // "caller" | "callee"
    this.kind = kind;
    this.local = media.stream;
    this.camera = this.local.getVideoTracks()[0] || null;
    this.mic = this.local.getAudioTracks()[0] || null;
    this.screen = null;
    this.muted = false;
    this.config = null;
    this.pc = null;
    this.remote = null;
    this.pending = []; // signals that arrived before the peer connection
    this.candidates = []; // ICE candidates that arrived before the remote description
    this.active = false;
    this.startedAt = null;
    this.restartDelay = 1000;
    this.timers = {};
    this.lastStats = null;
    this.quality = "good";
    this.ended = false;
  }

  Call.prototype.send = function (frame) {
    frame.call = this.id;
    return this.panel.send(frame);
  };

  Call.prototype.setConfig = function (config) {
    var first = !this.config;
    this.config = config;
    var self = this;
    if (this.pc && !first) {
      try {
        this.pc.setConfiguration(this.rtcConfig());
      } catch (e) {
        /* keep the old servers */
      }
    }
    clearTimeout(this.timers.turn);
    if (config.expires) {
      // Ask for fresh credentials well before these expire (a long call outlives them).
      var left = config.expires * 1000 - Date.now();
      this.timers.turn = setTimeout(function () {
        self.send({ type: "call.turn" });
      }, Math.max(30000, left * 0.8));
    }
  };

  Call.prototype.rtcConfig = function () {
    return {
      iceServers: (this.config && this.config.ice_servers) || [],
      iceTransportPolicy: (this.config && this.config.ice_transport_policy) || "all",
    };
  };

  Call.prototype.makePeer = function () {
    var self = this;
    if (this.pc) this.pc.close();
    var pc = (this.pc = new RTCPeerConnection(this.rtcConfig()));
    this.remote = new MediaStream();
    this.panel.remoteVideo.srcObject = this.remote;
    this.candidates = [];
    this.tx = null;
    if (this.role === "caller") {
      this.tx = {
        audio: pc.addTransceiver(this.mic || "audio", { direction: "sendrecv", streams: [this.local] }),
        video: pc.addTransceiver(this.outgoingVideo() || "video", { direction: "sendrecv", streams: [this.local] }),
      };
    }
    pc.addEventListener("icecandidate", function (event) {
      if (event.candidate && event.candidate.candidate) {
        self.send({ type: "call.ice", candidate: event.candidate.toJSON() });
      }
    });
    pc.addEventListener("track", function (event) {
      self.remote.addTrack(event.track);
      var play = self.panel.remoteVideo.play();
      if (play && play.catch) play.catch(function () {});
    });
    pc.addEventListener("connectionstatechange", function () {
      self.onConnectionState();
    });
    pc.addEventListener("iceconnectionstatechange", function () {
      self.onIceState();
    });
    pc.addEventListener("negotiationneeded", function () {
      if (self.role === "caller" && pc === self.pc) self.offer();
    });
    this.renderState();
  };

  Call.prototype.outgoingVideo = function () {
    return this.screen || this.camera;
  };

  Call.prototype.offer = function () {
    var self = this;
    var pc = this.pc;
    if (!pc || this.makingOffer || pc.signalingState !== "stable") return;
    this.makingOffer = true;
    var restart = !!this.restarting;
    pc.createOffer()
      .then(function (offer) {
        return pc.setLocalDescription(offer);
      })
      .then(function () {
        self.send({ type: "call.offer", sdp: pc.localDescription.sdp, restart: restart });
      })
      .catch(function () {
        self.renderState();
      })
      .then(function () {
        self.makingOffer = false;
        self.restarting = false;
      });
  };

  /* The callee's side of an offer: a new one (restart false) after either page came back gets
   * a new peer connection, a restart one goes to the current. */
  Call.prototype.onOffer = function (sdp, restart) {
    var self = this;
    if (!this.pc || (!restart && this.pc.remoteDescription)) this.makePeer();
    var pc = this.pc;
    pc.setRemoteDescription({ type: "offer", sdp: sdp })
      .then(function () {
        if (!self.tx) {
          self.tx = {};
          pc.getTransceivers().forEach(function (t) {
            var kind = t.receiver.track && t.receiver.track.kind;
            if (!kind || self.tx[kind]) return;
            self.tx[kind] = t;
            t.direction = "sendrecv";
            var track = kind === "audio" ? self.mic : self.outgoingVideo();
            t.sender.replaceTrack(track || null);
            if (t.sender.setStreams) t.sender.setStreams(self.local);
          });
        }
        return pc.createAnswer();
      })
      .then(function (answer) {
        return pc.setLocalDescription(answer);
      })
      .then(function () {
        self.send({ type: "call.answer", sdp: pc.localDescription.sdp });
        self.flushCandidates();
      })
      .catch(function () {
        self.requestRestart();
      });
  };

  Call.prototype.onAnswer = function (sdp) {
    var self = this;
    var pc = this.pc;
    if (!pc || pc.signalingState !== "have-local-offer") return;
    pc.setRemoteDescription({ type: "answer", sdp: sdp })
      .then(function () {
        self.flushCandidates();
      })
      .catch(function () {
        self.requestRestart();
      });
  };

  Call.prototype.onCandidate = function (candidate) {
    if (!this.pc || !this.pc.remoteDescription) {
      this.candidates.push(candidate);
      return;
    }
    this.pc.addIceCandidate(candidate).catch(function () {
      /* a candidate of an older session: harmless */
    });
  };

  Call.prototype.flushCandidates = function () {
    var queued = this.candidates;
    this.candidates = [];
    for (var i = 0; i < queued.length; i++) this.onCandidate(queued[i]);
  };

  Call.prototype.onSignal = function (data) {
    if (data.signal === "media") {
      this.panel.showRemoteMedia(data);
      return;
    }
    if (!this.pc) {
      this.pending.push(data); // the peer connection starts once the call is active here
      return;
    }
    if (data.signal === "offer") {
      if (this.role === "callee") this.onOffer(data.sdp, data.restart);
    } else if (data.signal === "answer") {
      if (this.role === "caller") this.onAnswer(data.sdp);
    } else if (data.signal === "ice") {
      this.onCandidate(data.candidate);
    } else if (data.signal === "restart") {
      if (this.role !== "caller") return;
      if (data.fresh) {
        this.makePeer(); // the callee's page came back: a new session (negotiationneeded offers)
      } else {
        this.requestRestart();
      }
    }
  };

  Call.prototype.flushPending = function () {
    var queued = this.pending;
    this.pending = [];
    for (var i = 0; i < queued.length; i++) this.onSignal(queued[i]);
  };

  /* ---- Connection state, restarts and quality ---- */
  Call.prototype.requestRestart = function () {
    if (this.ended || !this.pc) return;
    if (this.role === "caller") {
      this.restarting = true;
      if (this.pc.restartIce) this.pc.restartIce();
      else this.offer();
    } else {
      this.send({ type: "call.restart", fresh: false });
    }
  };

  Call.prototype.onIceState = function () {
    var self = this;
    var state = this.pc.iceConnectionState;
    clearTimeout(this.timers.disconnected);
    clearTimeout(this.timers.retry);
    if (state === "disconnected") {
      this.timers.disconnected = setTimeout(function () {
        self.requestRestart();
      }, DISCONNECTED_GRACE_MS);
    } else if (state === "failed") {
      this.requestRestart();
      this.timers.retry = setTimeout(function () {
        self.restartDelay = Math.min(MAX_RESTART_DELAY_MS, self.restartDelay * 2);
        if (self.pc && self.pc.iceConnectionState === "failed") self.onIceState();
      }, this.restartDelay);
    } else if (state === "connected" || state === "completed") {
      this.restartDelay = 1000;
    }
    this.renderState();
  };

  Call.prototype.onConnectionState = function () {
    var state = this.pc.connectionState;
    if (state === "connected" && !this.connectedOnce) {
      this.connectedOnce = true;
      this.sendMedia();
      this.watchStats();
    }
    this.renderState();
  };

  Call.prototype.stateText = function () {
    if (!this.active) return this.role === "caller" ? fmt(T.calling, { name: this.panel.otherName }) : T.connecting;
    if (this.socketDown) return T.reconnecting;
    var pc = this.pc;
    if (!pc) return T.connecting;
    var ice = pc.iceConnectionState;
    if (pc.connectionState === "connected" || ice === "connected" || ice === "completed") {
      return this.quality === "poor" ? T.poor : T.connected;
    }
    if (ice === "disconnected") return T.reconnecting;
    if (ice === "failed" || pc.connectionState === "failed") return T.lost;
    return this.connectedOnce ? T.reconnecting : T.connecting;
  };

  Call.prototype.renderState = function () {
    this.panel.setStatus(this.stateText());
  };

  Call.prototype.summary = function () {
    var pc = this.pc;
    if (!pc) return Promise.resolve(null);
    return pc.getStats().then(function (report) {
      var out = {
        framesDecoded: 0,
        audioPacketsReceived: 0,
        audioPacketsLost: 0,
        roundTripTime: null,
        localCandidateType: null,
        remoteCandidateType: null,
        connectionState: pc.connectionState,
      };
      var pairId = null;
      report.forEach(function (s) {
        if (s.type === "inbound-rtp" && s.kind === "video") out.framesDecoded += s.framesDecoded || 0;
        if (s.type === "inbound-rtp" && s.kind === "audio") {
          out.audioPacketsReceived += s.packetsReceived || 0;
          out.audioPacketsLost += Math.max(0, s.packetsLost || 0);
        }
        if (s.type === "transport" && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
      });
      var pair = pairId && report.get(pairId);
      if (pair) {
        out.roundTripTime = pair.currentRoundTripTime === undefined ? null : pair.currentRoundTripTime;
        var local = report.get(pair.localCandidateId);
        var remote = report.get(pair.remoteCandidateId);
        out.localCandidateType = local ? local.candidateType : null;
        out.remoteCandidateType = remote ? remote.candidateType : null;
        out.localAddress = local ? local.address + ":" + local.port : null;
        out.remoteAddress = remote ? remote.address + ":" + remote.port : null;
      }
      return out;
    });
  };

  /* "Poor" when more than 5% of audio packets were lost over the last seconds or the round
   * trip takes longer than 400 ms: said plainly beside the state. */
  Call.prototype.watchStats = function () {
    var self = this;
    clearInterval(this.timers.stats);
    this.timers.stats = setInterval(function () {
      self.summary().then(function (s) {
        if (!s) return;
        var prev = self.lastStats;
        self.lastStats = s;
        if (!prev) return;
        var received = s.audioPacketsReceived - prev.audioPacketsReceived;
        var lost = s.audioPacketsLost - prev.audioPacketsLost;
        var lossy = received + lost > 20 && lost / (received + lost) > 0.05;
        var slow = s.roundTripTime !== null && s.roundTripTime > 0.4;
        self.quality = lossy || slow ? "poor" : "good";
        self.renderState();
      });
    }, STATS_MS);
  };

  Call.prototype.sendMedia = function () {
    this.send({
      type: "call.media",
      audio: !!this.mic && !this.muted,
      video: !!this.camera,
      screen: !!this.screen,
    });
  };

  /* ---- Controls ---- */
  Call.prototype.videoSender = function () {
    return this.tx && this.tx.video ? this.tx.video.sender : null;
  };

  Call.prototype.audioSender = function () {
    return this.tx && this.tx.audio ? this.tx.audio.sender : null;
  };

  Call.prototype.setMuted = function (muted) {
    this.muted = muted;
    if (this.mic) this.mic.enabled = !muted;
    this.sendMedia();
  };

  Call.prototype.cameraOff = function () {
    if (!this.camera) return;
    this.local.removeTrack(this.camera);
    this.camera.stop();
    this.camera = null;
    if (!this.screen && this.videoSender()) this.videoSender().replaceTrack(null);
    this.sendMedia();
  };

  Call.prototype.cameraOn = function (deviceId) {
    var self = this;
    var constraints = deviceId ? { deviceId: { exact: deviceId } } : true;
    return navigator.mediaDevices.getUserMedia({ video: constraints }).then(function (stream) {
      var track = stream.getVideoTracks()[0];
      if (self.camera) {
        self.local.removeTrack(self.camera);
        self.camera.stop();
      }
      self.camera = track;
      self.local.addTrack(track);
      if (!self.screen && self.videoSender()) self.videoSender().replaceTrack(track);
      self.sendMedia();
      return track;
    });
  };

  Call.prototype.switchMic = function (deviceId) {
    var self = this;
    return navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: deviceId } } }).then(function (stream) {
      var track = stream.getAudioTracks()[0];
      track.enabled = !self.muted;
      if (self.mic) {
        self.local.removeTrack(self.mic);
        self.mic.stop();
      }
      self.mic = track;
      self.local.addTrack(track);
      if (self.audioSender()) self.audioSender().replaceTrack(track);
    });
  };

  Call.prototype.shareScreen = function () {
    var self = this;
    return navigator.mediaDevices.getDisplayMedia({ video: true, audio: false }).then(function (stream) {
      var track = stream.getVideoTracks()[0];
      self.screen = track;
      track.addEventListener("ended", function () {
        if (self.screen === track) self.stopScreen();
        self.panel.renderControls();
      });
      if (self.videoSender()) self.videoSender().replaceTrack(track);
      self.sendMedia();
    });
  };

  Call.prototype.stopScreen = function () {
    if (!this.screen) return;
    this.screen.stop();
    this.screen = null;
    if (this.videoSender()) this.videoSender().replaceTrack(this.camera || null);
    this.sendMedia();
  };

  Call.prototype.start = function () {
    this.active = true;
    this.startedAt = Date.now();
    if (this.config) {
      this.makePeer();
      this.flushPending();
    }
    this.renderState();
  };

  Call.prototype.stop = function () {
    this.ended = true;
    for (var key in this.timers) {
      clearTimeout(this.timers[key]);
      clearInterval(this.timers[key]);
    }
    if (this.pc) this.pc.close();
    this.local.getTracks().forEach(function (t) {
      t.stop();
    });
    if (this.screen) this.screen.stop();
  };

  /* ---- The panel of a conversation ------------------------------------------------------- */
  function Panel(root, panel) {
    var self = this;
    this.root = root;
    this.el = panel;
    this.me = panel.getAttribute("data-user-id");
    this.conversation = panel.getAttribute("data-conversation");
    this.otherName = panel.getAttribute("data-other-name");
    this.open = panel.getAttribute("data-status") === "open";
    this.incoming = null; // the ringing call waiting for our answer
    this.resumable = null; // a live call of ours that this page does not hold
    this.socketOpen = false;
    var q = function (sel) {
      return panel.querySelector(sel);
    };
    this.parts = {
      idle: q("[data-call-idle]"),
      incoming: q("[data-call-incoming]"),
      outgoing: q("[data-call-outgoing]"),
      resume: q("[data-call-resume]"),
      stage: q("[data-call-stage]"),
    };
    this.remoteVideo = q("[data-call-remote]");
    this.selfVideo = q("[data-call-self]");
    this.remoteOff = q("[data-call-remote-off]");
    this.statusEl = q("[data-call-status]");
    this.timerEl = q("[data-call-timer]");
    this.errorEl = q("[data-call-error]");
    this.noteEl = q("[data-call-note]");
    this.buttons = {
      mute: q("[data-call-mute]"),
      camera: q("[data-call-camera]"),
      screen: q("[data-call-screen]"),
      hangup: q("[data-call-hangup]"),
    };
    this.micSelect = q("[data-call-mic]");
    this.camSelect = q("[data-call-cam]");
    if (navigator.mediaDevices && navigator.mediaDevices.getDisplayMedia) this.buttons.screen.hidden = false;

    var live = panel.getAttribute("data-live-call");
    var params = new URLSearchParams(location.search);
    var answer = params.get("answer");
    this.autoAnswer = answer ? parseInt(answer, 10) : null;
    // "Join" on a booked 1:1 time (chat.booked) comes with ?call=video: answer the other
    // side's ring if there is one, else ring them once the socket is open.
    var start = params.get("call");
    start = start === "video" || start === "voice" ? start : null;
    if ((answer || start) && history.replaceState) {
      params.delete("answer");
      params.delete("call");
      var rest = params.toString();
      history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
    }
    if (start && live) {
      if (panel.getAttribute("data-live-state") === "ringing" && panel.getAttribute("data-live-caller") !== this.me) {
        this.autoAnswer = parseInt(live, 10);
      }
    } else if (start) {
      this.autoRing = start;
    }
    if (live) {
      var data = {
        call: parseInt(live, 10),
        state: panel.getAttribute("data-live-state"),
        kind: panel.getAttribute("data-live-kind"),
        caller_id: panel.getAttribute("data-live-caller"),
      };
      data.callee_id = String(data.caller_id) === this.me ? "" : this.me;
      this.onLiveCall(data, true);
    } else {
      this.show("idle");
    }
    this.bind();
  }

  Panel.prototype.send = function (frame) {
    return this.root.chatSend ? this.root.chatSend(frame) : false;
  };

  /* Show one part of the panel (or none). When the control that has the keyboard focus is
   * hidden, the focus moves to the first control of the part that replaces it. */
  Panel.prototype.show = function (name) {
    var active = document.activeElement;
    var hadFocus = active && this.el.contains(active);
    for (var key in this.parts) {
      var visible = key === name && (key !== "idle" || this.open);
      this.parts[key].hidden = !visible;
    }
    if (hadFocus && active.offsetParent === null && name && this.parts[name]) {
      var first = this.parts[name].querySelector("button:not([hidden])");
      if (first) first.focus();
    }
  };

  Panel.prototype.setStatus = function (text) {
    if (this.statusEl.textContent !== text) this.statusEl.textContent = text;
    var outgoing = this.el.querySelector("[data-call-outgoing-text]");
    if (current && !current.active && outgoing) outgoing.textContent = text;
  };

  Panel.prototype.error = function (text) {
    this.errorEl.textContent = text || "";
    this.errorEl.hidden = !text;
  };

  Panel.prototype.bind = function () {
    var self = this;
    this.el.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || button.disabled) return;
      if (button.hasAttribute("data-call-start")) self.ring(button.getAttribute("data-call-start"));
      else if (button.hasAttribute("data-call-accept")) self.accept(button.getAttribute("data-call-accept"));
      else if (button.hasAttribute("data-call-decline")) self.decline();
      else if (button.hasAttribute("data-call-cancel") || button.hasAttribute("data-call-hangup")) self.hangUp();
      else if (button.hasAttribute("data-call-rejoin")) self.rejoin();
      else if (button.hasAttribute("data-call-end-elsewhere")) self.endResumable();
      else if (button.hasAttribute("data-call-mute")) self.toggleMute();
      else if (button.hasAttribute("data-call-camera")) self.toggleCamera();
      else if (button.hasAttribute("data-call-screen")) self.toggleScreen();
    });
    this.micSelect.addEventListener("change", function () {
      if (current && self.micSelect.value) current.switchMic(self.micSelect.value).catch(function (err) {
        self.error(mediaError(err));
      });
    });
    this.camSelect.addEventListener("change", function () {
      if (!current || !self.camSelect.value) return;
      current.cameraOn(self.camSelect.value).then(function () {
        self.renderControls();
        self.showSelf();
      }, function () {
        self.error(T.cameraUnavailable);
      });
    });
    if (navigator.mediaDevices && navigator.mediaDevices.addEventListener) {
      navigator.mediaDevices.addEventListener("devicechange", function () {
        if (current) self.listDevices();
      });
    }
    this.root.addEventListener("chat:event", function (event) {
      self.onEvent(event.detail);
    });
    this.root.addEventListener("chat:open", function () {
      self.socketOpen = true;
      if (current) {
        current.socketDown = false;
        current.renderState();
        self.send({ type: "call.rejoin", call: current.id });
      }
      var autoRing = self.autoRing;
      self.autoRing = null;
      if (autoRing && self.open && !current && !self.incoming && !self.resumable) self.ring(autoRing);
    });
    this.root.addEventListener("chat:state", function (event) {
      if (event.detail !== "open") self.socketOpen = false;
      if (current) {
        current.socketDown = event.detail !== "open";
        current.renderState();
        if (event.detail === "closed") self.finish(T.revoked);
      }
    });
    window.addEventListener("online", function () {
      if (current && current.active) current.requestRestart();
    });
    window.addEventListener("pagehide", function () {
      if (current) self.send({ type: "call.hangup", call: current.id });
    });
  };

  /* ---- Starting, answering, ending ---- */
  Panel.prototype.ring = function (kind) {
    var self = this;
    if (current || this.pendingMedia) return;
    this.error("");
    this.note("");
    this.setButtonsBusy(true);
    getLocalMedia(kind).then(
      function (media) {
        self.setButtonsBusy(false);
        if (!self.send({ type: "call.ring", kind: kind })) {
          media.stream.getTracks().forEach(function (t) {
            t.stop();
          });
          self.error(T.callFailed);
          return;
        }
        self.pendingMedia = { media: media, kind: kind, role: "caller" };
        if (media.cameraFailed) self.error(T.cameraUnavailable);
      },
      function (err) {
        self.setButtonsBusy(false);
        self.error(mediaError(err));
      }
    );
  };

  Panel.prototype.setButtonsBusy = function (busy) {
    Array.prototype.forEach.call(this.el.querySelectorAll("[data-call-start], [data-call-accept]"), function (b) {
      b.disabled = busy;
    });
  };

  Panel.prototype.accept = function (kind) {
    var self = this;
    var incoming = this.incoming;
    if (!incoming || current || this.pendingMedia) return;
    ringStop(incoming.call);
    this.error("");
    this.note("");
    this.setButtonsBusy(true);
    getLocalMedia(kind).then(
      function (media) {
        self.setButtonsBusy(false);
        if (self.incoming !== incoming) {
          media.stream.getTracks().forEach(function (t) {
            t.stop();
          });
          return; // it stopped ringing meanwhile
        }
        self.pendingMedia = { media: media, kind: incoming.kind, role: "callee", call: incoming.call };
        if (media.cameraFailed) self.error(T.cameraUnavailable);
        self.send({ type: "call.accept", call: incoming.call });
      },
      function (err) {
        self.setButtonsBusy(false);
        self.error(mediaError(err));
      }
    );
  };

  Panel.prototype.decline = function () {
    if (!this.incoming) return;
    ringStop(this.incoming.call);
    this.send({ type: "call.decline", call: this.incoming.call });
  };

  Panel.prototype.hangUp = function () {
    if (!current) return;
    this.send({ type: "call.hangup", call: current.id });
    this.finish(T.ended);
  };

  Panel.prototype.endResumable = function () {
    if (!this.resumable) return;
    this.send({ type: "call.hangup", call: this.resumable.call });
  };

  /* A live call of ours that this page does not hold (after a reload, or held by another
   * window): take it here. */
  Panel.prototype.rejoin = function () {
    var self = this;
    var live = this.resumable;
    if (!live || current) return;
    this.error("");
    var role = String(live.caller_id) === this.me ? "caller" : "callee";
    getLocalMedia(live.kind).then(
      function (media) {
        self.pendingMedia = { media: media, kind: live.kind, role: role, call: live.call, rejoin: true };
        if (media.cameraFailed) self.error(T.cameraUnavailable);
        self.send({ type: "call.rejoin", call: live.call });
      },
      function (err) {
        self.error(mediaError(err));
      }
    );
  };

  /* This page now holds the call (the server sent its ICE configuration). */
  Panel.prototype.onConfig = function (data) {
    if (current && current.id === data.call) {
      current.setConfig(data);
      return;
    }
    var pending = this.pendingMedia;
    if (!pending) return;
    this.pendingMedia = null;
    var call = new Call(this, data.call, pending.role, pending.kind, pending.media);
    current = call;
    call.setConfig(data);
    this.incoming = null;
    this.resumable = null;
    this.showSelf();
    this.renderControls();
    this.listDevices();
    if (pending.role === "caller" && !pending.rejoin) {
      this.show("outgoing");
      call.renderState();
      return;
    }
    this.enterStage();
    call.start();
    if (pending.rejoin) {
      // A new session: the caller offers afresh, the callee asks the caller for one.
      if (call.role === "callee") call.send({ type: "call.restart", fresh: true });
    }
  };

  Panel.prototype.enterStage = function () {
    var self = this;
    this.show("stage");
    clearInterval(this.clock);
    this.clock = setInterval(function () {
      if (current && current.startedAt) self.timerEl.textContent = duration((Date.now() - current.startedAt) / 1000);
    }, 1000);
    this.timerEl.textContent = "";
  };

  /* The call on this page is over: release the camera and microphone, say why. */
  Panel.prototype.finish = function (message) {
    if (current) current.stop();
    current = null;
    this.pendingMedia = null;
    clearInterval(this.clock);
    this.remoteVideo.srcObject = null;
    this.selfVideo.srcObject = null;
    this.show(this.open ? "idle" : null);
    this.note(message);
  };

  /* A neutral word on what happened ("The call ended."), in the panel's status line. */
  Panel.prototype.note = function (text) {
    this.noteEl.textContent = text || "";
  };

  /* ---- Events from the conversation's socket ---- */
  Panel.prototype.onEvent = function (data) {
    if (data.type === "call") this.onLiveCall(data, false);
    else if (data.type === "call.config") this.onConfig(data);
    else if (data.type === "call.signal") {
      if (current && current.id === data.call) current.onSignal(data);
    } else if (data.type === "call.moved") {
      if (current && current.id === data.call) {
        var moved = { call: data.call, state: "active", kind: current.kind, caller_id: current.role === "caller" ? this.me : "" };
        this.finish(T.elsewhere);
        this.offerResume(moved);
      }
    } else if (data.type === "conversation") {
      this.open = data.status === "open";
      if (!current && !this.incoming && !this.resumable) this.show(this.open ? "idle" : null);
    } else if (data.type === "error" && data.ref === "call") {
      if (this.pendingMedia) {
        this.pendingMedia.media.stream.getTracks().forEach(function (t) {
          t.stop();
        });
        this.pendingMedia = null;
      }
      this.error(data.message);
    }
  };

  Panel.prototype.offerResume = function (data) {
    this.resumable = data;
    this.el.querySelector("[data-call-resume-text]").textContent = T.inProgress;
    this.show("resume");
  };

  Panel.prototype.onLiveCall = function (data, atLoad) {
    this.autoRing = null; // a call is already there: never ring over it
    var mine = String(data.caller_id) === this.me;
    var forMe = !mine && String(data.callee_id) === this.me;
    var waiting = this.pendingMedia; // our ring or answer is on its way: its call.config follows
    if (waiting && !atLoad && (waiting.call === data.call || (!waiting.call && mine))) return;
    if (data.state === "ringing") {
      if (current && current.id === data.call) return;
      if (forMe) {
        this.incoming = data;
        var text = fmt(data.kind === "video" ? T.incomingVideo : T.incomingVoice, { name: this.otherName });
        this.el.querySelector("[data-call-incoming-text]").textContent = text;
        this.show("incoming");
        announce(text);
        ringStart(data.call);
        if (this.autoAnswer === data.call) {
          this.autoAnswer = null;
          this.accept(data.kind);
        }
      } else if (mine && atLoad) {
        // The page that rang was reloaded while ringing: hold the call again from here.
        var self = this;
        this.resumable = data;
        getLocalMedia(data.kind).then(
          function (media) {
            self.pendingMedia = { media: media, kind: data.kind, role: "caller", call: data.call };
            var resend = function () {
              self.send({ type: "call.rejoin", call: data.call });
            };
            if (self.socketOpen) resend();
            else self.root.addEventListener("chat:open", resend, { once: true });
          },
          function (err) {
            self.error(mediaError(err));
            self.send({ type: "call.hangup", call: data.call });
          }
        );
      } else if (mine) {
        this.offerResume(data);
        this.el.querySelector("[data-call-resume-text]").textContent = fmt(T.calling, { name: this.otherName });
      }
      return;
    }
    ringStop(data.call);
    if (data.state === "active") {
      if (this.incoming && this.incoming.call === data.call) this.incoming = null;
      if (current && current.id === data.call) {
        if (!current.active) {
          this.enterStage();
          current.start();
        }
        return;
      }
      if (mine || forMe || atLoad) this.offerResume(data);
      return;
    }
    if (FINISHED[data.state]) {
      addRecord(this.root, data);
      if (this.incoming && this.incoming.call === data.call) this.incoming = null;
      if (this.resumable && this.resumable.call === data.call) this.resumable = null;
      if (current && current.id === data.call) {
        this.finish(this.endMessage(data, current.role));
      } else if (!current) {
        this.show(this.open ? "idle" : null);
      }
    }
  };

  Panel.prototype.endMessage = function (data, role) {
    if (data.state === "declined") return role === "caller" ? fmt(T.declined, { name: this.otherName }) : "";
    if (data.state === "missed") return role === "caller" ? T.noAnswer : "";
    if (data.state === "cancelled" && data.reason === "cancelled") return role === "callee" ? T.cancelled : "";
    if (data.reason === "connection_lost") return T.connectionLost;
    if (data.reason === "access_revoked") return T.revoked;
    if (data.reason === "conversation_closed") return T.closed;
    return T.ended;
  };

  /* ---- Media on screen and the controls ---- */
  Panel.prototype.showSelf = function () {
    if (!current) return;
    var video = current.outgoingVideo();
    this.selfVideo.hidden = !video;
    this.selfVideo.srcObject = video ? new MediaStream([video]) : null;
  };

  Panel.prototype.showRemoteMedia = function (media) {
    var showing = media.video || media.screen;
    this.remoteVideo.classList.toggle("chat-call-remote-hidden", !showing);
    this.remoteOff.hidden = !!showing;
    this.remoteOff.textContent = fmt(T.remoteCameraOff, { name: this.otherName });
    if (media.screen) announce(fmt(T.remoteSharing, { name: this.otherName }));
  };

  Panel.prototype.renderControls = function () {
    if (!current) return;
    this.buttons.mute.setAttribute("aria-pressed", current.muted ? "true" : "false");
    this.buttons.camera.setAttribute("aria-pressed", current.camera ? "false" : "true");
    this.buttons.screen.setAttribute("aria-pressed", current.screen ? "true" : "false");
    this.showSelf();
  };

  Panel.prototype.toggleMute = function () {
    if (!current) return;
    current.setMuted(!current.muted);
    this.renderControls();
  };

  Panel.prototype.toggleCamera = function () {
    var self = this;
    if (!current) return;
    if (current.camera) {
      current.cameraOff();
      this.renderControls();
      return;
    }
    current.cameraOn(this.camSelect.value || null).then(
      function () {
        self.error("");
        self.renderControls();
        self.listDevices();
      },
      function () {
        self.error(T.cameraUnavailable);
      }
    );
  };

  Panel.prototype.toggleScreen = function () {
    var self = this;
    if (!current) return;
    if (current.screen) {
      current.stopScreen();
      this.renderControls();
      return;
    }
    current.shareScreen().then(
      function () {
        self.renderControls();
      },
      function () {
        self.error(T.screenCancelled);
      }
    );
  };

  Panel.prototype.listDevices = function () {
    var self = this;
    if (!navigator.mediaDevices || !navigator.mediaDevices.enumerateDevices) return;
    navigator.mediaDevices.enumerateDevices().then(function (devices) {
      var fill = function (select, kind, track) {
        var chosen = track && track.getSettings ? track.getSettings().deviceId : null;
        select.textContent = "";
        devices.forEach(function (d, i) {
          if (d.kind !== kind) return;
          var option = document.createElement("option");
          option.value = d.deviceId;
          option.textContent = d.label || kind + " " + (i + 1);
          if (d.deviceId === chosen) option.selected = true;
          select.appendChild(option);
        });
        select.disabled = select.options.length < 2;
      };
      if (!current) return;
      fill(self.micSelect, "audioinput", current.mic);
      fill(self.camSelect, "videoinput", current.camera);
    });
  };

  /* ---- The ringing notice on any other page ---------------------------------------------- */
  var ringing = {};

  function onCallNotice(data) {
    var here = document.querySelector('[data-call-panel][data-conversation="' + data.conversation + '"]');
    if (here && here.offsetParent !== null) return; // this conversation's panel shows it
    var toast = ringing[data.call];
    if (data.state !== "ringing") {
      if (toast) toast.remove();
      delete ringing[data.call];
      ringStop(data.call);
      return;
    }
    if (toast || !Expo.toast) return;
    var region = document.getElementById("toasts");
    toast = Expo.toast(data.title, data.body);
    if (!toast || !region) return;
    toast.classList.add("expo-toast-call");
    ringing[data.call] = toast;
    ringStart(data.call);
    var actions = document.createElement("div");
    actions.className = "d-flex gap-2 mt-2";
    var panel = panels[data.conversation];
    if (panel && Expo.revealConversation) {
      // Its panel is in a console tab behind another: bring the tab to the front and answer.
      var reveal = document.createElement("button");
      reveal.type = "button";
      reveal.className = "btn btn-success btn-sm";
      reveal.textContent = region.getAttribute("data-label-answer") || "Answer";
      reveal.addEventListener("click", function () {
        toast.remove();
        delete ringing[data.call];
        Expo.revealConversation(data.conversation);
        if (panel.incoming && panel.incoming.call === data.call) panel.accept(panel.incoming.kind);
      });
      actions.appendChild(reveal);
    } else if (typeof data.url === "string" && data.url.charAt(0) === "/" && data.url.charAt(1) !== "/") {
      var answer = document.createElement("a");
      answer.className = "btn btn-success btn-sm";
      answer.href = data.url + "?answer=" + encodeURIComponent(data.call);
      answer.textContent = region.getAttribute("data-label-answer") || "Answer";
      actions.appendChild(answer);
    }
    var decline = document.createElement("button");
    decline.type = "button";
    decline.className = "btn btn-outline-danger btn-sm";
    decline.textContent = region.getAttribute("data-label-decline") || "Decline";
    decline.addEventListener("click", function () {
      decline.disabled = true;
      fetch("/chat/calls/" + encodeURIComponent(data.call) + "/decline/", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      }).then(function () {
        toast.remove();
        delete ringing[data.call];
        ringStop(data.call);
      }, function () {
        decline.disabled = false;
      });
    });
    actions.appendChild(decline);
    toast.firstChild.appendChild(actions);
  }

  Expo.notificationHandlers.call = onCallNotice;

  Expo.calls = {
    active: function () {
      return current;
    },
    ringing: function () {
      return !!ringer.timer;
    },
  };

  /* One conversation's root (chat.js's [data-chat-conversation]): its call panel, or for those
   * who may read but not call (organiser staff) its call records. At page load, and for each
   * conversation the staff console loads into a tab (chat.js calls Expo.calls.attach). */
  function attach(root) {
    if (root.hasAttribute("data-call-bound")) return;
    root.setAttribute("data-call-bound", "");
    var panel = root.querySelector("[data-call-panel]");
    if (panel) {
      panels[panel.getAttribute("data-conversation")] = new Panel(root, panel);
    } else {
      root.addEventListener("chat:event", function (event) {
        var data = event.detail;
        if (data.type === "call" && FINISHED[data.state]) addRecord(root, data);
      });
    }
  }

  Expo.calls.attach = function (root) {
    if (!T.ended) readStrings();
    attach(root);
  };

  function init() {
    readStrings();
    document.querySelectorAll("[data-chat-conversation]").forEach(attach);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
