// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../../tests/_test.ts";
import assert from "node:assert/strict";
import { Reader } from "../reader.ts";
import { Writer } from "../writer.ts";
import * as messages from "./mod.ts";
import specData from "./testdata/specs.json" with { type: "json" };
import { makeSample, type SpecMessage, type Variant, versionsOf } from "./testdata/sample.ts";
import { referenceEncode } from "./testdata/reference_encoder.ts";

const specs = specData as SpecMessage[];
type Encode = (w: Writer, version: number, m: unknown) => void;
type Decode = (r: Reader, version: number) => unknown;
const exported = messages as unknown as Record<string, unknown>;

function codec(name: string): { encode: Encode; decode: Decode } {
  const encode = exported[`encode${name}`];
  const decode = exported[`decode${name}`];
  assert.equal(typeof encode, "function", `encode${name} is exported`);
  assert.equal(typeof decode, "function", `decode${name} is exported`);
  return { encode: encode as Encode, decode: decode as Decode };
}

test("the API table lists every request/response pair of the specs, with matching versions", () => {
  const requests = specs.filter((s) => s.type === "request");
  assert.equal(messages.API_LIST.length, requests.length);
  for (const req of requests) {
    const entry = messages.apiCodec(req.apiKey!);
    assert.ok(entry, `API ${req.apiKey} is in the table`);
    const versions = versionsOf(req);
    assert.equal(entry.info.minVersion, versions[0]);
    assert.equal(entry.info.maxVersion, versions.at(-1));
    assert.equal(`${entry.info.name}Request`, req.name);
    assert.equal(entry.encodeRequest, exported[`encode${req.name}`]);
    assert.equal(entry.decodeResponse, exported[`decode${entry.info.name}Response`]);
  }
});

for (const spec of specs) {
  test(`${spec.name} encodes like the reference and round-trips at every version`, () => {
    const { encode, decode } = codec(spec.name);
    for (const version of versionsOf(spec)) {
      for (const variant of ["full", "nulls"] as Variant[]) {
        const where = `${spec.name} v${version} (${variant})`;
        const sample = makeSample(spec, version, variant);

        const w = new Writer(64);
        encode(w, version, sample);
        const bytes = w.toBytes();

        const ref = new Writer(64);
        referenceEncode(ref, spec, version, sample);
        assert.deepEqual(bytes, ref.toBytes(), `${where}: bytes match the reference encoder`);

        const r = new Reader(bytes);
        const decoded = decode(r, version);
        assert.equal(r.remaining, 0, `${where}: decode reads every byte`);
        assert.deepEqual(decoded, sample, `${where}: decode gives back the sample`);

        const again = new Writer(64);
        encode(again, version, decoded);
        assert.deepEqual(again.toBytes(), bytes, `${where}: re-encoding gives the same bytes`);
      }
    }
  });
}
