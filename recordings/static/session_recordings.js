// Session page: while a recording is processing, poll its progress and reload when it is done.
(function () {
  "use strict";
  document.querySelectorAll("section.recordings p.recording progress").forEach(function (bar) {
    var p = bar.closest("p");
    (function tick() {
      fetch(p.dataset.api, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
        bar.value = d.progress;
        if (d.status === "ready" || d.status === "failed") { window.location.reload(); } else { setTimeout(tick, 3000); }
      });
    })();
  });
})();
