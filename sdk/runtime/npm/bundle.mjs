// Inlines CommonJS packages from node_modules into a runtime module (sdk/runtime/modules/*.js)
// at build time. Run by sdk/runtime/CMakeLists.txt:
//   node bundle.mjs TEMPLATE PACKAGE_LOCK NODE_MODULES OUTPUT
// TEMPLATE holds one marker,
//   /* @bundle ENTRY [except KEY...] */
// which becomes an object literal mapping each module key (its path under NODE_MODULES, or a
// bare package name) to [factory, dependencies]: `factory(module, exports, require)` is the
// file's source wrapped in a function, `dependencies` maps each require() specifier in it to
// the key it resolves to. The files reached from ENTRY by require() are included, except the
// keys after `except` (the template supplies those itself). The template's own loader runs
// them. Each package must be installed at the version PACKAGE_LOCK pins; its licence is
// copied into the output as a comment; every character past ASCII becomes a \u escape, as
// the runtime's module embedding requires.
import fs from 'node:fs';
import path from 'node:path';

const [templatePath, lockPath, nodeModules, outputPath] = process.argv.slice(2);
if (!outputPath) {
  console.error('usage: node bundle.mjs TEMPLATE PACKAGE_LOCK NODE_MODULES OUTPUT');
  process.exit(2);
}

function fail(message) {
  console.error(`bundle.mjs: ${message}`);
  process.exit(1);
}

const template = fs.readFileSync(templatePath, 'utf8');
const marker = /\/\* @bundle (\S+)((?: except(?: \S+)+)?) \*\//;
const match = marker.exec(template);
if (match === null) fail(`${templatePath} has no /* @bundle ENTRY */ marker`);
const entry = match[1];
const excluded = new Set(match[2].trim().split(/\s+/).slice(1));

const keyOf = (file) => path.relative(nodeModules, file).split(path.sep).join('/');
function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

// Node's resolution, for the cases these packages use: relative paths with or without .js,
// a folder's index.js, a package name through its package.json "main", a file of a package.
function resolve(fromFile, specifier) {
  if (!specifier.startsWith('.')) {
    if (excluded.has(specifier)) return specifier;
    const packageDir = path.join(nodeModules, specifier);
    const packageJson = path.join(packageDir, 'package.json');
    if (!isFile(packageJson)) return resolveFile(packageDir, specifier);
    const main = JSON.parse(fs.readFileSync(packageJson, 'utf8')).main ?? 'index.js';
    return resolveFile(path.join(packageDir, main), specifier);
  }
  return resolveFile(path.resolve(path.dirname(fromFile), specifier), specifier);
}
function resolveFile(base, specifier) {
  for (const candidate of [base, `${base}.js`, path.join(base, 'index.js')]) {
    if (isFile(candidate)) return keyOf(candidate);
  }
  fail(`cannot resolve ${specifier} (from ${base})`);
}

// Every file reachable from the entry, in the order first reached.
const files = new Map(); // key -> { source, dependencies }
const pending = [entry];
while (pending.length > 0) {
  const key = pending.shift();
  if (files.has(key) || excluded.has(key)) continue;
  const file = path.join(nodeModules, key);
  if (!isFile(file)) fail(`${file} does not exist`);
  const source = fs.readFileSync(file, 'utf8');
  const dependencies = {};
  for (const [, specifier] of source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) {
    dependencies[specifier] = resolve(file, specifier);
    pending.push(dependencies[specifier]);
  }
  if (/\brequire\(\s*[^"'\s]/.test(source)) fail(`${key} calls require() with a computed name`);
  files.set(key, { source, dependencies });
}
for (const key of excluded) {
  if (![...files.values()].some((f) => Object.values(f.dependencies).includes(key))) {
    fail(`'except ${key}': nothing requires it (has the package changed?)`);
  }
}

// The licence of every package a file came from, installed as the lock pins it.
const packages = [...new Set([...files.keys()].map((key) =>
  key.startsWith('@') ? key.split('/').slice(0, 2).join('/') : key.split('/')[0]))];
const locked = JSON.parse(fs.readFileSync(lockPath, 'utf8')).packages;
let notices = '';
for (const name of packages) {
  const dir = path.join(nodeModules, name);
  const { version, license } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const pinned = locked[`node_modules/${name}`]?.version;
  if (version !== pinned) {
    fail(`${name}@${version} is installed, ${lockPath} pins ${pinned}: run tools/bootstrap.sh`);
  }
  const licenseFile = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  if (licenseFile === undefined) fail(`${name} ships no licence file`);
  const text = fs.readFileSync(path.join(dir, licenseFile), 'utf8').trimEnd();
  notices += `// ----- ${name}@${version} (${license}), ${licenseFile}:\n` +
    text.split('\n').map((line) => `//   ${line}`.trimEnd()).join('\n') + '\n';
}

let table = '{\n';
for (const [key, { source, dependencies }] of files) {
  table += `${JSON.stringify(key)}: [function (module, exports, require) {\n${source}\n}, ` +
    `${JSON.stringify(dependencies)}],\n`;
}
table += '}';

const header = `// Generated by sdk/runtime/npm/bundle.mjs from ${path.basename(templatePath)} and ` +
  `${packages.join(', ')}. Do not edit.\n// Licences of the inlined packages:\n${notices}`;
const output = header + template.replace(marker, () => table);
const ascii = output.replace(/[^\n\x20-\x7e]/g, (c) => {
  if (c === '\t' || c === '\r') return c;
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
});
fs.mkdirSync(path.dirname(outputPath), { recursive: true });
fs.writeFileSync(`${outputPath}.tmp`, ascii);
fs.renameSync(`${outputPath}.tmp`, outputPath);
