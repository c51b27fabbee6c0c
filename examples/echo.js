// Echoes the request back as JSON: method, URL, headers and body. Handy for checking
// what reaches a function.
export default async function (request) {
  return {
    method: request.method,
    url: request.url,
    headers: Object.fromEntries(request.headers),
    body: await request.text(),
  };
}
