// A region that refreshes itself by htmx polling, marked data-live="ID of its notice" (the
// emergency board). When a refresh cannot reach the server (network down, timed out, an error
// page from the proxy), the notice shows since when the figures are stale; the next refresh
// that gets through hides it. Polling goes on all the while (htmx's `every` keeps its timer),
// and the region refreshes at once when the network comes back, when the tab is shown again
// and when the page is shown from the back-forward cache.
(function () {
  "use strict";
  if (window.xinbaoLive) return;
  window.xinbaoLive = true;

  function regionOf(event) {
    var elt = event.detail && event.detail.elt;
    return elt instanceof Element ? elt.closest("[data-live]") : null;
  }

  function noticeOf(region) {
    return document.getElementById(region.getAttribute("data-live"));
  }

  function lost(event) {
    var region = regionOf(event);
    var notice = region && noticeOf(region);
    if (!notice) return;
    // The time of the last figures that did arrive, as the server stamped them.
    var updated = region.querySelector("[data-live-updated]");
    var since = notice.querySelector("[data-live-since]");
    if (updated && since) since.textContent = updated.getAttribute("data-live-updated");
    notice.hidden = false;
    region.classList.add("live-stale");
  }

  function through(event) {
    var region = regionOf(event);
    if (!region || event.detail.successful !== true) return;
    var notice = noticeOf(region);
    if (notice) notice.hidden = true;
    region.classList.remove("live-stale");
  }

  function refreshAll() {
    if (!window.htmx) return;
    document.querySelectorAll("[data-live]").forEach(function (region) {
      window.htmx.trigger(region, "live-refresh");
    });
  }

  ["htmx:sendError", "htmx:timeout", "htmx:responseError"].forEach(function (name) {
    document.addEventListener(name, lost);
  });
  document.addEventListener("htmx:afterRequest", through);
  window.addEventListener("online", refreshAll);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") refreshAll();
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) refreshAll();
  });
})();
