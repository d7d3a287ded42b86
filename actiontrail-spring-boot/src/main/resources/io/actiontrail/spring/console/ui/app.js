// The ActionTrail console: the URL's hash holds the view and its state (#/events?q=&range=&event=,
// #/timeline?type=&name=, #/insights, #/trails), so that every view can be linked to and reloaded.

import { ApiError, auth, download, get, setToken, token } from './api.js';
import { bucketFor, drawHistogram } from './chart.js';
import { $, el, jsonTree, time } from './dom.js';
import { EventTable, outcomeBadge, resourceButton, who } from './tables.js';
import { showInsights } from './insights.js';
import { showTrails } from './trails.js';

const RANGES = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000, '90d': 90 * 86_400_000 };
const PAGE_SIZE = 50;
const OWN_RANGE = /(^|\s)-?(after|before):/;

const input = $('q');
let shown = null; // what the list on screen shows, so that opening an event does not reload it
let opener = null; // the row that opened the detail, which gets the focus back
let current = null; // the event in the detail view

// ---------------------------------------------------------------- state in the hash

function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const at = hash.indexOf('?');
  const view = at < 0 ? hash : hash.slice(0, at);
  return {
    view: ['events', 'timeline', 'insights', 'trails'].includes(view) ? view : 'events',
    params: new URLSearchParams(at < 0 ? '' : hash.slice(at + 1)),
  };
}

function go(view, params = {}, force = false) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v)).toString();
  const hash = '#/' + view + (query ? '?' + query : '');
  if (force) shown = null;
  if (location.hash === hash) {
    render();
  } else {
    location.hash = hash;
  }
}

/** Changes some of the current view's parameters. */
function update(changes) {
  const { view, params } = route();
  go(view, { ...Object.fromEntries(params), ...changes });
}

