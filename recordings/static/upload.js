// Upload page: tus 1.0 (creation + PATCH chunks) with a progress bar, resumable.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form) return;
  var CHUNK = 8 * 1024 * 1024;
  var msg = document.getElementById("messages").dataset;
  var bar = document.getElementById("upload-progress");
  var status = form.querySelector(".status");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function say(text) { status.textContent = text; }
  function key(file) { return "copa-upload:" + form.dataset.createUrl + ":" + file.name + ":" + file.size + ":" + file.lastModified; }
  function b64(s) { return btoa(unescape(encodeURIComponent(s))); }

  function request(method, url, headers, body, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.withCredentials = true;
      xhr.setRequestHeader("Tus-Resumable", "1.0.0");
      xhr.setRequestHeader("X-CSRFToken", csrf);
      Object.keys(headers).forEach(function (h) { xhr.setRequestHeader(h, headers[h]); });
      if (onProgress) xhr.upload.onprogress = onProgress;
      xhr.onload = function () { resolve(xhr); };
      xhr.onerror = function () { reject(new Error("network")); };
      xhr.send(body || null);
    });
  }

  function errorOf(xhr) {
    try { return JSON.parse(xhr.responseText).error.message; } catch (e) { return xhr.status; }
  }

  function create(file) {
    return request("POST", form.dataset.createUrl, {
      "Upload-Length": String(file.size),
      "Upload-Metadata": "filename " + b64(file.name) + ",filetype " + b64(file.type || "")
    }).then(function (xhr) {
      if (xhr.status !== 201) throw new Error(errorOf(xhr));
      var body = JSON.parse(xhr.responseText);
      localStorage.setItem(key(file), JSON.stringify({url: xhr.getResponseHeader("Location"), id: body.id}));
      return {url: xhr.getResponseHeader("Location"), id: body.id};
    });
  }

  function offsetOf(upload) {
    return request("HEAD", upload.url, {}).then(function (xhr) {
      if (xhr.status !== 200) return null;
      return parseInt(xhr.getResponseHeader("Upload-Offset"), 10);
    });
  }

  function send(file, upload, offset, retries) {
    if (offset >= file.size) return Promise.resolve(upload);
    var end = Math.min(file.size, offset + CHUNK);
    return request("PATCH", upload.url, {
      "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream"
    }, file.slice(offset, end), function (e) {
      var pct = Math.floor(100 * (offset + e.loaded) / file.size);
      bar.value = pct;
      say(msg.uploading.replace("{pct}", pct));
    }).then(function (xhr) {
      if (xhr.status === 204) return send(file, upload, parseInt(xhr.getResponseHeader("Upload-Offset"), 10), 0);
      if (xhr.status === 409) return offsetOf(upload).then(function (o) { return send(file, upload, o, retries); });
      throw new Error(errorOf(xhr));
    }, function () {
      if (retries > 20) throw new Error(msg.retrying);
      say(msg.retrying);
      return new Promise(function (r) { setTimeout(r, Math.min(30000, 1000 * Math.pow(2, retries))); })
        .then(function () { return offsetOf(upload); })
        .then(function (o) { return send(file, upload, o === null ? offset : o, retries + 1); },
              function () { return send(file, upload, offset, retries + 1); });
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var file = form.querySelector('input[type="file"]').files[0];
    if (!file) return;
    if (file.size > parseInt(form.dataset.maxBytes, 10)) { say(msg.tooLarge); return; }
    bar.hidden = false;
    form.querySelector("button").disabled = true;
    var saved = JSON.parse(localStorage.getItem(key(file)) || "null");
    var ready = saved
      ? offsetOf(saved).then(function (o) { return o === null ? create(file).then(function (u) { return [u, 0]; }) : [saved, o]; })
      : create(file).then(function (u) { return [u, 0]; });
    ready.then(function (pair) { return send(file, pair[0], pair[1], 0); })
      .then(function (upload) {
        localStorage.removeItem(key(file));
        bar.value = 100;
        say(msg.done);
        window.location.href = form.dataset.replayUrl.replace(/\/0$/, "/" + upload.id);
      })
      .catch(function (err) {
        say(msg.failed + " " + err.message);
        form.querySelector("button").disabled = false;
      });
  });
})();
