// unstructured_nb.login()'s password box (unstructured_nb/notebook/login.py). The key is sent to the
// kernel in one custom message and the box is emptied at once: it is never a widget trait, so it is in
// no saved widget state and no notebook. Served from the Python package through anywidget.

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "unb-login";
  root.style.cssText = "display:flex;gap:6px;align-items:center;flex-wrap:wrap;font-family:var(--jp-ui-font-family,system-ui,sans-serif);font-size:13px";
  const label = document.createElement("label");
  label.textContent = "Unstructured API key";
  const input = document.createElement("input");
  input.type = "password";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.placeholder = "paste your key (it is not shown)";
  input.className = "widget-input unb-login-key";
  input.style.cssText = "width:300px";
  const button = document.createElement("button");
  button.className = "jupyter-widgets jupyter-button widget-button mod-primary unb-login-button";
  button.textContent = "Use this key";
  const note = document.createElement("span");
  note.className = "unb-login-note";
  note.style.cssText = "color:var(--jp-ui-font-color2,#656d76)";
  root.append(label, input, button, note);
  el.append(root);

  function submit() {
    model.send({ kind: "key", key: input.value });
    input.value = "";
  }
  button.addEventListener("click", submit);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") submit();
  });

  function draw() {
    const status = model.get("status");
    note.textContent =
      model.get("message") || (model.get("had_key") ? "A key is already kept for this session; a new one replaces it." : "");
    note.style.color = status === "saved" ? "#1a7f37" : "var(--jp-ui-font-color2,#656d76)";
    root.dataset.status = status;
  }
  model.on("change", draw);
  draw();
  return () => model.off("change", draw);
}

export default { render };
