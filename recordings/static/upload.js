// Upload page: tus-js-client (tus.min.js, from npm) against the app's tus 1.0 endpoint
// (recordings/api.py). Resumable: the upload URL is kept in localStorage under the file's
// fingerprint, so choosing the same file again (even after a reload) resumes where it stopped.
// Dropped connections are retried after growing delays; offline, it waits for the network.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form || !window.tus) return;
  var msg = document.getElementById("messages").dataset;
  var input = form.querySelector('input[type="file"]');
  var startButton = document.getElementById("upload-start");
  var pauseButton = document.getElementById("upload-pause");
  var resumeButton = document.getElementById("upload-resume");
  var box = document.getElementById("upload-box");
  var bar = document.getElementById("upload-progress");
  var status = form.querySelector(".status");
  var error = document.getElementById("upload-error");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var lang = document.documentElement.lang || "en";
  var RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000];
  var upload = null;
  var waitingForNetwork = false;

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, k) { return k in values ? values[k] : m; });
  }
  function size(bytes) {
    var mb = bytes / (1024 * 1024);
    try {
      return new Intl.NumberFormat(lang, {style: "unit", unit: mb >= 1024 ? "gigabyte" : "megabyte",
                                          maximumFractionDigits: 1}).format(mb >= 1024 ? mb / 1024 : mb);
    } catch (e) { return mb.toFixed(1) + " MB"; }
  }
  function say(text) { status.textContent = text; }
  function fail(text) {
    error.textContent = text;
    input.classList.toggle("is-invalid", !!text);
    if (text) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
  }
  function progress(sent, total) {
    var pct = total ? Math.floor(100 * sent / total) : 0;
    bar.setAttribute("aria-valuenow", pct);
    bar.querySelector(".progress-bar").style.width = pct + "%";
    return pct;
  }
  function buttons(state) {  // "idle", "running", "paused"
    startButton.disabled = state === "running";
    input.disabled = state === "running";
    pauseButton.hidden = state !== "running";
    resumeButton.hidden = state !== "paused";
  }

  // What went wrong, in words: the server's own message when it sent one (JSON error body).
  function explain(err) {
    var res = err.originalResponse;
    if (!res || !res.getStatus()) return msg.failed + " " + msg.network;
    try {
      var body = JSON.parse(res.getBody());
      if (body && body.error && body.error.message) return msg.failed + " " + body.error.message;
    } catch (e) { /* not JSON: a proxy's page */ }
    return msg.failed + " " + fill(msg.http, {status: res.getStatus()});
  }
  function retryable(err) {
    var code = err.originalResponse ? err.originalResponse.getStatus() : 0;
    return code < 400 || code >= 500 || code === 409 || code === 423;
  }

  function start(file) {
    fail("");
    box.hidden = false;
    bar.querySelector(".progress-bar").classList.add("progress-bar-animated");
    buttons("running");
    say(msg.starting);
    upload = new window.tus.Upload(file, {
      endpoint: form.dataset.createUrl,
      headers: {"X-CSRFToken": csrf},
      metadata: {filename: file.name, filetype: file.type || ""},
      chunkSize: parseInt(form.dataset.chunkBytes, 10) || 8 * 1024 * 1024,
      retryDelays: RETRY_DELAYS,
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onShouldRetry: function (err, attempt) {
        if (!retryable(err)) return false;
        if (navigator.onLine === false) return false;  // onError waits for the network
        var seconds = Math.round(RETRY_DELAYS[attempt] / 1000);
        say(seconds ? fill(msg.retrying, {seconds: seconds}) : msg.retryingNow);
        return true;
      },
      onProgress: function (sent, total) {
        var pct = progress(sent, total);
        say(fill(msg.uploading, {pct: pct, sent: size(sent), total: size(total)}));
      },
      onSuccess: function () {
        progress(1, 1);
        bar.querySelector(".progress-bar").classList.remove("progress-bar-animated");
        say(msg.done);
        pauseButton.hidden = true;
        var rid = (upload.url.match(/\/recordings\/(\d+)\/upload/) || [])[1];
        if (rid) window.location.href = form.dataset.replayUrl.replace(/\/0$/, "/" + rid);
      },
      onError: function (err) {
        bar.querySelector(".progress-bar").classList.remove("progress-bar-animated");
        if (navigator.onLine === false && retryable(err)) {
          waitingForNetwork = true;
          buttons("paused");
          say(msg.offline);
          return;
        }
        if (retryable(err) && upload.url) {  // retries exhausted: it can still resume later
          buttons("paused");
        } else {
          buttons("idle");
          upload = null;
        }
        say("");
        fail(explain(err));
      }
    });
    upload.findPreviousUploads().then(function (previous) {
      if (previous.length) {
        upload.resumeFromPreviousUpload(previous[0]);
        say(msg.resuming);
      }
      upload.start();
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (upload) upload.abort();  // paused, then "Upload" again: the same file resumes
    waitingForNetwork = false;
    var file = input.files[0];
    if (!file) { fail(msg.choose); return; }
    if (file.size > parseInt(form.dataset.maxBytes, 10)) { fail(msg.tooLarge); return; }
    start(file);
  });
  pauseButton.addEventListener("click", function () {
    if (!upload) return;
    upload.abort();
    buttons("paused");
    bar.querySelector(".progress-bar").classList.remove("progress-bar-animated");
    say(fill(msg.paused, {pct: bar.getAttribute("aria-valuenow")}));
  });
  function resume() {
    if (!upload) return;
    waitingForNetwork = false;
    fail("");
    buttons("running");
    bar.querySelector(".progress-bar").classList.add("progress-bar-animated");
    upload.start();
  }
  resumeButton.addEventListener("click", resume);
  window.addEventListener("online", function () { if (waitingForNetwork) resume(); });
})();
