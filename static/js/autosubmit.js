// A form control marked data-autosubmit sends its form when its value changes (filters that
// apply at once). Loaded by every page; the Content-Security-Policy forbids inline handlers.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var control = event.target;
    if (control instanceof Element && control.hasAttribute("data-autosubmit") && control.form) {
      control.form.submit();
    }
  });
})();
