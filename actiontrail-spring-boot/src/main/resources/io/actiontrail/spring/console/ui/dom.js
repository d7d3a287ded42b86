// Building the page node by node. Event fields are attacker-controlled: they only ever become text (textContent),
// never markup, and never a link's address.

/** An element with attributes (strings; `class`, `data-*`, aria…) and children (nodes or text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  node.append(...children.filter((c) => c !== undefined && c !== null).map((c) => (c instanceof Node ? c : String(c))));
  return node;
}

/** The same, in SVG's namespace. */
export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, String(value));
  }
  node.append(...children.map((c) => (c instanceof Node ? c : String(c))));
  return node;
}

export function $(id) {
  return document.getElementById(id);
}

const pad = (n) => String(n).padStart(2, '0');

/** A time in the reader's zone, 2026-12-01 08:30:05; the ISO instant (UTC) goes in the title. */
export function time(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso ?? '');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function number(n) {
  return typeof n === 'number' ? n.toLocaleString() : '—';
}

export function bytes(n) {
  if (typeof n !== 'number') {
    return '—';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return (unit === 0 ? value : value.toFixed(1)) + ' ' + units[unit];
}

/** "3 min", "2 h 5 min": how long ago, or how long something has waited. */
export function age(iso) {
  const ms = Date.now() - new Date(iso).getTime();
  if (Number.isNaN(ms)) {
    return '—';
  }
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return s + ' s';
  if (s < 3600) return Math.floor(s / 60) + ' min';
  if (s < 86400) return Math.floor(s / 3600) + ' h ' + (Math.floor(s / 60) % 60) + ' min';
  return Math.floor(s / 86400) + ' d ' + (Math.floor(s / 3600) % 24) + ' h';
}

/** JSON, indented, its keys, strings and numbers in spans for colour; every piece is text. */
export function jsonTree(value, indent = '') {
  const out = document.createDocumentFragment();
  const inner = indent + '  ';
  if (Array.isArray(value) || (value && typeof value === 'object')) {
    const entries = Array.isArray(value) ? value.map((v) => [null, v]) : Object.entries(value);
    const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) {
      out.append(open + close);
      return out;
    }
    out.append(open + '\n');
    entries.forEach(([key, v], i) => {
      out.append(inner);
      if (key !== null) {
        out.append(el('span', { class: 'j-key' }, JSON.stringify(key)), ': ');
      }
      out.append(jsonTree(v, inner), i < entries.length - 1 ? ',\n' : '\n');
    });
    out.append(indent + close);
    return out;
  }
  const kind = typeof value === 'string' ? 'j-string' : value === null ? 'j-null' : 'j-literal';
  out.append(el('span', { class: kind }, JSON.stringify(value)));
  return out;
}
