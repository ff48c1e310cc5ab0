// The 打印 button of the pages a leader files (an item, an incident, a bulletin issue, a
// criticism notice): the browser's print dialog, laid out by the print rules of xinbao.css.
// Wired here because the Content-Security-Policy allows no inline handler.
document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) {
    event.preventDefault();
    window.print();
  }
});
