// Copyright 2026 the kanal authors. MIT license.
// Prints dist/npm's package.json: name, version and export map from deno.json, so npm and JSR
// publish the same entry points (each `./x.ts` becomes `./x.js` with `./x.d.ts` beside it).
import { readFileSync } from "node:fs";

const deno = JSON.parse(readFileSync(new URL("../../deno.json", import.meta.url), "utf8"));
const exports = {};
for (const [path, source] of Object.entries(deno.exports)) {
  const js = source.replace(/\.ts$/, ".js");
  exports[path] = { types: source.replace(/\.ts$/, ".d.ts"), default: js };
}
const pkg = {
  name: "kanal",
  version: deno.version,
  description: "A Kafka client for Deno, Bun, Node and edge workers, built from WHATWG streams",
  license: deno.license,
  type: "module",
  engines: { node: ">=20" },
  exports,
  bin: { kanal: "./bin.js" },
  sideEffects: false,
  keywords: ["kafka", "streams", "deno", "bun", "workers"],
};
console.log(JSON.stringify(pkg, null, 2));
