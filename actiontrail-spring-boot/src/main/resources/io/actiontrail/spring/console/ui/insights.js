// The insights page: unusual activity the service's own ActionTrail detected (call rate, error rate, new source IPs,
// access keys, trail concealment, password and policy changes). Each insight is a Start event and, once over, an End
// event sharing its sharedEventId; both are ordinary events of the trail, found here by their event type.

import { get } from './api.js';
import { $, age, el, number, time } from './dom.js';

const TYPE = 'ActionTrailInsight';
const PAGE = 200;
const MAX_EVENTS = 2000;
const NINETY_DAYS = 90 * 86_400_000;

/** The Start and End events of each insight, newest start first; an End whose Start is older than the range alone. */
export function pair(events) {
  const byId = new Map();
  for (const event of events) {
    const details = event.insightDetails ?? {};
    const id = event.sharedEventId ?? event.eventId;
    const insight = byId.get(id) ?? { id, start: null, end: null };
    if (details.state === 'End') {
      insight.end = event;
    } else {
      insight.start = event;
    }
    byId.set(id, insight);
  }
  const first = (insight) => insight.start ?? insight.end;
  return [...byId.values()].sort((a, b) => Date.parse(first(b).eventTime) - Date.parse(first(a).eventTime));
}

/** A statistic as the insight states it: a number, an object with an average per minute, or a count of events. */
function rate(statistic) {
  if (typeof statistic?.count === 'number' && typeof statistic?.average !== 'number') {
    return statistic.count.toLocaleString() + (statistic.count === 1 ? ' event' : ' events');
  }
  const value = typeof statistic === 'number' ? statistic : statistic?.average;
  if (typeof value !== 'number') return '—';
  return (value >= 100 ? Math.round(value).toLocaleString() : value.toFixed(value >= 10 ? 1 : 2)) + '/min';
}

/** What the insight is about: the API, the principal, the access key… as the engine named it. */
function subject(details) {
  const object = details.insightObject;
  if (typeof object === 'string') return object;
  if (object && typeof object === 'object') {
    return Object.values(object).filter((v) => typeof v === 'string' || typeof v === 'number').join(' · ') || '—';
  }
  return details.eventName ?? '—';
}

/** The top contributors while the insight lasted: "sourceIpAddress 203.0.113.9 (87 %)", a few per attribute. */
function attributions(details) {
  const list = details.insightContext?.attributions;
  if (!Array.isArray(list) || list.length === 0) return el('span', { class: 'muted' }, '—');
  const items = [];
  for (const attribution of list) {
    const values = attribution.insight ?? attribution.values ?? attribution.top ?? [];
    const top = (Array.isArray(values) ? values : []).slice(0, 2)
      .map((v) => (typeof v === 'object' && v ? String(v.value ?? '') : String(v)))
      .filter(Boolean);
    if (top.length) {
      items.push(el('li', {}, el('span', { class: 'muted' }, String(attribution.attribute ?? ''), ' '), top.join(', ')));
    }
  }
  return items.length ? el('ul', { class: 'attributions' }, ...items.slice(0, 4)) : el('span', { class: 'muted' }, '—');
}

function duration(start, end) {
  const ms = Date.parse(end) - Date.parse(start);
  if (Number.isNaN(ms) || ms < 0) return '—';
  const minutes = Math.round(ms / 60_000);
  return minutes < 60 ? minutes + ' min' : Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
}

function row(insight, onOpen) {
  const first = insight.start ?? insight.end;
  const details = (insight.start ?? insight.end).insightDetails ?? {};
  const stats = details.insightContext?.statistics ?? {};
  const open = insight.end === null;
  const tr = el('tr', { tabindex: 0, 'data-id': first.eventId, 'data-insight': insight.id,
    class: open ? 'row-open' : '' },
  el('td', {}, el('span', { class: 'badge ' + (open ? 'failure' : 'none') }, open ? 'ongoing' : 'ended')),
  el('td', { class: 'c-kind' }, details.insightType ?? first.eventName),
  el('td', { class: 'c-subject', title: subject(details) }, subject(details)),
  el('td', { class: 'c-time', title: insight.start?.eventTime ?? '' },
    insight.start ? time(insight.start.eventTime) : el('span', { class: 'muted' }, 'before the range')),
  el('td', { class: 'num' }, open
    ? (insight.start ? age(insight.start.eventTime) : '—')
    : insight.start ? duration(insight.start.eventTime, insight.end.eventTime) : '—'),
  el('td', { class: 'num' }, rate(stats.baseline)),
  el('td', { class: 'num strong' }, rate(stats.insight)),
  el('td', {}, attributions(details)));
  tr.addEventListener('click', () => onOpen(first.eventId));
  tr.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target === tr) {
      e.preventDefault();
      onOpen(first.eventId);
    }
  });
  return tr;
}

/** Reads every insight event of the last 90 days (up to MAX_EVENTS), newest first. */
async function load() {
  const after = new Date(Date.now() - NINETY_DAYS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const events = [];
  let nextToken;
  do {
    const page = await get('events', { q: `type:${TYPE} after:${after}`, maxResults: PAGE, nextToken });
    events.push(...page.events);
    nextToken = page.nextToken;
  } while (nextToken && events.length < MAX_EVENTS);
  return { events, truncated: Boolean(nextToken) };
}

export async function showInsights(onOpen) {
  const table = $('insights');
  table.setAttribute('aria-busy', 'true');
  try {
    const { events, truncated } = await load();
    const insights = pair(events);
    table.tBodies[0].replaceChildren(...insights.map((insight) => row(insight, onOpen)));
    $('insights-empty').hidden = insights.length > 0;
    const ongoing = insights.filter((i) => i.end === null).length;
    const kinds = new Map();
    for (const insight of insights) {
      const kind = (insight.start ?? insight.end).insightDetails?.insightType ?? '?';
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    $('insights-summary').replaceChildren(
      el('strong', {}, number(insights.length)), insights.length === 1 ? ' insight' : ' insights',
      ' in the last 90 days, ', el('strong', {}, number(ongoing)), ' ongoing',
      ...(kinds.size ? [el('span', { class: 'muted' }, ' — ',
        [...kinds].map(([kind, n]) => kind + ' ' + n).join(', '))] : []),
      ...(truncated ? [el('span', { class: 'muted' }, ` (the newest ${number(MAX_EVENTS)} events shown)`)] : []));
  } finally {
    table.setAttribute('aria-busy', 'false');
  }
}
