// The print pages' "Print" button (data-print): a listener, since the Content-Security-Policy
// refuses onclick attributes.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
