/** `/journeys` and `/journeys/<id>`: each journey drawn, with how many runs are at and past each step. */
import type { JourneySnapshot } from '../../shared/aws/dynamo-console-source.js';
import type { Journey, Trigger } from '../../shared/journeys/ast.js';
import { type Html, html, trusted } from '../html.js';
import { describeStep, journeyDiagram } from '../journey-diagram.js';
import { type PageContext, table } from '../layout.js';

const EMPTY: JourneySnapshot = { entered: 0, active: 0, completed: 0, exited: 0, holdout: 0, variants: {}, steps: {} };

export function journeysBody(
  context: PageContext,
  journeys: readonly Journey[],
  counts: Record<string, JourneySnapshot>,
  counted = true,
): Html {
  const n = (value: number) => (counted ? context.formats.number(value) : '—');
  return table(
    'Journeys',
    ['journey', 'trigger', 'steps', 'running now', 'entered', 'completed', 'exited'],
    journeys.map((journey) => {
      const count = counts[journey.id] ?? EMPTY;
      return [
        html`<a href="/journeys/${encodeURIComponent(journey.id)}">${journey.id}</a>${journey.description ? html`<br><small>${journey.description}</small>` : ''}`,
        html`${triggerText(journey.trigger)}`,
        html`${n(journey.steps.length)}`,
        html`${n(count.active)}`,
        html`${n(count.entered)}`,
        html`${n(count.completed)}`,
        html`${n(count.exited)}`,
      ];
    }),
    new Set([2, 3, 4, 5, 6]),
  );
}

export function journeyBody(
  context: PageContext,
  journey: Journey,
  count: JourneySnapshot | undefined,
  counted = true,
): Html {
  const { formats } = context;
  const n = (value: number) => (counted ? formats.number(value) : '—');
  const counts = count ?? EMPTY;
  const variants = Object.entries(counts.variants).sort((a, b) => a[0].localeCompare(b[0]));
  return html`${journey.description ? html`<p class="lead">${journey.description}</p>` : ''}
<dl class="facts">
  <div><dt>Trigger</dt><dd>${triggerText(journey.trigger)}</dd></div>
  ${journey.entry.segment ? html`<div><dt>Entry</dt><dd>members of <a href="/segments/${encodeURIComponent(journey.entry.segment)}">${journey.entry.segment}</a></dd></div>` : ''}
  <div><dt>Goal</dt><dd>${journey.goal ? `${journey.goal.event} within ${Math.round(journey.goal.withinMs / 3_600_000)} h` : 'none'}</dd></div>
  <div><dt>Exit</dt><dd>${journey.exit.map((exit) => (exit.kind === 'event' ? exit.event : `leaving ${exit.segment}`)).join(', ') || 'none'}</dd></div>
  <div><dt>Entered</dt><dd>${n(counts.entered)} runs</dd></div>
  <div><dt>Running now</dt><dd>${n(counts.active)}</dd></div>
  <div><dt>Global holdout</dt><dd>${n(counts.holdout)} runs</dd></div>
</dl>
<figure class="diagram">${trusted(journeyDiagram(journey, { steps: counted ? counts.steps : undefined, number: formats.number }))}
<figcaption>Each box is a step: its id, what it does, runs waiting there now and runs that passed it.</figcaption></figure>
${table(
  'Steps',
  ['step', 'does', 'here now', 'passed'],
  journey.steps.map((step) => [
    html`${step.id}`,
    html`${describeStep(step)}`,
    html`${n(counts.steps[step.id]?.waiting ?? 0)}`,
    html`${n(counts.steps[step.id]?.passed ?? 0)}`,
  ]),
  new Set([2, 3]),
)}
${table(
  'Variant split',
  ['variant', 'runs', 'share'],
  variants.map(([variant, runs]) => [
    html`${variant}`,
    html`${n(runs)}`,
    html`${formats.percent(
      runs /
        Math.max(
          1,
          variants.reduce((sum, [, value]) => sum + value, 0),
        ),
    )}`,
  ]),
  new Set([1, 2]),
)}
<p><a href="/experiments#${encodeURIComponent(journey.id)}">A/B results of this journey</a> · <a href="/messages?journey=${encodeURIComponent(journey.id)}">its messages</a></p>`;
}

function triggerText(trigger: Trigger): string {
  switch (trigger.kind) {
    case 'event':
      return `event ${trigger.event}`;
    case 'segment':
      return `${trigger.on === 'enter' ? 'entering' : 'leaving'} segment ${trigger.segment}`;
    case 'schedule':
      return `schedule ${trigger.cron} for ${trigger.audience}`;
    default: {
      const unreachable: never = trigger;
      throw new Error(`unknown trigger ${JSON.stringify(unreachable)}`);
    }
  }
}
