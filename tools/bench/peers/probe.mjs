// Helper of tools/bench/peers.sh: free ports, readiness, first-request timings, wrk output
// parsing, and the report (text table, markdown fragment, SVG bar plot). Node's standard
// library only.
//   node probe.mjs ports N
//   node probe.mjs wait-tcp HOST:PORT DEADLINE_S [PID]
//   node probe.mjs spawn-first URL DEADLINE_S LOG -- CMD ARGS...   -> "new_ms first_ms"
//   node probe.mjs run-first URL -- CMD ARGS...                     -> "new_ms first_ms"
//   node probe.mjs wrk FILE                                         -> "rps p50_ms p99_ms"
//   node probe.mjs report RESULTS_TSV OUT_DIR
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

const now = () => Number(process.hrtime.bigint()) / 1e6; // ms
const fail = (msg) => {
  process.stderr.write(`peers: ${msg}\n`);
  process.exit(1);
};
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function freePorts(n) {
  const servers = [];
  return new Promise((resolve, reject) => {
    const next = () => {
      if (servers.length === n) {
        const ports = servers.map((s) => s.address().port);
        let closed = 0;
        for (const s of servers) s.close(() => ++closed === n && resolve(ports));
        return;
      }
      const s = net.createServer();
      s.on('error', reject);
      s.listen(0, '127.0.0.1', () => {
        servers.push(s);
        next();
      });
    };
    next();
  });
}

