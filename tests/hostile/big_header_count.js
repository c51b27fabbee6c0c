export default () => {
  const headers = new Headers();
  for (let i = 0; i < 1000; ++i) headers.set("x-h" + i, "v");
  return new Response("many headers", { headers });
};
