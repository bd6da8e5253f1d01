// Copyright 2026 the kanal authors. MIT license.
/**
 * Test support: a slow reference encoder that interprets the specs at run time, written from
 * Kafka's protocol guide independently of the generator, to check the generated encoders'
 * bytes (field order, compact forms, null markers, tagged sections) rather than only their
 * round trips.
 *
 * @module
 */

import { isDeepStrictEqual } from "node:util";
import { uuidToBytes } from "../../uuid.ts";
import { Writer } from "../../writer.ts";
import {
  defaultValue,
  elemType,
  inRange,
  isStructType,
  propName,
  type SpecField,
  type SpecMessage,
  structFields,
} from "./sample.ts";

const utf8 = new TextEncoder();

/** Writes `value` as `spec` at `version`. */
export function referenceEncode(
  w: Writer,
  spec: SpecMessage,
  version: number,
  value: Record<string, unknown>,
): void {
  writeStruct(w, spec, spec.fields, version, value);
}

function writeStruct(
  w: Writer,
  spec: SpecMessage,
  fields: SpecField[],
  v: number,
  value: Record<string, unknown>,
): void {
  const flexible = inRange(spec.flexibleVersions, v);
  for (const f of fields) {
    if (f.tag !== undefined || !inRange(f.versions, v)) continue;
    writeValue(w, spec, f, v, value[propName(f)], compactFor(spec, f, v));
  }
  if (!flexible) return;
  const tagged = fields
    .filter((f) => f.tag !== undefined && inRange(f.taggedVersions, v))
    .filter((f) => !isDeepStrictEqual(value[propName(f)], defaultValue(spec, f)))
    .sort((a, b) => a.tag! - b.tag!);
  w.uvarint(tagged.length);
  for (const f of tagged) {
    const inner = new Writer();
    writeValue(inner, spec, f, v, value[propName(f)], true);
    w.uvarint(f.tag!);
    w.uvarint(inner.length);
    w.raw(inner.finish());
  }
}

function compactFor(spec: SpecMessage, f: SpecField, v: number): boolean {
  return inRange(f.flexibleVersions ?? spec.flexibleVersions, v);
}

function writeValue(
  w: Writer,
  spec: SpecMessage,
  f: SpecField,
  v: number,
  x: unknown,
  compact: boolean,
): void {
  const t = elemType(f);
  if (f.type.startsWith("[]")) {
    if (x === null) {
      if (compact) w.uvarint(0);
      else w.int32(-1);
      return;
    }
    const items = x as unknown[];
    if (compact) w.uvarint(items.length + 1);
    else w.int32(items.length);
    for (const item of items) {
      if (isStructType(t)) {
        writeStruct(w, spec, structFields(spec, f), v, item as Record<string, unknown>);
      } else writePrim(w, t, item, compact);
    }
    return;
  }
  if (isStructType(t)) {
    if (inRange(f.nullableVersions, v)) {
      if (x === null) {
        w.int8(-1);
        return;
      }
      w.int8(1);
    }
    writeStruct(w, spec, structFields(spec, f), v, x as Record<string, unknown>);
    return;
  }
  writePrim(w, t, x, compact);
}

function writeLength(w: Writer, n: number, compact: boolean, wide: boolean): void {
  if (compact) w.uvarint(n + 1);
  else if (wide) w.int32(n);
  else w.int16(n);
}

function writePrim(w: Writer, t: string, x: unknown, compact: boolean): void {
  switch (t) {
    case "bool":
      w.int8(x ? 1 : 0);
      return;
    case "int8":
      w.int8(x as number);
      return;
    case "int16":
      w.int16(x as number);
      return;
    case "uint16":
      w.uint16(x as number);
      return;
    case "int32":
      w.int32(x as number);
      return;
    case "uint32":
      w.uint32(x as number);
      return;
    case "int64":
      w.int64(x as bigint);
      return;
    case "float64":
      w.float64(x as number);
      return;
    case "uuid":
      w.raw(uuidToBytes(x as string));
      return;
    case "string": {
      if (x === null) {
        writeLength(w, -1, compact, false);
        return;
      }
      const b = utf8.encode(x as string);
      writeLength(w, b.length, compact, false);
      w.raw(b);
      return;
    }
    case "bytes":
    case "records": {
      if (x === null) {
        writeLength(w, -1, compact, true);
        return;
      }
      const b = x as Uint8Array;
      writeLength(w, b.length, compact, true);
      w.raw(b);
      return;
    }
  }
  throw new Error(`unknown type ${t}`);
}
