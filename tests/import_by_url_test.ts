// Copyright 2026 the kanal authors. MIT license.
// mod.ts and all it imports must load in Deno by URL with no install: this serves the
// repository over local HTTP and imports it from a script that lives outside it.
import { test } from "./_test.ts";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, normalize, resolve } from "node:path";
import { tmpdir } from "node:os";
import { run } from "./_tools.ts";

const ROOT = resolve(new URL("..", import.meta.url).pathname);

test("Deno imports mod.ts by http URL from outside the repository", async () => {
  const served: string[] = [];
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    const file = join(ROOT, path);
    // Only files under lib/ and the root module may be fetched: nothing from node_modules.
    if (!file.startsWith(ROOT + "/") || file.includes("/node_modules/")) {
      res.writeHead(403).end();
      return;
    }
    try {
      if (!statSync(file).isFile()) throw new Error("not a file");
      served.push(path);
      res.writeHead(200, { "content-type": "application/typescript" }).end(readFileSync(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  const dir = mkdtempSync(join(tmpdir(), "kanal-url-"));
  try {
    const script = join(dir, "main.ts");
    writeFileSync(
      script,
      `import { KafkaError, Writer } from "http://127.0.0.1:${port}/mod.ts";\n` +
        `const w = new Writer(); w.compactString("by-url");\n` +
        `console.log(new KafkaError(6).errorName, w.length);\n`,
    );
    const r = await run(join(ROOT, "node_modules/.bin/deno"), [
      "run",
      "--no-config",
      "--no-lock",
      "--reload",
      `--allow-import=127.0.0.1:${port}`,
      script,
    ], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(new TextDecoder().decode(r.stdout).trim().split(" ")[1], "7");
    assert.ok(served.includes("/mod.ts"), "mod.ts came over HTTP");
    assert.ok(served.some((p) => p.startsWith("/lib/")), "lib/ came over HTTP");
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await new Promise((r) => server.close(r));
  }
});
