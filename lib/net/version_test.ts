// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { KANAL_VERSION } from "./version.ts";

test("the version brokers are told is deno.json's", () => {
  const denoJson = JSON.parse(readFileSync(new URL("../../deno.json", import.meta.url), "utf8"));
  assert.equal(KANAL_VERSION, denoJson.version);
});