function iso(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * The search sent to the API: the user's, and the quick range's start unless it has a range of its own; added at the
 * end, so that the position of a mistake the API reports is the same in the user's text.
 */
function search(q, range) {
  const to = Date.now();
  if (OWN_RANGE.test(q) || !RANGES[range]) {
    const after = Date.parse(/(?:^|\s)after:(\S+)/.exec(q)?.[1] ?? '');
    const before = Date.parse(/(?:^|\s)before:(\S+)/.exec(q)?.[1] ?? '');
    const end = Number.isNaN(before) ? to : before;
    return { q, from: Number.isNaN(after) ? end - RANGES['90d'] : after, to: end };
  }
  const from = to - RANGES[range];
  return { q: (q + ' after:' + iso(from)).trim(), from, to };
}

// ---------------------------------------------------------------- errors and the token

function showError(error) {
  const banner = $('error');
  if (!error) {
    banner.hidden = true;
    banner.replaceChildren();
    return;
  }
  if (error instanceof ApiError && error.status === 401 && auth === 'token') {
    const presented = token() !== null;
    setToken(null);
    askToken(presented ? 'The token was not accepted.' : '');
    return;
  }
  let message = error instanceof ApiError ? error.message : 'The console could not reach the server: ' + error.message;
  if (error instanceof ApiError && error.status === 401) {
    message = 'Your session has ended: reload the page to sign in again.';
  } else if (error instanceof ApiError && error.position >= 0 && document.activeElement !== input) {
    input.focus();
    input.setSelectionRange(error.position, error.position);
  }
  banner.replaceChildren(el('strong', {}, error instanceof ApiError ? 'Error ' + error.status + ': ' : 'Error: '), message);
  banner.hidden = false;
}

function askToken(problem) {
  const dialog = $('token-dialog');
  if (problem || !dialog.open) {
    // a second refusal of the same token (the list and the histogram ask at once) keeps the first's message
    $('token-error').textContent = problem;
    $('token-error').hidden = !problem;
  }
  if (!dialog.open) dialog.showModal();
  $('token').focus();
}

// ---------------------------------------------------------------- the views

const handlers = {
  onOpen: (id) => update({ event: id }),
  onResource: (type, name) => go('timeline', { type, name }),
  onError: showError,
};
const events = new EventTable($('events'), $('events-empty'), $('events-more'), handlers);
const timeline = new EventTable($('timeline'), $('timeline-empty'), $('timeline-more'), handlers);

async function histogram({ q, from, to }) {
  const bucket = bucketFor(to - from);
  const chart = $('chart');
  chart.setAttribute('aria-busy', 'true');
  try {
    const counts = await get('counts', { q, bucket: bucket.iso });
    $('matched').textContent = counts.matched.toLocaleString() + (counts.matched === 1 ? ' event' : ' events');
    drawHistogram(chart, $('chart-axis'), counts.buckets, from, to, bucket.ms, (start, end) => {
      const own = input.value.replace(/(^|\s)-?(after|before):\S+/g, ' ').trim();
      go('events', { q: `after:${iso(start)} before:${iso(end)} ${own}`.trim() });
    });
  } catch (error) {
    chart.replaceChildren();
    $('matched').textContent = '—';
    showError(error);
  } finally {
    chart.setAttribute('aria-busy', 'false');
  }
}

function showEvents(params) {
  const q = params.get('q') ?? '';
  const range = params.get('range') ?? (OWN_RANGE.test(q) ? '' : '24h');
  const key = 'events\n' + q + '\n' + range;
  if (shown === key) return;
  shown = key;
  if (document.activeElement !== input) input.value = q;
  for (const button of document.querySelectorAll('[data-range]')) {
    button.setAttribute('aria-pressed', String(button.dataset.range === range));
  }
  const s = search(q, range);
  events.load('events', { q: s.q, maxResults: PAGE_SIZE });
  histogram(s);
}

function showTimeline(params) {
  const type = params.get('type') ?? '';
  const name = params.get('name') ?? '';
  const key = 'timeline\n' + type + '\n' + name;
  if (shown === key) return;
  shown = key;
  $('timeline-title').textContent = type + '/' + name;
  timeline.load('timeline', { type, name, maxResults: PAGE_SIZE });
}

function fact(term, value) {
  return value === undefined || value === null || value === '' ? [] : [el('dt', {}, term), el('dd', {}, value)];
}

async function openDetail(id) {
  const detail = $('detail');
  if (current?.eventId === id && !detail.hidden) return;
  detail.hidden = false;
  detail.setAttribute('aria-busy', 'true');
  $('detail-title').textContent = 'Event ' + id;
  $('detail-facts').replaceChildren();
  $('detail-json').replaceChildren();
  $('detail-copy').textContent = 'Copy JSON';
  try {
    const event = await get('events/' + encodeURIComponent(id));
    current = event;
    $('detail-title').textContent = event.eventName;
    $('detail-facts').replaceChildren(
      ...fact('Time', el('span', { title: event.eventTime }, time(event.eventTime))),
      ...fact('User', who(event)),
      ...fact('Outcome', outcomeBadge(event.outcome)),
      ...fact('Resource', resourceButton(event)),
      ...fact('Source IP', event.sourceIpAddress),
      ...fact('User agent', event.userAgent),
      ...fact('Error', event.errorCode && [event.errorCode, event.errorMessage].filter(Boolean).join(': ')));
    $('detail-json').replaceChildren(jsonTree(event));
    $('detail-close').focus();
  } catch (error) {
    showError(error);
  } finally {
    detail.setAttribute('aria-busy', 'false');
  }
}

function closeDetail() {
  const detail = $('detail');
  if (detail.hidden) return;
  detail.hidden = true;
  current = null;
  if (opener?.isConnected) opener.focus();
}

function render() {
  if (auth === 'token' && !token()) {
    askToken('');
    return;
  }
  const { view, params } = route();
  for (const name of ['events', 'timeline', 'insights', 'trails']) {
    $('view-' + name).hidden = name !== view;
  }
  $('nav-events').classList.toggle('active', view === 'events' || view === 'timeline');
  $('nav-insights').classList.toggle('active', view === 'insights');
  $('nav-trails').classList.toggle('active', view === 'trails');
  showError(null);
  if (view === 'trails') {
    shown = null;
    showTrails().catch(showError);
  } else if (view === 'insights') {
    if (shown !== 'insights') {
      shown = 'insights';
      showInsights((id) => update({ event: id })).catch(showError);
    }
  } else if (view === 'timeline') {
    showTimeline(params);
  } else {
    showEvents(params);
  }
  const id = params.get('event');
  if (id) {
    openDetail(id);
  } else {
    closeDetail();
  }
}

// ---------------------------------------------------------------- wiring

$('search').addEventListener('submit', (e) => {
  e.preventDefault();
  const q = input.value.trim();
  const range = route().params.get('range');
  go('events', { q, range: OWN_RANGE.test(q) ? '' : range ?? '24h' }, true);
});

for (const button of document.querySelectorAll('[data-range]')) {
  button.addEventListener('click', () => {
    const q = input.value.replace(/(^|\s)-?(after|before):\S+/g, ' ').trim();
    go('events', { q, range: button.dataset.range }, true);
  });
}

for (const format of ['csv', 'ndjson']) {
  $('export-' + format).addEventListener('click', () => {
    const { params } = route();
    const q = params.get('q') ?? '';
    const range = params.get('range') ?? (OWN_RANGE.test(q) ? '' : '24h');
    download({ q: search(q, range).q, format }, 'actiontrail-events.' + format).catch(showError);
  });
}

document.addEventListener('focusin', (e) => {
  if (e.target instanceof HTMLTableRowElement) opener = e.target;
});

$('detail-close').addEventListener('click', () => update({ event: '' }));
$('detail').addEventListener('click', (e) => {
  const resource = e.target.closest('button.resource');
  if (resource) go('timeline', { type: resource.dataset.type, name: resource.dataset.name });
});
$('detail-copy').addEventListener('click', async () => {
  if (!current) return;
  const text = JSON.stringify(current, null, 2);
  try {
    await navigator.clipboard.writeText(text);
  } catch (ignored) {
    // no clipboard API (a page over plain HTTP on another host): copy the selected text instead
    getSelection().selectAllChildren($('detail-json'));
    document.execCommand('copy');
  }
  $('detail-copy').textContent = 'Copied';
});

document.addEventListener('keydown', (e) => {
  const typing = e.target.closest?.('input, textarea, select, [contenteditable]');
  if (e.key === '/' && !typing && !$('token-dialog').open && !e.ctrlKey && !e.metaKey && !e.altKey) {
    e.preventDefault();
    if (route().view !== 'events') {
      go('events');
      render(); // now, not at the hashchange: the box must be visible to take the focus
    }
    input.focus();
    input.select();
  } else if (e.key === 'Escape' && !$('detail').hidden && !$('token-dialog').open) {
    e.preventDefault();
    update({ event: '' });
  }
});

$('token-dialog').addEventListener('cancel', (e) => e.preventDefault()); // nothing to see without it
$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  setToken($('token').value.trim());
  $('token-dialog').close();
  shown = null;
  render();
});
if (auth === 'token') {
  $('forget').hidden = false;
  $('forget').addEventListener('click', () => {
    setToken(null);
    $('token').value = '';
    events.body.replaceChildren();
    timeline.body.replaceChildren();
    shown = null;
    askToken('');
  });
}

window.addEventListener('hashchange', render);
render();
