// Buttons marked data-print open the browser's print dialogue. Kept out of the
// pages because the Content-Security-Policy forbids inline script. The `js`
// class on <html> tells the stylesheet (and the tests) that scripts run.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
