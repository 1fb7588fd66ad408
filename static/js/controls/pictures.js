/**
 * PNG pictures of the views, at the screen's pixel ratio or twice it (slides), saved as
 * backprop-<view>-step<k>.png.
 *
 * Plotly views (the loss curve, a lecture view's plot) go through Plotly.toImage. The other panels (network
 * diagram: SVG over canvases; decision boundary: canvases; formula panel: HTML with KaTeX) are drawn as an
 * SVG image whose <foreignObject> holds a copy of the panel with every computed style inlined, each canvas
 * replaced by an <img> of its pixels and the KaTeX fonts it uses embedded as data: URLs (an SVG image loads
 * nothing from outside). That needs no script in the image and only `img-src data: blob:` from the page's
 * CSP; a data: SVG with a foreignObject does not taint the canvas in Chromium, so toBlob works.
 */

/** [name, label, root element id] of the lab's panels. */
export const PICTURES = [
  ["network", "Network", "network-view"],
  ["boundary", "Decision boundary", "boundary-view"],
  ["loss", "Loss curve", "loss-view"],
  ["formula", "Formula panel", "math-view"],
];
const XHTML = "http://www.w3.org/1999/xhtml";

/** The step the page shows. */
export function currentStep(s) {
  return s.frame?.step ?? s.session?.step ?? 0;
}

/** The pixel ratio of a picture: the screen's, or twice it for slides. */
export function pictureScale(kind) {
  const screen = window.devicePixelRatio || 1;
  return kind === "slides" ? 2 * screen : screen;
}

/** The open lecture view's plotly plot (the largest shown), or null (the lab, or a view without one). */
export function lectureView(s) {
  if (!s.view || s.view === "lab") return null;
  const page = document.getElementById(`view-${s.view}`);
  const plots = [...(page?.querySelectorAll(".js-plotly-plot") ?? [])].filter((p) => p.getClientRects().length > 0);
  plots.sort((a, b) => b.clientWidth * b.clientHeight - a.clientWidth * a.clientHeight);
  return plots[0] ?? null;
}

/** Draw view `name` ("lecture": the open lecture view) and save it; resolves to the file's name. */
export async function savePicture(s, name, kind) {
  const scale = pictureScale(kind);
  const view = name === "lecture" ? s.view : name;
  const file = `backprop-${view}-step${currentStep(s)}.png`;
  let blob;
  if (name === "lecture" || name === "loss") {
    const plot = name === "lecture" ? lectureView(s) : document.querySelector("#loss-view .js-plotly-plot");
    if (!plot) throw new Error(`the ${view} view has no plot to draw`);
    blob = await plotlyPng(plot, scale);
  } else {
    const id = PICTURES.find(([n]) => n === name)?.[2];
    const root = id ? document.getElementById(id) : null;
    if (!root || root.getClientRects().length === 0) throw new Error(`the ${view} panel is not shown`);
    blob = await panelPng(root, scale);
  }
  download(blob, file);
  return file;
}

async function plotlyPng(plot, scale) {
  const url = await window.Plotly.toImage(plot, { format: "png", width: plot.clientWidth, height: plot.clientHeight, scale });
  return dataBlob(url);
}

/** A base64 data: URL as a Blob (fetching it is refused by the CSP's connect-src). */
function dataBlob(url) {
  const [head, body] = url.split(",", 2);
  const bytes = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  return new Blob([bytes], { type: head.slice(5).split(";")[0] });
}

function download(blob, file) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = file;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A copy of `el` (and its subtree) with every computed style inline and canvases as images. */
function inlined(el, fonts) {
  if (el instanceof HTMLCanvasElement) {
    const img = document.createElementNS(XHTML, "img");
    img.setAttribute("src", el.toDataURL("image/png"));
    img.setAttribute("style", styleText(getComputedStyle(el)));
    return img;
  }
  const copy = el.cloneNode(false);
  if (copy instanceof Element) {
    const cs = getComputedStyle(el);
    copy.setAttribute("style", styleText(cs));
    for (const family of cs.fontFamily.split(",")) fonts.add(family.trim().replace(/^["']|["']$/g, ""));
    copy.removeAttribute("id");
  }
  for (const child of el.childNodes) {
    if (child instanceof Element) {
      if (child.getClientRects().length === 0 && !(child instanceof SVGElement)) continue;
      copy.append(inlined(child, fonts));
    } else if (child.nodeType === Node.TEXT_NODE) copy.append(child.cloneNode());
  }
  return copy;
}

function styleText(cs) {
  let out = "";
  for (let i = 0; i < cs.length; i++) {
    const name = cs[i];
    if (name.startsWith("--")) continue;
    out += `${name}:${cs.getPropertyValue(name)};`;
  }
  return out;
}

/** @font-face rules of the families used, their files as data: URLs. */
async function fontFaces(families) {
  const rules = [];
  for (const sheet of document.styleSheets) {
    let list;
    try {
      list = sheet.cssRules;
    } catch {
      continue;
    }
    for (const rule of list) {
      if (!(rule instanceof CSSFontFaceRule)) continue;
      const family = rule.style.getPropertyValue("font-family").trim().replace(/^["']|["']$/g, "");
      if (families.has(family)) rules.push([rule, sheet.href ?? location.href]);
    }
  }
  const faces = await Promise.all(
    rules.map(async ([rule, base]) => {
      const src = rule.style.getPropertyValue("src");
      const m = /url\(["']?([^"')]+\.woff2)["']?\)/.exec(src) ?? /url\(["']?([^"')]+)["']?\)/.exec(src);
      if (!m) return "";
      try {
        const blob = await (await fetch(new URL(m[1], base))).blob();
        const data = await new Promise((ok, fail) => {
          const reader = new FileReader();
          reader.onload = () => ok(reader.result);
          reader.onerror = fail;
          reader.readAsDataURL(blob);
        });
        const keep = ["font-family", "font-style", "font-weight"].map((p) => `${p}:${rule.style.getPropertyValue(p)};`).join("");
        return `@font-face{${keep}src:url(${data});}`;
      } catch {
        return "";
      }
    }),
  );
  return faces.join("\n");
}

/** The panel `root` drawn at `scale` pixels per CSS pixel. */
async function panelPng(root, scale) {
  const width = Math.ceil(root.clientWidth);
  const height = Math.ceil(root.clientHeight);
  const fonts = new Set();
  const copy = inlined(root, fonts);
  copy.style.margin = "0";
  copy.style.contain = "none";
  const style = document.createElementNS(XHTML, "style");
  style.textContent = await fontFaces(fonts);
  const holder = document.createElementNS(XHTML, "div");
  holder.setAttribute("style", `width:${width}px;height:${height}px;overflow:hidden;`);
  holder.append(style, copy);
  const xml = new XMLSerializer().serializeToString(holder);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">` +
    `<foreignObject x="0" y="0" width="100%" height="100%">${xml}</foreignObject></svg>`;
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = getComputedStyle(root).backgroundColor || "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0, width, height);
  return new Promise((ok, fail) => canvas.toBlob((b) => (b ? ok(b) : fail(new Error("the canvas gave no PNG"))), "image/png"));
}
