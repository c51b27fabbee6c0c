// @ts-check
// A small read-only JSON API: routing on `new URL(request.url)`, a path parameter, query
// parameters, and JSON errors with the right status (404 for an unknown path or book, 405
// with an Allow header for a method the route does not take). Deploy and try it:
//   hearthctl deploy api examples/api.js
//   hearthctl invoke api --path '/books?author=Le%20Guin&limit=1'
//   hearthctl invoke api --path /books/2
//   hearthctl invoke api --path /books -X POST --verbose    # 405, with an Allow header

/** @typedef {{ id: number, title: string, author: string, year: number }} Book */

// Module state is fine for constants: a function's top level runs when its isolate is
// prepared, not per request. (Data that changes belongs in a store: isolates come and go.)
/** @type {Book[]} */
const BOOKS = [
  { id: 1, title: 'A Wizard of Earthsea', author: 'Ursula K. Le Guin', year: 1968 },
  { id: 2, title: 'The Dispossessed', author: 'Ursula K. Le Guin', year: 1974 },
  { id: 3, title: 'Kindred', author: 'Octavia E. Butler', year: 1979 },
  { id: 4, title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin', year: 1969 },
];

/**
 * Every error is JSON too, so that clients parse one format whatever happened.
 * @param {number} status
 * @param {string} message
 * @param {HeadersInit} [headers]
 */
function error(status, message, headers) {
  return Response.json({ error: message }, { status, headers });
}

/**
 * GET /books?author=...&limit=...: the books whose author contains `author`, at most `limit`.
 * @param {URLSearchParams} query
 */
function listBooks(query) {
  const author = query.get('author')?.toLowerCase() ?? '';
  const limit = Number(query.get('limit') ?? BOOKS.length);
  if (!Number.isInteger(limit) || limit < 0) return error(400, 'limit must be a whole number');
  const found = BOOKS.filter((book) => book.author.toLowerCase().includes(author));
  return Response.json({ total: found.length, books: found.slice(0, limit) });
}

/** @type {ExportedHandler} */
export default {
  fetch(request) {
    // request.url is absolute ("http://localhost/books?limit=1"): URL splits it for us.
    const url = new URL(request.url);

    // Each route: a pattern for the path, and what each method does there.
    if (url.pathname === '/books') {
      if (request.method !== 'GET') return error(405, 'use GET', { allow: 'GET' });
      return listBooks(url.searchParams);
    }
    const match = /^\/books\/([^/]+)$/.exec(url.pathname); // /books/:id
    if (match !== null) {
      if (request.method !== 'GET') return error(405, 'use GET', { allow: 'GET' });
      const book = BOOKS.find((candidate) => String(candidate.id) === match[1]);
      return book ? Response.json(book) : error(404, `no book with id ${match[1]}`);
    }
    return error(404, `no route for ${url.pathname}`);
  },
};
