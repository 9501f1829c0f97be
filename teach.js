// The teach panel (docs/DESIGN.md, "Teaching a new secret"): describe a
// secret of your own (its name, the words that win, the question bank's
// attributes as YES / NO / MAYBE, extra question|ANSWER lines), train it in
// a Web Worker (teach-worker.js) while the CP/M screen keeps running, and
// play it at once: NAME.MDL lands on drive A: and GUESS @NAME starts. The
// sheet is kept in this browser. ?teach opens the panel; ?teachlines=N,
// ?teachepochs=N and ?teachseed=N change the lesson's plan (tests, benches).
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const panel = $("teach");
  if (!panel) return;
  const params = new URLSearchParams(location.search);
  const KEY = "z80ulm.teach.sheet";
  const plan = {};
  for (const [k, p] of [["lines", "teachlines"], ["epochs", "teachepochs"], ["seed", "teachseed"]]) {
    if (params.has(p)) plan[k] = parseInt(params.get(p), 10);
  }
  const ANSWERS = ["YES", "NO", "MAYBE"];
  const FORM_KEYS = ["secret", "category", "names", "plural", "YES", "NO", "MAYBE"];

  panel.innerHTML = `
    <h2>Teach GUESS a secret of your own</h2>
    <p>Describe a thing; it trains here, in this tab, in a few minutes. Then GUESS plays it.</p>
    <div class="t-grid">
      <label for="t-secret">Name</label><input id="t-secret" maxlength="8" placeholder="GIRAFFE" spellcheck="false">
      <label for="t-names">Words that win</label><input id="t-names" placeholder="giraffe | baby giraffe" spellcheck="false">
      <label for="t-plural">Plural</label><input id="t-plural" placeholder="giraffes" spellcheck="false">
      <label for="t-category">Category</label>
      <span><select id="t-category"></select> <button id="t-fill" title="set every answer below to what the category's secrets answer most">fill the answers</button></span>
    </div>
    <details id="t-answers-box"><summary>Answers to the question bank (<span id="t-attr-count">…</span>)</summary>
      <table id="t-answers"></table></details>
    <label for="t-extra">Extra lines: <kbd>question|YES</kbd>, <kbd>NO</kbd> or <kbd>MAYBE</kbd>, or facts
      (<kbd>has YES: a long neck | spots</kbd>)</label>
    <textarea id="t-extra" rows="4" spellcheck="false"></textarea>
    <details><summary>The sheet as text (paste, load, save)</summary>
      <textarea id="t-sheet" rows="10" spellcheck="false"></textarea>
      <div class="row"><button id="t-load">load a file&hellip;</button><button id="t-save">save</button>
        <input id="t-file" type="file" accept=".txt,text/plain" hidden></div></details>
    <p id="t-count" class="t-dim">&nbsp;</p>
    <ul id="t-problems"></ul>
    <div class="row"><button id="t-train">Train</button><button id="t-cancel" hidden>Cancel</button>
      <progress id="t-progress" max="1" value="0" hidden></progress><span id="t-status"></span></div>
    <div class="row" id="t-result" hidden><button id="t-play">play</button>
      <button id="t-dl-com">Download .COM</button><button id="t-dl-mdl">Download .MDL</button></div>
    <div class="row"><button class="close">close</button></div>`;
  const style = document.createElement("style");
  style.textContent = `
    #teach [hidden] { display: none !important; }
    #teach .t-grid { display: grid; grid-template-columns: max-content 1fr; gap: .3rem .6rem; align-items: center; margin: .5rem 0; }
    #teach input:not([type]), #teach select, #teach textarea { font: inherit; color: var(--green); background: #000;
      border: 1px solid var(--line); padding: .15rem .3rem; box-sizing: border-box; width: 100%; }
    #teach textarea { display: block; margin: .3rem 0; }
    #teach details { margin: .5rem 0; }
    #teach summary { cursor: pointer; }
    #teach #t-answers td:first-child { width: 100%; }
    #teach #t-answers label { padding: 0 .25rem; white-space: nowrap; }
    #teach .t-dim { color: var(--dim); }
    #teach #t-problems { color: #ff6b5e; white-space: pre-wrap; padding-left: 1.2rem; margin: .3rem 0; }
    #teach progress { flex: 1; min-width: 6rem; accent-color: var(--green); }`;
  document.head.appendChild(style);

  // ---- the sheet: the form is a view of its text ------------------------------
  // A statement is a line and the indented lines under it. The form holds
  // the keys it shows; every other statement (facts, question|ANSWER lines,
  // misspellings, comments) stays as written in the extra lines.
  let form = { secret: "", category: "", names: "", plural: "", answers: {}, extra: "" };
  function parse(text) {
    const f = { secret: "", category: "", names: "", plural: "", answers: {}, extra: "" };
    const extra = [];
    const stmts = [];
    for (const line of text.split("\n")) {
      if (/^[ \t]/.test(line) && line.trim() && stmts.length) stmts[stmts.length - 1] += "\n" + line;
      else stmts.push(line);
    }
    for (const s of stmts) {
      const m = /^([A-Za-z]+)\s*:(.*)$/s.exec(s.trim());
      const key = m && m[1];
      if (!m || !FORM_KEYS.includes(key) || s.trim().startsWith("#")) {
        extra.push(s);
        continue;
      }
      const body = m[2].replace(/\s*\n\s*/g, " ").trim();
      if (ANSWERS.includes(key)) {
        for (const a of body.split("|")) if (a.trim()) f.answers[a.trim()] = key;
      } else {
        f[key] = body;
      }
    }
    f.extra = extra.join("\n").trim();
    return f;
  }
  function write(f) {
    const out = ["secret: " + f.secret.trim().toUpperCase(), "category: " + f.category, "names: " + f.names.trim()];
    if (f.plural.trim()) out.push("plural: " + f.plural.trim());
    for (const a of ANSWERS) {
      const names = Object.keys(f.answers).filter((k) => f.answers[k] === a);
      if (names.length) out.push(a + ": " + names.join(" | "));
    }
    if (f.extra.trim()) out.push("", f.extra.trim());
    return out.join("\n") + "\n";
  }
  function showForm() {
    $("t-secret").value = form.secret;
    $("t-names").value = form.names;
    $("t-plural").value = form.plural;
    if (info) {
      if (form.category && !info.categories.includes(form.category)) addCategory(form.category);
      $("t-category").value = form.category;
      for (const a of info.attributes) {
        for (const ans of ANSWERS) $("t-a-" + a.name + "-" + ans).checked = form.answers[a.name] === ans;
      }
      const missing = info.attributes.filter((a) => !form.answers[a.name]).length;
      $("t-attr-count").textContent = info.attributes.length + " attributes" + (missing ? ", " + missing + " unanswered" : "");
    }
    $("t-extra").value = form.extra;
  }
  function fromForm() {
    form.secret = $("t-secret").value;
    form.names = $("t-names").value;
    form.plural = $("t-plural").value;
    form.category = $("t-category").value;
    form.extra = $("t-extra").value;
    $("t-sheet").value = write(form);
    changed();
  }
  function fromText() {
    form = parse($("t-sheet").value);
    showForm();
    changed();
  }
  function changed() {
    try { localStorage.setItem(KEY, $("t-sheet").value); } catch (e) { /* private mode: not kept */ }
    $("t-result").hidden = true;
    problem([]);
    $("t-count").textContent = "\u00a0";
    scheduleCount();
  }
  for (const id of ["t-secret", "t-names", "t-plural", "t-category", "t-extra"]) $(id).addEventListener("input", fromForm);
  // A first category fills the answers; later ones leave them to the button.
  $("t-category").addEventListener("change", () => { if (!Object.keys(form.answers).length) $("t-fill").click(); });
  $("t-sheet").addEventListener("input", fromText);
  $("t-fill").addEventListener("click", () => {
    const pre = info && info.prefill[$("t-category").value];
    if (!pre) return;
    form.answers = Object.assign({}, pre);
    showForm();
    fromForm();
  });
  $("t-load").addEventListener("click", () => $("t-file").click());
  $("t-file").addEventListener("change", async (e) => {
    const f = e.target.files[0];
    if (!f) return;
    $("t-sheet").value = await f.text();
    e.target.value = "";
    fromText();
  });
  $("t-save").addEventListener("click", () => {
    const name = (form.secret.trim() || "secret").toUpperCase() + ".txt";
    save(name, new Blob([$("t-sheet").value], { type: "text/plain" }));
  });
  const save = (name, data) => window.z80ulmSaveAs(name, data); // page.js
  function addCategory(c, label) {
    const o = document.createElement("option");
    o.value = c;
    o.textContent = label || c;
    $("t-category").appendChild(o);
  }

  // ---- the worker ----------------------------------------------------------
  let worker = null, ready = null, info = null, busy = false, counting = false, countAgain = false;
  function start() {
    if (worker) return ready;
    worker = new Worker("teach-worker.js");
    worker.onmessage = (e) => receive(e.data);
    worker.onerror = (e) => problem(["the teach worker failed: " + (e.message || e)]);
    ready = new Promise((resolve) => { whenReady = resolve; });
    return ready;
  }
  let whenReady = null;
  function receive(m) {
    switch (m.type) {
      case "ready": worker.postMessage({ type: "info" }); break;
      case "info": setInfo(m); whenReady(); break;
      case "count": counted(m); break;
      case "progress": progress(m); break;
      case "done": done(m); break;
      case "problems": finished(); problem(m.problems); break;
      case "error": finished(); problem([m.message]); break;
    }
  }
  function setInfo(m) {
    info = m;
    $("t-category").textContent = "";
    addCategory("", "pick one…");
    for (const c of m.categories) addCategory(c);
    const table = $("t-answers");
    table.textContent = "";
    for (const a of m.attributes) {
      const tr = table.insertRow();
      tr.insertCell().textContent = a.question;
      tr.title = a.name;
      for (const ans of ANSWERS) {
        const label = document.createElement("label");
        const r = document.createElement("input");
        r.type = "radio";
        r.name = "t-a-" + a.name;
        r.id = "t-a-" + a.name + "-" + ans;
        r.addEventListener("change", () => { form.answers[a.name] = ans; fromForm(); showForm(); });
        label.append(r, " " + ans);
        tr.insertCell().appendChild(label);
      }
    }
    showForm();
  }

  // The count runs in the worker (it generates the lines); one at a time,
  // the latest sheet last.
  let countTimer = 0;
  function scheduleCount() {
    clearTimeout(countTimer);
    countTimer = setTimeout(count, 600);
  }
  async function count() {
    if (busy) return;
    if (counting) { countAgain = true; return; }
    await start();
    counting = true;
    $("t-count").textContent = "counting the lines this sheet makes…";
    worker.postMessage({ type: "count", sheet: $("t-sheet").value, plan: plan });
  }
  function counted(m) {
    counting = false;
    problem([]);
    $("t-count").textContent = m.generated.toLocaleString("en") + " training lines from this sheet; " +
      m.lines.toLocaleString("en") + " are trained on, " + m.dev.toLocaleString("en") +
      " held out, starting from " + m.base + "'s model.";
    if (countAgain) { countAgain = false; count(); }
  }
  function problem(list) {
    if (counting && list.length) { counting = false; $("t-count").textContent = "\u00a0"; if (countAgain) { countAgain = false; count(); } }
    const ul = $("t-problems");
    ul.textContent = "";
    for (const p of list) {
      const li = document.createElement("li");
      li.textContent = p;
      ul.appendChild(li);
    }
  }

  // ---- training ----------------------------------------------------------------
  let began = 0, trainBegan = 0, result = null;
  $("t-train").addEventListener("click", async () => {
    if (busy) return;
    await start();
    if (counting) { status("waiting for the count…"); while (counting) await new Promise((r) => setTimeout(r, 100)); }
    busy = true;
    result = null;
    problem([]);
    $("t-result").hidden = true;
    $("t-train").disabled = true;
    $("t-cancel").hidden = false;
    $("t-progress").hidden = false;
    $("t-progress").removeAttribute("value");
    began = performance.now();
    trainBegan = 0;
    status("generating the lines…");
    worker.postMessage({ type: "teach", sheet: $("t-sheet").value, plan: plan });
  });
  // A lesson does not hand its worker's event loop back while it computes:
  // Cancel ends the worker (the next lesson starts a new one). Drive A:
  // only ever gets a finished lesson's file.
  $("t-cancel").addEventListener("click", () => {
    if (!busy) return;
    worker.terminate();
    worker = null;
    counting = false;
    finished();
    status("cancelled: nothing was added to drive A:");
  });
  function progress(m) {
    if (m.phase === "generate") { status("generating the lines…"); return; }
    if (m.phase === "pack") { $("t-progress").removeAttribute("value"); status("packing the program…"); return; }
    const now = performance.now();
    if (!trainBegan) trainBegan = now;
    const frac = m.total ? m.done / m.total : 0;
    $("t-progress").value = frac;
    let eta = "";
    if (frac > 0.02) eta = ", about " + clock((now - trainBegan) * (1 - frac) / frac) + " left";
    const acc = m.epoch ? ", held-out " + m.devAcc.toFixed(1) + "% after epoch " + m.epoch : "";
    status("training " + Math.round(frac * 100) + "%" + eta + acc);
  }
  function clock(ms) {
    const s = Math.round(ms / 1000);
    return s < 60 ? s + " s" : Math.floor(s / 60) + " min " + (s % 60) + " s";
  }
  function finished() {
    busy = false;
    $("t-train").disabled = false;
    $("t-cancel").hidden = true;
    $("t-progress").hidden = true;
  }
  function status(s) { $("t-status").textContent = s; }
  function done(m) {
    finished();
    result = m;
    const err = window.z80ulm && window.z80ulm.putFile(m.secret + ".MDL", m.mdl);
    if (!window.z80ulm || err instanceof Error) {
      problem(["drive A: did not take " + m.secret + ".MDL: " + (err ? err.message : "the machine is not running")]);
      return;
    }
    status(m.secret + " is on drive A: (held-out " + m.devAcc.toFixed(1) + "%, " + clock(performance.now() - began) + ")" +
      (m.noCOM ? "; " + m.noCOM : ""));
    $("t-result").hidden = false;
    // A standalone program too long for a CCP to load is not offered.
    $("t-dl-com").disabled = !!m.noCOM;
    $("t-dl-com").title = m.noCOM || "a program of its own for a real CP/M machine";
    play();
  }
  function play() {
    if (!result) return;
    const err = window.z80ulm.run("GUESS @" + result.secret);
    if (err instanceof Error) problem([err.message]);
    // run() does not wake a machine that sleeps at its prompt (no frames
    // come until an input event); typing nothing does.
    window.z80ulm.type("");
    panel.hidden = true;
    $("kbd").focus({ preventScroll: true });
  }
  $("t-play").addEventListener("click", play);
  $("t-dl-com").addEventListener("click", () => result && !result.noCOM && save(result.secret + ".COM", result.com));
  $("t-dl-mdl").addEventListener("click", () => result && save(result.secret + ".MDL", result.mdl));

  // ---- opening ----------------------------------------------------------------
  function open() {
    for (const p of document.querySelectorAll(".panel")) if (p !== panel) p.hidden = true;
    panel.hidden = !panel.hidden;
    if (!panel.hidden) start().then(() => { showForm(); scheduleCount(); });
  }
  $("teach-button").addEventListener("click", open);
  let kept = "";
  try { kept = localStorage.getItem(KEY) || ""; } catch (e) { /* not kept */ }
  $("t-sheet").value = kept;
  form = parse(kept);
  showForm();
  if (params.has("teach")) open();
})();
