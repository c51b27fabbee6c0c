// The typecheck test (ctest: sdk_types_typecheck): sdk/types/hearth.d.ts against the
// examples and against two files of our own, with the TypeScript pinned in package.json.
//   examples/jsconfig.json    the examples with `// @ts-check`, strictly: must pass
//   tsconfig.examples.json    every example, hello.js, echo.js and heavy.js too: must pass
//   tsconfig.accepted.json    accepted.ts, correct use of each declaration: must pass
//   tsconfig.rejected.json    rejected.ts, deliberate misuse: must fail on exactly the lines
//                             marked `// error TSnnnn`, with those codes, and nowhere else
// Exits 0 when all hold, 1 when one does not, and 77 (ctest's SKIP_RETURN_CODE) when
// TypeScript is not installed: tools/bootstrap.sh installs it into node_modules/ here.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const tsc = join(here, 'node_modules', 'typescript', 'bin', 'tsc');
const installed = join(here, 'node_modules', 'typescript', 'package.json');
const pinned = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8')).devDependencies.typescript;

if (!existsSync(tsc) || !existsSync(installed)) {
  console.log(`SKIPPED: TypeScript ${pinned} is not installed in ${join(here, 'node_modules')}.\n` +
    'Install it with tools/bootstrap.sh, or: npm ci --prefix tools/typecheck');
  process.exit(77);
}
const version = JSON.parse(readFileSync(installed, 'utf8')).version;
if (version !== pinned) {
  console.log(`FAILED: TypeScript ${version} is installed, package.json pins ${pinned}: ` +
    'run tools/bootstrap.sh (or npm ci --prefix tools/typecheck)');
  process.exit(1);
}

function run(config) {
  const result = spawnSync(process.execPath, [tsc, '-p', config, '--pretty', 'false'],
    { cwd: repo, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

let failed = 0;
function report(ok, what, detail = '') {
  console.log(`${ok ? 'ok    ' : 'FAILED'} ${what}${detail && `\n${detail}`}`);
  if (!ok) failed++;
}

for (const config of ['examples/jsconfig.json', 'tools/typecheck/tsconfig.examples.json',
  'tools/typecheck/tsconfig.accepted.json']) {
  const { status, output } = run(config);
  report(status === 0, `tsc -p ${config} type-checks`, output.trim());
}

// Misuse: the errors tsc reports, as "line TSnnnn", against the markers in rejected.ts.
const source = readFileSync(join(here, 'rejected.ts'), 'utf8').split('\n');
const expected = new Set();
source.forEach((line, index) => {
  const marker = /\/\/ error (TS\d+)/.exec(line);
  if (marker) expected.add(`${index + 1} ${marker[1]}`);
});
const { status, output } = run('tools/typecheck/tsconfig.rejected.json');
const actual = new Set();
for (const match of output.matchAll(/rejected\.ts\((\d+),\d+\): error (TS\d+)/g)) {
  actual.add(`${match[1]} ${match[2]}`);
}
const missing = [...expected].filter((error) => !actual.has(error));
const unexpected = [...actual].filter((error) => !expected.has(error));
const describe = (list) => list.map((error) => {
  const [line, code] = error.split(' ');
  return `  rejected.ts:${line} ${code}: ${source[line - 1].trim()}`;
}).join('\n');
report(status !== 0 && missing.length === 0,
  `tsc rejects each of the ${expected.size} misuses in rejected.ts`,
  missing.length ? `accepted (or rejected with another code):\n${describe(missing)}` : '');
report(unexpected.length === 0, 'rejected.ts fails nowhere else',
  unexpected.length ? `${describe(unexpected)}\n${output}` : '');

console.log(failed ? `${failed} check(s) failed (TypeScript ${version})`
  : `all checks passed (TypeScript ${version})`);
process.exit(failed ? 1 : 0);
