// Live countdowns for elements with data-due (ISO 8601). The time is worked out from data-due
// on every tick, so a countdown is right whatever brought it onto the page: the first load, an
// htmx swap (the board's refresh), htmx restoring a page from history, or the browser showing
// the page again from its back-forward cache (timers may have been paused meanwhile).
(function () {
  "use strict";
  // Loaded once per document, however many templates ask for it.
  if (window.xinbaoCountdown) return;
  window.xinbaoCountdown = true;
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  function fmt(ms) {
    var late = ms < 0, s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60), sec = s % 60;
    var t = (h || d ? h + ":" : "") + String(m).padStart(h || d ? 2 : 1, "0") + ":" + String(sec).padStart(2, "0");
    // Windows of days (feedback, solicitations) read better as "2天 3:04:05".
    if (d) t = (zh ? d + "天 " : d + "d ") + t;
    if (zh) return late ? "已超时 " + t : "剩余 " + t;
    return late ? "overdue " + t : t + " left";
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) return;
      var ms = due - now;
      el.textContent = fmt(ms);
      el.classList.toggle("overdue", ms < 0);
      el.classList.toggle("soon", ms >= 0 && ms < 15 * 60 * 1000);
    });
  }
  tick();
  setInterval(tick, 1000);
  // htmx:load fires for each piece of content htmx puts in the page (a swap, a history restore).
  ["htmx:load", "htmx:afterSettle", "htmx:historyRestore"].forEach(function (name) {
    document.addEventListener(name, tick);
  });
  window.addEventListener("pageshow", tick);
  document.addEventListener("visibilitychange", tick);
})();
