// The page around the machine (docs/DESIGN.md, "The front ends"): it
// loads the .wasm and what the browser kept of drive A:, fits the screen
// to the window, feeds keys, taps, pastes and dropped files to
// window.z80ulm, and says what the running program wants.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const kbd = $("kbd"), keyrow = $("keyrow"), hint = $("hint"), about = $("about");
  kbd.style.cursor = "default"; // the screen, not a text field, is under the pointer
  const root = document.documentElement;
  const coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
  let touch = coarse;
  window.z80ulmTouch = touch;
  if (touch) {
    root.classList.add("touch");
    hint.textContent = "tap the screen to type";
  }
  let started = false;

  // ---- what each program wants --------------------------------------------
  const keysHelp = () => touch
    ? "Tap the screen for the keyboard; the row under the screen has Ctrl+C, Esc, give up and turbo."
    : "Keys: <kbd>Enter</kbd> sends a line, <kbd>&larr;</kbd> <kbd>&rarr;</kbd> <kbd>Home</kbd> <kbd>End</kbd> edit it, " +
      "<kbd>Esc</kbd> clears it, <kbd>Ctrl+C</kbd> at an empty prompt stops a program, <kbd>Ctrl+V</kbd> pastes, " +
      "<kbd>F2</kbd> turbo, <kbd>F3</kbd> the CRT look.";
  const programs = {
    GUESS: {
      line: "GUESS thinks of something: ask yes/no questions (is it alive?), then name it. ? gives up, ! quits.",
      help: "<p><b>GUESS</b> thinks of something. Ask it yes/no questions, one per line: <kbd>is it alive</kbd>, " +
            "<kbd>is it bigger than a car</kbd>. It answers YES, NO or MAYBE and counts your questions; " +
            "name the thing to win. A line that is just <kbd>?</kbd> gives up and shows the secret; " +
            "<kbd>!</kbd> quits to the <kbd>A&gt;</kbd> prompt.</p>",
    },
    CHAT: {
      line: "CHAT is a tiny robot that answers in a few words: say hello, ask it things. ! quits.",
      help: "<p><b>CHAT</b> is a terse robot: a language model of a few thousand 2-bit weights. " +
            "Say <kbd>hello</kbd>, ask <kbd>are you a robot</kbd>. <kbd>!</kbd> quits to the <kbd>A&gt;</kbd> prompt.</p>",
    },
    "": {
      line: "The A> prompt of CP/M: DIR lists drive A:, GUESS or CHAT runs a program; drop a .COM here to add yours.",
      help: "<p>The <kbd>A&gt;</kbd> prompt of CP/M 2.2. <kbd>DIR</kbd> lists drive A:, <kbd>TYPE</kbd> shows a " +
            "text file, a program's name runs it: <kbd>GUESS</kbd>, <kbd>CHAT</kbd>. Drop a CP/M program (.COM) " +
            "or any file on the page to put it on A:; <b>Files</b> downloads or erases them.</p>",
    },
  };
  const other = (name) => ({
    line: name + " is running. Ctrl+C at an empty prompt stops it.",
    help: "<p><b>" + name + "</b> is a program on drive A:. Ctrl+C at an empty prompt usually stops a " +
          "CP/M program; its own keys are its own.</p>",
  });
  function program() {
    const p = started ? window.z80ulm.stats().program : "GUESS";
    return programs[p] || other(p);
  }
  // Go calls this when the running program changes.
  window.z80ulmProgram = function (name) {
    about.textContent = program().line;
    $("giveup").hidden = name !== "GUESS";
    if (!$("help").hidden) showHelp();
  };
  function showHelp() {
    $("help").innerHTML = "<h2>How to play</h2>" + program().help + "<p>" + keysHelp() + "</p>" +
      "<p>The status line under the screen shows the clock the machine really keeps, and what the last " +
      "character cost the Z80: T-states, and characters per second at this clock. Other programs: " +
      "<a href='?run=GUESS'>GUESS</a>, <a href='?run=CHAT'>CHAT</a>, <a href='?run='>the A&gt; prompt</a>.</p>" +
      "<div class='row'><button class='close'>close</button></div>";
  }

  // ---- panels --------------------------------------------------------------
  function toggle(id, fill) {
    for (const p of document.querySelectorAll(".panel")) if (p.id !== id) p.hidden = true;
    const p = $(id);
    p.hidden = !p.hidden;
    if (!p.hidden && fill) fill();
    if (p.hidden) kbd.focus({ preventScroll: true });
  }
  $("help-button").addEventListener("click", () => toggle("help", showHelp));
  $("files-button").addEventListener("click", () => toggle("files", listFiles));
  $("share-button").addEventListener("click", share);
  document.addEventListener("click", (e) => {
    if (e.target.classList.contains("close")) toggle(e.target.closest(".panel").id);
  });

  function listFiles() {
    const table = $("file-list");
    table.textContent = "";
    for (const f of window.z80ulm.files()) {
      const tr = table.insertRow();
      tr.insertCell().textContent = f.name;
      const size = tr.insertCell();
      size.className = "size";
      size.textContent = f.size.toLocaleString("en") + " B";
      const dl = document.createElement("button");
      dl.textContent = "download";
      dl.addEventListener("click", () => download(f.name));
      tr.insertCell().appendChild(dl);
      const rm = document.createElement("button");
      rm.textContent = "erase";
      rm.addEventListener("click", () => { call("removeFile", f.name); listFiles(); });
      tr.insertCell().appendChild(rm);
    }
  }
  function download(name) { saveAs(name, call("readFile", name)); }
  // saveAs offers bytes (or a Blob) as a download named name; the teach
  // panel (teach.js) uses it too.
  function saveAs(name, data) {
    const url = URL.createObjectURL(new Blob([data], { type: "application/octet-stream" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
  window.z80ulmSaveAs = saveAs;
  $("pick-button").addEventListener("click", () => $("pick").click());
  $("pick").addEventListener("change", async (e) => { await putFiles(e.target.files); e.target.value = ""; listFiles(); });
  $("reset-button").addEventListener("click", () => {
    if (window.confirm("Put the shipped drive A: back? Files you added are erased.")) {
      call("resetDisk");
      listFiles();
    }
  });

  async function share() {
    toggle("share");
    if ($("share").hidden) return;
    const url = window.z80ulm.shareURL();
    $("share-url").value = url;
    $("share-url").select();
    $("copied").textContent = "";
    if (touch && navigator.share) navigator.share({ title: document.title, url: url }).catch(() => {});
  }
  $("copy-button").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("share-url").value);
      $("copied").textContent = "copied";
    } catch (err) {
      $("share-url").select();
      $("copied").textContent = "select and copy the link";
    }
  });

  // The API's calls that fail return an Error: throw it.
  function call(name, ...args) {
    const r = window.z80ulm[name](...args);
    if (r instanceof Error) throw r;
    return r;
  }

  // ---- files dropped on the page --------------------------------------------
  async function putFiles(files) {
    for (const f of files) {
      const r = window.z80ulm.drop(f.name, new Uint8Array(await f.arrayBuffer()));
      if (r instanceof Error) console.warn("z80ulm: " + r.message);
    }
    kbd.focus({ preventScroll: true });
  }
  let dragDepth = 0;
  const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes("Files");
  window.addEventListener("dragenter", (e) => { if (hasFiles(e)) { dragDepth++; root.classList.add("dragging"); } }, true);
  window.addEventListener("dragleave", () => { if (--dragDepth <= 0) { dragDepth = 0; root.classList.remove("dragging"); } }, true);
  window.addEventListener("dragover", (e) => { if (hasFiles(e)) { e.preventDefault(); e.stopPropagation(); } }, true);
  window.addEventListener("drop", (e) => {
    dragDepth = 0;
    root.classList.remove("dragging");
    if (!hasFiles(e) || !started) return;
    e.preventDefault();
    e.stopPropagation(); // Ebiten's own drop handler is not used here
    putFiles(e.dataTransfer.files).then(() => { if (!$("files").hidden) listFiles(); });
  }, true);

  // ---- keys -----------------------------------------------------------------
  // Keys that are not text (Enter, Backspace, the arrows, Esc, Ctrl+C, F2)
  // go straight in from keydown. Text arrives as changes to the text box,
  // however it was typed (a key, a phone keyboard, an input method, a dead
  // key): the difference from what was there is sent (new characters, or
  // backspaces for those taken back), so composition, autocorrection and
  // swipe typing work too.
  let typed = "";
  // swallow is the text a key taken from keydown would also insert where a
  // browser delivers it anyway (a synthetic key's separate character
  // event): Enter's line break, Tab's tab, the letter of Ctrl+letter. It
  // is dropped once.
  let swallow = "";
  kbd.addEventListener("keydown", (e) => {
    swallow = "";
    if (!started || e.isComposing || e.keyCode === 229) return;
    const text = [...e.key].length === 1 && !e.ctrlKey && !e.altKey && !e.metaKey;
    if (!text && window.z80ulm.key(e.key, e.ctrlKey, e.altKey, e.metaKey)) {
      e.preventDefault();
      if (e.key === "Enter" || e.key === "Escape" || (e.ctrlKey && e.key.toLowerCase() === "c")) clearBox();
      swallow = [...e.key].length === 1 ? e.key : { Enter: "\n", Tab: "\t" }[e.key] || "";
    }
  });
  kbd.addEventListener("keyup", () => { swallow = ""; });
  kbd.addEventListener("input", (e) => {
    if (!started) return;
    const line = e.inputType === "insertLineBreak" || e.inputType === "insertParagraph";
    if (swallow && (line ? "\n" : e.data) === swallow) {
      swallow = "";
      kbd.value = typed;
      return;
    }
    if (line) {
      window.z80ulm.type("\n");
      clearBox();
      return;
    }
    const now = kbd.value.replace(/\r?\n/g, "");
    let same = 0;
    while (same < typed.length && same < now.length && typed[same] === now[same]) same++;
    const out = "\b".repeat(typed.length - same) + now.slice(same);
    typed = now;
    if (out) window.z80ulm.type(out);
    if (kbd.value.includes("\n")) { window.z80ulm.type("\n"); clearBox(); }
  });
  function clearBox() { kbd.value = ""; typed = ""; }

  // Ebiten cancels key presses on its canvas; let the paste keys through so
  // the paste event below gets the clipboard text.
  document.addEventListener("paste", (e) => {
    if (!started || e.target.tagName === "INPUT") return;
    const text = e.clipboardData ? e.clipboardData.getData("text/plain") : "";
    if (text) {
      window.z80ulm.type(text);
      e.preventDefault();
    }
  });

  // The key row: pressing a button must not take the focus (on a phone
  // that would close the keyboard).
  function press(b) {
    if (b.dataset.giveup) {
      window.z80ulm.key("Escape"); // clear the half-typed line first
      window.z80ulm.type("?\n");
    } else {
      window.z80ulm.key(b.dataset.key, !!b.dataset.ctrl, false, false);
    }
    clearBox();
  }
  for (const b of keyrow.querySelectorAll("button")) {
    b.addEventListener("touchstart", (e) => { e.preventDefault(); if (started) press(b); }, { passive: false });
    b.addEventListener("mousedown", (e) => { e.preventDefault(); if (started) press(b); });
  }

  // ---- focus ------------------------------------------------------------------
  // A click anywhere that is not a control keeps (or brings back) the
  // focus on the text box; when it is lost anyway (another window), the
  // screen dims its cursor and says how to get it back.
  const control = (t) => t.closest && t.closest("button, a, input, select, label, .panel, #keyrow");
  document.addEventListener("mousedown", (e) => {
    if (e.target === kbd) return;
    if (e.target.closest && e.target.closest("button")) {
      e.preventDefault(); // a button acts without taking the focus
    } else if (!control(e.target)) {
      e.preventDefault();
      kbd.focus({ preventScroll: true });
    }
  }, true);
  document.addEventListener("click", (e) => {
    if (e.target !== kbd && !control(e.target)) kbd.focus({ preventScroll: true });
  }, true);
  function focusChanged() {
    const on = document.activeElement === kbd && document.hasFocus();
    root.classList.toggle("unfocused", started && !on);
    if (started) window.z80ulm.setFocus(on);
  }
  kbd.addEventListener("focus", focusChanged);
  kbd.addEventListener("blur", focusChanged);
  window.addEventListener("focus", focusChanged);
  window.addEventListener("blur", focusChanged);
  window.addEventListener("touchstart", () => {
    if (touch) return;
    touch = true;
    root.classList.add("touch");
    hint.textContent = "tap the screen to type";
    if (started) window.z80ulm.setTouch(true);
    fit();
  }, { passive: true, capture: true });

  // ---- the screen's size --------------------------------------------------------
  // The body (and so Ebiten's canvas) is fitted to the largest 640x400
  // rectangle that fits below the bar (and above the key row): the game
  // scales to it, fractionally where need be, without blurring.
  let fitted = "";
  function fit() {
    const body = document.body;
    const head = $("bar").offsetHeight;
    const vh = window.visualViewport ? window.visualViewport.height : window.innerHeight;
    const aw = window.innerWidth, ah = Math.max(vh - head, 50);
    const size = (w, h) => Math.floor(Math.max(Math.min(w, h * 1.6), 16));
    // On a touch screen the key row goes under the screen, or beside it
    // when that leaves the screen larger (a phone held sideways).
    let w = size(aw, ah), side = false;
    if (touch) {
      const under = size(aw, ah - 46), beside = size(aw - 120, ah);
      side = beside > under;
      w = side ? beside : under;
    }
    const h = Math.floor(w / 1.6);
    // A phone keeps the screen at the top, next to its keys; a larger
    // screen centres it.
    const top = head + (touch ? 0 : Math.floor((ah - h) / 2));
    const left = side ? Math.floor((aw - 120 - w) / 2) : Math.floor((aw - w) / 2);
    const key = [w, h, top, left].join();
    if (key === fitted) return;
    fitted = key;
    body.style.setProperty("width", w + "px", "important");
    body.style.setProperty("height", h + "px", "important");
    body.style.setProperty("margin-top", top + "px", "important");
    body.style.setProperty("margin-left", left + "px", "important");
    Object.assign(kbd.style, { left: left + "px", top: top + "px", width: w + "px", height: h + "px" });
    keyrow.classList.toggle("side", side);
    Object.assign(keyrow.style, side
      ? { top: top + "px", left: (left + w) + "px", width: "120px", right: "auto" }
      : { top: (top + h) + "px", left: "0", width: "auto", right: "0" });
    hint.style.top = Math.max(top, top + h - h / 25 - 40) + "px"; // above the status line
    hint.style.left = (left + w / 2) + "px";
    // Ebiten resizes its canvas on the window's resize event.
    if (started) window.dispatchEvent(new Event("resize"));
  }
  window.addEventListener("resize", fit, true);
  if (window.visualViewport) window.visualViewport.addEventListener("resize", fit);
  fit();

  // ---- start ------------------------------------------------------------------
  // Go calls this once its packages (Ebiten's included, which restyles the
  // body and adds its own viewport tag) are initialised and window.z80ulm
  // exists.
  window.z80ulmStarted = function () {
    started = true;
    $("loading").remove();
    // Ebiten focuses its canvas when the game starts and on its own
    // events; typing belongs to the text box.
    const canvas = document.querySelector("canvas");
    canvas.tabIndex = -1;
    canvas.addEventListener("focus", () => {
      // On a touch screen only a tap may focus the text box: that is what
      // brings up the keyboard.
      if (touch) canvas.blur();
      else kbd.focus({ preventScroll: true });
    });
    for (const m of document.querySelectorAll('meta[name="viewport"]')) {
      m.content = "width=device-width, initial-scale=1, interactive-widget=resizes-content";
    }
    fitted = "";
    fit();
    if (!touch) kbd.focus({ preventScroll: true });
    focusChanged();
  };
  window.z80ulmFailed = function (msg) {
    $("error").textContent = msg;
    if (!$("loading").isConnected) document.body.appendChild($("loading"));
  };

  // ---- drive A: in the browser's storage (IndexedDB) ----------------------------
  function database() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open("z80ulm", 1);
      req.onupgradeneeded = () => req.result.createObjectStore("drive");
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  function stored(mode, work) {
    return database().then((db) => new Promise((resolve, reject) => {
      const tx = db.transaction("drive", mode);
      const req = work(tx.objectStore("drive"));
      tx.oncomplete = () => { db.close(); resolve(req && req.result); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    }));
  }
  // Go hands over what drive A: holds beyond the shipped disk whenever it
  // changes; an empty difference (a reset drive) is no record at all.
  window.z80ulmSaveDisk = function (saved) {
    const empty = saved.files.length === 0 && saved.removed.length === 0;
    stored("readwrite", (s) => (empty ? s.delete("A") : s.put(saved, "A")))
      .catch((err) => console.warn("z80ulm: drive A: not saved: " + err));
  };

  // ---- loading: the .wasm with progress, and the saved drive -------------------------
  async function loadWasm() {
    const bar = $("bar-progress"), what = $("what");
    const resp = await fetch("z80ulm.wasm");
    if (!resp.ok) throw new Error("z80ulm.wasm: HTTP " + resp.status);
    let total = parseInt(document.querySelector('meta[name="z80ulm-wasm-size"]').content, 10);
    if (!(total > 0) && !resp.headers.get("Content-Encoding")) {
      total = parseInt(resp.headers.get("Content-Length"), 10);
    }
    if (!resp.body || !(total > 0)) return new Uint8Array(await resp.arrayBuffer());
    const reader = resp.body.getReader();
    const bytes = new Uint8Array(total);
    let got = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (got + value.length > bytes.length) throw new Error("z80ulm.wasm: larger than the page says");
      bytes.set(value, got);
      got += value.length;
      bar.value = got / total;
      what.textContent = "loading the machine… " + Math.round(got / 1024) + " of " + Math.round(total / 1024) + " KiB";
    }
    bar.removeAttribute("value");
    what.textContent = "starting…";
    return bytes.subarray(0, got);
  }
  async function load() {
    const saved = stored("readonly", (s) => s.get("A")).catch((err) => {
      console.warn("z80ulm: drive A: is not kept in this browser: " + err);
      return null;
    });
    const bytes = await loadWasm();
    window.z80ulmSaved = (await saved) || null;
    const go = new Go();
    const { instance } = await WebAssembly.instantiate(bytes, go.importObject);
    go.run(instance);
  }
  load().catch((err) => window.z80ulmFailed(String(err)));
})();
