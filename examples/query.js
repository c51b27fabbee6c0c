// Reads the request's URL with URL and URLSearchParams (loaded on first use).
// Deploy:  hearthctl deploy query examples/query.js
// Invoke:  hearthctl invoke query --path '/search?q=b%C3%BCcher&tag=a&tag=b'
export default {
  fetch(request) {
    const url = new URL(request.url);
    const params = url.searchParams;
    return {
      path: url.pathname,
      query: params.get('q'),
      tags: params.getAll('tag'),
      next: new URL(`?${new URLSearchParams({ q: params.get('q') ?? '', page: '2' })}`, url).href,
    };
  },
};
