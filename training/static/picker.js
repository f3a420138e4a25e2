// The booking picker's month (templates/coaching/book.html): Cally's <calendar-date> (npm)
// marks the days that have open times and disallows the others; choosing a day loads its
// times. Without this script the page shows the same days as a list of links.
(function () {
  const cal = document.getElementById("copa-picker-calendar");
  if (cal) {
    const days = new Set(JSON.parse(cal.dataset.days));
    const iso = (date) => date.toISOString().slice(0, 10); // Cally's dates are UTC midnights
    customElements.whenDefined("calendar-date").then(() => {
      cal.isDateDisallowed = (date) => !days.has(iso(date));
      cal.getDayParts = (date) => (days.has(iso(date)) ? "available" : "");
      document.querySelectorAll("[data-picker-fallback]").forEach((el) => (el.hidden = true));
      document.querySelectorAll("[data-picker-legend]").forEach((el) => (el.hidden = false));
      cal.hidden = false;
      cal.addEventListener("change", () => {
        const url = new URL(cal.dataset.url, window.location.href);
        url.searchParams.set("day", cal.value);
        url.hash = "times";
        window.location.assign(url);
      });
    });
  }
  // One click books once: the button is disabled while the form is on its way.
  document.querySelectorAll(".picker-confirm form").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("button[type=submit]").forEach((b) => (b.disabled = true));
    });
  });
})();
