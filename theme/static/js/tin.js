// Print and copy-link buttons on an article. Reading needs no script: these buttons stay
// hidden (and the print stylesheet still works from the browser's menu) until this runs.
(function () {
  "use strict";
  document.querySelectorAll("[data-needs-script]").forEach(function (item) {
    item.hidden = false;
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-copy-link]").forEach(function (button) {
    var status = button.parentNode.querySelector(".copy-status");
    button.addEventListener("click", function () {
      // The page's own address when the build had no SITEURL to make the link absolute.
      var link = button.getAttribute("data-copy-link");
      if (!/^https?:/.test(link)) { link = window.location.href.split("#")[0]; }
      var done = function (message) { if (status) { status.textContent = message; } };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link).then(
          function () { done("Đã sao chép liên kết."); },
          function () { done("Không sao chép được; liên kết: " + link); }
        );
      } else {
        done("Liên kết: " + link);
      }
    });
  });
})();
