/**
 * A journey drawn as inline SVG: one node per step, labelled with its step id, what it does and
 * its live counts; an edge for every way on (the next step, each split variant, a branch's then
 * and else). dagre lays it out top to bottom; the SVG is built here, so nothing runs in the page.
 */
import { Graph, layout } from '@dagrejs/dagre';
import type { StepCount } from '../shared/aws/dynamo-console-source.js';
import type { Journey, Step } from '../shared/journeys/ast.js';
import { escapeHtml } from './html.js';

const NODE_WIDTH = 200;
const NODE_HEIGHT = 62;
const CHAR_WIDTH = 7;

export interface DiagramCounts {
  /** Undefined: not counted (a deployed table without its snapshot); the nodes carry no counts. */
  steps: Record<string, StepCount> | undefined;
  number(value: number): string;
}

interface Edge {
  from: string;
  to: string;
  label: string;
}

export function journeyDiagram(journey: Journey, counts: DiagramCounts): string {
  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 46, marginx: 12, marginy: 12 });
  for (const step of journey.steps) graph.setNode(step.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const edges = edgesOf(journey);
  edges.forEach((edge, index) => {
    graph.setEdge(
      edge.from,
      edge.to,
      { label: edge.label, width: edge.label.length * CHAR_WIDTH, height: edge.label ? 14 : 0, labelpos: 'c' },
      String(index),
    );
  });
  layout(graph);
  const { width = 0, height = 0 } = graph.graph();
  const parts: string[] = [];
  edges.forEach((edge, index) => {
    const label = graph.edge({ v: edge.from, w: edge.to, name: String(index) });
    const points: { x: number; y: number }[] = label.points ?? [];
    const path = points.map((point, i) => `${i === 0 ? 'M' : 'L'}${round(point.x)},${round(point.y)}`).join(' ');
    parts.push(
      `<g class="edge" data-from="${escapeHtml(edge.from)}" data-to="${escapeHtml(edge.to)}"><path d="${path}" marker-end="url(#arrow)"/>`,
    );
    if (edge.label && label.x !== undefined && label.y !== undefined)
      parts.push(
        `<text class="edge-label" x="${round(label.x)}" y="${round(label.y + 4)}" text-anchor="middle">${escapeHtml(edge.label)}</text>`,
      );
    parts.push('</g>');
  });
  for (const step of journey.steps) {
    const node = graph.node(step.id);
    const x = round(node.x - NODE_WIDTH / 2);
    const y = round(node.y - NODE_HEIGHT / 2);
    const count = counts.steps ? (counts.steps[step.id] ?? { waiting: 0, passed: 0 }) : undefined;
    parts.push(
      `<g class="step step-${step.kind}" data-step="${escapeHtml(step.id)}">`,
      `<rect x="${x}" y="${y}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="8"/>`,
      `<text class="step-id" x="${x + 10}" y="${y + 18}">${escapeHtml(clip(step.id, 26))}</text>`,
      `<text class="step-what" x="${x + 10}" y="${y + 35}">${escapeHtml(clip(describeStep(step), 28))}</text>`,
      count
        ? `<text class="step-count" x="${x + 10}" y="${y + 52}">${escapeHtml(`${counts.number(count.waiting)} here · ${counts.number(count.passed)} passed`)}</text>`
        : '',
      '</g>',
    );
  }
  const title = `Journey ${journey.id}: ${journey.steps.length} steps`;
  return `<svg class="journey-diagram" role="img" aria-label="${escapeHtml(title)}" width="${round(width)}" height="${round(height)}" viewBox="0 0 ${round(width)} ${round(height)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>${parts.join('')}</svg>`;
}

/** Every way on from every step, labelled where there is more than one. */
export function edgesOf(journey: Journey): Edge[] {
  const edges: Edge[] = [];
  for (const step of journey.steps) {
    switch (step.kind) {
      case 'wait':
      case 'send':
      case 'update':
        if (step.next) edges.push({ from: step.id, to: step.next, label: '' });
        break;
      case 'split':
        for (const variant of step.variants)
          if (variant.next)
            edges.push({
              from: step.id,
              to: variant.next,
              label: `${variant.id}${variant.holdout ? ' (control)' : ''}`,
            });
        break;
      case 'branch':
        if (step.then) edges.push({ from: step.id, to: step.then, label: 'yes' });
        if (step.else) edges.push({ from: step.id, to: step.else, label: 'no' });
        if (step.condition.kind === 'call' && step.condition.timeout)
          edges.push({ from: step.id, to: step.condition.timeout, label: 'not taken' });
        break;
      case 'end':
        break;
      default: {
        const unreachable: never = step;
        throw new Error(`unknown step ${JSON.stringify(unreachable)}`);
      }
    }
  }
  return edges.filter((edge) => journey.byId.has(edge.to));
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'wait':
      return `wait ${step.wait.kind === 'timestamp' ? `until ${step.wait.at}` : step.wait.text}`;
    case 'split':
      return `split ${step.experiment}`;
    case 'branch':
      switch (step.condition.kind) {
        case 'segment':
          return `in segment ${step.condition.segment}?`;
        case 'call':
          return `call ${step.condition.step}: ${step.condition.outcomes.join('/')}?`;
        default:
          return `${step.condition.type} ${step.condition.step}?`;
      }
    case 'send':
      return `${step.channel}: ${step.template}`;
    case 'update':
      return `update ${Object.keys(step.traits).join(', ')}`;
    case 'end':
      return 'end';
    default: {
      const unreachable: never = step;
      throw new Error(`unknown step ${JSON.stringify(unreachable)}`);
    }
  }
}

function clip(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
