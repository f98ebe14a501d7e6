/**
 * The canvas stylesheet, light and dark (cytoscape draws on a canvas, so CSS dark mode cannot reach it).
 * Colour is never the only signal: pending gateways and not-ready workloads also say so in their label,
 * cross-network hops are dashed and carry the dialled address.
 */
import type { StylesheetJson } from 'cytoscape';
import { MIN_LABEL_PX } from './legibility';

interface Palette {
  text: string;
  clusterBg: string;
  clusterBorder: string;
  nsBg: string;
  nsBorder: string;
  serviceBg: string;
  serviceBorder: string;
  workloadBg: string;
  workloadBorder: string;
  gatewayBg: string;
  gatewayBorder: string;
  pendingBg: string;
  pendingBorder: string;
  notReadyBorder: string;
  localEdge: string;
  crossEdge: string;
  eastWestEdge: string;
  unroutableEdge: string;
  labelBg: string;
  selected: string;
  match: string;
  trafficOk: string;
  trafficWarn: string;
  trafficFail: string;
}

const LIGHT: Palette = {
  text: '#0f172a',
  clusterBg: '#f1f5f9',
  clusterBorder: '#64748b',
  nsBg: '#ffffff',
  nsBorder: '#cbd5e1',
  serviceBg: '#e0f2fe',
  serviceBorder: '#0284c7',
  workloadBg: '#dcfce7',
  workloadBorder: '#16a34a',
  gatewayBg: '#ede9fe',
  gatewayBorder: '#7c3aed',
  pendingBg: '#fef3c7',
  pendingBorder: '#d97706',
  notReadyBorder: '#dc2626',
  localEdge: '#94a3b8',
  crossEdge: '#2563eb',
  eastWestEdge: '#7c3aed',
  unroutableEdge: '#dc2626',
  labelBg: '#ffffff',
  selected: '#ea580c',
  match: '#facc15',
  trafficOk: '#16a34a',
  trafficWarn: '#d97706',
  trafficFail: '#dc2626',
};

const DARK: Palette = {
  text: '#e2e8f0',
  clusterBg: '#0f172a',
  clusterBorder: '#64748b',
  nsBg: '#1e293b',
  nsBorder: '#475569',
  serviceBg: '#0c4a6e',
  serviceBorder: '#38bdf8',
  workloadBg: '#14532d',
  workloadBorder: '#4ade80',
  gatewayBg: '#4c1d95',
  gatewayBorder: '#a78bfa',
  pendingBg: '#78350f',
  pendingBorder: '#fbbf24',
  notReadyBorder: '#f87171',
  localEdge: '#64748b',
  crossEdge: '#60a5fa',
  eastWestEdge: '#a78bfa',
  unroutableEdge: '#f87171',
  labelBg: '#020617',
  selected: '#fb923c',
  match: '#fde047',
  trafficOk: '#4ade80',
  trafficWarn: '#fbbf24',
  trafficFail: '#f87171',
};

export const CANVAS_BACKGROUND = { light: '#ffffff', dark: '#020617' };

/**
 * `flat` is the large-mesh variant (see flattenForBoxes): boxes are plain nodes sized by data(w/h)
 * and drawn under everything, edges are cheap straight haystack lines, small labels are skipped
 * when zoomed out.
 */
