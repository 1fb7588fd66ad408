// The page side of bench_formula_tex.py (evaluated by Playwright in the lab page; an async arrow function).
// At each animation frame with a new server frame: the page's own formula panel module renders it in a
// hidden box (hand-built HTML), then KaTeX typesets the same content in another (plain, then with terms).
async ({ seconds, selection }) => {
  const { mount } = await import("/static/js/views/math/math.js");
  const { decodeFrame } = await import("/static/js/frame.js");
  const { initialState } = await import("/static/js/store.js");
  const { tex, texNum } = await import("/static/js/views/shared/tex.js");
  const real = document.querySelector("#math-view");
  const box = real.getBoundingClientRect();
  const hiddenBox = () => {
    const r = document.createElement("section");
    Object.assign(r.style, {
      position: "fixed", left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`,
      height: `${box.height}px`, visibility: "hidden", overflow: "auto", zIndex: "50", background: "white",
    });
    document.body.append(r);
    return r;
  };
  const handRoot = hiddenBox();
  const texRoot = hiddenBox();
  texRoot.className = "math-view";
  const texBody = document.createElement("div");
  texBody.className = "mv-body";
  texRoot.append(texBody);
  const parts = ["eq", "layer", "W", "b"].map(() => texBody.appendChild(document.createElement("div")));

  const session = window.__benchState;
  let state = { ...initialState(), session, selection, example: session.config?.selected ?? 0 };
  const subs = [];
  mount(handRoot, { get: () => state, set: () => {}, subscribe: (keys, fn) => subs.push({ keys, fn }) });
  const rerender = subs.find((s) => s.keys.includes("ui")).fn;

  // The same content as the panel between iterations / while playing: z^l_j with every term, W^l, b^l.
  const factor = (x) => (Number(x) < 0 && texNum(x) !== "0" ? `\\left(${texNum(x)}\\right)` : texNum(x));
  const term = (terms, latex, data) => (terms ? `\\htmlData{tx-sel=${data}}{\\htmlClass{tx-term}{${latex}}}` : latex);
  function typeset(frame, terms) {
    const L = frame.weights.length;
    const sel = selection ?? { kind: "neuron", layer: L, row: 0 };
    const l = sel.layer;
    const j = sel.row;
    const J = j + 1;
    const W = frame.weights[l - 1];
    const b = frame.biases[l - 1];
    const p = l - 1;
    const sum = W[j].map((w, c) => term(terms, `${factor(w)}\\cdot a^{${p}}_{${c + 1}}`, `weight:${l}:${j}:${c}`));
    const bias = b[j] < 0 ? `- ${texNum(-b[j])}` : `+ ${texNum(b[j])}`;
    tex(parts[0], `z^{${l}}_{${J}} = \\sum_k W^{${l}}_{${J}k}\\, a^{${p}}_k + b^{${l}}_{${J}} = ${sum.join(" + ")} ${term(terms, bias, `bias:${l}:${j}`)}`, { terms });
    tex(parts[1], `z^{${l}} = W^{${l}} a^{${p}} + b^{${l}}`, { terms });
    const rows = W.map((r, i) => r.map((w, c) => (i === j ? term(terms, texNum(w), `weight:${l}:${i}:${c}`) : texNum(w))).join(" & "));
    tex(parts[2], `W^{${l}} = \\begin{bmatrix}${rows.join("\\\\")}\\end{bmatrix} \\in \\mathbb{R}^{${W.length}\\times ${W[0].length}}`, { terms });
    const bs = b.map((x, i) => (i === j ? term(terms, texNum(x), `bias:${l}:${i}`) : texNum(x)));
    tex(parts[3], `b^{${l}} = \\left(${bs.join(",\\ ")}\\right)^{\\top} \\in \\mathbb{R}^{${b.length}}`, { terms });
    return texRoot.offsetHeight; // one layout, as the panel's fit reads one at least
  }

  let realRenders = 0;
  const observer = new MutationObserver((records) => { realRenders += records.length; });
  observer.observe(real.querySelector(".mv-body"), { childList: true });
  const hand = [];
  const katex = [];
  const katexTerms = [];
  let frames = 0;
  let last = null;
  const t0 = performance.now();
  await new Promise((resolve) => {
    function tick(now) {
      const buffer = window.__benchFrame;
      if (buffer && buffer !== last) {
        last = buffer;
        frames += 1;
        const frame = decodeFrame(buffer).header;
        state = { ...state, frame };
        let t = performance.now();
        rerender(state);
        hand.push(performance.now() - t);
        t = performance.now();
        typeset(frame, false);
        katex.push(performance.now() - t);
        t = performance.now();
        typeset(frame, true);
        katexTerms.push(performance.now() - t);
      }
      if (now - t0 < seconds * 1000) requestAnimationFrame(tick);
      else resolve();
    }
    requestAnimationFrame(tick);
  });
  const elapsed = (performance.now() - t0) / 1000;
  observer.disconnect();

  // A real click (from Playwright) on a term of the visible KaTeX box: does the handler find its target?
  texRoot.style.visibility = "visible";
  const targets = texBody.querySelectorAll("[data-tx-sel]");
  const pick = targets[Math.min(1, targets.length - 1)];
  const r = pick.getBoundingClientRect();
  texRoot.addEventListener("click", (e) => {
    window.__benchClicked = e.target.closest("[data-tx-sel]")?.dataset.txSel ?? null;
  });
  window.__benchCleanup = () => { handRoot.remove(); texRoot.remove(); };
  return {
    seconds: elapsed, frames, hand, katex, katex_terms: katexTerms, real_renders: realRenders,
    terms: targets.length, mathml: texBody.querySelectorAll(".katex-mathml math").length,
    click: { x: r.left + r.width / 2, y: r.top + r.height / 2, target: pick.dataset.txSel },
  };
}
