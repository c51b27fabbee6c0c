// Prepended by tests/web_api_e2e_test.cc to every tests/web/*.test.js, which is then
// deployed to a real agent as one function and invoked once. A file registers its cases
// with test(name, fn); fn may be async. The function answers
//   {"passed": N, "failed": [{"name": ..., "error": ...}, ...]}
// and the C++ test prints every failure.
const hearthTests = [];
function test(name, fn) {
  hearthTests.push({ name, fn });
}

function describeValue(value) {
  try {
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'symbol' || typeof value === 'function') return String(value);
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function assert(condition, message = 'assertion failed') {
  if (!condition) throw new Error(message);
}

// Same value (Object.is), or for arrays and plain objects the same JSON.
function assertEquals(actual, expected, message = '') {
  const same = (typeof expected === 'object' && expected !== null)
    ? JSON.stringify(actual) === JSON.stringify(expected)
    : Object.is(actual, expected);
  if (!same) {
    throw new Error(`${message ? `${message}: ` : ''}expected ${describeValue(expected)}, ` +
      `got ${describeValue(actual)}`);
  }
}

// fn() throws; `expected` is an error constructor or, for DOMException, its name.
function assertThrows(fn, expected, message = '') {
  let threw = false, error;
  try {
    fn();
  } catch (e) {
    threw = true;
    error = e;
  }
  checkThrown(threw, error, expected, message);
  return error;
}

async function assertRejects(fn, expected, message = '') {
  let threw = false, error;
  try {
    await fn();
  } catch (e) {
    threw = true;
    error = e;
  }
  checkThrown(threw, error, expected, message);
  return error;
}

function checkThrown(threw, error, expected, message) {
  const where = message ? `${message}: ` : '';
  if (!threw) throw new Error(`${where}expected an exception, none was thrown`);
  if (typeof expected === 'string') {
    if (!(error instanceof DOMException) || error.name !== expected) {
      throw new Error(`${where}expected DOMException ${expected}, got ${describeValue(String(error))}`);
    }
  } else if (expected !== undefined && !(error instanceof expected)) {
    throw new Error(`${where}expected ${expected.name}, got ${describeValue(String(error))}`);
  }
}

export default async function runHearthTests() {
  const failed = [];
  let passed = 0;
  for (const { name, fn } of hearthTests) {
    try {
      await fn();
      passed++;
    } catch (error) {
      failed.push({ name, error: String((error && error.stack) || error) });
    }
  }
  return { passed, failed };
}
