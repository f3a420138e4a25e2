// The calendar pages ("My calendar", a program's sessions): FullCalendar v6 configured from the
// data-* attributes of #copa-calendar (templates/calendar/_widget.html). Events come from the
// page's JSON endpoint (data-events-url) for the visible range, with UTC times; they are shown in
// the viewer's zone (data-time-zone, named zones through the luxon3 plugin) and language.
// On phones (< 600 px) the calendar opens as a list. A static file: the CSP allows it.
(function () {
  "use strict";
  var el = document.getElementById("copa-calendar");
  if (!el || !window.FullCalendar) {
    return;
  }
  var d = el.dataset;
  var french = (d.locale || "").indexOf("fr") === 0;
  var phone = window.matchMedia("(max-width: 599.98px)").matches;
  var error = document.getElementById("copa-calendar-error");

  function hint(kind) {
    return function (text, unit) {
      var key = "hint" + kind + unit.charAt(0).toUpperCase() + unit.slice(1);
      return d[key] || text;
    };
  }

  // The week view opens scrolled to two hours before now (in the calendar's zone).
  function scrollTime() {
    var hour = 7;
    if (window.luxon) {
      hour = Math.max(0, window.luxon.DateTime.now().setZone(d.timeZone).hour - 2);
    }
    return (hour < 10 ? "0" : "") + hour + ":00:00";
  }

  function hideIcons() {
    el.querySelectorAll(".fc-icon").forEach(function (icon) {
      icon.setAttribute("aria-hidden", "true");
    });
  }

  var options = {
    timeZone: d.timeZone || "America/Toronto",
    locale: d.locale || "en",
    firstDay: 1,
    initialView: phone ? "listMonth" : "dayGridMonth",
    headerToolbar: {
      left: "prev,next today",
      center: "title",
      right: "dayGridMonth,timeGridWeek,listMonth",
    },
    buttonText: {
      today: d.labelToday,
      month: d.labelMonth,
      week: d.labelWeek,
      list: d.labelList,
    },
    buttonHints: { prev: hint("Prev"), next: hint("Next"), today: hint("Today") },
    viewHint: function (text) {
      return text;
    },
    moreLinkHint: function (count) {
      return (d.hintMore || "+{n}").replace("{n}", count);
    },
    noEventsContent: d.labelEmpty,
    height: "auto",
    nowIndicator: true,
    allDaySlot: false,
    dayMaxEvents: 4,
    eventDisplay: "block",
    scrollTime: scrollTime(),
    views: {
      timeGridWeek: { height: phone ? 560 : 680, eventDisplay: "auto" },
      listMonth: { eventDisplay: "auto" },
    },
    events: {
      url: d.eventsUrl,
      failure: function () {
        if (error) {
          error.classList.remove("d-none");
        }
      },
    },
    eventSourceSuccess: function (content) {
      if (error) {
        error.classList.add("d-none");
      }
      return content;
    },
    // A month cell is named by its day number (FullCalendar's aria-labelledby), while it shows
    // the events too: axe reports the mismatch. The cell is named by what it shows instead.
    dayCellDidMount: function (info) {
      info.el.removeAttribute("aria-labelledby");
    },
    // The toolbar's chevrons are role="img" without a name; their buttons are named already
    datesSet: hideIcons,
    loading: function (busy) {
      el.setAttribute("aria-busy", busy ? "true" : "false");
    },
  };
  if (d.initialDate) {
    options.initialDate = d.initialDate;
  }
  if (french) {
    // 24 h clock, as everywhere in Copa's French pages (luxon format strings)
    options.eventTimeFormat = "HH:mm";
    options.slotLabelFormat = "HH:mm";
    options.views.timeGridWeek.dayHeaderFormat = "ccc d";
  }
  var calendar = new window.FullCalendar.Calendar(el, options);
  calendar.render();
  hideIcons();
})();
