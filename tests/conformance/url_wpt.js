// Runs web-platform-tests' URL data files against the runtime's URL and URLSearchParams,
// case by case as WPT's own test files do (url/url-constructor.any.js, url-origin.any.js,
// url-setters.any.js, toascii.window.js, urlencoded-parser.any.js, percent-encoding.window.js,
// failure.html). Deployed by tests/url_conformance_e2e_test.cc, which sends one data file (or
// a slice of one) per invocation as the body:
//   {"file": "urltestdata.json", "data": <the file's JSON, or a slice of it>}
// and gets back
//   {"passed": N, "failed": [{"name": ..., "error": ...}, ...], "skipped": N}
// where each entry of `failed` names one WPT case (its input and what it checks).
//
// The test also deploys it with `const hearthTopLevelData = {file: data, ...};` in front
// and a snapshot: then every file runs at the top level (into the function's snapshot), and
// an invocation without a body answers {file: result, ...} from there.

function describe(value) {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

class Tally {
  constructor() {
    this.passed = 0;
    this.skipped = 0;
    this.failed = [];
  }

  // One WPT case: fn throws (a failed assertion, or the implementation's own error) or not.
  test(name, fn) {
    try {
      fn();
      this.passed++;
    } catch (error) {
      this.failed.push({ name, error: String(error && error.message !== undefined ? error.message : error) });
    }
  }

  skip(count = 1) {
    this.skipped += count;
  }
}

function assertEquals(actual, expected, what) {
  if (!Object.is(actual, expected)) {
    throw new Error(`${what}: expected ${describe(expected)}, got ${describe(actual)}`);
  }
}

function assertThrowsTypeError(fn, what) {
  let value;
  try {
    value = fn();
  } catch (error) {
    if (error instanceof TypeError) return;
    throw new Error(`${what}: expected a TypeError, got ${describe(String(error))}`);
  }
  throw new Error(`${what}: expected a TypeError, got ${describe(String(value))}`);
}

const kComponents = ['href', 'protocol', 'username', 'password', 'host', 'hostname', 'port',
  'pathname', 'search', 'hash'];

// url-constructor.any.js, url-origin.any.js, failure.html (the URL constructor's base
// argument), and URL.canParse / URL.parse over the same cases (url-statics-*.any.js check
// them on a few inputs; the answer must agree with the constructor's on every input).
function urlTestData(tally, cases) {
  for (const expected of cases) {
    if (typeof expected === 'string') continue;
    const base = expected.base !== null ? expected.base : undefined;
    const where = `<${expected.input}> ${base !== undefined ? `against <${base}>` : 'without base'}`;
    const parse = () => new URL(expected.input, base);
    if (expected.failure) {
      tally.test(`Parsing: ${where} throws`, () => assertThrowsTypeError(parse, 'new URL'));
      if (base === undefined) {
        // A string that fails to parse with no base must fail as a base too.
        tally.test(`URL's constructor's base argument: <${expected.input}> should throw`,
          () => assertThrowsTypeError(() => new URL('about:blank', expected.input), 'new URL'));
      }
    } else {
      tally.test(`Parsing: ${where}`, () => {
        const url = parse();
        for (const component of kComponents) {
          assertEquals(url[component], expected[component], component);
        }
        if ('searchParams' in expected) {
          assertEquals(url.searchParams.toString(), expected.searchParams, 'searchParams');
        }
      });
    }
    if ('origin' in expected) {
      tally.test(`Origin parsing: ${where}`,
        () => assertEquals(parse().origin, expected.origin, 'origin'));
    }
    tally.test(`URL.canParse: ${where}`,
      () => assertEquals(URL.canParse(expected.input, base), !expected.failure, 'URL.canParse'));
    tally.test(`URL.parse: ${where}`, () => {
      const url = URL.parse(expected.input, base);
      if (expected.failure) {
        assertEquals(url, null, 'URL.parse');
      } else {
        assertEquals(url instanceof URL && url.href, expected.href, 'URL.parse(...).href');
      }
    });
  }
}

// url-setters.any.js: set one attribute, then check every attribute the case names.
function settersTests(tally, data) {
  for (const setter of Object.keys(data)) {
    if (setter === 'comment') continue;
    for (const testCase of data[setter]) {
      const name = `Setting <${testCase.href}>.${setter} = ${describe(testCase.new_value)}` +
        (testCase.comment ? ` ${testCase.comment}` : '');
      tally.test(name, () => {
        const url = new URL(testCase.href);
        url[setter] = testCase.new_value;
        for (const attribute of Object.keys(testCase.expected)) {
          assertEquals(url[attribute], testCase.expected[attribute], attribute);
        }
      });
    }
  }
}

// toascii.window.js, the URL cases (its <a> and <area> cases need a document): each host
// through the constructor and through the host and hostname setters.
function toAsciiTests(tally, cases) {
  for (const hostTest of cases) {
    if (typeof hostTest === 'string') continue;
    const makeURL = (host) => new URL(`https://${host}/x`);
    tally.test(`${hostTest.input} (using URL)`, () => {
      if (hostTest.output !== null) {
        const url = makeURL(hostTest.input);
        assertEquals(url.host, hostTest.output, 'host');
        assertEquals(url.hostname, hostTest.output, 'hostname');
        assertEquals(url.pathname, '/x', 'pathname');
        assertEquals(url.href, `https://${hostTest.output}/x`, 'href');
      } else {
        assertThrowsTypeError(() => makeURL(hostTest.input), 'new URL');
      }
    });
    for (const attribute of ['host', 'hostname']) {
      tally.test(`${hostTest.input} (using URL.${attribute})`, () => {
        const url = makeURL('x');
        url[attribute] = hostTest.input;
        assertEquals(url[attribute], hostTest.output !== null ? hostTest.output : 'x', attribute);
      });
    }
  }
}

// urlencoded-parser.any.js, the URLSearchParams cases. Its Request/Response formData() cases
// are Fetch's, not URL's: skipped (counted as such).
function urlencodedParserTests(tally, cases) {
  for (const testCase of cases) {
    tally.test(`URLSearchParams constructed with: ${testCase.input}`, () => {
      const params = new URLSearchParams(testCase.input);
      let i = 0;
      for (const item of params) {
        if (i >= testCase.output.length) throw new Error(`unexpected extra pair ${describe(item)}`);
        assertEquals(item[0], testCase.output[i][0], `pair ${i} name`);
        assertEquals(item[1], testCase.output[i][1], `pair ${i} value`);
        i++;
      }
      assertEquals(i, testCase.output.length, 'pair count');
    });
    tally.skip(2);
  }
}

// percent-encoding.window.js: the query and the fragment of a URL, percent-encoded. Only the
// "utf-8" outputs apply: the URL API always encodes as UTF-8; the other encodings are a
// document's (an <a> in a page of that encoding), which functions have none of, so those
// cases are skipped (counted as such).
function percentEncodingTests(tally, cases) {
  for (const testCase of cases) {
    if (typeof testCase === 'string') continue;
    for (const encoding of Object.keys(testCase.output)) {
      if (encoding !== 'utf-8') {
        tally.skip();
        continue;
      }
      tally.test(`Input ${testCase.input} with encoding ${encoding}`, () => {
        const url = new URL(`https://doesnotmatter.invalid/?${testCase.input}#${testCase.input}`);
        assertEquals(url.hash, `#${testCase.output['utf-8']}`, 'fragment');
        assertEquals(url.search, `?${testCase.output[encoding]}`, 'query');
      });
    }
  }
}

const kRunners = {
  'urltestdata.json': urlTestData,
  'setters_tests.json': settersTests,
  'toascii.json': toAsciiTests,
  'urlencoded-parser-data.json': urlencodedParserTests,
  'percent-encoding.json': percentEncodingTests,
};

export function runConformance(file, data) {
  const run = kRunners[file];
  if (run === undefined) throw new Error(`no runner for ${file}`);
  const tally = new Tally();
  run(tally, data);
  return { passed: tally.passed, failed: tally.failed, skipped: tally.skipped };
}

let topLevelResults = null;
if (typeof hearthTopLevelData !== 'undefined') {
  topLevelResults = {};
  for (const file of Object.keys(hearthTopLevelData)) {
    topLevelResults[file] = runConformance(file, hearthTopLevelData[file]);
  }
}

export default async function (request) {
  const body = await request.text();
  if (body === '') return topLevelResults;
  const { file, data } = JSON.parse(body);
  return runConformance(file, data);
}
