// The page viewer's front end (an anywidget ES module, bundled in the package: no CDN, no network).
//
// It draws what the kernel sends: `payload` (the page's boxes per pane, legends, notes, or a
// reading view's HTML), `image` (the page, as encoded bytes), `selected_ids`, `hidden` and
// `detail`. Clicks, page turns, filters, zoom and the pane's width go back as trait changes;
// every update arrives through widget state, which JupyterLab, Notebook 7 and Voila all apply.
// Document text only ever reaches the DOM through textContent or attributes; the two HTML
// strings (the reading view and the detail table) are escaped and sanitized by the kernel.

const SVG = "http://www.w3.org/2000/svg";
const W = 1000; // the overlay's user units across a page

function h(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function s(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, String(value));
  return node;
}

function render({ model, el }) {
  const root = h("div", { class: "unb-viewer", tabindex: "0" });
  const toolbar = h("div", { class: "unb-toolbar" });
  const note = h("div", { class: "unb-note" });
  const panes = h("div", { class: "unb-panes" });
  const detail = h("div", { class: "unb-detail-wrap" });
  const side = h("div", { class: "unb-side" }, h("div", { class: "unb-side-title", text: "Selected element" }), detail);
  const body = h("div", { class: "unb-body" }, panes, side);
  const tip = h("div", { class: "unb-tip" });
  root.append(toolbar, note, body, tip);
  el.appendChild(root);

  let url = null;
  let resizeTimer = null;

  const set = (name, value) => {
    model.set(name, value);
    model.save_changes();
  };
  const payload = () => model.get("payload") || {};

  function imageUrl() {
    if (url) URL.revokeObjectURL(url);
    url = null;
    const data = model.get("image");
    if (data && data.byteLength > 0) url = URL.createObjectURL(new Blob([data], { type: model.get("image_type") || "image/png" }));
    return url;
  }

  function turn(page) {
    const p = payload();
    const target = Math.max(1, Math.min(p.page_count || 1, page));
    if (target !== model.get("page")) set("page", target);
  }

  function drawToolbar(p) {
    toolbar.replaceChildren();
    if ((p.files || []).length > 1) {
      const select = h("select", { class: "unb-file", title: "File", onchange: (e) => set("file", Number(e.target.value)) });
      p.files.forEach((name, i) => {
        const option = h("option", { value: String(i), text: name });
        if (i === p.file) option.selected = true;
        select.append(option);
      });
      toolbar.append(select);
    }
    const pageInput = h("input", { class: "unb-page-input", type: "number", min: "1", max: String(p.page_count || 1) });
    pageInput.value = String(p.page || 1);
    pageInput.addEventListener("change", () => turn(Number(pageInput.value) || 1));
    const what = p.kind === "reading" ? "Part" : "Page";
    toolbar.append(
      h("button", { class: "unb-prev", title: `Previous ${what.toLowerCase()}`, text: "‹", onclick: () => turn(p.page - 1) }),
      h("span", { class: "unb-page-label", text: `${what} ` }),
      pageInput,
      h("span", { class: "unb-page-count", text: ` of ${p.page_count || 1}` }),
      h("button", { class: "unb-next", title: `Next ${what.toLowerCase()}`, text: "›", onclick: () => turn(p.page + 1) }),
    );
    if ((p.modes || []).length > 1) {
      const group = h("span", { class: "unb-modes" });
      for (const mode of p.modes) {
        const button = h("button", { class: "unb-mode" + (mode === p.mode ? " unb-on" : ""), "data-mode": mode, text: mode === "chunks" ? "Chunks" : "Elements" });
        button.addEventListener("click", () => set("mode", mode));
        group.append(button);
      }
      toolbar.append(group);
    }
    if (p.kind === "pages") {
      const zoom = model.get("zoom") || 1;
      toolbar.append(
        h("span", { class: "unb-zoom" },
          h("button", { class: "unb-zoom-out", title: "Zoom out", text: "−", onclick: () => set("zoom", Math.max(0.25, zoom / 1.25)) }),
          h("button", { class: "unb-zoom-fit", title: "Fit the cell's width", text: "Fit", onclick: () => set("zoom", 1) }),
          h("button", { class: "unb-zoom-in", title: "Zoom in", text: "+", onclick: () => set("zoom", Math.min(4, zoom * 1.25)) }),
        ),
      );
    }
  }

  function legend(pane) {
    const hidden = new Set(model.get("hidden") || []);
    const box = h("div", { class: "unb-legend" });
    for (const entry of pane.legend || []) {
      const item = h("button", {
        class: "unb-legend-item" + (hidden.has(entry.type) ? " unb-off" : ""),
        "data-type": entry.type,
        title: `${entry.count} in the document, ${entry.on_page} on this page; click to show or hide`,
      }, h("span", { class: "unb-swatch", style: `background:${entry.colour}` }), h("span", { text: entry.type }),
        h("span", { class: "unb-count", text: String(entry.count) }));
      item.addEventListener("click", () => {
        const now = new Set(model.get("hidden") || []);
        if (now.has(entry.type)) now.delete(entry.type);
        else now.add(entry.type);
        set("hidden", [...now]);
      });
      box.append(item);
    }
    return box;
  }

  function showTip(event, text) {
    tip.textContent = text;
    tip.style.display = "block";
    const bounds = root.getBoundingClientRect();
    tip.style.left = `${event.clientX - bounds.left + 12}px`;
    tip.style.top = `${event.clientY - bounds.top + 14}px`;
  }

  function choose(event, id) {
    event.stopPropagation();
    const now = model.get("selected_ids") || [];
    if (event.shiftKey) set("selected_ids", now.includes(id) ? now.filter((x) => x !== id) : [...now, id]);
    else set("selected_ids", [id]);
  }

  function pagePane(p, pane, src) {
    const aspect = p.aspect || 1.294;
    const page = h("div", { class: "unb-page" + (src ? "" : " unb-blank") });
    page.style.width = `${(model.get("zoom") || 1) * 100}%`;
    page.style.aspectRatio = `1 / ${aspect}`;
    if (src) page.append(h("img", { class: "unb-page-img", src, alt: `page ${p.page}`, draggable: "false" }));
    const overlay = s("svg", { class: "unb-overlay", viewBox: `0 0 ${W} ${W * aspect}`, preserveAspectRatio: "none" });
    for (const mark of pane.marks || []) {
      const [x0, y0, x1, y1] = mark.b.map((v, i) => v * (i % 2 === 0 ? W : W * aspect));
      for (const part of mark.p || []) {
        const [a, b, c, d] = part.map((v, i) => v * (i % 2 === 0 ? W : W * aspect));
        overlay.append(s("path", { class: "unb-part", "data-id": mark.id, d: `M${a} ${b}H${c}V${d}H${a}Z`, stroke: mark.c }));
      }
      const rect = s("rect", {
        class: "unb-box", "data-id": mark.id, "data-type": mark.t, "data-i": mark.i,
        x: x0, y: y0, width: Math.max(x1 - x0, 1), height: Math.max(y1 - y0, 1), stroke: mark.c, fill: mark.c,
      });
      rect.addEventListener("mousemove", (e) => showTip(e, mark.tip));
      rect.addEventListener("mouseleave", () => { tip.style.display = "none"; });
      rect.addEventListener("click", (e) => choose(e, mark.id));
      overlay.append(rect);
      if (mark.n) {
        const label = s("text", { class: "unb-label", x: x0 + 3, y: y0 + 19, fill: mark.c });
        label.textContent = mark.n;
        overlay.append(label);
      }
    }
    page.append(overlay);
    page.addEventListener("click", () => set("selected_ids", []));
    return h("div", { class: "unb-scroll" }, page);
  }

  function readingPane(pane) {
    const wrap = h("div", { class: "unb-reading-wrap" });
    wrap.innerHTML = pane.html || ""; // built by the kernel: text escaped, tables sanitized
    for (const node of wrap.querySelectorAll("[data-id]")) {
      node.addEventListener("click", (e) => choose(e, node.getAttribute("data-id")));
    }
    return wrap;
  }

  function draw() {
    const p = payload();
    drawToolbar(p);
    note.textContent = [p.note, model.get("message")].filter(Boolean).join(" ");
    note.style.display = note.textContent ? "block" : "none";
    const src = p.kind === "pages" ? imageUrl() : null;
    panes.replaceChildren();
    for (const pane of p.panes || []) {
      const column = h("div", { class: "unb-pane" });
      if ((p.panes || []).length > 1 || pane.title) column.append(h("div", { class: "unb-pane-title", text: pane.title || "" }));
      column.append(legend(pane));
      if (pane.note) column.append(h("div", { class: "unb-pane-note", text: pane.note }));
      column.append(p.kind === "reading" ? readingPane(pane) : pagePane(p, pane, src));
      panes.append(column);
    }
    applySelection(false);
    reportWidth();
  }

  function applySelection(scroll) {
    const chosen = new Set(model.get("selected_ids") || []);
    const hidden = new Set(model.get("hidden") || []);
    const nodes = [...root.querySelectorAll(".unb-box, .unb-el")];
    const here = nodes.some((node) => chosen.has(node.getAttribute("data-id"))); // dim the others only beside a selection
    for (const node of nodes) {
      node.classList.toggle("unb-selected", chosen.has(node.getAttribute("data-id")));
      node.classList.toggle("unb-dim", here && !chosen.has(node.getAttribute("data-id")));
      node.classList.toggle("unb-hidden", hidden.has(node.getAttribute("data-type")));
    }
    for (const node of root.querySelectorAll(".unb-part")) node.classList.toggle("unb-hidden", !chosen.has(node.getAttribute("data-id")));
    for (const item of root.querySelectorAll(".unb-legend-item")) item.classList.toggle("unb-off", hidden.has(item.getAttribute("data-type")));
    detail.innerHTML = model.get("detail") || '<div class="unb-empty">Click a box to see its element.</div>'; // escaped by the kernel
    if (scroll) {
      const first = root.querySelector(".unb-selected");
      if (first && first.scrollIntoView) first.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  }

  function reportWidth() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      const pane = root.querySelector(".unb-pane");
      if (!pane) return;
      const width = Math.round(pane.clientWidth * (model.get("zoom") || 1) * (window.devicePixelRatio || 1));
      if (width > 0 && width !== model.get("view_width")) set("view_width", width);
    }, 150);
  }

  function onImage() {
    const src = imageUrl();
    for (const img of root.querySelectorAll(".unb-page-img")) img.src = src || "";
    if (src && !root.querySelector(".unb-page-img")) draw();
  }

  root.addEventListener("keydown", (e) => {
    if (e.target && e.target.tagName === "INPUT") return;
    if (e.key === "ArrowRight" || e.key === "PageDown") { turn((model.get("page") || 1) + 1); e.preventDefault(); }
    if (e.key === "ArrowLeft" || e.key === "PageUp") { turn((model.get("page") || 1) - 1); e.preventDefault(); }
  });

  const observer = typeof ResizeObserver === "function" ? new ResizeObserver(reportWidth) : null;
  if (observer) observer.observe(root);
  const onSelection = () => applySelection(true);
  const onHidden = () => applySelection(false);
  const onMessage = () => draw();
  model.on("change:payload", draw);
  model.on("change:image", onImage);
  model.on("change:selected_ids", onSelection);
  model.on("change:detail", onHidden);
  model.on("change:hidden", onHidden);
  model.on("change:zoom", draw);
  model.on("change:message", onMessage);
  draw();

  return () => {
    if (observer) observer.disconnect();
    clearTimeout(resizeTimer);
    if (url) URL.revokeObjectURL(url);
    model.off("change:payload", draw);
    model.off("change:image", onImage);
    model.off("change:selected_ids", onSelection);
    model.off("change:detail", onHidden);
    model.off("change:hidden", onHidden);
    model.off("change:zoom", draw);
    model.off("change:message", onMessage);
  };
}

export default { render };
