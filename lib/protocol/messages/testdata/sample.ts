// Copyright 2026 the kanal authors. MIT license.
/**
 * Test support: Kafka's message specs as data (`specs.json`, written by the generator with the
 * prose removed), and sample messages built from them.
 *
 * This walks the specs on its own, without the generator's model, so that the round-trip tests
 * compare two readings of the specs rather than the generated code with itself.
 *
 * @module
 */

import { uuidFromBytes, ZERO_UUID } from "../../uuid.ts";

/** One field of a spec, as in Kafka's JSON. */
export interface SpecField {
  /** The field name, PascalCase. */
  name: string;
  /** The type: a primitive, a struct name, or `[]` and either. */
  type: string;
  /** The versions the field exists in. */
  versions: string;
  /** The versions in which it may be null. */
  nullableVersions?: string;
  /** The versions in which it is tagged. */
  taggedVersions?: string;
  /** Its tag. */
  tag?: number;
  /** Its default, when not the type's. */
  default?: string | number | boolean;
  /** Whether it may be dropped silently. */
  ignorable?: boolean;
  /** Its own flexible versions, overriding the message's. */
  flexibleVersions?: string;
  /** The fields of its struct, when defined here. */
  fields?: SpecField[];
}

/** A struct shared by several fields of one spec. */
export interface SpecStruct {
  /** The struct name. */
  name: string;
  /** Its versions. */
  versions: string;
  /** Its fields. */
  fields: SpecField[];
}

/** One spec file. */
export interface SpecMessage {
  /** E.g. `HeartbeatRequest`. */
  name: string;
  /** What it is. */
  type: "request" | "response" | "header" | "data";
  /** The API key, for requests and responses. */
  apiKey?: number;
  /** The versions it has. */
  validVersions: string;
  /** Its flexible versions. */
  flexibleVersions: string;
  /** Its top-level fields. */
  fields: SpecField[];
  /** Structs its fields refer to by name. */
  commonStructs?: SpecStruct[];
}

/** Which sample: every field set, or nullable fields null and arrays short. */
export type Variant = "full" | "nulls";

/** Whether version `v` lies in a range written "3+", "0-4", "2" or "none". */
export function inRange(range: string | undefined, v: number): boolean {
  if (range === undefined) return false;
  const s = range.trim();
  if (s === "none") return false;
  if (s.endsWith("+")) return v >= Number(s.slice(0, -1));
  const [lo, hi] = s.split("-");
  return v >= Number(lo) && v <= Number(hi ?? lo);
}

/** Every version of a spec, lowest first. */
export function versionsOf(spec: SpecMessage): number[] {
  const [lo, hi] = spec.validVersions.split("-");
  const out: number[] = [];
  for (let v = Number(lo); v <= Number(hi ?? lo); v++) out.push(v);
  return out;
}

/** The property name of a field. */
export function propName(f: SpecField): string {
  return f.name[0]!.toLowerCase() + f.name.slice(1);
}

/** The element type of a field: its type without `[]`. */
export function elemType(f: SpecField): string {
  return f.type.startsWith("[]") ? f.type.slice(2) : f.type;
}

/** Whether a type name is a struct rather than a primitive. */
export function isStructType(t: string): boolean {
  return /^[A-Z]/.test(t);
}

/** The fields of the struct that field `f` holds or lists. */
export function structFields(spec: SpecMessage, f: SpecField): SpecField[] {
  if (f.fields) return f.fields;
  const name = elemType(f);
  const common = spec.commonStructs?.find((s) => s.name === name);
  if (common) return common.fields;
  const found = findStruct(spec.fields, name);
  if (!found) throw new Error(`${spec.name}: no struct ${name}`);
  return found;
}

