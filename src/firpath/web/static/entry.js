// The entry page: bring this entry's box into view in a graph wider than the screen.
(function () {
  "use strict";
  var frame = document.getElementById("graph-frame");
  var here = frame && frame.querySelector(".node.here");
  if (!here) { return; }
  var box = here.getBoundingClientRect();
  var view = frame.getBoundingClientRect();
  frame.scrollLeft += box.left - view.left - (frame.clientWidth - box.width) / 2;
})();
