// /paths: a choice made with the mouse or a finger submits the finder at once, clearing the
// choices after it (they depended on it). A choice made with the keyboard (arrow keys change a
// closed drop-down) waits for Enter or the "Continue" button, so moving through the options
// never reloads the page (WCAG 3.2.2). Without this script the button does it, step by step.
(function () {
  "use strict";
  var form = document.getElementById("finder");
  if (!form) { return; }
  var order = ["manufacturer", "model", "hardware", "firmware", "to"];
  var byKeyboard = false;

  function changed(select) {
    return Array.prototype.some.call(select.options, function (option) {
      return option.selected !== option.defaultSelected;
    });
  }

  function go(select) {
    var at = order.indexOf(select.name);
    if (changed(select)) {
      order.slice(at + 1).forEach(function (name) {
        var later = form.elements.namedItem(name);
        if (later) { later.disabled = true; }  // a disabled field is not sent
      });
    }
    form.classList.add("busy");
    form.setAttribute("aria-busy", "true");
    form.submit();
  }

  form.addEventListener("pointerdown", function () { byKeyboard = false; });
  form.addEventListener("keydown", function (event) {
    if (order.indexOf(event.target.name) < 0) { return; }
    if (event.key === "Enter") {
      event.preventDefault();
      go(event.target);
    } else {
      byKeyboard = true;
    }
  });
  form.addEventListener("change", function (event) {
    if (order.indexOf(event.target.name) < 0 || byKeyboard) { return; }
    go(event.target);
  });
})();
