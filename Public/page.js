(function () {
  "use strict";
  var box = document.getElementById("only-problems");
  if (!box) { return; }
  box.parentNode.parentNode.hidden = false;
  box.addEventListener("change", function () {
    var cards = document.querySelectorAll("article.relationship");
    Array.prototype.forEach.call(cards, function (card) {
      card.hidden = box.checked ? card.getAttribute("data-severity") === "ok" : false;
    });
    var lists = document.querySelectorAll(".healthy-list");
    Array.prototype.forEach.call(lists, function (list) { list.hidden = box.checked; });
  });
})();
