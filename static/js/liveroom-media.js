/*
 * The live room's video (templates/chat/liveroom/_video.html), beside liveroom.js's slides and
 * Q&A: the host's preview and publishing, attendees' playback, raised hands and the stage.
 *
 * It follows the live room's socket (liveroom.js dispatches every message as a
 * "liveroom:message" event on #liveroom and lends its send function). The server's `media`
 * state says whether video is ready and which feeds are published; once it is ready this
 * script asks for a grant ({"type": "media.join"}): the Janus server's address, a per-user
 * token, the room and its PIN, and whether this person may publish. Then, with janus.js
 * (vendored): publishers join the VideoRoom with their own publisher id and publish camera,
 * microphone and/or a shared screen (the camera in simulcast: three qualities); everyone
 * subscribes to the published feeds the server lists, and can pick a quality, or let "auto"
 * step down a layer when frames stall or packets get lost, and back up when it is smooth.
 *
 * Janus unreachable: the room says so and slides and Q&A keep working. Labels come from
 * data-label-* attributes (translated by the template); user text is set with textContent.
 */
(function () {
  "use strict";

  var root = document.getElementById("liveroom");
  var panel = document.getElementById("video-panel");
  if (!root || !panel) return;

  var $ = function (id) {
    return document.getElementById(id);
  };
  var label = function (name, values) {
    var text = panel.getAttribute("data-label-" + name) || name;
    Object.keys(values || {}).forEach(function (key) {
      text = text.replace("%(" + key + ")s", values[key]);
    });
    return text;
  };
  var isHost = root.getAttribute("data-host") === "1";
  var me = Number(panel.getAttribute("data-user"));

  var media = { status: "waiting", feeds: [], stage: [], hands: [], stage_max: 0 };
  var mediaSeen = -1; // id of the last media state applied
  var grant = null;
  var grantPending = false;
  var janus = null;
  var janusReady = null; // a promise of the Janus session
  var publisher = null; // { handle, published, tracks }
  var subscriptions = {}; // feed id -> { handle, tile, video, stream, mode, substream, ... }
  var preview = { stream: null, screen: null };
  var janusInitialised = null;
  var acceptedStage = false; // an attendee accepted to go on stage: publish once allowed

  function send(frame) {
    return root.liveroomSend ? root.liveroomSend(frame) : false;
  }

  function say(text, level) {
    var note = $("video-note");
    note.textContent = text || "";
    note.hidden = !text;
    note.className = "video-note small mb-2" + (level === "error" ? " text-danger" : "");
  }

  /* ---- State from the server ------------------------------------------------------------ */
  root.addEventListener("liveroom:message", function (event) {
    var data = event.detail;
    if (data.type === "state") {
      mediaSeen = -1;
      applyMedia(data.media, data.id);
    } else if (data.type === "media") {
      applyMedia(data.media, data.id);
    } else if (data.type === "status" && data.status === "ended") {
      applyMedia(Object.assign({}, media, { status: "ended", feeds: [], stage: [], hands: [] }), data.id);
    } else if (data.type === "media.grant") {
      grantPending = false;
      onGrant(data);
    } else if (data.type === "error" && /^(media_|not_live|banned|stage_full|not_attending)/.test(data.code || "")) {
      grantPending = false;
      say(data.message, "error");
    }
  });

  function applyMedia(state, id) {
    if (!state) return;
    if (typeof id === "number" && id <= mediaSeen) return; // an older copy
    if (typeof id === "number") mediaSeen = id;
    media = state;
    panel.setAttribute("data-media", media.status);
    render();
    if (media.status === "ready") {
      var wanted = needsGrant();
      if (wanted) requestGrant();
      else if (grant) syncSubscriptions();
    } else {
      teardown();
    }
  }

  function onStage() {
    return media.stage.some(function (p) {
      return p.user === me;
    });
  }

  /* A (new) grant when there is none, or when an attendee went on or off stage. */
  function needsGrant() {
    if (grantPending) return false;
    if (!grant) return true;
    return !isHost && onStage() !== grant.publish;
  }

  function requestGrant() {
    grantPending = true;
    send({ type: "media.join" });
  }

  /* ---- Rendering ------------------------------------------------------------------------ */
  function render() {
    var status = media.status;
    var message = {
      off: isHost ? label("off-host") : label("off"),
      unavailable: label("unavailable"),
      waiting: label("waiting"),
      ended: label("ended"),
      ready: media.feeds.length ? "" : label("no-feeds"),
    }[status];
    say(message, status === "unavailable" ? "error" : null);
    $("video-publish").hidden = !(isHost || onStage()) || status === "ended" || status === "off";
    renderHands();
  }

  function personItem(person, buttons) {
    var li = document.createElement("li");
    li.className = "d-flex align-items-center gap-2 mb-1";
    var name = document.createElement("span");
    name.textContent = person.name;
    li.appendChild(name);
    buttons.forEach(function (b) {
      li.appendChild(b);
    });
    return li;
  }

  function actionButton(text, className, frame) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-sm " + className;
    b.textContent = text;
    b.addEventListener("click", function () {
      send(frame);
    });
    return b;
  }

  function renderHands() {
    var live = media.status === "ready";
    var raised = media.hands.some(function (p) {
      return p.user === me;
    });
    var stageBox = $("video-stage");
    stageBox.hidden = !live;
    $("stage-count").textContent = label("stage-count", { n: media.stage.length, max: media.stage_max });
    var stageList = $("stage-list");
    stageList.textContent = "";
    media.stage.forEach(function (p) {
      var buttons = isHost ? [actionButton(label("take-off"), "btn-outline-danger", { type: "stage.remove", user: p.user })] : [];
      stageList.appendChild(personItem(p, buttons));
    });
    var handList = $("hand-list");
    handList.textContent = "";
    media.hands.forEach(function (p) {
      var buttons = isHost ? [actionButton(label("bring-on"), "btn-outline-success", { type: "stage.invite", user: p.user })] : [];
      handList.appendChild(personItem(p, buttons));
    });
    $("hands-empty").hidden = media.hands.length > 0;
    var hand = $("hand-button");
    hand.hidden = isHost || !live;
    if (onStage()) {
      hand.textContent = label("leave-stage");
      hand.setAttribute("data-frame", "hand.lower");
    } else if (raised) {
      hand.textContent = label("lower-hand");
      hand.setAttribute("data-frame", "hand.lower");
    } else {
      hand.textContent = label("raise-hand");
      hand.setAttribute("data-frame", "hand.raise");
    }
    hand.setAttribute("aria-pressed", raised ? "true" : "false");
    var invited = $("stage-invite");
    invited.hidden = !(onStage() && !(publisher && publisher.published));
  }

  $("hand-button").addEventListener("click", function () {
    send({ type: this.getAttribute("data-frame") });
  });

  /* ---- Janus ---------------------------------------------------------------------------- */
  function initJanus() {
    if (!janusInitialised) {
      janusInitialised = new Promise(function (resolve, reject) {
        if (!window.Janus) return reject(new Error("janus.js missing"));
        window.Janus.init({
          debug: false,
          dependencies: window.Janus.useDefaultDependencies(),
          callback: resolve,
        });
      });
    }
    return janusInitialised;
  }

  function onGrant(data) {
    var changedServer = grant && (grant.janus_url !== data.janus_url || grant.token !== data.token || grant.room !== data.room);
    grant = data;
    if (changedServer) teardown(true);
    connectJanus().then(function () {
      var previewing = !!(preview.stream || preview.screen);
      if (grant.publish && !publisher && previewing && (isHost || acceptedStage)) publish();
      if (!grant.publish) {
        acceptedStage = false;
        if (publisher) unpublish();
      }
      syncSubscriptions();
      render();
    }, function () {
      say(label("unavailable"), "error");
    });
  }

  function connectJanus() {
    if (janusReady) return janusReady;
    janusReady = initJanus().then(function () {
      return new Promise(function (resolve, reject) {
        janus = new window.Janus({
          server: grant.janus_url,
          token: grant.token,
          success: resolve,
          error: function (error) {
            janusReady = null;
            janus = null;
            reject(error);
            if (media.status === "ready") {
              say(label("unavailable"), "error");
              // try again a little later; the server may be back
              setTimeout(function () {
                if (media.status === "ready" && !janusReady) requestGrant();
              }, 5000);
            }
          },
          destroyed: function () {
            janusReady = null;
            janus = null;
          },
        });
      });
    });
    return janusReady;
  }

  function attach(callbacks) {
    return new Promise(function (resolve, reject) {
      janus.attach(Object.assign({
        plugin: "janus.plugin.videoroom",
        opaqueId: "expo-" + me,
        success: resolve,
        error: reject,
      }, callbacks));
    });
  }

  function sendMessage(handle, message, jsep) {
    return new Promise(function (resolve, reject) {
      handle.send({ message: message, jsep: jsep, success: resolve, error: reject });
    });
  }

  /* ---- Publishing (hosts and people on stage) -------------------------------------------- */
  function devices() {
    return navigator.mediaDevices && navigator.mediaDevices.enumerateDevices
      ? navigator.mediaDevices.enumerateDevices()
      : Promise.resolve([]);
  }

  function fillDevices() {
    return devices().then(function (list) {
      [["camera-select", "videoinput"], ["mic-select", "audioinput"]].forEach(function (pair) {
        var select = $(pair[0]);
        var current = select.value;
        select.textContent = "";
        var none = document.createElement("option");
        none.value = "";
        none.textContent = label("none");
        select.appendChild(none);
        list.filter(function (d) {
          return d.kind === pair[1];
        }).forEach(function (d, index) {
          var option = document.createElement("option");
          option.value = d.deviceId || "default";
          option.textContent = d.label || label(pair[1] === "videoinput" ? "camera-n" : "mic-n", { n: index + 1 });
          select.appendChild(option);
        });
        if (current) select.value = current;
        else if (select.options.length > 1) select.selectedIndex = 1;
      });
    });
  }

  function stopStream(stream) {
    if (stream) stream.getTracks().forEach(function (t) {
      t.stop();
    });
  }

  function showPreview() {
    var video = $("preview-video");
    var tracks = [];
    if (preview.stream) tracks = tracks.concat(preview.stream.getTracks().filter(function (t) {
      return t.kind === "video";
    }));
    if (preview.screen) tracks = preview.screen.getVideoTracks().concat(tracks);
    video.srcObject = tracks.length ? new MediaStream(tracks.slice(0, 1)) : null;
    video.hidden = !tracks.length;
    $("preview-empty").hidden = !!tracks.length;
  }

  function startCamera() {
    var camera = $("camera-select").value;
    var mic = $("mic-select").value;
    if (!camera && !mic) {
      stopStream(preview.stream);
      preview.stream = null;
      showPreview();
      return Promise.resolve();
    }
    var constraints = {
      video: camera ? { deviceId: camera === "default" ? undefined : { exact: camera }, width: { ideal: 1280 }, height: { ideal: 720 } } : false,
      audio: mic ? { deviceId: mic === "default" ? undefined : { exact: mic } } : false,
    };
    return navigator.mediaDevices.getUserMedia(constraints).then(function (stream) {
      stopStream(preview.stream);
      preview.stream = stream;
      showPreview();
      return fillDevices();
    }, function (error) {
      say(label("camera-error") + " " + (error && error.name ? error.name : ""), "error");
    });
  }

  function shareScreen() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
      say(label("screen-error"), "error");
      return Promise.resolve();
    }
    return navigator.mediaDevices.getDisplayMedia({ video: true, audio: false }).then(function (stream) {
      stopStream(preview.screen);
      preview.screen = stream;
      stream.getVideoTracks()[0].addEventListener("ended", function () {
        preview.screen = null;
        showPreview();
        if (publisher) republish();
      });
      showPreview();
    }, function (error) {
      say(label("screen-error") + " " + (error && error.name ? error.name : ""), "error");
    });
  }

  function localTracks() {
    var tracks = [];
    var stream = preview.stream;
    if (stream && stream.getAudioTracks()[0]) tracks.push({ type: "audio", capture: stream.getAudioTracks()[0], recv: false });
    if (stream && stream.getVideoTracks()[0]) tracks.push({ type: "video", capture: stream.getVideoTracks()[0], recv: false, simulcast: true });
    if (preview.screen && preview.screen.getVideoTracks()[0]) tracks.push({ type: "screen", capture: preview.screen.getVideoTracks()[0], recv: false });
    return tracks;
  }

  function publish() {
    if (!grant || !grant.publish || publisher || !janus) return;
    var tracks = localTracks();
    if (!tracks.length) {
      say(label("pick-first"), "error");
      return;
    }
    publisher = { handle: null, published: false };
    var current = publisher;
    attach({
      onmessage: function (msg, jsep) {
        if (jsep) current.handle.handleRemoteJsep({ jsep: jsep });
        if (msg.videoroom === "event" && msg.error) say(msg.error, "error");
        if (msg.videoroom === "event" && msg.configured === "ok") {
          $("go-on-air").hidden = true;
          $("stop-air").hidden = false;
        }
        if (msg.videoroom === "event" && (msg.leaving === "ok" || msg.unpublished === "ok")) {
          current.published = false;
        }
      },
      webrtcState: function (up) {
        // Janus lists a publisher once its PeerConnection is up: then the server looks.
        current.published = up && publisher === current;
        send({ type: up ? "media.published" : "media.unpublished" });
        render();
      },
      oncleanup: function () {
        if (publisher === current) {
          publisher = null;
          send({ type: "media.unpublished" });
        }
      },
    }).then(function (handle) {
      current.handle = handle;
      return sendMessage(handle, {
        request: "join", ptype: "publisher", room: grant.room, pin: grant.pin,
        id: grant.feed, display: grant.name, token: grant.token,
      });
    }).then(function () {
      return new Promise(function (resolve, reject) {
        current.handle.createOffer({ tracks: localTracks(), success: resolve, error: reject });
      });
    }).then(function (jsep) {
      return sendMessage(current.handle, { request: "configure", audio: true, video: true }, jsep);
    }).catch(function (error) {
      say(label("publish-error") + " " + (error && error.message ? error.message : error || ""), "error");
      if (current.handle) current.handle.detach();
      if (publisher === current) publisher = null;
    });
  }

  function unpublish() {
    var current = publisher;
    publisher = null;
    if (current && current.handle) {
      current.handle.send({ message: { request: "leave" } });
      current.handle.detach();
    }
    send({ type: "media.unpublished" });
    $("go-on-air").hidden = false;
    $("stop-air").hidden = true;
  }

  function republish() {
    unpublish();
    setTimeout(publish, 300);
  }

  $("preview-camera").addEventListener("click", function () {
    startCamera();
  });
  $("share-screen").addEventListener("click", function () {
    shareScreen().then(function () {
      if (publisher) republish();
    });
  });
  $("go-on-air").addEventListener("click", function () {
    if (!grant || !grant.publish) {
      say(label("not-live-yet"), null);
      return;
    }
    connectJanus().then(publish);
  });
  $("stop-air").addEventListener("click", unpublish);
  $("accept-stage").addEventListener("click", function () {
    acceptedStage = true;
    startCamera().then(function () {
      if (grant && grant.publish) connectJanus().then(publish);
      else if (!grantPending) requestGrant(); // publishes when the grant allows it
    });
  });

  if (navigator.mediaDevices) fillDevices();

  /* ---- Watching ------------------------------------------------------------------------- */
  function syncSubscriptions() {
    if (!janus || !grant) return;
    var wanted = {};
    media.feeds.forEach(function (f) {
      if (f.feed !== grant.feed) wanted[f.feed] = f;
    });
    Object.keys(subscriptions).forEach(function (feed) {
      if (!wanted[feed]) closeSubscription(feed);
    });
    Object.keys(wanted).forEach(function (feed) {
      if (!subscriptions[feed]) subscribe(wanted[feed]);
    });
  }

  function makeTile(feed) {
    var tile = document.createElement("figure");
    tile.className = "video-tile";
    tile.setAttribute("data-feed", String(feed.feed));
    var video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute("playsinline", "");
    var caption = document.createElement("figcaption");
    caption.className = "video-caption";
    caption.textContent = feed.name + (feed.role === "stage" ? " · " + label("on-stage") : "");
    var quality = document.createElement("select");
    quality.className = "form-select form-select-sm video-quality";
    quality.setAttribute("aria-label", label("quality") + ": " + feed.name);
    [["auto", label("q-auto")], ["2", label("q-high")], ["1", label("q-medium")], ["0", label("q-low")]].forEach(function (pair) {
      var option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      quality.appendChild(option);
    });
    quality.hidden = true; // shown once the stream reports simulcast layers
    var play = document.createElement("button");
    play.type = "button";
    play.className = "btn btn-light btn-sm video-play";
    play.textContent = label("play-sound");
    play.hidden = true;
    play.addEventListener("click", function () {
      video.play().then(function () {
        play.hidden = true;
      });
    });
    tile.appendChild(video);
    tile.appendChild(caption);
    tile.appendChild(quality);
    tile.appendChild(play);
    $("video-grid").appendChild(tile);
    return { tile: tile, video: video, quality: quality, play: play };
  }

  function subscribe(feed) {
    var view = makeTile(feed);
    var sub = {
      feed: feed.feed, handle: null, stream: new MediaStream(), mode: "auto", substream: 2,
      videoMid: null, tile: view.tile, video: view.video, play: view.play, quality: view.quality,
      last: null, calm: 0, attached: false, simulcast: false,
    };
    subscriptions[feed.feed] = sub;
    view.quality.addEventListener("change", function () {
      sub.mode = view.quality.value;
      if (sub.mode !== "auto") setSubstream(sub, Number(sub.mode));
    });
    attach({
      onmessage: function (msg, jsep) {
        if (msg.videoroom === "event" && msg.error) {
          // Refused before it started (the feed is gone): drop the tile; later errors are
          // only reported (a quality change the stream does not offer, say).
          if (!sub.attached && subscriptions[feed.feed] === sub) closeSubscription(feed.feed);
          return;
        }
        if (msg.videoroom === "attached") sub.attached = true;
        if (msg.streams) msg.streams.forEach(function (s) {
          if (s.type === "video") sub.videoMid = s.mid;
        });
        if (msg.substream !== undefined && msg.substream !== null) {
          sub.substream = msg.substream; // only simulcast streams report layers
          sub.simulcast = true;
          sub.quality.hidden = false;
        }
        if (jsep) {
          sub.handle.createAnswer({
            jsep: jsep,
            tracks: [{ type: "data" }],
            success: function (answer) {
              sub.handle.send({ message: { request: "start", room: grant.room }, jsep: answer });
            },
            error: function () {
              say(label("watch-error"), "error");
            },
          });
        }
      },
      onremotetrack: function (track, mid, on) {
        sub.stream.getTracks().forEach(function (t) {
          if (!on && t.id === track.id) sub.stream.removeTrack(t);
        });
        if (on && !sub.stream.getTrackById(track.id)) sub.stream.addTrack(track);
        if (sub.video.srcObject !== sub.stream) sub.video.srcObject = sub.stream;
        var playing = sub.video.play();
        if (playing && playing.catch) playing.catch(function () {
          sub.play.hidden = false;
        });
      },
      oncleanup: function () {
        sub.stream = new MediaStream();
      },
    }).then(function (handle) {
      sub.handle = handle;
      if (subscriptions[feed.feed] !== sub) return handle.detach();
      return sendMessage(handle, {
        request: "join", ptype: "subscriber", room: grant.room, pin: grant.pin,
        streams: [{ feed: feed.feed }],
      });
    }).catch(function () {
      if (subscriptions[feed.feed] === sub) closeSubscription(feed.feed);
    });
  }

  function closeSubscription(feed) {
    var sub = subscriptions[feed];
    if (!sub) return;
    delete subscriptions[feed];
    if (sub.handle) sub.handle.detach();
    sub.tile.remove();
  }

  function setSubstream(sub, layer) {
    if (!sub.handle || !sub.videoMid || layer === sub.substream) return;
    sub.substream = layer;
    sub.handle.send({ message: { request: "configure", mid: sub.videoMid, substream: layer } });
  }

  /* Weak connections: step down a simulcast layer when frames stall or packets get lost, back
   * up after a calm spell. */
  function adapt() {
    Object.keys(subscriptions).forEach(function (feed) {
      var sub = subscriptions[feed];
      var pc = sub.handle && sub.handle.webrtcStuff && sub.handle.webrtcStuff.pc;
      if (!pc || sub.mode !== "auto" || !sub.simulcast) return;
      pc.getStats().then(function (report) {
        report.forEach(function (s) {
          if (s.type !== "inbound-rtp" || s.kind !== "video") return;
          var now = { lost: s.packetsLost || 0, received: s.packetsReceived || 0, freezes: s.freezeCount || 0 };
          var last = sub.last;
          sub.last = now;
          if (!last) return;
          var packets = now.received - last.received + now.lost - last.lost;
          var loss = packets > 0 ? (now.lost - last.lost) / packets : 0;
          var froze = now.freezes > last.freezes;
          if ((loss > 0.05 || froze) && sub.substream > 0) {
            sub.calm = 0;
            setSubstream(sub, sub.substream - 1);
          } else if (loss < 0.01 && !froze) {
            sub.calm += 1;
            if (sub.calm >= 5 && sub.substream < 2) {
              sub.calm = 0;
              setSubstream(sub, sub.substream + 1);
            }
          }
        });
      });
    });
  }
  setInterval(adapt, 3000);

  function teardown(keepGrant) {
    Object.keys(subscriptions).forEach(closeSubscription);
    if (publisher) unpublish();
    if (janus) janus.destroy();
    janus = null;
    janusReady = null;
    if (!keepGrant) grant = null;
  }

  window.addEventListener("pagehide", function () {
    if (janus) janus.destroy({ unload: true });
  });

  /* For diagnostics (and the browser tests): what each subscription receives. */
  window.ExpoLiveMedia = {
    inboundStats: function () {
      var result = {};
      return Promise.all(Object.keys(subscriptions).map(function (feed) {
        var pc = subscriptions[feed].handle && subscriptions[feed].handle.webrtcStuff && subscriptions[feed].handle.webrtcStuff.pc;
        if (!pc) return null;
        return pc.getStats().then(function (report) {
          var entry = { framesDecoded: 0, audioBytes: 0, audioSamples: 0, videoBytes: 0 };
          report.forEach(function (s) {
            if (s.type !== "inbound-rtp") return;
            if (s.kind === "video") {
              entry.framesDecoded += s.framesDecoded || 0;
              entry.videoBytes += s.bytesReceived || 0;
            } else if (s.kind === "audio") {
              entry.audioBytes += s.bytesReceived || 0;
              entry.audioSamples += s.totalSamplesReceived || 0;
            }
          });
          result[feed] = entry;
        });
      })).then(function () {
        return result;
      });
    },
    publishing: function () {
      return !!(publisher && publisher.published);
    },
  };
})();