export function graphStyle(dark: boolean, flat = false): StylesheetJson {
  const p = dark ? DARK : LIGHT;
  const flatRules: StylesheetJson = [
    { selector: 'node, edge', style: { 'z-index-compare': 'manual' } },
    { selector: 'node', style: { 'z-index': 3 } },
    { selector: 'edge', style: { 'z-index': 2, 'curve-style': 'haystack', 'haystack-radius': 0 } },
    {
      selector: 'node.box',
      style: { width: 'data(w)', height: 'data(h)', 'text-valign': 'top', 'text-halign': 'center', 'text-margin-y': -4, 'font-weight': 'bold', 'text-max-width': '600px' },
    },
    { selector: 'node.box.cluster', style: { 'z-index': 0 } },
    { selector: 'node.box.namespace', style: { 'z-index': 1 } },
  ];
  return [
    // No label smaller than MIN_LABEL_PX on screen: it is hidden instead (legibility.ts shows it on hover).
    { selector: 'node, edge', style: { 'min-zoomed-font-size': MIN_LABEL_PX } },
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        color: p.text,
        'font-size': 11,
        'font-family': 'ui-sans-serif, system-ui, sans-serif',
        'text-wrap': 'wrap',
        'text-max-width': '150px',
        'text-valign': 'center',
        'text-halign': 'center',
        'border-width': 1.5,
        shape: 'round-rectangle',
        width: 140,
        height: 40,
      },
    },
    {
      selector: ':parent',
      style: {
        'text-valign': 'top',
        'text-halign': 'center',
        'text-margin-y': -4,
        padding: '14px',
        'font-weight': 'bold',
      },
    },
    { selector: 'node.cluster', style: { 'background-color': p.clusterBg, 'border-color': p.clusterBorder, 'border-width': 2, 'font-size': 14, 'text-max-width': '4000px', 'text-wrap': 'none' } },
    { selector: 'node.cluster.unreachable', style: { 'border-color': p.notReadyBorder, 'border-style': 'dashed' } },
    { selector: 'node.namespace', style: { 'background-color': p.nsBg, 'border-color': p.nsBorder, 'border-style': 'dashed', 'font-size': 12 } },
    { selector: 'node.service', style: { 'background-color': p.serviceBg, 'border-color': p.serviceBorder } },
    { selector: 'node.workload', style: { 'background-color': p.workloadBg, 'border-color': p.workloadBorder, shape: 'ellipse', width: 130, height: 44 } },
    { selector: 'node.workload.not-ready', style: { 'border-color': p.notReadyBorder, 'border-width': 2.5, 'border-style': 'dashed' } },
    { selector: 'node.gateway', style: { 'background-color': p.gatewayBg, 'border-color': p.gatewayBorder, shape: 'hexagon', width: 160, height: 46, 'border-width': 2 } },
    { selector: 'node.gateway.pending', style: { 'background-color': p.pendingBg, 'border-color': p.pendingBorder, 'border-style': 'dashed' } },
    // Nodes with mesh-check findings (their label says so too).
    { selector: 'node.finding-error', style: { 'border-color': p.notReadyBorder, 'border-width': 4, 'border-style': 'double' } },
    { selector: 'node.finding-warning', style: { 'border-color': p.pendingBorder, 'border-width': 4, 'border-style': 'double' } },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'line-color': p.localEdge,
        'target-arrow-color': p.localEdge,
        'target-arrow-shape': 'triangle',
        'curve-style': 'bezier',
        'arrow-scale': 0.9,
      },
    },
    {
      selector: 'edge.cross-cluster, edge.east-west, edge.unroutable',
      style: {
        width: 2.5,
        'line-style': 'dashed',
        label: 'data(label)',
        'font-size': 10,
        color: p.text,
        'text-background-color': p.labelBg,
        'text-background-opacity': 0.85,
        'text-background-padding': '2px',
        'text-rotation': 'autorotate',
      },
    },
    { selector: 'edge.cross-cluster', style: { 'line-color': p.crossEdge, 'target-arrow-color': p.crossEdge } },
    { selector: 'edge.east-west', style: { 'line-color': p.eastWestEdge, 'target-arrow-color': p.eastWestEdge } },
    { selector: 'edge.unroutable', style: { 'line-color': p.unroutableEdge, 'target-arrow-color': p.unroutableEdge, 'line-style': 'dotted', width: 3 } },
    // Traffic (lib/traffic/edges.ts): the colour says the error rate, the label the rate; the dash
    // pattern still says the kind of hop. Idle edges fade.
    {
      selector: 'edge.traffic-ok, edge.traffic-warn, edge.traffic-fail',
      style: {
        label: 'data(label)',
        'font-size': 10,
        color: p.text,
        'text-wrap': 'wrap',
        'text-background-color': p.labelBg,
        'text-background-opacity': 0.85,
        'text-background-padding': '2px',
        'text-rotation': 'autorotate',
        width: 3,
      },
    },
    { selector: 'edge.traffic-ok', style: { 'line-color': p.trafficOk, 'target-arrow-color': p.trafficOk } },
    { selector: 'edge.traffic-warn', style: { 'line-color': p.trafficWarn, 'target-arrow-color': p.trafficWarn, width: 3.5 } },
    { selector: 'edge.traffic-fail', style: { 'line-color': p.trafficFail, 'target-arrow-color': p.trafficFail, width: 4 } },
    { selector: 'edge.traffic-idle', style: { opacity: 0.45 } },
    { selector: 'node.match', style: { 'overlay-color': p.match, 'overlay-opacity': 0.45, 'overlay-padding': 6 } },
    { selector: 'node:selected', style: { 'border-color': p.selected, 'border-width': 4 } },
    {
      selector: 'node.emphasis',
      style: { 'min-zoomed-font-size': 0, 'z-index': 100, 'text-background-color': p.labelBg, 'text-background-opacity': 0.9, 'text-background-padding': '2px' },
    },
    { selector: 'edge:selected', style: { width: 4 } },
    ...(flat ? flatRules : []),
  ];
}
