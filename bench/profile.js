'use strict';
/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): top functions by self time,
 * self time per area (library, example app, Nest, Fastify/Express, Node, GC),
 * and the library's and example app's own frames.
 *   node bench/profile.js <file.cpuprofile> [top]
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** Where a frame's code lives, for the per-area totals. */
function area(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const file = url.replace(/^file:\/\//, '');
  // The library is a workspace package: Node loads it by its real path, libs/token/dist.
  if (file.includes('/libs/token/dist/') || file.includes('/node_modules/nestjs-token-broker/')) return 'token library (libs/token/dist)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (pkg) return pkg[1];
  if (file.startsWith('node:')) return 'node (internals)';
  if (file.includes('/dist/src/')) return 'example app (dist/src)';
  if (file.includes('/bench/')) return 'bench';
  return file;
}

function short(url) {
  return url.replace(/^file:\/\//, '').replace(`${ROOT}/`, '').replace(/^.*node_modules\//, '');
}

/** { total, byFunction: [{ name, where, area, ms }], byArea: [{ area, ms }] } with idle excluded. */
function summarise(profile) {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i += 1) {
    // A sample's time is the delta to the next sample.
    const dt = (timeDeltas[i + 1] ?? 0) / 1000;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + dt);
  }
  const functions = new Map();
  const areas = new Map();
  let total = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = nodes.get(id).callFrame;
    if (functionName === '(idle)') continue;
    total += ms;
    const name = functionName || '(anonymous)';
    const key = `${name} ${url}:${lineNumber}`;
    const entry = functions.get(key) ?? { name, where: url ? `${short(url)}:${lineNumber + 1}` : '', area: area(url, name), ms: 0 };
    entry.ms += ms;
    functions.set(key, entry);
    areas.set(entry.area, (areas.get(entry.area) ?? 0) + ms);
  }
  const byFunction = [...functions.values()].sort((a, b) => b.ms - a.ms);
  const byArea = [...areas].map(([name, ms]) => ({ area: name, ms })).sort((a, b) => b.ms - a.ms);
  return { total, byFunction, byArea };
}

/** Lines of text for a summary. */
function format(summary, top = 25) {
  const pct = (ms) => `${((100 * ms) / summary.total).toFixed(1).padStart(5)}%`;
  const lines = [`busy (non-idle) time: ${(summary.total / 1000).toFixed(2)} s`, '', 'self time by area:'];
  for (const { area: name, ms } of summary.byArea.slice(0, 14)) lines.push(`  ${pct(ms)}  ${name}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const f of summary.byFunction.slice(0, top)) lines.push(`  ${pct(f.ms)}  ${f.name.padEnd(34)} ${f.where}`);
  return lines;
}

/** The areas that are ours: what tuning the hot path can change. */
const OURS = new Set(['token library (libs/token/dist)', 'example app (dist/src)']);

/** Lines: the library's and the example app's own frames by self time, in µs per request when `requests` is given. */
function ours(summary, requests, top = 15) {
  const frames = summary.byFunction.filter((f) => OURS.has(f.area));
  const total = frames.reduce((sum, f) => sum + f.ms, 0);
  const perRequest = (ms) => (requests ? `${((1000 * ms) / requests).toFixed(2).padStart(6)} us/req` : '');
  const pct = (ms) => `${((100 * ms) / summary.total).toFixed(1).padStart(5)}%`;
  const lines = [`library and example app frames by self time (together ${pct(total).trim()} of busy time${requests ? `, ${((1000 * total) / requests).toFixed(1)} us per request` : ''}):`];
  for (const f of frames.slice(0, top)) lines.push(`  ${pct(f.ms)} ${perRequest(f.ms)}  ${f.name.padEnd(30)} ${f.where}`);
  return lines;
}

/**
 * Lines comparing profiled targets: CPU microseconds per request by area
 * (busy time over the requests served while profiling), then the first
 * target's top functions and its library/app frames. `files` is { name: file },
 * `targets` { name: { requests } }.
 */
function compare(files, targets, top = 20) {
  const names = Object.keys(files);
  const summaries = Object.fromEntries(names.map((name) => [name, summariseFile(files[name])]));
  const perRequest = (name, ms) => (1000 * ms) / targets[name].requests;
  const areas = [...new Set(names.flatMap((name) => summaries[name].byArea.map((a) => a.area)))];
  const msOf = (name, areaName) => summaries[name].byArea.find((a) => a.area === areaName)?.ms ?? 0;
  areas.sort((a, b) => msOf(names[0], b) - msOf(names[0], a));
  const width = Math.max(12, ...names.map((n) => n.length + 2));
  const row = (label, values) => `  ${label.padEnd(32)}${values.map((v) => v.padStart(width)).join('')}`;
  const lines = [
    `CPU profile of the counted runs (${names.map((n) => path.relative(process.cwd(), files[n])).join(', ')})`,
    '',
    row('CPU us per request, by area', names),
    row('total (non-idle)', names.map((n) => perRequest(n, summaries[n].total).toFixed(1))),
  ];
  for (const areaName of areas.slice(0, 16)) lines.push(row(areaName, names.map((n) => perRequest(n, msOf(n, areaName)).toFixed(1))));
  lines.push('', `${names[0]}:`, ...format(summaries[names[0]], top).slice(2));
  lines.push('', ...ours(summaries[names[0]], targets[names[0]].requests));
  return lines;
}

function summariseFile(file) {
  return summarise(JSON.parse(fs.readFileSync(file, 'utf8')));
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: node bench/profile.js <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const summary = summariseFile(file);
  process.stdout.write(`${[...format(summary, Number(top) || 25), '', ...ours(summary)].join('\n')}\n`);
}

module.exports = { summarise, summariseFile, format, compare, ours };
