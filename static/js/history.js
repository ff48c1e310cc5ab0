// Back and Forward between the addresses htmx pushed (a filter, a search, a page of results)
// load the page of the address from the server: content stays on the server, none is kept in
// the browser's storage.
//
// After such a load the browser still counts the neighbouring entries as this document's, so
// the next Back or Forward only changes the address. htmx answers that with a reload, but only
// once it has run, and it is deferred: a press before then left the address of one list over
// the rows of another. This script is loaded in <head> without `defer`, so it listens before
// the page is even drawn, and it handles the step alone (htmx's own handler is not called).
(function () {
  "use strict";
  function address() {
    return location.pathname + location.search;
  }
  var shown = address(); // the address whose page this document shows
  function swapped() {
    shown = address();
  }
  document.addEventListener("htmx:pushedIntoHistory", swapped);
  document.addEventListener("htmx:replacedInHistory", swapped);
  window.addEventListener("popstate", function (event) {
    if (address() === shown) {
      return; // the same page: only the #fragment changed
    }
    event.stopImmediatePropagation();
    location.reload();
  });
})();
