// A text longer than a box's maxlength, pasted from Word, is cut by the browser without a word:
// the writer would send a report missing its end. Say so under the box, with how much was left
// out. The sentence is the page's own (translated), in <template id="paste-cut">.
document.addEventListener("paste", function (event) {
  var field = event.target;
  if (!(field instanceof HTMLTextAreaElement || field instanceof HTMLInputElement)) return;
  var limit = field.maxLength;
  var sentence = document.getElementById("paste-cut");
  if (!limit || limit < 0 || !sentence || !event.clipboardData) return;
  var pasted = event.clipboardData.getData("text").replace(/\r\n/g, "\n");
  var kept = field.value.length - ((field.selectionEnd || 0) - (field.selectionStart || 0));
  var cut = kept + pasted.length - limit;
  var note = field.parentElement && field.parentElement.querySelector(".paste-cut");
  if (cut <= 0) {
    if (note) note.remove();
    return;
  }
  if (!note) {
    note = document.createElement("p");
    note.className = "error paste-cut";
    note.setAttribute("role", "alert");
    field.insertAdjacentElement("afterend", note);
  }
  note.textContent = (sentence.content.textContent || "")
    .replace("{limit}", String(limit))
    .replace("{cut}", String(cut));
});
