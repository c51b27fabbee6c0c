// Hello world of tools/bench/peers.sh, served unchanged by Hearth, workerd and Deno.
export default { fetch() { return new Response('hello') } }
