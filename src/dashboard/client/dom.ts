/// <reference lib="dom" />
/**
 * The pages build the DOM only through these helpers: text is always set as text (textContent), never parsed
 * as HTML, so a stored string (a name, an ARCH, an error) can hold anything and still only shows.
 */

type Child = Node | string | number | null | undefined | false;
type Attributes = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

/** An element with attributes, listeners (on...) and children; strings become text nodes. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = String(value);
    else if (name === 'href') element.setAttribute('href', safeHref(String(value)));
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `parent`. */
export function replace(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, ...children);
}

/** Only the pages' own links: a hash route, or nothing. */
function safeHref(href: string): string {
  return href.startsWith('#/') ? href : '#/';
}

/** A page section with a heading. */
export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', {}, h('h2', {}, title), ...children);
}

/** A two-column table of labels and values. */
export function facts(rows: [string, Child][]): HTMLElement {
  return h('table', { class: 'facts' }, h('tbody', {}, ...rows.map(([label, value]) => h('tr', {}, h('th', {}, label), h('td', {}, value)))));
}

/** A table with a header row; each row a list of cells (text or nodes). */
export function dataTable(header: string[], rows: Child[][], className = 'data'): HTMLTableElement {
  return h(
    'table',
    { class: className },
    h('thead', {}, h('tr', {}, ...header.map((title) => h('th', {}, title)))),
    h('tbody', {}, ...rows.map((row) => h('tr', {}, ...row.map((cell) => h('td', {}, cell))))),
  );
}

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status.replace(/[^a-z]/g, '')}` }, status);
}

/** The error a view failed with, as text. */
export function errorBox(message: string): HTMLElement {
  return h('div', { class: 'error-box', role: 'alert' }, message);
}