function findStruct(fields: SpecField[], name: string): SpecField[] | undefined {
  for (const f of fields) {
    if (f.fields && elemType(f) === name) return f.fields;
    if (f.fields) {
      const inner = findStruct(f.fields, name);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The value a field takes when absent or left out, per Kafka's rules. */
export function defaultValue(spec: SpecMessage, f: SpecField): unknown {
  const d = f.default;
  if (d === "null") return null;
  if (f.type.startsWith("[]")) return [];
  const t = f.type;
  if (isStructType(t)) return defaultStruct(spec, structFields(spec, f));
  switch (t) {
    case "bool":
      return d === true || d === "true";
    case "int8":
    case "int16":
    case "uint16":
    case "int32":
    case "uint32":
    case "float64":
      return d === undefined ? 0 : Number(d);
    case "int64":
      return d === undefined ? 0n : BigInt(d);
    case "string":
      return d === undefined ? "" : String(d);
    case "uuid":
      return ZERO_UUID;
    case "bytes":
      return new Uint8Array(0);
    case "records":
      return null;
  }
  throw new Error(`${spec.name}.${f.name}: unknown type ${t}`);
}

function defaultStruct(spec: SpecMessage, fields: SpecField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) out[propName(f)] = defaultValue(spec, f);
  return out;
}

/**
 * A sample of `spec` at `version`: every field present at that version (tagged ones included)
 * holds a value other than its default; fields absent at that version hold their defaults, as
 * decoding fills them in. The "nulls" variant sets nullable fields to null and keeps arrays short.
 */
export function makeSample(
  spec: SpecMessage,
  version: number,
  variant: Variant,
): Record<string, unknown> {
  const state = { seq: 1 };
  return sampleStruct(spec, spec.fields, version, variant, state);
}

function sampleStruct(
  spec: SpecMessage,
  fields: SpecField[],
  v: number,
  variant: Variant,
  state: { seq: number },
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const present = inRange(f.versions, v);
    out[propName(f)] = present ? sampleValue(spec, f, v, variant, state) : defaultValue(spec, f);
  }
  return out;
}

function sampleValue(
  spec: SpecMessage,
  f: SpecField,
  v: number,
  variant: Variant,
  state: { seq: number },
): unknown {
  if (variant === "nulls" && inRange(f.nullableVersions, v)) return null;
  const t = elemType(f);
  if (f.type.startsWith("[]")) {
    const n = variant === "full" ? 2 : isStructType(t) ? 1 : 0;
    const out: unknown[] = [];
    for (let i = 0; i < n; i++) {
      out.push(
        isStructType(t)
          ? sampleStruct(spec, structFields(spec, f), v, variant, state)
          : samplePrim(t, undefined, f.name, state),
      );
    }
    return out;
  }
  if (isStructType(t)) {
    const s = sampleStruct(spec, structFields(spec, f), v, variant, state);
    // A struct whose fields all happen to be absent at this version equals its default; that is
    // still a valid sample.
    return s;
  }
  return samplePrim(t, defaultValue(spec, f), f.name, state);
}

const INT_LIMITS: Record<string, [number, number]> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

function samplePrim(t: string, def: unknown, name: string, state: { seq: number }): unknown {
  const seq = state.seq++;
  switch (t) {
    case "bool":
      return def !== true;
    case "int8":
    case "int16":
    case "uint16":
    case "int32":
    case "uint32": {
      // Walk through values near both limits and small ones, skipping the default.
      const [lo, hi] = INT_LIMITS[t]!;
      const choices = [hi, lo, 1 + (seq % 100), lo + 1 + (seq % 7), hi - (seq % 5)];
      for (let i = 0; i < choices.length; i++) {
        const c = choices[(seq + i) % choices.length]!;
        if (c !== def) return c;
      }
      throw new Error("no sample integer");
    }
    case "int64": {
      const choices = [
        9223372036854775807n,
        -9223372036854775808n,
        1234567890123456789n,
        BigInt(seq),
        -BigInt(seq) - 2n,
      ];
      for (let i = 0; i < choices.length; i++) {
        const c = choices[(seq + i) % choices.length]!;
        if (c !== def) return c;
      }
      throw new Error("no sample int64");
    }
    case "float64":
      return seq % 2 ? 0.1 + seq : -1.5e300;
    case "string":
      // Non-ASCII on purpose: UTF-8 lengths differ from UTF-16 lengths.
      return `${name}-${seq}-é✓`;
    case "uuid": {
      const b = new Uint8Array(16);
      for (let i = 0; i < 16; i++) b[i] = (seq * 31 + i * 7 + 1) & 255;
      return uuidFromBytes(b);
    }
    case "bytes":
      return Uint8Array.of(seq & 255, 0, 255, 7);
    case "records":
      return Uint8Array.of(0, 0, 0, 0, 0, 0, 0, seq & 255, 1, 2, 3);
  }
  throw new Error(`unknown type ${t}`);
}
