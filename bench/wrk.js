'use strict';
/**
 * wrk (https://github.com/wg/wrk) as the load generator: run as a child
 * process with `--latency`, its text output parsed. wrk is a C program with an
 * event loop per thread: one thread keeps it to one of the machine's cores and
 * it still drives far more requests per second than any target here answers.
 */
const { execFile } = require('node:child_process');
const path = require('node:path');

/** The Lua script that gives each request a client address of its own (X-Forwarded-For). */
const XFF_SCRIPT = path.join(__dirname, 'xff.lua');

/** wrk's version line, or undefined when it is not installed (or not runnable). */
function wrkVersion() {
  return new Promise((resolve) => {
    execFile('wrk', ['-v'], { timeout: 5_000 }, (error, stdout, stderr) => {
      // `wrk -v` prints its version and the usage, and exits 1.
      const line = /^wrk \S+.*$/m.exec(`${stdout}${stderr}`);
      resolve(error && error.code === 'ENOENT' ? undefined : line ? line[0].replace(/\s+Copyright.*$/, '') : undefined);
    });
  });
}

/** A wrk time (`812.00us`, `3.10ms`, `1.20s`, `2.00m`) in milliseconds. */
function ms(text) {
  const match = /^([\d.]+)(us|ms|s|m|h)$/.exec(text.trim());
  if (!match) return NaN;
  const scale = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2]];
  return Number(match[1]) * scale;
}

/**
 * The figures of one wrk run from its `--latency` output:
 * { rps, requests, seconds, p50, p75, p90, p99 (ms), non2xx, socketErrors, bad }.
 * Throws when the output does not have the summary lines (wrk failed).
 */
function parseWrk(output) {
  const total = /^\s*(\d+) requests in ([\d.]+\w+),/m.exec(output);
  const rate = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  if (!total || !rate) throw new Error(`wrk output without a summary:\n${output.slice(0, 2000)}`);
  const percentile = (p) => {
    const line = new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output);
    return line ? ms(line[1]) : NaN;
  };
  const non2xx = Number(/^\s*Non-2xx or 3xx responses: (\d+)/m.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    rps: Number(rate[1]),
    requests: Number(total[1]),
    seconds: ms(total[2]) / 1000,
    p50: percentile(50),
    p75: percentile(75),
    p90: percentile(90),
    p99: percentile(99),
    non2xx,
    socketErrors,
    bad: non2xx + socketErrors,
  };
}

/**
 * One wrk run against `url` for `seconds` (whole seconds: wrk takes no fractions)
 * with `connections`. `xff` is the first client address number for the
 * X-Forwarded-For script, or undefined for the same request every time;
 * `headers` are sent with every request (a bearer).
 */
function runWrk(url, { connections, seconds, xff, headers }) {
  const duration = Math.max(1, Math.round(seconds));
  const args = ['-t1', `-c${connections}`, `-d${duration}s`, '--timeout', '10s', '--latency'];
  for (const [name, value] of Object.entries(headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (xff !== undefined) args.push('-s', XFF_SCRIPT);
  args.push(url);
  if (xff !== undefined) args.push('--', String(xff));
  return new Promise((resolve, reject) => {
    // Bounded: wrk stops itself after `duration`; the timeout only catches a wedged run.
    execFile('wrk', args, { timeout: (duration + 20) * 1000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`wrk ${args.join(' ')} failed: ${error.message}\n${stderr}`));
      try {
        resolve(parseWrk(stdout));
      } catch (parseError) {
        reject(parseError);
      }
    });
  });
}

module.exports = { wrkVersion, parseWrk, runWrk, ms };
