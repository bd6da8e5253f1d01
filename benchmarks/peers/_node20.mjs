// @platformatic/kafka 2.x declares Node >= 22.22 and, on Node 20, lacks only
// Promise.withResolvers (its promise wrappers call it once per call). This fills it in with the
// standard semantics so the current release can be measured under the repo's Node 20; on
// Node >= 22 it does nothing.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
