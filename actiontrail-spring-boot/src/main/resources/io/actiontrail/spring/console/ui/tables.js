// The event tables (history and timeline): rows of text, paged with "More", each row focusable and openable.

import { get } from './api.js';
import { el, time } from './dom.js';

const OUTCOMES = { Success: 'success', Failure: 'failure', Denied: 'denied' };

/** Who did it, as a person would name them. */
export function who(event) {
  const identity = event.userIdentity ?? {};
  return identity.userName ?? identity.principalId ?? identity.type ?? '—';
}

export function outcomeBadge(outcome) {
  return el('span', { class: 'badge ' + (OUTCOMES[outcome] ?? 'none') }, outcome ?? '—');
}

/** The resource as a button that opens its timeline (type and name travel as data, never as a link). */
export function resourceButton(event) {
  if (!event.resourceType || !event.resourceName) {
    return event.resourceType ?? event.resourceName ?? '—';
  }
  return el('button', { type: 'button', class: 'link resource', 'data-type': event.resourceType,
    'data-name': event.resourceName, title: 'Timeline of ' + event.resourceType + '/' + event.resourceName },
  event.resourceType + '/' + event.resourceName);
}

function row(event) {
  const user = who(event);
  return el('tr', { tabindex: 0, 'data-id': event.eventId, class: 'row-' + (OUTCOMES[event.outcome] ?? 'none') },
    el('td', { class: 'c-time', title: event.eventTime }, time(event.eventTime)),
    el('td', { class: 'c-user', title: user }, user),
    el('td', { class: 'c-event', title: event.eventName }, event.eventName),
    el('td', { class: 'c-resource' }, resourceButton(event)),
    el('td', { class: 'c-ip', title: event.sourceIpAddress ?? '' }, event.sourceIpAddress ?? '—'),
    el('td', { class: 'c-outcome' }, outcomeBadge(event.outcome)));
}

/**
 * One table of events over an API path: load() starts again, more() adds the next page. Handlers: onOpen(eventId,
 * row) when a row is opened (click, Enter), onResource(type, name) when a resource is clicked, onError(error).
 */
export class EventTable {
  constructor(table, empty, moreButton, { onOpen, onResource, onError }) {
    Object.assign(this, { table, empty, moreButton, onError, body: table.tBodies[0], next: null, run: 0 });
    moreButton.addEventListener('click', () => this.more());
    this.body.addEventListener('click', (e) => {
      const resource = e.target.closest('button.resource');
      if (resource) {
        onResource(resource.dataset.type, resource.dataset.name);
        return;
      }
      const tr = e.target.closest('tr');
      if (tr) onOpen(tr.dataset.id, tr);
    });
    this.body.addEventListener('keydown', (e) => {
      const tr = e.target.closest('tr');
      if (!tr || e.target !== tr) return;
      if (e.key === 'Enter') {
        e.preventDefault();
        onOpen(tr.dataset.id, tr);
      } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        (e.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling)?.focus();
      }
    });
  }

  /** Loads the first page of api/<path>?<params>. */
  load(path, params) {
    this.path = path;
    this.params = params;
    this.next = null;
    return this.page(false);
  }

  more() {
    return this.next ? this.page(true) : Promise.resolve();
  }

  firstRow() {
    return this.body.rows[0] ?? null;
  }

  async page(append) {
    const run = ++this.run; // a newer load makes this answer stale
    this.table.setAttribute('aria-busy', 'true');
    try {
      const page = await get(this.path, { ...this.params, nextToken: append ? this.next : undefined });
      if (run !== this.run) return;
      const rows = page.events.map(row);
      if (append) {
        this.body.append(...rows);
      } else {
        this.body.replaceChildren(...rows);
      }
      this.next = page.nextToken ?? null;
      this.moreButton.hidden = !this.next;
      this.empty.hidden = this.body.rows.length > 0;
    } catch (error) {
      if (run !== this.run) return;
      if (!append) this.body.replaceChildren();
      this.moreButton.hidden = true;
      this.onError(error);
    } finally {
      if (run === this.run) this.table.setAttribute('aria-busy', 'false');
    }
  }
}
