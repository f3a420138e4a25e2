// Replay page: hls.js (from npm) with MP4 fallback, thumbnails preview, chapters, speed,
// resume (position saved every 5 seconds) and live processing progress.
(function () {
  "use strict";
  var root = document.getElementById("recording");
  if (!root) return;
  var video = document.getElementById("video");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var start = parseFloat(root.dataset.start || "0") || 0;

  function json(url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({"X-CSRFToken": csrf}, options.headers || {});
    return fetch(url, options);
  }

  // --- processing: poll until playable ---------------------------------------------------
  function poll() {
    json(root.dataset.api).then(function (r) { return r.json(); }).then(function (data) {
      var bar = document.getElementById("progress");
      if (bar) bar.value = data.progress;
      var text = document.getElementById("status-text");
      if (text) text.textContent = text.textContent.replace(/\d+\s?%/, data.progress + "%");
      if (data.status === "failed" || data.playable) { window.location.reload(); return; }
      setTimeout(poll, 3000);
    });
  }
  if (!video || !video.dataset.hls && !video.dataset.mp4) { poll(); return; }

  // --- source: HLS through hls.js, native HLS, or the MP4 ------------------------------------
  function seekToStart() {
    if (start > 0 && (!video.duration || start < video.duration - 1)) video.currentTime = start;
  }
  function useMp4() {
    if (video.dataset.mp4) { video.src = video.dataset.mp4; }
  }
  function attach() {
    var hls = video.dataset.hls;
    if (hls && window.Hls && window.Hls.isSupported()) {
      var player = new window.Hls({startPosition: start || -1});
      player.on(window.Hls.Events.ERROR, function (_e, data) {
        if (data.fatal) { player.destroy(); useMp4(); }
      });
      player.loadSource(hls);
      player.attachMedia(video);
    } else if (hls && video.canPlayType("application/vnd.apple.mpegurl")) {
      video.src = hls;
    } else {
      useMp4();
    }
    video.addEventListener("loadedmetadata", seekToStart, {once: true});
  }
  var script = document.createElement("script");
  script.src = root.dataset.hlsJs;
  script.onload = attach;
  script.onerror = attach;  // no hls.js: native HLS or MP4
  document.head.appendChild(script);

  // --- speed -------------------------------------------------------------------------------
  var speed = document.getElementById("speed");
  if (speed) speed.addEventListener("change", function () { video.playbackRate = parseFloat(speed.value); });

  // --- chapters ----------------------------------------------------------------------------
  document.querySelectorAll("[data-seek]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      video.currentTime = parseFloat(a.dataset.seek);
      video.play();
    });
  });

  // --- resume: save the position every 5 s while playing, and on pause ------------------------
  var lastSaved = -1;
  function save() {
    var t = Math.floor(video.currentTime || 0);
    if (t === lastSaved) return;
    lastSaved = t;
    json(root.dataset.positionUrl, {
      method: "PUT", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({seconds: t}), keepalive: true
    });
  }
  setInterval(function () { if (!video.paused) save(); }, 5000);
  video.addEventListener("pause", save);
  video.addEventListener("ended", save);

  // --- thumbnails preview on the timeline ---------------------------------------------------
  var cues = [];
  function parseVtt(text, base) {
    var blocks = text.split(/\n\n+/);
    blocks.forEach(function (b) {
      var m = b.match(/([\d:.]+)\s+-->\s+([\d:.]+)\s*\n(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)/);
      if (!m) return;
      function secs(s) { return s.split(":").reduce(function (a, v) { return a * 60 + parseFloat(v); }, 0); }
      cues.push({start: secs(m[1]), end: secs(m[2]), url: new URL(m[3], base).href,
                 x: +m[4], y: +m[5], w: +m[6], h: +m[7]});
    });
  }
  if (video.dataset.thumbnails) {
    fetch(video.dataset.thumbnails, {credentials: "same-origin"}).then(function (r) { return r.text(); })
      .then(function (t) { parseVtt(t, video.dataset.thumbnails); });
  }
  var preview = document.getElementById("preview");
  var scrubber = document.getElementById("scrubber");
  function showPreview(t, x) {
    var cue = cues.find(function (c) { return t >= c.start && t < c.end; });
    if (!cue) { preview.hidden = true; return; }
    var thumb = preview.querySelector(".thumb");
    thumb.style.width = cue.w + "px";
    thumb.style.height = cue.h + "px";
    thumb.style.backgroundImage = "url(" + cue.url + ")";
    thumb.style.backgroundPosition = "-" + cue.x + "px -" + cue.y + "px";
    preview.querySelector(".time").textContent =
      Math.floor(t / 60) + ":" + String(Math.floor(t % 60)).padStart(2, "0");
    preview.style.left = Math.max(0, x - cue.w / 2) + "px";
    preview.hidden = false;
  }
  if (scrubber) {
    scrubber.addEventListener("input", function () {
      var t = parseFloat(scrubber.value);
      var ratio = t / (parseFloat(scrubber.max) || 1);
      showPreview(t, scrubber.offsetLeft + ratio * scrubber.offsetWidth);
    });
    scrubber.addEventListener("change", function () {
      video.currentTime = parseFloat(scrubber.value);
      preview.hidden = true;
    });
    video.addEventListener("timeupdate", function () {
      if (document.activeElement !== scrubber) scrubber.value = Math.floor(video.currentTime);
    });
  }

  // --- captions upload (facilitator, expert) ------------------------------------------------
  var form = document.getElementById("captions-form");
  if (form) form.addEventListener("submit", function (e) {
    e.preventDefault();
    var data = new FormData(form);
    var url = form.dataset.url + "?language=" + encodeURIComponent(data.get("language"));
    json(url, {method: "POST", body: data}).then(function (r) {
      return r.json().then(function (body) {
        if (r.ok) { window.location.reload(); }
        else { form.querySelector(".result").textContent = body.error.message; }
      });
    });
  });
})();
