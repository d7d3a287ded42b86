// The trails page: each trail's sinks (delivered, pending, lag, dropped, latest error) and the journal.

import { get } from './api.js';
import { $, age, bytes, el, number, time } from './dom.js';

function when(iso) {
  return iso ? el('span', { title: iso }, age(iso) + ' ago') : '—';
}

function sinkRow(sink) {
  const dropped = Object.entries(sink.dropped ?? {});
  const droppedTotal = dropped.reduce((sum, [, n]) => sum + n, 0);
  const lag = sink.pending > 0 && sink.oldestPendingEventTime ? age(sink.oldestPendingEventTime) : '—';
  const error = sink.latestDeliveryError
    ? el('div', { class: 'sink-error' }, el('span', { class: 'badge failure' }, 'error'), ' ',
      sink.latestDeliveryError, ' ', el('span', { class: 'muted' }, '(', when(sink.latestDeliveryErrorTime), ')'))
    : el('span', { class: 'muted' }, 'none');
  return el('tr', { 'data-sink': sink.sink },
    el('td', { class: 'name' }, sink.sink),
    el('td', { class: 'num' }, number(sink.recorded)),
    el('td', { class: 'num' }, number(sink.delivered)),
    el('td', { class: 'num' + (sink.pending > 0 ? ' warn' : '') }, number(sink.pending)),
    el('td', { class: 'num' }, lag),
    el('td', { class: 'num', title: dropped.map(([why, n]) => why + ': ' + n).join(', ') }, number(droppedTotal)),
    el('td', {}, when(sink.latestDeliveryTime)),
    el('td', { class: 'c-error' }, error));
}

function trailCard(trail) {
  return el('article', { class: 'card', 'data-trail': trail.name },
    el('header', {}, el('h2', {}, trail.name),
      el('span', { class: 'badge ' + (trail.isLogging ? 'success' : 'none') }, trail.isLogging ? 'logging' : 'stopped')),
    el('table', { class: 'sinks' },
      el('thead', {}, el('tr', {}, ...['Sink', 'Recorded', 'Delivered', 'Pending', 'Lag', 'Dropped', 'Last delivery',
        'Latest error'].map((h) => el('th', {}, h)))),
      el('tbody', {}, ...trail.sinks.map(sinkRow))));
}

function fact(term, value) {
  return [el('dt', {}, term), el('dd', {}, value)];
}

export async function showTrails() {
  const container = $('trails');
  container.setAttribute('aria-busy', 'true');
  try {
    const status = await get('trails');
    const none = status.readOnly
      ? `A journal opened read-only from ${status.readOnly}: the trails of the instance that wrote it do not run here.`
      : 'No trails.';
    container.replaceChildren(...(status.trails.length ? status.trails.map(trailCard) : [el('p', { class: 'empty' }, none)]));
    const j = status.journal;
    $('journal').replaceChildren(
      ...fact('Status', j.degraded
        ? el('span', {}, el('span', { class: 'badge failure' }, 'degraded'), ' ', j.degradedError ?? '')
        : el('span', { class: 'badge success' }, 'healthy')),
      ...fact('Durability', j.durability),
      ...fact('Events', number(j.events)),
      ...fact('Segments', number(j.segments)),
      ...fact('On disk', bytes(j.diskBytes)),
      ...fact('Read at', time(new Date().toISOString())));
  } finally {
    container.setAttribute('aria-busy', 'false');
  }
}
