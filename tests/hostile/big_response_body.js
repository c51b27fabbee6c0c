// 20 MB of body: more than the agent sends back.
export default () => new Response("x".repeat(20 << 20));
