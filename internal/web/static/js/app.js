// Pengcheng page behaviour. Pages work without it; it only adds comforts.
// The Content-Security-Policy forbids inline scripts, so behaviour is bound
// here to data attributes.
(function () {
  "use strict";

  // htmx requests carry the CSRF token in a header.
  document.addEventListener("htmx:configRequest", function (ev) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content) {
      ev.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });

  // <form data-confirm="question"> asks before it submits.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var q = form && form.getAttribute && form.getAttribute("data-confirm");
    if (q && !window.confirm(q)) {
      ev.preventDefault();
    }
  }, true);

  // Selecting an option of <select data-autosubmit> submits its form.
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el && el.hasAttribute && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
    }
  });

  // The administration menu closes when one clicks elsewhere.
  document.addEventListener("click", function (ev) {
    document.querySelectorAll(".nav-menu details[open]").forEach(function (d) {
      if (!d.contains(ev.target)) {
        d.removeAttribute("open");
      }
    });
  });
})();
