// The teach worker (docs/DESIGN.md, "Teaching a new secret"): runs
// teach.wasm, the lesson compiled from wasm/teach, off the page's thread,
// so that the CP/M screen keeps its clock while a secret trains. teach.js
// talks to it in messages; Go sets onmessage and says {type: "ready"}.
"use strict";
importScripts("wasm_exec.js");
(async function () {
  try {
    const resp = await fetch("teach.wasm");
    if (!resp.ok) throw new Error("HTTP " + resp.status);
    const go = new Go();
    const { instance } = await WebAssembly.instantiate(await resp.arrayBuffer(), go.importObject);
    await go.run(instance);
  } catch (err) {
    postMessage({ type: "error", message: "teach.wasm: " + err });
  }
})();
