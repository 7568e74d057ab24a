// The case page: a form refused by the server (400) comes back with its errors, which
// htmx would otherwise drop; show it in place like any other answer.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
