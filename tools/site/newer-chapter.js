// The browser edition's notice of a newer chapter, and "Start This Chapter Over".
//
// JupyterLite keeps what a reader saves (autosave included) in the browser's IndexedDB
// and from then on shows that copy instead of the published file, even after the site
// is updated. tools/build_site.py adds this script to the site's lab and notebooks pages,
// writes into every published notebook's metadata the version it was published as
// ("nnlib_site": {"published": <hash of the chapter>}), and lists the current versions in
// published.json beside this file. A reader's copy keeps the version it was opened from,
// so when a chapter is opened:
//
//   - no copy in the browser, or a copy of the current version: nothing happens;
//   - a copy of an earlier version (or one saved before the site had versions): a notice
//     says a newer version is published, and offers "Open the new version" (the reader's
//     copy is kept, renamed "<name> (my copy <date>).ipynb") or "Keep working on mine"
//     (not asked again until the chapter changes once more).
//
// File > "Start This Chapter Over" does the same for the chapter shown: the reader's
// copy is kept under the other name and the published chapter opens.
//
// It reads the browser's storage only (one read-only IndexedDB lookup); every change
// goes through JupyterLab's own contents API, so JupyterLab stays in step. If the
// storage cannot be read, or JupyterLab is not exposed, it does nothing. It requests
// nothing but published.json and the chapter being reopened, from this site.
(function () {
  "use strict";
  const KEY = "nnlib_site"; // notebook metadata written by tools/build_site.py
  const DATABASE = "JupyterLite Storage"; // jupyterlite-core 0.5's contents store
  const STORE = "files";
  const KEPT = "nnlib-site-kept:"; // localStorage: path -> version the reader chose to keep
  const COMMAND = "nnlib-site:start-over";
  const NOTICE_ID = "nnlib-newer-chapter";
  const here = document.currentScript ? document.currentScript.src : null;
  if (!here || typeof indexedDB === "undefined") return;

  let app = null;
  let published = {}; // path -> version
  const answered = new Set(); // paths whose notice the reader answered on this page

  // --- the reader's copy, read straight from IndexedDB (read-only) -------------------
  function storedCopy(path) {
    // Resolves to the stored model, null if there is none, undefined if unreadable.
    return new Promise((resolve) => {
      let request;
      try {
        request = indexedDB.open(DATABASE);
      } catch (error) {
        resolve(undefined);
        return;
      }
      // No database yet: create nothing (abort), there is no copy.
      request.onupgradeneeded = () => request.transaction.abort();
      request.onerror = () => resolve(null);
      request.onblocked = () => resolve(undefined);
      request.onsuccess = () => {
        const db = request.result;
        db.onversionchange = () => db.close();
        try {
          if (!db.objectStoreNames.contains(STORE)) {
            db.close();
            resolve(null);
            return;
          }
          const get = db.transaction(STORE, "readonly").objectStore(STORE).get(path);
          get.onsuccess = () => { db.close(); resolve(get.result || null); };
          get.onerror = () => { db.close(); resolve(undefined); };
        } catch (error) {
          db.close();
          resolve(undefined);
        }
      };
    });
  }

  function copyVersion(copy) {
    const metadata = copy && copy.content && copy.content.metadata;
    return (metadata && metadata[KEY] && metadata[KEY].published) || null;
  }

  function kept(path) {
    try { return localStorage.getItem(KEPT + path); } catch (error) { return null; }
  }

  function keep(path, version) {
    try { localStorage.setItem(KEPT + path, version); } catch (error) { /* ask again */ }
  }

  // --- the chapter shown ----------------------------------------------------------------
  function chapterWidget(widget) {
    const context = widget && widget.context;
    return context && published[context.path] ? widget : null;
  }

  async function check(widget) {
    widget = chapterWidget(widget);
    if (!widget || answered.has(widget.context.path)) return;
    await widget.context.ready;
    const path = widget.context.path;
    const copy = await storedCopy(path);
    const version = published[path];
    if (!copy || copyVersion(copy) === version || kept(path) === version) return;
    if (app.shell.currentWidget !== widget) return; // the reader moved on meanwhile
    const aside = await freeName(path);
    const saved = copy.last_modified ? new Date(copy.last_modified).toLocaleString() : "";
    const say = words(path);
    notice(say.newer(escape(path), escape(saved)),
      [[say.open, "accept", () => replace(widget)],
       [say.keep, "", () => { keep(path, version); }]],
      say.keptAs(escape(aside)), path);
  }

  // What the notice says: in Japanese for the Japanese edition (chapters under ja/).
  function words(path) {
    if (path.startsWith("ja/")) {
      return {
        newer: (name, saved) => `<strong>この章の新しい版が公開されています。</strong>
          いま表示しているのは、このブラウザに保存されたあなたのコピー（<code>${name}</code>${
          saved ? `、${saved} 保存` : ""}）です。`,
        open: "新しい版を開く", keep: "自分のコピーで続ける",
        keptAs: (aside) => `新しい版を開くと、あなたのコピーは <code>${aside}</code> として残ります。`,
        published: (aside) => aside ? `公開されている版を開きました。あなたのコピーは
          <code>${aside}</code> としてファイルブラウザに残っています。`
          : "公開されている版を開きました。",
      };
    }
    return {
      newer: (name, saved) => `<strong>A newer version of this chapter is published.</strong>
        You are reading your own copy of <code>${name}</code>${saved ? `, saved ${saved}` : ""},
        which this browser keeps.`,
      open: "Open the new version", keep: "Keep working on mine",
      keptAs: (aside) => `Opening the new version keeps yours as <code>${aside}</code>.`,
      published: (aside) => aside ? `This is the published chapter. Your copy is kept as
        <code>${aside}</code> (in the file browser).` : "This is the published chapter.",
    };
  }

  // Put the reader's copy aside under another name, then open the published chapter.
  async function replace(widget) {
    const context = widget.context;
    const path = context.path;
    const contents = app.serviceManager.contents;
    if (context.model.dirty) await context.save();
    // No copy in storage: the chapter shown is the published one, nothing to keep. If the
    // storage cannot be read, keep whatever the contents API holds, to be safe.
    const aside = (await storedCopy(path)) === null ? null : await freeName(path);
    try { await widget.sessionContext.shutdown(); } catch (error) { /* no kernel */ }
    widget.dispose();
    if (aside) await contents.rename(path, aside);
    try {
      // The browser may hold the old file in its cache (GitHub Pages: 10 minutes).
      await fetch(new URL(`../files/${encodeURI(path)}`, here), { cache: "reload" });
    } catch (error) { /* offline: the cached one is all there is */ }
    await app.commands.execute("docmanager:open", { path });
    notice(words(path).published(aside ? escape(aside) : null),
           [["OK", "accept", () => {}]], "", path);
  }

  function asideName(path, n) {
    const slash = path.lastIndexOf("/") + 1;
    const dot = path.lastIndexOf(".");
    const stem = path.slice(0, dot > slash ? dot : path.length);
    const ext = dot > slash ? path.slice(dot) : "";
    const now = new Date();
    const day = [now.getFullYear(), now.getMonth() + 1, now.getDate()]
      .map((x) => String(x).padStart(2, "0")).join("-");
    return `${stem} (my copy ${day}${n > 1 ? ` ${n}` : ""})${ext}`;
  }

  async function freeName(path) {
    for (let n = 1; ; n++) {
      const name = asideName(path, n);
      try {
        await app.serviceManager.contents.get(name, { content: false });
      } catch (error) {
        return name; // not there: free
      }
    }
  }

  // --- the notice ----------------------------------------------------------------------
  function escape(text) {
    return String(text).replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  }

  function notice(html, buttons, footnote, path) {
    let box = document.getElementById(NOTICE_ID);
    if (box) box.remove();
    box = document.createElement("div");
    box.id = NOTICE_ID;
    box.setAttribute("role", "alert");
    box.dataset.path = path;
    box.style.cssText = [
      "position:fixed", "top:40px", "right:16px", "z-index:10000", "max-width:440px",
      "padding:12px 14px", "border:1px solid #d4a72c", "border-radius:4px",
      "background:#fff8c5", "color:#1f2328", "box-shadow:0 2px 8px rgba(0,0,0,.2)",
      "font:13px/1.45 var(--jp-ui-font-family, sans-serif)",
    ].join(";");
    box.innerHTML = `<div>${html}</div><div style="margin-top:8px"></div>` +
      (footnote ? `<div style="margin-top:6px;font-size:12px;opacity:.8">${footnote}</div>` : "");
    const row = box.children[1];
    for (const [label, kind, action] of buttons) {
      const button = document.createElement("button");
      button.textContent = label;
      button.className = `jp-Dialog-button jp-mod-styled ${kind ? "jp-mod-accept" : "jp-mod-reject"}`;
      button.style.marginRight = "8px";
      button.addEventListener("click", async () => {
        answered.add(path);
        box.remove();
        try { await action(); } catch (error) { console.error("newer-chapter:", error); }
      });
      row.appendChild(button);
    }
    document.body.appendChild(box);
  }

  function hideNoticeUnlessFor(widget) {
    const box = document.getElementById(NOTICE_ID);
    const path = widget && widget.context && widget.context.path;
    if (box && box.dataset.path !== path) box.remove();
  }

  // --- wiring ----------------------------------------------------------------------------
  function addStartOver() {
    app.commands.addCommand(COMMAND, {
      label: "Start This Chapter Over",
      caption: "Open the published chapter again; your copy is kept under another name",
      isEnabled: () => !!chapterWidget(app.shell.currentWidget),
      execute: async () => {
        const widget = chapterWidget(app.shell.currentWidget);
        if (widget) await replace(widget);
      },
    });
    const menu = Array.from(app.shell.widgets("menu")).find((w) => w && w.fileMenu);
    if (menu) menu.fileMenu.addGroup([{ command: COMMAND }], 1000);
  }

  async function start() {
    for (let waited = 0; !window.jupyterapp; waited += 200) {
      if (waited > 300000) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    app = window.jupyterapp;
    const response = await fetch(new URL("published.json", here), { cache: "no-cache" });
    if (!response.ok) return;
    published = (await response.json()).chapters || {};
    await app.restored;
    try {
      addStartOver();
    } catch (error) { // a shell without a File menu: the notice still works
      console.error("newer-chapter:", error);
    }
    const onCurrent = () => {
      const widget = app.shell.currentWidget;
      hideNoticeUnlessFor(widget);
      check(widget)
        .catch((error) => console.error("newer-chapter:", error))
        .finally(() => { // for tests/lite: which chapter was checked last
          const path = widget && widget.context && widget.context.path;
          if (path) document.documentElement.dataset.newerChapterChecked = path;
        });
    };
    if (app.shell.currentChanged) app.shell.currentChanged.connect(onCurrent);
    onCurrent();
  }

  start().catch((error) => console.error("newer-chapter:", error));
})();
