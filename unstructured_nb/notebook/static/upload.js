// The panel's upload button (unstructured_nb/notebook/upload.py): files of any size, sent to the
// kernel in slices below Jupyter's message limit, with a progress bar per file. Served from the
// Python package through anywidget: no CDN, nothing fetched at run time.

function formatSize(size) {
  if (size < 1000) return `${size} B`;
  let value = size;
  for (const unit of ["kB", "MB", "GB"]) {
    value /= 1000;
    if (value < 999.95) return `${value.toFixed(1)} ${unit}`;
  }
  return `${(value / 1000).toFixed(1)} TB`;
}

function newId() {
  // crypto.randomUUID needs a secure context, which a Voila page on plain http is not
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "unb-upload";
  const input = document.createElement("input");
  input.type = "file";
  input.hidden = true;
  const button = document.createElement("button");
  button.className = "jupyter-widgets jupyter-button widget-button unb-upload-button";
  const list = document.createElement("div");
  list.className = "unb-upload-list";
  root.append(input, button, list);
  el.append(root);

  const waiting = new Map(); // upload id -> [messages not yet read], resolver
  const active = new Set();
  const queue = [];
  let running = false;

  function next(id) {
    const slot = waiting.get(id);
    if (slot.messages.length) return Promise.resolve(slot.messages.shift());
    return new Promise((resolve) => { slot.resolve = resolve; });
  }

  function onMessage(msg) {
    const slot = msg && waiting.get(msg.id);
    if (!slot) return;
    if (slot.resolve) {
      const resolve = slot.resolve;
      slot.resolve = null;
      resolve(msg);
    } else {
      slot.messages.push(msg);
    }
  }
  model.on("msg:custom", onMessage);

  async function send(file) {
    const id = newId();
    waiting.set(id, { messages: [], resolve: null });
    active.add(id);
    try {
      model.send({ kind: "begin", id, name: file.name, size: file.size });
      let answer = await next(id);
      if (answer.kind !== "ack") return; // refused (too big, no room) or an empty file already done
      const chunk = Math.max(64 * 1024, model.get("chunk_bytes"));
      const inflight = Math.max(1, model.get("window"));
      let sent = 0;
      let acked = 0;
      while (acked < file.size) {
        while (sent < file.size && sent - acked < inflight * chunk) {
          const end = Math.min(file.size, sent + chunk);
          const buffer = await file.slice(sent, end).arrayBuffer();
          model.send({ kind: "chunk", id, offset: sent }, undefined, [buffer]);
          sent = end;
        }
        answer = await next(id);
        if (answer.kind === "ack") acked = answer.received;
        else return; // done, failed or stopped
      }
    } catch (error) {
      model.send({ kind: "abort", id, reason: `The browser could not read the file (${error}); choose it again.` });
    } finally {
      active.delete(id);
      waiting.delete(id);
    }
  }

  async function drain() {
    if (running) return;
    running = true;
    try {
      while (queue.length) await send(queue.shift());
    } finally {
      running = false;
    }
  }

  input.addEventListener("change", () => {
    queue.push(...Array.from(input.files || []));
    input.value = ""; // choosing the same file again fires change again
    drain();
  });
  button.addEventListener("click", () => input.click());

  function draw() {
    input.accept = model.get("accept");
    input.multiple = model.get("multiple");
    button.disabled = model.get("disabled");
    button.title = model.get("tooltip");
    const files = model.get("files") || [];
    const sending = files.filter((f) => f.status === "sending").length;
    const done = files.filter((f) => f.status === "done").length;
    button.innerHTML = "";
    const icon = document.createElement("i");
    icon.className = "fa fa-upload";
    button.append(icon, ` ${model.get("description")}${done ? ` (${done})` : ""}`);
    list.innerHTML = "";
    for (const f of files) {
      // the panel lists complete files, and says why one was refused or failed: these rows show what is arriving
      if (f.status !== "sending" && !(f.status === "done" && sending)) continue;
      const row = document.createElement("div");
      row.className = `unb-upload-row unb-upload-${f.status}`;
      row.dataset.status = f.status;
      const name = document.createElement("span");
      name.className = "unb-upload-name";
      name.textContent = f.name;
      const bar = document.createElement("span");
      bar.className = "unb-upload-bar";
      const fill = document.createElement("span");
      const percent = f.size ? (100 * f.received) / f.size : 100;
      fill.style.width = `${percent.toFixed(1)}%`;
      bar.append(fill);
      const note = document.createElement("span");
      note.className = "unb-upload-note";
      if (f.status === "sending") note.textContent = `${formatSize(f.received)} of ${formatSize(f.size)} (${Math.floor(percent)}%)`;
      else note.textContent = `${formatSize(f.size)}: uploaded`;
      row.append(name, bar, note);
      list.append(row);
    }
  }
  model.on("change", draw);
  draw();

  return () => {
    model.off("msg:custom", onMessage);
    model.off("change", draw);
    for (const id of active) model.send({ kind: "abort", id, reason: "The page was closed before the file arrived; choose it again." });
  };
}

export default { render };
