// /paths: a choice submits the finder at once, and clears the choices after it (they depended
// on it). Without this script the "Continue" button does the same, one step at a time.
(function () {
  "use strict";
  var form = document.getElementById("finder");
  if (!form) { return; }
  var order = ["manufacturer", "model", "hardware", "firmware", "to"];
  form.addEventListener("change", function (event) {
    var at = order.indexOf(event.target.name);
    if (at < 0) { return; }
    order.slice(at + 1).forEach(function (name) {
      var later = form.elements.namedItem(name);
      if (later) { later.disabled = true; }  // a disabled field is not sent
    });
    form.classList.add("busy");
    form.setAttribute("aria-busy", "true");
    form.submit();
  });
})();
