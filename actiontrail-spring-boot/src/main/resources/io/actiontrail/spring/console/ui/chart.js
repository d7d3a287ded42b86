// The volume histogram: one bar per bucket from api/counts, its failures and denials stacked on top in their colours.

import { el, svg, time } from './dom.js';

const WIDTH = 1000;
const HEIGHT = 120;

/**
 * Draws the buckets over [from, to) (milliseconds) into the SVG; bucketMs is the width of one bucket. A click on a
 * bar calls onPick(startMs, endMs).
 */
export function drawHistogram(chart, axis, buckets, from, to, bucketMs, onPick) {
  const span = Math.max(1, to - from);
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const barWidth = Math.max(1, (bucketMs / span) * WIDTH);
  const y = (n) => (n / max) * (HEIGHT - 4);
  const bars = [];
  for (let i = 1; i <= 3; i++) {
    bars.push(svg('line', { class: 'grid', x1: 0, x2: WIDTH, y1: HEIGHT - (HEIGHT - 4) * (i / 3), y2: HEIGHT - (HEIGHT - 4) * (i / 3) }));
  }
  for (const b of buckets) {
    const start = new Date(b.start).getTime();
    const x = ((start - from) / span) * WIDTH;
    const ok = Math.max(0, b.count - b.failures - b.denials);
    const group = svg('g', { class: 'bucket', tabindex: -1, 'data-start': b.start },
      svg('title', {}, `${time(b.start)} — ${b.count} events, ${b.failures} failures, ${b.denials} denied`));
    let top = HEIGHT;
    for (const [n, kind] of [[ok, 'ok'], [b.failures, 'failure'], [b.denials, 'denied']]) {
      if (n > 0) {
        const h = Math.max(1, y(n));
        top -= h;
        group.append(svg('rect', { class: 'bar-' + kind, x: x + barWidth * 0.1, y: top, width: barWidth * 0.8, height: h }));
      }
    }
    group.addEventListener('click', () => onPick(start, start + bucketMs));
    bars.push(group);
  }
  chart.replaceChildren(...bars);
  axis.replaceChildren(
    el('span', {}, time(new Date(from).toISOString())),
    el('span', {}, 'one bar per ' + duration(bucketMs) + ', the highest ' + max.toLocaleString()),
    el('span', {}, time(new Date(to).toISOString())),
  );
}

function duration(ms) {
  const minutes = ms / 60_000;
  if (minutes % 1440 === 0) return minutes === 1440 ? 'day' : minutes / 1440 + ' days';
  if (minutes % 60 === 0) return minutes === 60 ? 'hour' : minutes / 60 + ' hours';
  return minutes === 1 ? 'minute' : minutes + ' minutes';
}

/** A bucket width that gives 24–100 bars over the span, as the ISO-8601 duration the API takes and in milliseconds. */
export function bucketFor(spanMs) {
  const minute = 60_000;
  const steps = [1, 5, 15, 30, 60, 180, 360, 720, 1440, 10080].map((m) => m * minute);
  const ms = steps.find((s) => spanMs / s <= 100) ?? steps[steps.length - 1];
  const iso = ms % (1440 * minute) === 0 ? `P${ms / (1440 * minute)}D` : `PT${ms / minute}M`;
  return { iso, ms };
}
