// Replay page. Plyr (plyr.min.js, from npm) draws the controls: one timeline with the chapters
// as marks and the storyboard as previews, captions and speed menus, keyboard shortcuts. It
// plays the HLS ladder through hls.js (Safari: native HLS), else the MP4. A saved position
// asks "Resume at 12:40?"; a ?t= link plays from there. The position is saved every 5 s while
// playing and on pause. While the recording is prepared, its progress is polled.
(function () {
  "use strict";
  var root = document.getElementById("recording");
  if (!root) return;
  var video = document.getElementById("video");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function api(url, options) {
    options = options || {};
    options.credentials = "same-origin";
    options.headers = Object.assign({"X-CSRFToken": csrf}, options.headers || {});
    return fetch(url, options);
  }

  // --- captions upload (facilitator, expert) ------------------------------------------------
  var form = document.getElementById("captions-form");
  if (form) form.addEventListener("submit", function (e) {
    e.preventDefault();
    var result = form.querySelector(".result");
    var file = form.querySelector('input[type="file"]');
    var data = new FormData(form);
    var url = form.dataset.url + "?language=" + encodeURIComponent(data.get("language"));
    result.textContent = "";
    file.classList.remove("is-invalid");
    file.removeAttribute("aria-invalid");
    api(url, {method: "POST", body: data}).then(function (r) {
      return r.json().then(function (body) {
        if (r.ok) { window.location.reload(); return; }
        throw new Error(body.error.message);
      });
    }).catch(function (err) {
      result.textContent = err.message || form.dataset.failed;
      file.classList.add("is-invalid");
      file.setAttribute("aria-invalid", "true");
    });
  });

  // --- processing: show the progress, reload once playable ------------------------------------
  function showProgress(pct) {
    var bar = document.getElementById("progress");
    if (!bar) return;
    bar.setAttribute("aria-valuenow", pct);
    bar.querySelector(".progress-bar").style.width = pct + "%";
    var text = document.getElementById("status-text");
    if (text) text.textContent = text.textContent.replace(/\d+\s?%/, pct + "%");
  }
  function poll() {
    api(root.dataset.api).then(function (r) { return r.json(); }).then(function (data) {
      showProgress(data.progress);
      if (data.status === "failed" || data.playable) { window.location.reload(); return; }
      setTimeout(poll, 3000);
    }, function () { setTimeout(poll, 10000); });
  }
  var bar = document.getElementById("progress");
  if (bar) showProgress(parseInt(bar.getAttribute("aria-valuenow"), 10) || 0);
  if (!video || !video.dataset.hls && !video.dataset.mp4) {
    if (root.dataset.status !== "failed") poll();
    return;
  }

  var words = JSON.parse(root.dataset.words || "{}");
  var chapters = JSON.parse(root.dataset.chapters || "[]");
  var start = parseFloat(root.dataset.start) || 0;
  var resume = parseFloat(root.dataset.resume) || 0;
  var mp4 = video.dataset.mp4;

  function seekTo(t) {
    if (video.readyState >= 1) { video.currentTime = t; return; }
    video.addEventListener("loadedmetadata", function () { video.currentTime = t; }, {once: true});
  }
  function play() {
    var p = (player || video).play();
    if (p && p.catch) p.catch(function () {});
  }

  // --- source: HLS through hls.js, native HLS (Safari), or the MP4 ----------------------------
  var hlsUrl = video.dataset.hls;
  function useMp4() {
    if (!mp4) return;
    video.src = mp4;
    if (start > 0) seekTo(start);
  }
  if (hlsUrl && window.Hls && window.Hls.isSupported()) {
    var hls = new window.Hls({startPosition: start > 0 ? start : -1});
    hls.on(window.Hls.Events.ERROR, function (_e, data) {
      if (data.fatal) { hls.destroy(); useMp4(); }
    });
    hls.loadSource(hlsUrl);
    hls.attachMedia(video);
  } else if (hlsUrl && video.canPlayType("application/vnd.apple.mpegurl")) {
    video.src = hlsUrl;
    if (start > 0) seekTo(start);
  } else {
    useMp4();
  }

  // --- the player ------------------------------------------------------------------------------
  function escapeHtml(s) {  // Plyr shows marker labels as HTML
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  var player = null;
  if (window.Plyr) {
    // Plyr writes caption labels into its menu as HTML: hand it text only
    Array.prototype.forEach.call(video.querySelectorAll("track"), function (t) {
      t.label = escapeHtml(t.label);
    });
    // (the MP4 download is the page's own button, under the player)
    var controls = ["play-large", "play", "progress", "current-time", "duration", "mute", "volume",
                    "captions", "settings", "pip", "fullscreen"];
    var marks = chapters.filter(function (c) { return c.start_seconds >= 1; }).map(function (c) {
      return {time: Math.round(c.start_seconds), label: escapeHtml(c.title)};
    });
    player = new window.Plyr(video, {
      controls: controls,
      settings: ["captions", "speed"],
      i18n: words,
      iconUrl: root.dataset.iconUrl,  // the local sprite: no request to a CDN
      blankVideo: "",
      seekTime: 10,
      invertTime: false,
      speed: {selected: 1, options: [0.5, 0.75, 1, 1.25, 1.5, 1.75, 2]},
      captions: {active: video.textTracks.length > 0, language: root.dataset.language},
      keyboard: {focused: true, global: false},
      tooltips: {controls: true, seek: true},
      markers: {enabled: marks.length > 0, points: marks},
      previewThumbnails: {enabled: !!video.dataset.thumbnails, src: video.dataset.thumbnails},
      storage: {enabled: true, key: "copa-player"}
    });
  }
  window.copaPlayer = player;  // for the browser tests and the console

  function focusPlayer() {  // Plyr's shortcuts work while focus is inside the player
    var container = player && player.elements && player.elements.container;
    var target = container && container.querySelector(".plyr__controls [data-plyr='play']") || video;
    target.focus();
  }

  // --- resume: "Resume at 12:40?" ----------------------------------------------------------------
  var prompt = document.getElementById("resume");
  if (prompt && resume > 0) {
    prompt.hidden = false;
    var answer = function (t) {
      prompt.hidden = true;
      seekTo(t);
      play();
      focusPlayer();
    };
    document.getElementById("resume-yes").addEventListener("click", function () { answer(resume); });
    document.getElementById("resume-no").addEventListener("click", function () { answer(0); });
    video.addEventListener("ended", function () { prompt.hidden = true; });
  }

  // --- chapters: jump there; the current one is marked ------------------------------------------
  var links = Array.prototype.slice.call(document.querySelectorAll("#chapters [data-seek]"));
  links.forEach(function (a) {
    a.addEventListener("click", function (e) {
      e.preventDefault();
      if (prompt) prompt.hidden = true;
      seekTo(parseFloat(a.dataset.seek));
      play();
    });
  });
  var current = null;
  function markChapter() {
    var t = video.currentTime || 0;
    var now = null;
    links.forEach(function (a) { if (parseFloat(a.dataset.seek) <= t + 0.25) now = a; });
    if (now === current) return;
    if (current) current.removeAttribute("aria-current");
    if (now) now.setAttribute("aria-current", "true");
    current = now;
  }
  if (links.length) {
    video.addEventListener("timeupdate", markChapter);
    video.addEventListener("seeked", markChapter);
    markChapter();
  }

  // --- position: saved every 5 s while playing, and on pause ------------------------------------
  var lastSaved = -1;
  function save() {
    var t = Math.floor(video.currentTime || 0);
    if (t === lastSaved) return;
    lastSaved = t;
    api(root.dataset.positionUrl, {
      method: "PUT", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({seconds: t}), keepalive: true
    });
  }
  setInterval(function () { if (!video.paused) save(); }, 5000);
  video.addEventListener("pause", save);
  video.addEventListener("ended", save);
})();
