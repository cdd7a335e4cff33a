/**
 * The tutorial page (tutorial.html): docs/tutorial.md rendered with `marked`. The markdown is imported as
 * text at build time (Vite's `?raw`), so the page is the same file that test/torch/roundtrip/tutorial.test.ts
 * runs and can never drift from it. Headings get ids (GitHub's style of slug) so sections can be linked.
 */
/// <reference types="vite/client" />
import { marked } from 'marked';
import source from '../../docs/tutorial.md?raw';

/** "2. Save weights (PyTorch)" → "2-save-weights-pytorch". */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .trim()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s+/g, '-');
}

const article = document.getElementById('tutorial') as HTMLElement;
// The markdown is pthlab's own file, fixed at build time: no user text reaches innerHTML.
article.innerHTML = marked.parse(source, { async: false, gfm: true });
const used = new Set<string>();
for (const heading of article.querySelectorAll('h1, h2, h3, h4')) {
  let id = slug(heading.textContent ?? '');
  for (let i = 1; used.has(id); i++) id = `${slug(heading.textContent ?? '')}-${i}`;
  used.add(id);
  heading.id = id;
}
// Code blocks scroll sideways on a narrow screen: a keyboard must reach them too (axe's scrollable-region-focusable).
for (const pre of article.querySelectorAll('pre')) pre.tabIndex = 0;
const title = article.querySelector('h1')?.textContent;
if (title !== undefined) document.title = `pthlab tutorial: ${title}`;
article.removeAttribute('aria-busy');
if (location.hash.length > 1)
  document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView();
