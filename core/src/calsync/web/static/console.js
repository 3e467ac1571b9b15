// The only script of the console besides htmx: "select every mailbox on this page".
document.addEventListener("change", function (event) {
  if (event.target.id !== "select-all") return;
  var boxes = document.querySelectorAll('input[type=checkbox][name=mailbox]');
  for (var i = 0; i < boxes.length; i++) boxes[i].checked = event.target.checked;
});