function tryConnect(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

// Polls until HOST:PORT accepts a TCP connection (no HTTP request is sent, so a function
// behind it stays never-invoked). Fails past the deadline or when PID has exited.
async function waitTcp(host, port, deadlineMs, isGone) {
  const end = now() + deadlineMs;
  for (;;) {
    if (await tryConnect(host, port)) return now();
    if (isGone()) throw new Error(`the process exited before ${host}:${port} accepted connections`);
    if (now() > end) throw new Error(`${host}:${port} did not accept connections within ${deadlineMs / 1000} s`);
    await pause(1);
  }
}

// One GET on a fresh connection; resolves with the time its whole response took.
function getOnce(url) {
  return new Promise((resolve, reject) => {
    const start = now();
    const req = http.get(url, { agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${url}: HTTP ${res.statusCode}`));
        else resolve(now() - start);
      });
    });
    req.on('error', reject);
    req.setTimeout(30000, () => req.destroy(new Error(`GET ${url}: no response in 30 s`)));
  });
}

async function spawnFirst(url, deadlineS, log, argv) {
  const { hostname, port } = new URL(url);
  const out = fs.openSync(log, 'a');
  const start = now();
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', out, out], detached: true });
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = () => {
    if (!exited) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => (stop(), process.exit(1)));
  try {
    await waitTcp(hostname, Number(port), deadlineS * 1000, () => exited);
    const firstMs = await getOnce(url);
    const newMs = now() - start;
    console.log(`${newMs.toFixed(2)} ${firstMs.toFixed(2)}`);
  } catch (e) {
    stop();
    fail(`${argv[0]}: ${e.message} (its output: ${log})`);
  }
  stop();
  await new Promise((resolve) => (exited ? resolve() : child.once('exit', resolve)));
}

// Runs CMD to completion (a deploy), then GETs URL until a 200 (a route may take a moment
// to appear; each retry is reported); "new" runs from the exec of CMD to the end of that
// response, "first" is that response's own duration.
async function runFirst(url, argv) {
  const start = now();
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  const code = await new Promise((resolve) => child.once('exit', (c) => resolve(c)));
  if (code !== 0) fail(`${argv.join(' ')} exited with ${code}`);
  for (let tries = 1; ; tries++) {
    try {
      const firstMs = await getOnce(url);
      console.log(`${(now() - start).toFixed(2)} ${firstMs.toFixed(2)}`);
      return;
    } catch (e) {
      if (tries >= 100 || !/HTTP (404|503)/.test(e.message)) throw e;
      process.stderr.write(`peers: warning: ${e.message} right after the deploy; retrying\n`);
      await pause(10);
    }
  }
}

function parseWrk(file) {
  const text = fs.readFileSync(file, 'utf8');
  const toMs = (v, unit) => Number(v) * { us: 1e-3, ms: 1, s: 1000, m: 60000 }[unit];
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(text);
  const p50 = /^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(text);
  const p99 = /^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$/m.exec(text);
  if (!rps || !p50 || !p99) fail(`cannot read wrk output ${file}`);
  const bad = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  if (bad) fail(`${file}: ${bad[1]} responses were not 2xx (wrong route?)`);
  const errors = /Socket errors:.*/.exec(text);
  if (errors) process.stderr.write(`peers: warning: ${file}: ${errors[0]}\n`);
  console.log(`${rps[1]} ${toMs(p50[1], p50[2]).toFixed(3)} ${toMs(p99[1], p99[2]).toFixed(3)}`);
}

// ---- report ---------------------------------------------------------------------------

const RUNTIMES = ['hearth', 'workerd', 'deno'];
const FUNCTIONS = ['hello', 'heavy'];
const METRICS = [
  // key, label, short label (plot), unit, higher is better, digits
  ['rps', 'requests/s (wrk -t1 -c16)', 'requests/s', '', true, 0],
  ['p50_ms', 'p50 latency under load', 'p50 under load', 'ms', false, 3],
  ['p99_ms', 'p99 latency under load', 'p99 under load', 'ms', false, 3],
  ['first_ms', 'first request, function ready but never invoked', 'first request when ready', 'ms', false, 2],
  ['new_ms', 'new function to first response', 'new function to first response', 'ms', false, 1],
  ['mem_kib', 'memory per extra function instance', 'memory per extra instance', 'KiB', false, 0],
  ['base_kib', 'runtime memory with one function', 'memory with one function', 'KiB', false, 0],
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function report(tsv, outDir) {
  const samples = new Map();
  const meta = [];
  for (const line of fs.readFileSync(tsv, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const [runtime, fn, metric, value] = line.split('\t');
    if (runtime === '#') {
      meta.push(`${fn}: ${metric}`);
      continue;
    }
    if (value === 'n/a') continue;
    const key = `${runtime}/${fn}/${metric}`;
    if (!samples.has(key)) samples.set(key, []);
    samples.get(key).push(Number(value));
  }
  const get = (r, f, m) => (samples.has(`${r}/${f}/${m}`) ? median(samples.get(`${r}/${f}/${m}`)) : null);
  const fmt = (v, d) => (v === null ? 'n/a' : v.toFixed(d));
  const ratio = (a, b) => (a === null || b === null || b === 0 ? null : a / b);
  const rows = [];
  for (const f of FUNCTIONS) {
    for (const [m, label, short, unit, , digits] of METRICS) {
      const v = RUNTIMES.map((r) => get(r, f, m));
      if (v.every((x) => x === null)) continue;
      rows.push({
        f, m, label: `${label}${unit ? ` (${unit})` : ''}`, short, v, digits,
        rw: ratio(v[0], v[1]), rd: ratio(v[0], v[2]),
      });
    }
  }
  const header = ['function', 'metric', 'Hearth', 'workerd', 'deno', 'Hearth/workerd', 'Hearth/deno'];
  const cells = rows.map((r) => [
    r.f, r.label, ...r.v.map((x) => fmt(x, r.digits)), fmt(r.rw, 2), fmt(r.rd, 2),
  ]);
  // Plain text table on stdout.
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c) => c.map((x, i) => (i < 2 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join('  ');
  console.log(line(header));
  for (const c of cells) console.log(line(c));
  for (const m of meta) console.log(m);

  // Markdown fragment.
  const md = [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i < 2 ? '---' : '---:')).join(' | ')} |`,
    ...cells.map((c) => `| ${c.join(' | ')} |`),
    '',
    ...meta.map((m) => `- ${m}`),
    '',
  ].join('\n');
  fs.writeFileSync(path.join(outDir, 'peers.md'), md);
  fs.writeFileSync(path.join(outDir, 'peers.svg'), svg(rows));
}

// Grouped bars of the ratios on a log2 axis centred on 1x; a bar's colour says whether
// the ratio favours Hearth (the metric's better direction is taken into account).
function svg(rows) {
  const shown = rows.filter((r) => r.m !== 'base_kib');
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const better = Object.fromEntries(METRICS.map(([k, , , , hi]) => [k, hi]));
  const rowH = 34, top = 70, labels = 290, left = 340, plotW = 460, maxLog = 4; // 16x either way
  const height = top + shown.length * rowH + 60;
  const width = left + plotW + 60;
  const x = (ratio) => left + plotW / 2 + (Math.max(-maxLog, Math.min(maxLog, Math.log2(ratio))) / maxLog) * (plotW / 2);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="100%" height="100%" fill="white"/>`);
  out.push(`<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">Hearth relative to its peers, same run (log scale)</text>`);
  out.push(`<text x="${width / 2}" y="40" text-anchor="middle" fill="#555">green: Hearth better, red: Hearth worse; bars clipped at 16x</text>`);
  out.push(`<rect x="${left}" y="50" width="10" height="10" fill="#999"/><text x="${left + 14}" y="59">Hearth/workerd</text>`);
  out.push(`<rect x="${left + 130}" y="50" width="10" height="10" fill="#999" fill-opacity="0.45"/><text x="${left + 144}" y="59">Hearth/deno</text>`);
  for (const t of [-4, -2, -1, 0, 1, 2, 4]) {
    const gx = x(2 ** t);
    out.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${top + shown.length * rowH}" stroke="${t === 0 ? '#000' : '#ddd'}"/>`);
    out.push(`<text x="${gx}" y="${top + shown.length * rowH + 16}" text-anchor="middle">${t >= 0 ? 2 ** t : `1/${2 ** -t}`}x</text>`);
  }
  shown.forEach((r, i) => {
    const y = top + i * rowH;
    out.push(`<text x="${labels}" y="${y + 20}" text-anchor="end">${esc(`${r.f}: ${r.short}`)}</text>`);
    [[r.rw, 1, 4], [r.rd, 0.45, 17]].forEach(([ratio, opacity, dy]) => {
      if (ratio === null) {
        out.push(`<text x="${x(1) + 4}" y="${y + dy + 10}" fill="#777">n/a</text>`);
        return;
      }
      const good = better[r.m] ? ratio >= 1 : ratio <= 1;
      const x0 = Math.min(x(1), x(ratio)), w = Math.max(1, Math.abs(x(ratio) - x(1)));
      out.push(`<rect x="${x0.toFixed(1)}" y="${y + dy}" width="${w.toFixed(1)}" height="12" fill="${good ? '#2a9d4b' : '#d1495b'}" fill-opacity="${opacity}"/>`);
      const tx = ratio >= 1 ? x0 + w + 3 : x0 - 3;
      out.push(`<text x="${tx.toFixed(1)}" y="${y + dy + 10}" text-anchor="${ratio >= 1 ? 'start' : 'end'}" font-size="10">${ratio.toFixed(2)}</text>`);
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

// ---- main -----------------------------------------------------------------------------

const [cmd, ...args] = process.argv.slice(2);
const afterDashes = () => {
  const i = args.indexOf('--');
  if (i < 0 || i === args.length - 1) fail(`${cmd}: missing -- CMD`);
  return args.slice(i + 1);
};
try {
  switch (cmd) {
    case 'ports':
      console.log((await freePorts(Number(args[0] ?? 1))).join(' '));
      break;
    case 'wait-tcp': {
      const [hostPort, deadlineS, pid] = args;
      const i = hostPort.lastIndexOf(':');
      await waitTcp(hostPort.slice(0, i), Number(hostPort.slice(i + 1)), Number(deadlineS) * 1000,
        () => pid !== undefined && !alive(Number(pid)));
      break;
    }
    case 'spawn-first':
      await spawnFirst(args[0], Number(args[1]), args[2], afterDashes());
      break;
    case 'run-first':
      await runFirst(args[0], afterDashes());
      break;
    case 'wrk':
      parseWrk(args[0]);
      break;
    case 'report':
      report(args[0], args[1]);
      break;
    default:
      fail(`unknown command '${cmd}'`);
  }
} catch (e) {
  fail(e.message);
}
