// Copyright 2026 the kanal authors. MIT license.
/**
 * Generates the typed protocol codecs in `lib/protocol/messages/` from Apache Kafka's JSON
 * message specs in `scripts/kafka/message-specs/`.
 *
 * Where the specs come from: `scripts/kafka.sh specs` copies them unchanged from
 * `common/message/*.json` in the `kafka-clients` jar of the pinned Kafka version (`KAFKA_VERSION`
 * in `scripts/kafka.sh`, 4.2.2 today), and they are committed, so a fresh clone regenerates and
 * checks without anything outside the repository. Their README names the version.
 *
 * Moving to a new Kafka version:
 * 1. raise `KAFKA_VERSION` in `scripts/kafka.sh`, then run `scripts/kafka.sh specs` and
 *    `deno task gen`; review the spec diff (`git diff scripts/kafka/message-specs`);
 * 2. for every API kanal sends, read what each new version changes: `CLIENT_APIS` in
 *    `lib/protocol/request_frame.ts` offers every API up to its highest stable version, so a
 *    new version is negotiated at once by code written for the old ones. Implement it, or cap
 *    the API in `CLIENT_MAX_VERSIONS` (`lib/protocol/client_max_versions.ts`) with the reason;
 * 3. `deno check mod.ts cli.ts`, `scripts/check-generated.sh`, the protocol tests, and the
 *    broker suites against a broker of the new version (`tests/api_versions_broker_test.ts`
 *    shows every API it advertises still has a version in common with kanal).
 *
 * Run it with `deno task gen` (or
 * `deno run --allow-read --allow-write scripts/gen-protocol.ts [--specs=DIR] [--out=DIR]`).
 * `scripts/check-generated.sh` regenerates into a temporary folder and diffs.
 *
 * What comes out:
 * - one file per API key, snake_case of the API name (`heartbeat.ts`), holding the request and
 *   response interfaces, `encodeXRequest` / `decodeXRequest` / `encodeXResponse` /
 *   `decodeXResponse`, and an `ApiInfo` constant (`heartbeatApi`);
 * - one file per "header" or "data" spec (`request_header.ts`, `consumer_protocol_subscription.ts`),
 *   with `encodeX` / `decodeX`;
 * - `api_info.ts` (the `ApiInfo` type), `api_table.ts` (key to codecs), `_helpers.ts` (the few
 *   shared run-time helpers: errors and flexible/classic switches), `mod.ts` (re-exports);
 * - `testdata/specs.json`: the specs with their prose removed, for the round-trip tests, which
 *   build samples and a reference encoding from it independently of the generated code.
 *
 * Every generated file starts with a line naming this script and its spec files, and the check
 * script treats exactly those files as generated.
 *
 * Semantics (Kafka's, as described in the specs' README.upstream.md):
 * - A field exists in the versions of its `versions` range ("0+", "3-5", "7", "none"), within
 *   the versions where its enclosing struct exists. Flexible versions (`flexibleVersions`, or a
 *   field's own override) use compact strings, bytes, records and arrays, and end every struct,
 *   including the top level, with a tagged-field section.
 * - Tagged fields (`tag`, `taggedVersions`) are written only when they differ from their default,
 *   in tag order, each as tag, size, value; when read, they are matched by tag, checked to use
 *   exactly their declared size, and unknown tags are skipped by their size.
 * - `nullableVersions` give `| null` in the type; null in a version that does not allow it throws
 *   (`TypeError` on encode, `MalformedDataError` on decode).
 * - Defaults: the spec `default` ("null", numbers, hex, "true"/"false", strings), else 0, false,
 *   "", the zero UUID, empty bytes, empty arrays, null records, or a struct of defaults. Decode
 *   fills a field absent at the version with its default, so decoded objects always carry every
 *   field. Encode uses the default for an omitted (`undefined`) optional field.
 * - Encoding a field at a version that lacks it: a default (or omitted) value is dropped; any
 *   other value is dropped silently if the field is `ignorable` and throws a `TypeError`
 *   otherwise.
 * - A nullable struct is preceded by an int8: -1 for null, 1 for present.
 * - Types: int8/16/32, uint16/32 and float64 are `number`; int64 is `bigint`; uuid is Kafka's
 *   22-character base64url string; bytes are `Uint8Array` (decoded as views into the input);
 *   records are `Uint8Array | null`, left raw for the record batch layer.
 *
 * Optional fields in the interfaces: a field is optional (`?`) when it is tagged, has an explicit
 * spec default, or is missing from some version in which its enclosing struct exists; all other
 * fields are required. So a plain object literal with the fields the chosen version needs can be
 * encoded; decode always returns every field.
 *
 * Hostile input: every array count goes through `Reader.arrayLength` / `compactArrayLength` with
 * the smallest size one element can take at that version (computed here), so a count larger than
 * the frame could hold throws before anything is allocated. Structs cannot nest recursively in
 * the specs, and every loop consumes input, so decoding always ends.
 *
 * The generated code is straight-line: version checks are comparisons against constants worked
 * out here, simplified against the versions in which the enclosing struct can occur.
 *
 * The output is written already formatted for `deno fmt` (line width 100).
 *
 * @module
 */

const WIDTH = 100;
const MARKER = "// Generated by scripts/gen-protocol.ts";

// ---------------------------------------------------------------------------------------------
// Paths and arguments

function parseArgs(args: string[]): { specs: string; out: string } {
  const repo = new URL("../", import.meta.url).pathname;
  let specs = `${repo}scripts/kafka/message-specs`;
  let out = `${repo}lib/protocol/messages`;
  for (const a of args) {
    const m = /^--(specs|out)=(.+)$/.exec(a);
    if (!m) throw new Error(`Unknown argument ${a}; use --specs=DIR or --out=DIR`);
    const path = m[2]!.startsWith("/") ? m[2]! : `${Deno.cwd()}/${m[2]}`;
    if (m[1] === "specs") specs = path;
    else out = path;
  }
  return { specs: specs.replace(/\/+$/, ""), out: out.replace(/\/+$/, "") };
}

// ---------------------------------------------------------------------------------------------
// Version ranges

interface Range {
  lo: number;
  hi: number; // Infinity for an open range
}

function parseRange(text: string | undefined, where: string): Range | null {
  if (text === undefined) throw new Error(`${where}: missing version range`);
  const s = text.trim();
  if (s === "none") return null;
  let m = /^(\d+)\+$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: Infinity };
  m = /^(\d+)-(\d+)$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: Number(m[2]) };
  m = /^(\d+)$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: Number(m[1]) };
  throw new Error(`${where}: bad version range "${text}"`);
}

function intersect(a: Range | null, b: Range | null): Range | null {
  if (!a || !b) return null;
  const lo = Math.max(a.lo, b.lo);
  const hi = Math.min(a.hi, b.hi);
  return lo <= hi ? { lo, hi } : null;
}

function hull(a: Range | null, b: Range | null): Range | null {
  if (!a) return b;
  if (!b) return a;
  return { lo: Math.min(a.lo, b.lo), hi: Math.max(a.hi, b.hi) };
}

function covers(outer: Range | null, inner: Range | null): boolean {
  if (!inner) return true;
  if (!outer) return false;
  return outer.lo <= inner.lo && outer.hi >= inner.hi;
}

function rangeText(r: Range | null): string {
  if (!r) return "none";
  if (r.hi === Infinity) return `${r.lo}+`;
  if (r.lo === r.hi) return `${r.lo}`;
  return `${r.lo}-${r.hi}`;
}

/** An expression, "true" or "false": whether `version` (known to be in `ctx`) is in `r`. */
function inRange(r: Range | null, ctx: Range): string {
  const x = intersect(r, ctx);
  if (!x) return "false";
  if (x.lo <= ctx.lo && x.hi >= ctx.hi) return "true";
  const lo = x.lo > ctx.lo;
  const hi = x.hi < ctx.hi;
  if (lo && hi && x.lo === x.hi) return `version === ${x.lo}`;
  const parts: string[] = [];
  if (lo) parts.push(`version >= ${x.lo}`);
  if (hi) parts.push(`version <= ${x.hi}`);
  return parts.join(" && ");
}

/** The negation of {@linkcode inRange}. */
function notInRange(r: Range | null, ctx: Range): string {
  const x = intersect(r, ctx);
  if (!x) return "true";
  if (x.lo <= ctx.lo && x.hi >= ctx.hi) return "false";
  const lo = x.lo > ctx.lo;
  const hi = x.hi < ctx.hi;
  if (lo && hi && x.lo === x.hi) return `version !== ${x.lo}`;
  const parts: string[] = [];
  if (lo) parts.push(`version < ${x.lo}`);
  if (hi) parts.push(`version > ${x.hi}`);
  return parts.join(" || ");
}

function and(a: string, b: string): string {
  if (a === "true") return b;
  if (b === "true") return a;
  if (a === "false" || b === "false") return "false";
  const wrap = (s: string) => (s.includes("||") ? `(${s})` : s);
  return `${wrap(a)} && ${wrap(b)}`;
}

// ---------------------------------------------------------------------------------------------
// The specs

interface RawField {
  name: string;
  type: string;
  versions: string;
  about?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  default?: string | number | boolean;
  ignorable?: boolean;
  mapKey?: boolean;
  entityType?: string;
  zeroCopy?: boolean;
  flexibleVersions?: string;
  fields?: RawField[];
}

interface RawStruct {
  name: string;
  versions: string;
  fields: RawField[];
}

interface RawSpec {
  apiKey?: number;
  type: "request" | "response" | "header" | "data";
  name: string;
  validVersions: string;
  flexibleVersions: string;
  fields: RawField[];
  commonStructs?: RawStruct[];
  listeners?: string[];
  latestVersionUnstable?: boolean;
  deprecatedVersions?: string;
}

interface LoadedSpec {
  file: string;
  spec: RawSpec;
  notes: string[];
}

/** Strips `//` comment lines and parses; keeps the comments inside the object as notes. */
function loadSpec(file: string, text: string): LoadedSpec {
  const kept: string[] = [];
  const notes: string[] = [];
  let inside = false;
  let inFields = false;
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (t.startsWith("//")) {
      if (inside && !inFields) notes.push(t.replace(/^\/\/ ?/, ""));
      continue;
    }
    if (t.startsWith("{") && !inside) inside = true;
    if (/^"fields"\s*:/.test(t)) inFields = true;
    kept.push(line);
  }
  while (notes.length && notes[notes.length - 1] === "") notes.pop();
  while (notes.length && notes[0] === "") notes.shift();
  return { file, spec: JSON.parse(kept.join("\n")) as RawSpec, notes };
}

// ---------------------------------------------------------------------------------------------
// The model

type Prim =
  | "bool"
  | "int8"
  | "int16"
  | "uint16"
  | "int32"
  | "uint32"
  | "int64"
  | "float64"
  | "string"
  | "uuid"
  | "bytes"
  | "records";

const PRIMS: ReadonlySet<string> = new Set(
  "bool int8 int16 uint16 int32 uint32 int64 float64 string uuid bytes records".split(" "),
);

const FIXED_SIZE: Partial<Record<Prim, number>> = {
  bool: 1,
  int8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  int64: 8,
  float64: 8,
  uuid: 16,
};

type FieldType =
  | { kind: "prim"; prim: Prim }
  | { kind: "struct"; struct: StructDef }
  | { kind: "array"; elem: { kind: "prim"; prim: Prim } | { kind: "struct"; struct: StructDef } };

interface Default {
  /** A TS expression making the default. */
  lit: string;
  /** How "is this the default" is tested. */
  kind: "null" | "scalar" | "empty" | "struct";
}

interface FieldDef {
  raw: RawField;
  prop: string;
  local: string;
  type: FieldType;
  versions: Range | null;
  nullable: Range | null;
  tagged: Range | null;
  tag: number | undefined;
  /** The field's own flexibleVersions, when it overrides the message's. */
  flexOverride: Range | null | undefined;
  ignorable: boolean;
  explicitDefault: boolean;
  owner: StructDef;
}

interface StructDef {
  specName: string;
  tsName: string;
  fields: FieldDef[];
  /** The hull of the versions in which this struct is read or written. */
  ctx: Range | null;
  doc: string;
  top: boolean;
  message: MessageDef;
  raw: RawField[];
}

interface MessageDef {
  loaded: LoadedSpec;
  spec: RawSpec;
  name: string;
  valid: Range;
  flex: Range | null;
  top: StructDef;
  /** Every struct, top first, then in first-use order. */
  structs: StructDef[];
}

const RESERVED_LOCALS: ReadonlySet<string> = new Set([
  // Our own names inside generated functions.
  ..."r w m t e i version _version flexible tag tagCount size end".split(" "),
  // JavaScript reserved and awkward words.
  ...("break case catch class const continue debugger default delete do else enum export " +
    "extends false finally for function if import in instanceof new null return super switch " +
    "this throw true try typeof var void while with yield let static implements interface " +
    "package private protected public await arguments eval undefined").split(" "),
]);

function camel(name: string): string {
  return name[0]!.toLowerCase() + name.slice(1);
}

function snake(name: string): string {
  return name
    .replace(/KRaft/g, "Kraft")
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

function apiBase(spec: RawSpec): string {
  return spec.name.replace(/(Request|Response)$/, "");
}

function buildMessage(loaded: LoadedSpec): MessageDef {
  const spec = loaded.spec;
  const where = loaded.file;
  const valid = parseRange(spec.validVersions, `${where} validVersions`);
  if (!valid || valid.hi === Infinity) throw new Error(`${where}: validVersions must be closed`);
  const msg = {
    loaded,
    spec,
    name: spec.name,
    valid,
    flex: parseRange(spec.flexibleVersions, `${where} flexibleVersions`),
    structs: [],
  } as unknown as MessageDef;

  const common = new Map<string, RawStruct>();
  for (const cs of spec.commonStructs ?? []) common.set(cs.name, cs);
  const bySpecName = new Map<string, StructDef>();

  const newStruct = (specName: string, raw: RawField[], top: boolean, doc: string): StructDef => {
    const s: StructDef = {
      specName,
      tsName: top ? spec.name : "",
      fields: [],
      ctx: null,
      doc,
      top,
      message: msg,
      raw,
    };
    msg.structs.push(s);
    if (!top) bySpecName.set(specName, s);
    s.fields = raw.map((f) => buildField(f, s));
    return s;
  };

  const buildField = (f: RawField, owner: StructDef): FieldDef => {
    const w = `${where} ${owner.specName}.${f.name}`;
    const isArray = f.type.startsWith("[]");
    const base = isArray ? f.type.slice(2) : f.type;
    let elem: FieldType;
    if (PRIMS.has(base)) {
      elem = { kind: "prim", prim: base as Prim };
    } else {
      if (!/^[A-Z]/.test(base)) throw new Error(`${w}: unknown type ${f.type}`);
      let s = bySpecName.get(base);
      if (f.fields) {
        if (s) throw new Error(`${w}: struct ${base} is defined twice`);
        if (common.has(base)) throw new Error(`${w}: struct ${base} shadows a common struct`);
        s = newStruct(base, f.fields, false, f.about ?? "");
      } else if (!s) {
        const cs = common.get(base);
        if (!cs) throw new Error(`${w}: struct ${base} has no definition`);
        s = newStruct(base, cs.fields, false, `${f.about ?? ""}`);
      }
      elem = { kind: "struct", struct: s };
    }
    if (isArray && elem.kind === "prim" && elem.prim === "records") {
      throw new Error(`${w}: arrays of records are not supported`);
    }
    const type: FieldType = isArray ? { kind: "array", elem } : elem;
    const versions = parseRange(f.versions, `${w} versions`);
    const nullable = f.nullableVersions === undefined
      ? null
      : parseRange(f.nullableVersions, `${w} nullableVersions`);
    if (nullable) {
      const ok = isArray || elem.kind === "struct" ||
        (elem.kind === "prim" && ["string", "bytes", "records"].includes(elem.prim));
      if (!ok) throw new Error(`${w}: type ${f.type} cannot be nullable`);
    }
    const tagged = f.taggedVersions === undefined
      ? null
      : parseRange(f.taggedVersions, `${w} taggedVersions`);
    if ((f.tag === undefined) !== (tagged === null)) {
      throw new Error(`${w}: tag and taggedVersions go together`);
    }
    if (tagged && (versions === null || tagged.lo !== versions.lo || tagged.hi !== versions.hi)) {
      // Kafka allows a field to be tagged in only some of its versions; no spec does it, and
      // supporting it would complicate every field, so refuse until one does.
      throw new Error(`${w}: taggedVersions differing from versions is not supported`);
    }
    if (tagged && !covers(msg.flex, tagged)) {
      throw new Error(`${w}: tagged outside flexible versions`);
    }
    const flexOverride = f.flexibleVersions === undefined
      ? undefined
      : parseRange(f.flexibleVersions, `${w} flexibleVersions`);
    if (flexOverride !== undefined) {
      const ok = !isArray && elem.kind === "prim" && ["string", "bytes"].includes(elem.prim);
      if (!ok) throw new Error(`${w}: only strings and bytes may override flexibleVersions`);
    }
    return {
      raw: f,
      prop: camel(f.name),
      local: "",
      type,
      versions,
      nullable,
      tagged,
      tag: f.tag,
      flexOverride,
      ignorable: f.ignorable === true,
      explicitDefault: f.default !== undefined,
      owner,
    };
  };

  msg.top = newStruct(spec.name, spec.fields, true, "");

  // Work out where each struct occurs, from the top down; common structs may occur in several
  // places, so a struct's range is the hull of its uses.
  const walk = (s: StructDef, ctx: Range): void => {
    for (const f of s.fields) {
      const p = intersect(f.versions, ctx);
      const t = f.type.kind === "array" ? f.type.elem : f.type;
      if (t.kind === "struct" && p) {
        const before = t.struct.ctx;
        t.struct.ctx = hull(t.struct.ctx, p);
        if (!before || !covers(before, t.struct.ctx)) walk(t.struct, t.struct.ctx!);
      }
    }
  };
  msg.top.ctx = valid;
  walk(msg.top, valid);

  // Names.
  const base = apiBase(spec);
  const taken = new Set<string>([spec.name]);
  for (const s of msg.structs) {
    if (s.top) continue;
    let name: string;
    if (s.specName.startsWith(spec.name)) name = s.specName;
    else if (
      s.specName.startsWith(base) && s.specName.length > base.length &&
      /^[A-Z]/.test(s.specName.slice(base.length))
    ) {
      name = spec.name + s.specName.slice(base.length);
    } else name = spec.name + s.specName;
    if (taken.has(name)) name = spec.name + s.specName;
    if (taken.has(name)) throw new Error(`${where}: struct name ${name} is used twice`);
    taken.add(name);
    s.tsName = name;
  }
  for (const s of msg.structs) {
    const used = new Set<string>();
    for (const f of s.fields) {
      let local = f.prop;
      if (RESERVED_LOCALS.has(local)) local = `${local}Value`;
      if (used.has(local)) throw new Error(`${where}: ${s.specName}.${f.raw.name} is duplicated`);
      used.add(local);
      f.local = local;
    }
    for (const f of s.fields) {
      if (f.type.kind === "array" && used.has(`${f.local}Count`)) {
        throw new Error(`${where}: ${s.specName}.${f.raw.name}Count clashes with a count`);
      }
    }
  }
  return msg;
}

// ---------------------------------------------------------------------------------------------
// Field facts

function primOf(t: FieldType): Prim | undefined {
  return t.kind === "prim" ? t.prim : undefined;
}

function tsElem(t: FieldType & { kind: "prim" | "struct" }): string {
  if (t.kind === "struct") return t.struct.tsName;
  switch (t.prim) {
    case "bool":
      return "boolean";
    case "int64":
      return "bigint";
    case "string":
    case "uuid":
      return "string";
    case "bytes":
    case "records":
      return "Uint8Array";
    default:
      return "number";
  }
}

function tsType(f: FieldDef): string {
  const base = f.type.kind === "array" ? `${tsElem(f.type.elem)}[]` : tsElem(f.type);
  if (f.nullable || primOf(f.type) === "records") return `${base} | null`;
  return base;
}

/** `let x: T = d;`, leaving out the type where deno lint calls it inferrable. */
function letDecl(local: string, f: FieldDef, lit: string, p: Range | null): string {
  const t = tsType(f);
  // An array that cannot be null at these versions is only pushed to, never reassigned.
  if (f.type.kind === "array" && lit === "[]" && !intersect(f.nullable, p)) {
    return `const ${local}: ${t} = [];`;
  }
  const inferrable = (t === "number" && /^-?[0-9]/.test(lit)) ||
    (t === "bigint" && /^-?[0-9]+n$/.test(lit)) ||
    (t === "boolean" && /^(true|false)$/.test(lit)) ||
    (t === "string" && lit.startsWith('"'));
  return inferrable ? `let ${local} = ${lit};` : `let ${local}: ${t} = ${lit};`;
}

function typeNullable(f: FieldDef): boolean {
  return f.nullable !== null || primOf(f.type) === "records";
}

function parseIntDefault(raw: string | number, where: string): number {
  if (typeof raw === "number") return raw;
  const s = raw.trim();
  let n: number;
  if (/^-?0[0-7]+$/.test(s)) n = parseInt(s, 8);
  else if (/^-?0x[0-9a-f]+$/i.test(s)) {
    n = s.startsWith("-") ? -parseInt(s.slice(3), 16) : parseInt(s.slice(2), 16);
  } else n = Number(s);
  if (!Number.isInteger(n)) throw new Error(`${where}: bad integer default ${raw}`);
  return n;
}

function parseBigDefault(raw: string | number, where: string): bigint {
  if (typeof raw === "number") return BigInt(raw);
  const s = raw.trim();
  try {
    if (/^-0x/i.test(s)) return -BigInt(s.slice(1));
    if (/^-?0[0-7]+$/.test(s)) {
      const v = BigInt(`0o${s.replace(/^-?0/, "")}`);
      return s.startsWith("-") ? -v : v;
    }
    return BigInt(s);
  } catch {
    throw new Error(`${where}: bad int64 default ${raw}`);
  }
}

const INT_RANGES: Partial<Record<Prim, [number, number]>> = {
  int8: [-128, 127],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

function defaultOf(f: FieldDef): Default {
  const raw = f.raw.default;
  const where = `${f.owner.message.loaded.file} ${f.owner.specName}.${f.raw.name}`;
  if (raw === "null") {
    if (!f.nullable && primOf(f.type) !== "records") {
      throw new Error(`${where}: null default on a non-nullable field`);
    }
    return { lit: "null", kind: "null" };
  }
  if (f.type.kind === "array") {
    if (raw !== undefined && raw !== "") throw new Error(`${where}: arrays default to empty`);
    return { lit: "[]", kind: "empty" };
  }
  if (f.type.kind === "struct") {
    if (raw !== undefined) throw new Error(`${where}: structs default to their defaults`);
    return { lit: `default${f.type.struct.tsName}()`, kind: "struct" };
  }
  switch (f.type.prim) {
    case "bool":
      if (raw === undefined) return { lit: "false", kind: "scalar" };
      if (raw === true || raw === "true") return { lit: "true", kind: "scalar" };
      if (raw === false || raw === "false") return { lit: "false", kind: "scalar" };
      throw new Error(`${where}: bad bool default ${raw}`);
    case "int8":
    case "int16":
    case "uint16":
    case "int32":
    case "uint32": {
      if (raw === undefined) return { lit: "0", kind: "scalar" };
      if (typeof raw === "boolean") throw new Error(`${where}: bad default ${raw}`);
      const n = parseIntDefault(raw, where);
      const [lo, hi] = INT_RANGES[f.type.prim]!;
      if (n < lo || n > hi) throw new Error(`${where}: default ${raw} out of range`);
      return { lit: String(n), kind: "scalar" };
    }
    case "int64": {
      if (raw === undefined) return { lit: "0n", kind: "scalar" };
      if (typeof raw === "boolean") throw new Error(`${where}: bad default ${raw}`);
      return { lit: `${parseBigDefault(raw, where)}n`, kind: "scalar" };
    }
    case "float64": {
      if (raw === undefined) return { lit: "0", kind: "scalar" };
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`${where}: bad float64 default ${raw}`);
      return { lit: String(n), kind: "scalar" };
    }
    case "string":
      if (raw === undefined) return { lit: '""', kind: "scalar" };
      return { lit: JSON.stringify(String(raw)), kind: "scalar" };
    case "uuid":
      if (raw !== undefined) throw new Error(`${where}: uuid defaults are not supported`);
      return { lit: "ZERO_UUID", kind: "scalar" };
    case "bytes":
      if (raw !== undefined) throw new Error(`${where}: bytes default to empty`);
      return { lit: "new Uint8Array(0)", kind: "empty" };
    case "records":
      if (raw !== undefined) throw new Error(`${where}: records default to null`);
      return { lit: "null", kind: "null" };
  }
}

function isRequired(f: FieldDef): boolean {
  return f.tagged === null && !f.explicitDefault && covers(f.versions, f.owner.ctx);
}

// ---------------------------------------------------------------------------------------------
// Output with dprint-compatible line breaking

/** Splits `s` at top-level occurrences of `sep` (outside brackets and strings). */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = "";
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\") i++;
      else if (c === quote) quote = "";
      continue;
    }
    if (c === '"' || c === "'" || c === "`") quote = c;
    else if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (depth === 0 && s.startsWith(sep, i)) {
      out.push(s.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** The index of the bracket matching the one closing at `close`. */
function openingOf(s: string, close: number): number {
  let depth = 0;
  for (let i = close; i >= 0; i--) {
    const c = s[i];
    if (c === ")" || c === "]" || c === "}") depth++;
    else if (c === "(" || c === "[" || c === "{") {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function breakLine(text: string, indent: number): string[] {
  const pad = "  ".repeat(indent);
  const pad2 = "  ".repeat(indent + 1);
  if (pad.length + text.length <= WIDTH || text.startsWith("//") || text.startsWith("*")) {
    return [pad + text];
  }
  let m: RegExpExecArray | null;
  // if (cond) stmt;  becomes a block, as dprint does when the statement must break.
  if (
    (m = /^if \((.*?)\) ((?:throw|return) .*;)$/.exec(text)) && splitTop(m[1]!, ")").length === 1
  ) {
    return [
      ...breakLine(`if (${m[1]}) {`, indent),
      ...breakLine(m[2]!, indent + 1),
      `${pad}}`,
    ];
  }
  // if (cond) {
  if ((m = /^((?:\} else )?if) \((.*)\) \{$/.exec(text))) {
    // dprint packs the operands of a long && chain greedily, `&&` ending each line.
    const parts = splitTop(m[2]!, " && ");
    const lines: string[] = [];
    let cur = "";
    parts.forEach((part, i) => {
      const piece = i < parts.length - 1 ? `${part} &&` : part;
      if (cur && pad2.length + cur.length + 1 + piece.length > WIDTH) {
        lines.push(pad2 + cur);
        cur = piece;
      } else cur = cur ? `${cur} ${piece}` : piece;
    });
    lines.push(pad2 + cur);
    return [`${pad}${m[1]} (`, ...lines, `${pad}) {`];
  }
  // const x = a ? b : c;
  if ((m = /^((?:const|let) [^=]+ = )(.*);$/.exec(text))) {
    const parts = splitTop(m[2]!, " ? ");
    if (parts.length === 2) {
      const alt = splitTop(parts[1]!, " : ");
      if (alt.length === 2) {
        return [`${pad}${m[1]}${parts[0]}`, `${pad2}? ${alt[0]}`, `${pad2}: ${alt[1]};`];
      }
    }
  }
  // let x: A | B = v;   name?: A | B;
  if ((m = /^((?:let |const )?[A-Za-z0-9_]+\??:) (.*?)( = .*)?;$/.exec(text))) {
    const alts = splitTop(m[2]!, " | ");
    if (alts.length > 1 && !m[2]!.includes("=>")) {
      const lines = [`${pad}${m[1]}`];
      alts.forEach((a, i) => {
        lines.push(`${pad2}| ${a}${i === alts.length - 1 ? `${m![3] ?? ""};` : ""}`);
      });
      return lines;
    }
    if (m[3]) return [`${pad}${m[1]} ${m[2]} =`, `${pad2}${m[3].slice(3)};`];
  }
  // function f(a, b): T {   and   x(a, b);
  let end = -1;
  let tail = "";
  if ((m = /\)(: [^()]+ \{)$/.exec(text))) {
    end = text.length - m[1]!.length - 1;
    tail = m[1]!;
  } else if (text.endsWith(");")) {
    end = text.length - 2;
    tail = ";";
  } else if (text.endsWith(") {")) {
    end = text.length - 3;
    tail = " {";
  }
  if (end >= 0) {
    const open = openingOf(text, end);
    if (open > 0) {
      const args = splitTop(text.slice(open + 1, end), ", ");
      return [
        `${pad}${text.slice(0, open + 1)}`,
        ...args.map((a) => `${pad2}${a},`),
        `${pad})${tail}`,
      ];
    }
  }
  return [pad + text];
}

class Out {
  readonly lines: string[] = [];
  #indent: number;

  constructor(indent = 0) {
    this.#indent = indent;
  }

  add(text: string): void {
    for (const l of breakLine(text, this.#indent)) this.lines.push(l);
  }

  open(text: string): void {
    this.add(text);
    this.#indent++;
  }

  close(text = "}"): void {
    this.#indent--;
    this.add(text);
  }

  /** A line between two blocks, such as `} else {`. */
  mid(text: string): void {
    this.#indent--;
    this.add(text);
    this.#indent++;
  }

  blank(): void {
    if (this.lines.length && this.lines[this.lines.length - 1] !== "") this.lines.push("");
  }

  /** A JSDoc block, wrapped to the line width. */
  doc(paragraphs: string[]): void {
    const pad = "  ".repeat(this.#indent);
    const text = paragraphs.filter((p) => p.trim() !== "").map((p) => p.trim());
    if (text.length === 0) return;
    if (text.length === 1 && !text[0]!.includes("\n")) {
      const one = `${pad}/** ${text[0]} */`;
      if (one.length <= WIDTH) {
        this.lines.push(one);
        return;
      }
    }
    this.lines.push(`${pad}/**`);
    text.forEach((p, i) => {
      if (i > 0) this.lines.push(`${pad} *`);
      for (const raw of p.split("\n")) {
        for (const l of wrap(raw, WIDTH - pad.length - 3)) {
          this.lines.push(l === "" ? `${pad} *` : `${pad} * ${l}`);
        }
      }
    });
    this.lines.push(`${pad} */`);
  }

  lineRaw(text: string): void {
    this.lines.push(text);
  }

  text(): string {
    while (this.lines.length && this.lines[this.lines.length - 1] === "") this.lines.pop();
    return this.lines.join("\n") + "\n";
  }
}

function escapeDoc(s: string): string {
  return s.replace(/\*\//g, "*\\/").replace(/@(?=[a-z])/g, "\\@").trim();
}

function wrap(text: string, width: number): string[] {
  if (text.length <= width) return [text];
  const lead = /^\s*(- )?/.exec(text)![0];
  const cont = " ".repeat(lead.length);
  const words = text.slice(lead.length).split(/\s+/);
  const lines: string[] = [];
  let cur = lead;
  for (const w of words) {
    if (cur.trim() !== "" && cur.length + 1 + w.length > width) {
      lines.push(cur.trimEnd());
      cur = cont + w;
    } else cur = cur.trim() === "" ? cur + w : `${cur} ${w}`;
  }
  if (cur.trim() !== "") lines.push(cur.trimEnd());
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Code generation for one file

/** What a generated file needs to import. */
class Imports {
  readonly helpers = new Set<string>();
  readerType = false;
  writerType = false;
  writerValue = false;
  zeroUuid = false;
}

/** Per-function state: whether `flexible` and `version` were used. */
class Fn {
  usesFlexible = false;
  usesVersion = false;
  constructor(readonly ctx: Range, readonly flex: Range | null) {}

  /** The expression for "this field uses compact encodings", within `p`. */
  flexFor(f: FieldDef, p: Range): string {
    const range = f.flexOverride !== undefined ? f.flexOverride : this.flex;
    const c = inRange(range, p);
    if (c === "true" || c === "false") return c;
    if (f.flexOverride === undefined) {
      this.usesFlexible = true;
      return "flexible";
    }
    this.usesVersion = true;
    return c;
  }

  cond(c: string): string {
    if (c.includes("version")) this.usesVersion = true;
    return c;
  }
}

class FileGen {
  readonly out = new Out();
  readonly imports = new Imports();
  readonly needDefault = new Set<StructDef>();
  readonly needIsDefault = new Set<StructDef>();

  helper(name: string): string {
    this.imports.helpers.add(name);
    return name;
  }

  // ---- defaults ------------------------------------------------------------------------------

  defaultLit(f: FieldDef): string {
    const d = defaultOf(f);
    if (d.kind === "struct" && f.type.kind === "struct") this.needDefault.add(f.type.struct);
    if (d.lit === "ZERO_UUID") this.imports.zeroUuid = true;
    return d.lit;
  }

  /** An expression true when `e` (the user's value, maybe undefined) is not the default. */
  nonDefault(f: FieldDef, e: string): string {
    const d = defaultOf(f);
    const nul = typeNullable(f);
    switch (d.kind) {
      case "null":
        return `${e} !== undefined && ${e} !== null`;
      case "scalar":
        if (d.lit === "ZERO_UUID") this.imports.zeroUuid = true;
        return `${e} !== undefined && ${e} !== ${d.lit}`;
      case "empty":
        return nul
          ? `${e} !== undefined && (${e} === null || ${e}.length !== 0)`
          : `${e} !== undefined && ${e}.length !== 0`;
      case "struct": {
        const s = (f.type as { struct: StructDef }).struct;
        this.needIsDefault.add(s);
        return nul
          ? `${e} !== undefined && (${e} === null || !isDefault${s.tsName}(${e}))`
          : `${e} !== undefined && !isDefault${s.tsName}(${e})`;
      }
    }
  }

  /** An expression true when `e` is undefined or the default. */
  isDefault(f: FieldDef, e: string): string {
    const d = defaultOf(f);
    const nul = typeNullable(f);
    switch (d.kind) {
      case "null":
        return `(${e} === undefined || ${e} === null)`;
      case "scalar":
        if (d.lit === "ZERO_UUID") this.imports.zeroUuid = true;
        return `(${e} === undefined || ${e} === ${d.lit})`;
      case "empty":
        return nul
          ? `(${e} === undefined || (${e} !== null && ${e}.length === 0))`
          : `(${e} === undefined || ${e}.length === 0)`;
      case "struct": {
        const s = (f.type as { struct: StructDef }).struct;
        this.needIsDefault.add(s);
        return nul
          ? `(${e} === undefined || (${e} !== null && isDefault${s.tsName}(${e})))`
          : `(${e} === undefined || isDefault${s.tsName}(${e}))`;
      }
    }
  }

  /** The value to encode for `f`: the user's, or the default when left out. */
  value(f: FieldDef): string {
    const access = `m.${f.prop}`;
    if (isRequired(f)) return access;
    const d = defaultOf(f);
    const lit = this.defaultLit(f);
    if (d.kind !== "null" && typeNullable(f)) return `${access} === undefined ? ${lit} : ${access}`;
    return `${access} ?? ${lit}`;
  }

  // ---- minimum sizes -------------------------------------------------------------------------

  fieldMinSize(f: FieldDef, v: number): number {
    const msg = f.owner.message;
    const flexRange = f.flexOverride !== undefined ? f.flexOverride : msg.flex;
    const compact = covers(flexRange, { lo: v, hi: v });
    if (f.type.kind === "array") return compact ? 1 : 4;
    if (f.type.kind === "struct") {
      return covers(f.nullable, { lo: v, hi: v }) ? 1 : this.structMinSize(f.type.struct, v);
    }
    return primMinSize(f.type.prim, compact);
  }

  structMinSize(s: StructDef, v: number): number {
    let n = covers(s.message.flex, { lo: v, hi: v }) ? 1 : 0;
    for (const f of s.fields) {
      if (f.tagged || !covers(f.versions, { lo: v, hi: v })) continue;
      n += this.fieldMinSize(f, v);
    }
    return n;
  }

  /** The fewest bytes one element of array field `f` takes in the versions `p`. */
  elemMinSize(f: FieldDef, p: Range): number {
    if (f.type.kind !== "array") throw new Error("not an array");
    const elem = f.type.elem;
    const msg = f.owner.message;
    const flexRange = f.flexOverride !== undefined ? f.flexOverride : msg.flex;
    let min = Infinity;
    for (let v = p.lo; v <= Math.min(p.hi, msg.valid.hi); v++) {
      const compact = covers(flexRange, { lo: v, hi: v });
      const n = elem.kind === "prim"
        ? primMinSize(elem.prim, compact)
        : this.structMinSize(elem.struct, v);
      min = Math.min(min, n);
    }
    if (!(min >= 1)) {
      throw new Error(
        `${msg.loaded.file} ${f.owner.specName}.${f.raw.name}: elements can be empty`,
      );
    }
    return min;
  }

  // ---- reading -------------------------------------------------------------------------------

  /** An expression reading one primitive. */
  readPrim(p: Prim, flex: string, nullable: boolean): string {
    const pick = (a: string, b: string) =>
      flex === "true" ? a : flex === "false" ? b : `${flex} ? ${a} : ${b}`;
    switch (p) {
      case "string":
        return nullable
          ? pick("r.compactNullableString()", "r.nullableString()")
          : pick("r.compactString()", "r.string()");
      case "bytes":
      case "records":
        return nullable
          ? pick("r.compactNullableBytes()", "r.nullableBytes()")
          : pick("r.compactBytes()", "r.bytes()");
      default:
        return `r.${p}()`;
    }
  }

  /**
   * Statements reading field `f` (present in the versions `p`) into local `target`, which is
   * already declared with `let` when `declared`, otherwise declared here with `const`.
   */
  readField(o: Out, fn: Fn, f: FieldDef, p: Range, declared: boolean): void {
    const what = f.owner.tsName;
    const flex = fn.flexFor(f, p);
    const nullCond = inRange(f.nullable, p);
    const notNull = notInRange(f.nullable, p);
    const x = f.local;
    const assign = declared ? `${x} = ` : `const ${x} = `;
    const nullOnWire = () => {
      fn.usesVersion = true;
      return `throw ${this.helper("nullOnWire")}("${what}", "${f.prop}", version);`;
    };
    const t = f.type;
    if (t.kind === "prim") {
      o.add(`${assign}${this.readPrim(t.prim, flex, nullCond !== "false")};`);
      if (nullCond !== "false" && nullCond !== "true") {
        fn.usesVersion = true;
        o.add(`if (${x} === null && ${wrapOr(fn.cond(notNull))}) ${nullOnWire()}`);
      }
      return;
    }
    if (t.kind === "struct") {
      const read = `read${t.struct.tsName}(r, version)`;
      fn.usesVersion = true;
      if (nullCond === "false") {
        o.add(`${assign}${read};`);
        return;
      }
      if (!declared) o.add(`let ${x}: ${tsType(f)} = null;`);
      if (nullCond === "true") {
        o.add(`if (r.int8() >= 0) ${x} = ${read};`);
      } else {
        o.open(`if (r.int8() >= 0) {`);
        o.add(`${x} = ${read};`);
        o.mid(`} else if (${fn.cond(notNull)}) {`);
        o.add(nullOnWire());
        o.close();
      }
      return;
    }
    // Arrays.
    const min = this.elemMinSize(f, p);
    const count = `${x}Count`;
    const countExpr = flex === "true"
      ? `r.compactArrayLength(${min})`
      : flex === "false"
      ? `r.arrayLength(${min})`
      : `${flex} ? r.compactArrayLength(${min}) : r.arrayLength(${min})`;
    o.add(`const ${count} = ${countExpr};`);
    const elemRead = t.elem.kind === "prim"
      ? this.readPrim(t.elem.prim, flex, false)
      : `read${t.elem.struct.tsName}(r, version)`;
    if (t.elem.kind === "struct") fn.usesVersion = true;
    const elemType = tsElem(t.elem);
    const loop = (into: string) => {
      o.open(`for (let i = 0; i < ${count}; i++) {`);
      o.add(`${into}.push(${elemRead});`);
      o.close();
    };
    if (nullCond === "false" && !declared) {
      o.add(`if (${count} < 0) ${nullOnWire()}`);
      o.add(`const ${x}: ${elemType}[] = [];`);
      loop(x);
      return;
    }
    if (!declared) o.add(`let ${x}: ${tsType(f)} = null;`);
    if (nullCond === "false") {
      // Declared already, holding a fresh [] (arrays that are never null default to empty).
      o.add(`if (${count} < 0) ${nullOnWire()}`);
      loop(x);
      return;
    }
    o.open(`if (${count} < 0) {`);
    if (nullCond !== "true") o.add(`if (${fn.cond(notNull)}) ${nullOnWire()}`);
    o.add(`${x} = null;`);
    o.mid(`} else {`);
    o.add(`${x} = [];`);
    loop(x);
    o.close();
  }

  // ---- writing -------------------------------------------------------------------------------

  /** A statement writing one primitive `v` to writer `wv`. */
  writePrim(p: Prim, flex: string, nullable: boolean, wv: string, v: string): string {
    const pick = (compact: string, classic: string, helper: string) =>
      flex === "true"
        ? `${wv}.${compact}(${v});`
        : flex === "false"
        ? `${wv}.${classic}(${v});`
        : `${this.helper(helper)}(${wv}, ${flex}, ${v});`;
    switch (p) {
      case "string":
        return nullable
          ? pick("compactNullableString", "nullableString", "writeNullableString")
          : pick("compactString", "string", "writeString");
      case "bytes":
      case "records":
        return nullable
          ? pick("compactNullableBytes", "nullableBytes", "writeNullableBytes")
          : pick("compactBytes", "bytes", "writeBytes");
      default:
        return `${wv}.${p}(${v});`;
    }
  }

  /** Statements writing the value of `f` (present in versions `p`) to writer `wv`. */
  writeField(o: Out, fn: Fn, f: FieldDef, p: Range, wv: string, value: string): void {
    const what = f.owner.tsName;
    const flex = fn.flexFor(f, p);
    const nullCond = inRange(f.nullable, p);
    const notNull = notInRange(f.nullable, p);
    const nullField = () => {
      fn.usesVersion = true;
      return `throw ${this.helper("nullField")}("${what}", "${f.prop}", version);`;
    };
    const t = f.type;
    const nul = typeNullable(f);
    // Bind the value to a local when it is used more than once or must be narrowed.
    const simple = /^m\.[A-Za-z0-9_]+$/.test(value);
    let v = value;
    const bind = () => {
      if (!simple && v === value) {
        o.add(`const ${f.local} = ${value};`);
        v = f.local;
      }
    };
    if (t.kind === "prim") {
      if (nul && nullCond !== "true") {
        bind();
        if (nullCond === "false") o.add(`if (${v} === null) ${nullField()}`);
        else o.add(`if (${v} === null && ${wrapOr(fn.cond(notNull))}) ${nullField()}`);
      }
      const nullableWrite = nullCond !== "false";
      o.add(this.writePrim(t.prim, flex, nullableWrite, wv, v));
      return;
    }
    if (t.kind === "struct") {
      fn.usesVersion = true;
      const write = (x: string) => `write${t.struct.tsName}(${wv}, version, ${x});`;
      if (!nul) {
        o.add(write(v));
        return;
      }
      bind();
      o.open(`if (${v} === null) {`);
      if (nullCond === "false") o.add(nullField());
      else {
        if (nullCond !== "true") o.add(`if (${fn.cond(notNull)}) ${nullField()}`);
        o.add(`${wv}.int8(-1);`);
      }
      o.mid(`} else {`);
      o.add(`${wv}.int8(1);`);
      o.add(write(v));
      o.close();
      return;
    }
    // Arrays.
    bind();
    const len = (n: string) =>
      flex === "true"
        ? `${wv}.compactArrayLength(${n});`
        : flex === "false"
        ? `${wv}.arrayLength(${n});`
        : `${this.helper("writeArrayLength")}(${wv}, ${flex}, ${n});`;
    const loop = () => {
      o.add(len(`${v}.length`));
      o.open(`for (const e of ${v}) {`);
      if (t.elem.kind === "prim") o.add(this.writePrim(t.elem.prim, flex, false, wv, "e"));
      else {
        fn.usesVersion = true;
        o.add(`write${t.elem.struct.tsName}(${wv}, version, e);`);
      }
      o.close();
    };
    if (!nul) {
      loop();
      return;
    }
    o.open(`if (${v} === null) {`);
    if (nullCond === "false") o.add(nullField());
    else {
      if (nullCond !== "true") o.add(`if (${fn.cond(notNull)}) ${nullField()}`);
      o.add(len("null"));
    }
    o.mid(`} else {`);
    loop();
    o.close();
  }

  // ---- structs -------------------------------------------------------------------------------

  structCtx(s: StructDef): Range {
    return s.ctx ?? s.message.valid;
  }

  genDecode(s: StructDef): void {
    const msg = s.message;
    const ctx = this.structCtx(s);
    const fn = new Fn(ctx, msg.flex);
    const body = new Out(1);
    const flexCond = inRange(msg.flex, ctx);
    const tagged = s.fields.filter((f) => f.tagged).sort((a, b) => a.tag! - b.tag!);
    for (const f of s.fields) {
      const p = intersect(f.versions, ctx);
      if (f.tagged) {
        const tp = intersect(p, msg.flex);
        if (tp) {
          body.add(letDecl(f.local, f, this.defaultLit(f), tp));
        }
        continue;
      }
      if (!p) continue;
      const present = fn.cond(inRange(f.versions, ctx));
      if (present === "true") {
        this.readField(body, fn, f, p, false);
      } else {
        body.add(letDecl(f.local, f, this.defaultLit(f), p));
        body.open(`if (${present}) {`);
        this.readField(body, fn, f, p, true);
        body.close();
      }
    }
    // The tagged-field section.
    if (flexCond !== "false") {
      const flexCtx = intersect(ctx, msg.flex)!;
      const known = tagged.filter((f) => intersect(f.versions, flexCtx));
      const guard = flexCond !== "true";
      if (guard) {
        fn.usesFlexible = true;
        body.open(`if (flexible) {`);
      }
      if (known.length === 0) {
        body.add(`${this.helper("skipTaggedFields")}(r);`);
      } else {
        body.add(`const tagCount = r.uvarint();`);
        body.open(`for (let i = 0; i < tagCount; i++) {`);
        body.add(`const tag = r.uvarint();`);
        body.add(`const size = r.uvarint();`);
        body.add(`const end = r.offset + size;`);
        body.add(`r.need(size);`);
        known.forEach((f, i) => {
          const p = intersect(f.versions, flexCtx)!;
          const when = fn.cond(inRange(f.versions, flexCtx));
          const test = when === "true" ? `tag === ${f.tag}` : `tag === ${f.tag} && ${when}`;
          if (i === 0) body.open(`if (${test}) {`);
          else body.mid(`} else if (${test}) {`);
          this.readField(body, fn, f, p, true);
        });
        body.mid(`} else {`);
        body.add(`r.skip(size);`);
        body.close();
        const mismatch = this.helper("taggedSizeMismatch");
        body.add(`if (r.offset !== end) throw ${mismatch}("${s.tsName}", tag, size);`);
        body.close();
      }
      if (guard) body.close();
    }
    // The result.
    const props = s.fields.map((f) => {
      const p = intersect(f.versions, ctx);
      const present = f.tagged ? intersect(p, msg.flex) : p;
      const v = present ? f.local : this.defaultLit(f);
      return v === f.prop ? `${f.prop},` : `${f.prop}: ${v},`;
    });
    if (props.length === 0) body.add(`return {};`);
    else {
      body.open(`return {`);
      for (const p of props) body.add(p);
      body.close(`};`);
    }

    const o = this.out;
    this.imports.readerType = true;
    if (s.top) {
      o.doc([
        `Reads ${article(s.tsName)} ${s.tsName}${body_(msg)} at \`version\` (${
          rangeText(msg.valid)
        }).`,
        "Fields absent at that version get their defaults; byte fields are views into the " +
        "input. Malformed input throws `MalformedDataError`; an unknown version, `RangeError`.",
      ]);
      const rv = body.lines.some((l) => /\br\b/.test(l)) ? "r" : "_r";
      o.open(`export function decode${s.tsName}(${rv}: Reader, version: number): ${s.tsName} {`);
      const check = this.helper("checkVersion");
      o.add(`${check}("decode", "${s.tsName}", version, ${msg.valid.lo}, ${msg.valid.hi});`);
    } else {
      const v = fn.usesVersion || fn.usesFlexible ? "version" : "_version";
      const rv = body.lines.some((l) => /\br\b/.test(l)) ? "r" : "_r";
      o.open(`function read${s.tsName}(${rv}: Reader, ${v}: number): ${s.tsName} {`);
    }
    if (fn.usesFlexible) o.add(`const flexible = ${flexCond};`);
    for (const l of body.lines) o.lineRaw(l);
    o.close();
    o.blank();
  }

  genEncode(s: StructDef): void {
    const msg = s.message;
    const ctx = this.structCtx(s);
    const fn = new Fn(ctx, msg.flex);
    const body = new Out(1);
    const flexCond = inRange(msg.flex, ctx);
    const tagged = s.fields.filter((f) => f.tagged).sort((a, b) => a.tag! - b.tag!);
    const absent = (f: FieldDef) => {
      fn.usesVersion = true;
      const versions = rangeText(f.versions);
      return `throw ${
        this.helper("absentField")
      }("${s.tsName}", "${f.prop}", "${versions}", version, m.${f.prop});`;
    };
    for (const f of s.fields) {
      const p = intersect(f.versions, ctx);
      if (f.tagged) {
        // Tagged fields are written at the end; here only refuse them where the version lacks
        // them.
        const missing = fn.cond(notInRange(intersect(f.versions, msg.flex), ctx));
        if (missing !== "false" && !f.ignorable) {
          const test = and(missing, this.nonDefault(f, `m.${f.prop}`));
          body.add(`if (${test}) ${absent(f)}`);
        }
        continue;
      }
      const present = fn.cond(inRange(f.versions, ctx));
      if (present === "true") {
        this.writeField(body, fn, f, p!, "w", this.value(f));
        continue;
      }
      if (present === "false") {
        if (!f.ignorable) {
          body.add(`if (${this.nonDefault(f, `m.${f.prop}`)}) ${absent(f)}`);
        }
        continue;
      }
      body.open(`if (${present}) {`);
      this.writeField(body, fn, f, p!, "w", this.value(f));
      if (!f.ignorable) {
        body.mid(`} else if (${this.nonDefault(f, `m.${f.prop}`)}) {`);
        body.add(absent(f));
      }
      body.close();
    }
    if (flexCond !== "false") {
      const flexCtx = intersect(ctx, msg.flex)!;
      const known = tagged.filter((f) => intersect(f.versions, flexCtx));
      const guard = flexCond !== "true";
      if (guard) {
        fn.usesFlexible = true;
        body.open(`if (flexible) {`);
      }
      if (known.length === 0) body.add(`w.uvarint(0);`);
      else {
        const conds = known.map((f) => {
          const when = fn.cond(inRange(f.versions, flexCtx));
          return and(when, this.nonDefault(f, `m.${f.prop}`));
        });
        body.add(`let tagCount = 0;`);
        for (const c of conds) {
          body.open(`if (${c}) {`);
          body.add("tagCount++;");
          body.close();
        }
        body.add(`w.uvarint(tagCount);`);
        known.forEach((f, i) => {
          const p = intersect(f.versions, flexCtx)!;
          body.open(`if (${conds[i]}) {`);
          body.add(`w.uvarint(${f.tag});`);
          const fixed = f.type.kind === "prim" ? FIXED_SIZE[f.type.prim] : undefined;
          if (fixed !== undefined) {
            body.add(`w.uvarint(${fixed});`);
            this.writeField(body, fn, f, p, "w", `m.${f.prop}`);
          } else {
            // The size comes first, so write the value aside; tagged fields are rare and small.
            this.imports.writerValue = true;
            body.add(`const t = new Writer(64);`);
            this.writeField(body, fn, f, p, "t", `m.${f.prop}`);
            body.add(`w.uvarint(t.length);`);
            body.add(`w.raw(t.finish());`);
          }
          body.close();
        });
      }
      if (guard) body.close();
    }

    const o = this.out;
    this.imports.writerType = true;
    if (s.top) {
      o.doc([
        `Writes ${article(s.tsName)} ${s.tsName}${body_(msg)} at \`version\` (${
          rangeText(msg.valid)
        }).`,
        "Omitted optional fields take their defaults. A field the version lacks is dropped " +
        "when it holds its default or is ignorable, else a `TypeError` is thrown; so is null " +
        "where the version does not allow it. An unknown version throws `RangeError`.",
      ]);
      const mv = body.lines.some((l) => /\bm\./.test(l)) ? "m" : "_m";
      o.open(
        `export function encode${s.tsName}(w: Writer, version: number, ${mv}: ${s.tsName}): void {`,
      );
      const check = this.helper("checkVersion");
      o.add(`${check}("encode", "${s.tsName}", version, ${msg.valid.lo}, ${msg.valid.hi});`);
    } else {
      const v = fn.usesVersion || fn.usesFlexible ? "version" : "_version";
      const mv = body.lines.some((l) => /\bm\./.test(l)) ? "m" : "_m";
      const wv = body.lines.some((l) => /\bw\./.test(l)) ? "w" : "_w";
      o.open(`function write${s.tsName}(${wv}: Writer, ${v}: number, ${mv}: ${s.tsName}): void {`);
    }
    if (fn.usesFlexible) o.add(`const flexible = ${flexCond};`);
    for (const l of body.lines) o.lineRaw(l);
    o.close();
    o.blank();
  }

  genDefaultFns(): void {
    // Defaults and default tests may need those of nested structs; run to a fixed point.
    const doneD = new Set<StructDef>();
    const doneI = new Set<StructDef>();
    const o = this.out;
    for (;;) {
      const d = [...this.needDefault].find((s) => !doneD.has(s));
      const i = [...this.needIsDefault].find((s) => !doneI.has(s));
      if (!d && !i) break;
      if (d) {
        doneD.add(d);
        const lines = d.fields.map((f) => {
          const lit = this.defaultLit(f);
          return `${f.prop}: ${lit},`;
        });
        o.open(`function default${d.tsName}(): ${d.tsName} {`);
        if (lines.length === 0) o.add("return {};");
        else {
          o.open("return {");
          for (const l of lines) o.add(l);
          o.close("};");
        }
        o.close();
        o.blank();
      }
      if (i) {
        doneI.add(i);
        const mv = i.fields.length ? "m" : "_m";
        o.open(`function isDefault${i.tsName}(${mv}: ${i.tsName}): boolean {`);
        const tests = i.fields.map((f) => this.isDefault(f, `m.${f.prop}`));
        if (tests.length === 0) o.add("return true;");
        else {
          const one = `return ${tests.join(" && ")};`;
          if (one.length + 4 <= WIDTH) o.add(one);
          else {
            // How dprint lays out a long && chain.
            o.open("return (");
            tests.forEach((t, k) => o.add(k === tests.length - 1 ? t : `${t} &&`));
            o.close(");");
          }
        }
        o.close();
        o.blank();
      }
    }
  }
}

/** "a" or "an", for the name that follows. */
function article(name: string): string {
  return /^[AEIOU]/.test(name) ? "an" : "a";
}

/** " body" for requests and responses, which follow a header. */
function body_(msg: MessageDef): string {
  return msg.spec.type === "request" || msg.spec.type === "response" ? " body" : "";
}

function wrapOr(s: string): string {
  return s.includes("||") ? `(${s})` : s;
}

function primMinSize(p: Prim, compact: boolean): number {
  const fixed = FIXED_SIZE[p];
  if (fixed !== undefined) return fixed;
  if (compact) return 1;
  return p === "string" ? 2 : 4;
}

// ---------------------------------------------------------------------------------------------
// Interfaces and docs

function fieldDoc(f: FieldDef): string[] {
  const notes: string[] = [];
  const ctx = f.owner.ctx ?? f.owner.message.valid;
  if (!covers(f.versions, ctx)) notes.push(`Versions ${rangeText(f.versions)}.`);
  if (f.nullable) {
    notes.push(
      covers(f.nullable, intersect(f.versions, ctx))
        ? "Nullable."
        : `Nullable in versions ${rangeText(f.nullable)}.`,
    );
  }
  if (f.tagged) notes.push(`Tagged field ${f.tag}.`);
  if (f.ignorable) notes.push("Ignorable: dropped silently by versions without it.");
  if (f.raw.mapKey) notes.push("Map key.");
  if (f.raw.entityType) notes.push(`Entity type: ${f.raw.entityType}.`);
  if (f.raw.zeroCopy) notes.push("Zero copy: decoded as a view into the input.");
  // A few spec fields have no `about`; name the Kafka field and type rather than say nothing.
  const about = escapeDoc(f.raw.about ?? "") || `Kafka's \`${f.raw.name}\` (\`${f.raw.type}\`).`;
  const paras = [about];
  if (notes.length) paras.push(notes.join(" "));
  if (f.explicitDefault) paras.push(`@default {${defaultOf(f).lit}}`);
  return paras;
}

function genInterface(g: FileGen, s: StructDef): void {
  const msg = s.message;
  const o = g.out;
  const docs: string[] = [];
  if (s.top) {
    const kind = msg.spec.type;
    const first = kind === "request" || kind === "response"
      ? `The ${apiBase(msg.spec)} ${kind} (API key ${msg.spec.apiKey}), versions ${
        rangeText(msg.valid)
      }.`
      : `${msg.name} (${kind}), versions ${rangeText(msg.valid)}.`;
    docs.push(first);
    if (msg.loaded.notes.length) docs.push(escapeDoc(msg.loaded.notes.join("\n")));
  } else {
    const users = new Set<string>();
    for (const t of msg.structs) {
      for (const f of t.fields) {
        const ft = f.type.kind === "array" ? f.type.elem : f.type;
        if (ft.kind === "struct" && ft.struct === s) {
          users.add(`\`${t.tsName}.${f.prop}\``);
        }
      }
    }
    const about = escapeDoc(s.doc);
    docs.push(`An element of ${[...users].join(" and ")}${about ? `: ${about}` : "."}`);
    if (!covers(s.ctx, msg.valid)) docs.push(`Used in versions ${rangeText(s.ctx)}.`);
  }
  o.doc(docs);
  if (s.fields.length === 0) {
    o.add(`// deno-lint-ignore no-empty-interface`);
    o.add(`export interface ${s.tsName} {}`);
    o.blank();
    return;
  }
  o.open(`export interface ${s.tsName} {`);
  for (const f of s.fields) {
    o.doc(fieldDoc(f));
    o.add(`${f.prop}${isRequired(f) ? "" : "?"}: ${tsType(f)};`);
  }
  o.close();
  o.blank();
}

// ---------------------------------------------------------------------------------------------
// Files

interface OutFile {
  path: string;
  text: string;
}

function header(files: string[]): string {
  const from = files.length === 1
    ? files[0]
    : `${files.slice(0, -1).join(", ")} and ${files.at(-1)}`;
  return `${MARKER} from ${from}. DO NOT EDIT; run \`deno task gen\`.`;
}

function importLine(names: string[], from: string): string {
  // deno fmt sorts named imports case-insensitively, ignoring `type`.
  const key = (n: string) => n.replace(/^type /, "").toLowerCase();
  names = [...names].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const list = names.join(", ");
  const one = `import { ${list} } from "${from}";`;
  if (one.length <= WIDTH) return one;
  return `import {\n${names.map((n) => `  ${n},`).join("\n")}\n} from "${from}";`;
}

function genMessageFile(msgs: MessageDef[], info: ApiFacts | null): OutFile {
  const g = new FileGen();
  const o = g.out;
  for (const msg of msgs) {
    for (const s of msg.structs) genInterface(g, s);
  }
  if (info) genApiInfo(g, info);
  for (const msg of msgs) {
    genDecodeEncode(g, msg);
  }
  g.genDefaultFns();

  // Header, module doc and imports.
  const first = msgs[0]!;
  const files = msgs.map((m) => m.loaded.file);
  const head: string[] = [header(files)];
  head.push("// From Apache Kafka's message definitions (Apache License 2.0).");
  const modDoc = new Out();
  if (info) {
    const flex = info.flexibleFrom === null
      ? "never flexible"
      : `flexible from v${info.flexibleFrom}`;
    modDoc.doc([
      `${info.name} (API key ${info.key}): request and response codecs.`,
      `Versions ${info.minVersion}-${info.maxVersion}, ${flex}.` +
      (info.listeners.length ? ` Served by: ${info.listeners.join(", ")}.` : ""),
      "@module",
    ]);
  } else {
    const flex = first.flex ? `flexible from v${first.flex.lo}` : "never flexible";
    modDoc.doc([
      `${first.name}: the ${first.spec.type} codec.`,
      `Versions ${rangeText(first.valid)}, ${flex}.`,
      "@module",
    ]);
  }
  head.push(...modDoc.lines, "");
  const imp = g.imports;
  if (imp.readerType) head.push(`import type { Reader } from "../reader.ts";`);
  if (imp.writerValue) head.push(`import { Writer } from "../writer.ts";`);
  else if (imp.writerType) head.push(`import type { Writer } from "../writer.ts";`);
  if (imp.zeroUuid) head.push(`import { ZERO_UUID } from "../uuid.ts";`);
  if (info) head.push(`import type { ApiInfo } from "./api_info.ts";`);
  if (imp.helpers.size) head.push(importLine([...imp.helpers], "./_helpers.ts"));
  head.push("");
  const path = info ? `${snake(info.name)}.ts` : `${snake(first.name)}.ts`;
  return { path, text: head.join("\n") + "\n" + o.text() };
}

function genDecodeEncode(g: FileGen, msg: MessageDef): void {
  for (const s of msg.structs) {
    g.genEncode(s);
    g.genDecode(s);
  }
}

interface ApiFacts {
  key: number;
  name: string;
  constName: string;
  minVersion: number;
  maxVersion: number;
  maxStableVersion: number;
  flexibleFrom: number | null;
  maxDeprecatedVersion: number | null;
  listeners: string[];
  request: MessageDef;
  response: MessageDef;
}

function apiFacts(req: MessageDef, res: MessageDef): ApiFacts {
  const where = `${req.loaded.file}/${res.loaded.file}`;
  if (req.valid.lo !== res.valid.lo || req.valid.hi !== res.valid.hi) {
    throw new Error(`${where}: request and response versions differ`);
  }
  if (rangeText(req.flex) !== rangeText(res.flex)) {
    throw new Error(`${where}: request and response flexible versions differ`);
  }
  if (req.flex && req.flex.hi !== Infinity) throw new Error(`${where}: flexible must be open`);
  const name = apiBase(req.spec);
  const deprecated = req.spec.deprecatedVersions === undefined
    ? null
    : parseRange(req.spec.deprecatedVersions, `${where} deprecatedVersions`);
  if (deprecated && deprecated.lo !== req.valid.lo) {
    throw new Error(`${where}: deprecated versions must start at the lowest`);
  }
  return {
    key: req.spec.apiKey!,
    name,
    constName: `${camel(name)}Api`,
    minVersion: req.valid.lo,
    maxVersion: req.valid.hi,
    maxStableVersion: req.spec.latestVersionUnstable ? req.valid.hi - 1 : req.valid.hi,
    flexibleFrom: req.flex ? req.flex.lo : null,
    maxDeprecatedVersion: deprecated ? deprecated.hi : null,
    listeners: req.spec.listeners ?? [],
    request: req,
    response: res,
  };
}

// Kafka's own exception to the header rule: ApiVersions responses keep header v0 so that any
// client can read them. (ControlledShutdown v0, whose request header was v0, left with Kafka 4.0.)
const RESPONSE_HEADER_V0_ALWAYS = new Set<number>([18]);

function genApiInfo(g: FileGen, a: ApiFacts): void {
  const o = g.out;
  o.doc([
    `Key, versions and header versions of ${a.name}.`,
  ]);
  o.open(`export const ${a.constName}: ApiInfo = {`);
  o.add(`key: ${a.key},`);
  o.add(`name: "${a.name}",`);
  o.add(`minVersion: ${a.minVersion},`);
  o.add(`maxVersion: ${a.maxVersion},`);
  o.add(`maxStableVersion: ${a.maxStableVersion},`);
  o.add(`flexibleFrom: ${a.flexibleFrom},`);
  o.add(`maxDeprecatedVersion: ${a.maxDeprecatedVersion},`);
  o.add(`listeners: [${a.listeners.map((l) => `"${l}"`).join(", ")}],`);
  const flex = a.flexibleFrom;
  // Request header: v2 when flexible, v1 otherwise.
  let req: string;
  if (flex === null || flex <= a.minVersion) {
    req = flex === null ? "1" : "2";
  } else req = `version >= ${flex} ? 2 : 1`;
  let res: string;
  if (RESPONSE_HEADER_V0_ALWAYS.has(a.key)) res = "0";
  else if (flex === null || flex <= a.minVersion) res = flex === null ? "0" : "1";
  else res = `version >= ${flex} ? 1 : 0`;
  const method = (name: string, expr: string) => {
    const param = expr.includes("version") ? "version" : "_version";
    o.open(`${name}(${param}: number): number {`);
    o.add(`return ${expr};`);
    o.close("},");
  };
  method("requestHeaderVersion", req);
  method("responseHeaderVersion", res);
  o.close("};");
  o.blank();
}

const API_INFO_TS = `${MARKER}. DO NOT EDIT; run \`deno task gen\`.
/**
 * The facts about one Kafka API that the generated codecs and the connection layer share.
 *
 * @module
 */

/** Key, versions and header versions of one Kafka API, from Kafka's message specs. */
export interface ApiInfo {
  /** The API key, e.g. 18 for ApiVersions. */
  readonly key: number;
  /** The API name without "Request"/"Response", e.g. \`ApiVersions\`. */
  readonly name: string;
  /** The lowest version these codecs know. */
  readonly minVersion: number;
  /** The highest version these codecs know. */
  readonly maxVersion: number;
  /**
   * The highest version Kafka considers stable: one below \`maxVersion\` when the spec marks its
   * latest version unstable (brokers then only offer it when configured to), -1 when none is.
   */
  readonly maxStableVersion: number;
  /** The first flexible version (compact encodings and tagged fields), or null if none is. */
  readonly flexibleFrom: number | null;
  /** Versions up to this one are deprecated (KIP-896), or null if none are. */
  readonly maxDeprecatedVersion: number | null;
  /** The kinds of listener that serve this API: \`broker\`, \`controller\`, \`zkBroker\`. */
  readonly listeners: readonly string[];
  /** The request header version to use with request \`version\`. */
  requestHeaderVersion(version: number): number;
  /** The response header version that comes back for request \`version\`. */
  responseHeaderVersion(version: number): number;
}
`;

const HELPERS_TS = `${MARKER}. DO NOT EDIT; run \`deno task gen\`.
/**
 * The run-time helpers the generated codecs share: errors, and switches between the classic and
 * compact encodings for the few fields whose encoding changes within one function.
 *
 * @module
 */

import { MalformedDataError } from "../kafka_error.ts";
import type { Reader } from "../reader.ts";
import type { Writer } from "../writer.ts";

/** Throws \`RangeError\` unless \`min <= version <= max\`. */
export function checkVersion(
  action: "encode" | "decode",
  what: string,
  version: number,
  min: number,
  max: number,
): void {
  if (!(version >= min && version <= max && Number.isInteger(version))) {
    throw new RangeError(
      \`Cannot \${action} \${what} as the version must be \${min} to \${max}: current value is \${version}\`,
    );
  }
}

/** The error for a non-default value in a field that the version lacks. */
export function absentField(
  what: string,
  field: string,
  versions: string,
  version: number,
  value: unknown,
): TypeError {
  return new TypeError(
    \`Cannot encode \${what} v\${version} as \${field} exists only in versions \${versions}: \` +
      \`current value is \${show(value)}\`,
  );
}

/** The error for null in a field that the version does not let be null. */
export function nullField(what: string, field: string, version: number): TypeError {
  return new TypeError(
    \`Cannot encode \${what} v\${version} as \${field} is not nullable in that version: \` +
      "current value is null",
  );
}

/** The error for null on the wire where the version does not allow it. */
export function nullOnWire(what: string, field: string, version: number): MalformedDataError {
  return new MalformedDataError(\`\${what} v\${version} has null \${field}, which is not nullable\`);
}

/** The error for a tagged field whose value did not take exactly its declared size. */
export function taggedSizeMismatch(what: string, tag: number, size: number): MalformedDataError {
  return new MalformedDataError(\`\${what} tagged field \${tag} does not fill its \${size} bytes\`);
}

/** Skips a tagged-field section whose tags are all unknown. */
export function skipTaggedFields(r: Reader): void {
  const count = r.uvarint();
  for (let i = 0; i < count; i++) {
    r.uvarint();
    r.skip(r.uvarint());
  }
}

/** Writes a string, compact when \`flexible\`. */
export function writeString(w: Writer, flexible: boolean, v: string): void {
  if (flexible) w.compactString(v);
  else w.string(v);
}

/** Writes a nullable string, compact when \`flexible\`. */
export function writeNullableString(w: Writer, flexible: boolean, v: string | null): void {
  if (flexible) w.compactNullableString(v);
  else w.nullableString(v);
}

/** Writes bytes, compact when \`flexible\`. */
export function writeBytes(w: Writer, flexible: boolean, v: Uint8Array): void {
  if (flexible) w.compactBytes(v);
  else w.bytes(v);
}

/** Writes nullable bytes, compact when \`flexible\`. */
export function writeNullableBytes(w: Writer, flexible: boolean, v: Uint8Array | null): void {
  if (flexible) w.compactNullableBytes(v);
  else w.nullableBytes(v);
}

/** Writes an array length (null for a null array), compact when \`flexible\`. */
export function writeArrayLength(w: Writer, flexible: boolean, n: number | null): void {
  if (flexible) w.compactArrayLength(n);
  else w.arrayLength(n);
}

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return \`\${value}n\`;
  if (value instanceof Uint8Array) return \`\${value.length} bytes\`;
  if (Array.isArray(value)) return \`an array of \${value.length}\`;
  if (value !== null && typeof value === "object") return "an object";
  return String(value);
}
`;

function genApiTable(apis: ApiFacts[]): OutFile {
  const o = new Out();
  o.lineRaw(`${MARKER}. DO NOT EDIT; run \`deno task gen\`.`);
  o.doc([
    "Every Kafka API these codecs know, by key: its `ApiInfo` and its four codec functions.",
    "@module",
  ]);
  o.blank();
  o.lineRaw(`import type { Reader } from "../reader.ts";`);
  o.lineRaw(`import type { Writer } from "../writer.ts";`);
  o.lineRaw(`import type { ApiInfo } from "./api_info.ts";`);
  for (const a of apis) {
    const req = a.request.name;
    const res = a.response.name;
    const names = [
      a.constName,
      `decode${req}`,
      `decode${res}`,
      `encode${req}`,
      `encode${res}`,
      `type ${req}`,
      `type ${res}`,
    ];
    for (const l of importLine(names, `./${snake(a.name)}.ts`).split("\n")) o.lineRaw(l);
  }
  o.blank();
  o.doc([
    "The facts and codec functions of one API. Methods, so that a codec of specific request " +
    "and response types can stand in for `ApiCodec<unknown, unknown>`.",
  ]);
  o.open("export interface ApiCodec<Req, Res> {");
  o.doc(["Key, versions and header versions."]);
  o.add("readonly info: ApiInfo;");
  o.doc(["Writes a request body at `version`."]);
  o.add("encodeRequest(w: Writer, version: number, m: Req): void;");
  o.doc(["Reads a request body at `version`."]);
  o.add("decodeRequest(r: Reader, version: number): Req;");
  o.doc(["Writes a response body at `version`."]);
  o.add("encodeResponse(w: Writer, version: number, m: Res): void;");
  o.doc(["Reads a response body at `version`."]);
  o.add("decodeResponse(r: Reader, version: number): Res;");
  o.close();
  o.blank();
  o.doc(["The type of {@linkcode API_TABLE}: each key with its request and response types."]);
  o.open("export interface ApiTable {");
  for (const a of apis) {
    o.doc([`${a.name}.`]);
    o.add(`readonly ${a.key}: ApiCodec<${a.request.name}, ${a.response.name}>;`);
  }
  o.close();
  o.blank();
  o.doc(["Every API by key."]);
  o.open("export const API_TABLE: ApiTable = {");
  for (const a of apis) {
    o.open(`${a.key}: {`);
    o.add(`info: ${a.constName},`);
    o.add(`encodeRequest: encode${a.request.name},`);
    o.add(`decodeRequest: decode${a.request.name},`);
    o.add(`encodeResponse: encode${a.response.name},`);
    o.add(`decodeResponse: decode${a.response.name},`);
    o.close("},");
  }
  o.close("};");
  o.blank();
  o.doc(["Every API, in key order."]);
  o.add(
    "export const API_LIST: readonly ApiCodec<unknown, unknown>[] = Object.values(API_TABLE);",
  );
  o.blank();
  o.lineRaw("const BY_KEY: Map<number, ApiCodec<unknown, unknown>> = new Map(");
  o.lineRaw("  API_LIST.map((c) => [c.info.key, c]),");
  o.lineRaw(");");
  o.blank();
  o.doc(["The codecs of the API with `key`, or undefined for a key these codecs do not know."]);
  o.open("export function apiCodec(key: number): ApiCodec<unknown, unknown> | undefined {");
  o.add("return BY_KEY.get(key);");
  o.close();
  return { path: "api_table.ts", text: o.text() };
}

function genMod(paths: string[]): OutFile {
  const o = new Out();
  o.lineRaw(`${MARKER}. DO NOT EDIT; run \`deno task gen\`.`);
  o.doc([
    "Typed codecs for every Kafka protocol message, generated from Kafka's JSON message specs: " +
    "one module per API key (request and response), the request and response headers, the " +
    "consumer protocol and KRaft data structures, and the table of APIs by key.",
    "@module",
  ]);
  o.blank();
  for (const p of paths) o.lineRaw(`export * from "./${p}";`);
  return { path: "mod.ts", text: o.text() };
}

/** The specs without prose, for the tests' independent sample builder and reference encoder. */
function genSpecData(loaded: LoadedSpec[]): OutFile {
  const strip = (fields: RawField[]): unknown[] =>
    fields.map((f) => {
      const out: Record<string, unknown> = { name: f.name, type: f.type, versions: f.versions };
      for (
        const k of [
          "nullableVersions",
          "taggedVersions",
          "tag",
          "default",
          "ignorable",
          "flexibleVersions",
        ] as const
      ) {
        if (f[k] !== undefined) out[k] = f[k];
      }
      if (f.fields) out.fields = strip(f.fields);
      return out;
    });
  const specs = loaded.map(({ spec }) => {
    const out: Record<string, unknown> = {
      name: spec.name,
      type: spec.type,
    };
    if (spec.apiKey !== undefined) out.apiKey = spec.apiKey;
    out.validVersions = spec.validVersions;
    out.flexibleVersions = spec.flexibleVersions;
    out.fields = strip(spec.fields);
    if (spec.commonStructs) {
      out.commonStructs = spec.commonStructs.map((c) => ({
        name: c.name,
        versions: c.versions,
        fields: strip(c.fields),
      }));
    }
    return out;
  });
  return { path: "testdata/specs.json", text: JSON.stringify(specs, null, 2) + "\n" };
}

// ---------------------------------------------------------------------------------------------
// Main

async function main(): Promise<void> {
  const { specs: specDir, out: outDir } = parseArgs(Deno.args);
  const loaded: LoadedSpec[] = [];
  for await (const e of Deno.readDir(specDir)) {
    if (!e.isFile || !e.name.endsWith(".json")) continue;
    const spec = loadSpec(e.name, await Deno.readTextFile(`${specDir}/${e.name}`));
    // Kafka keeps a spec for each API it removed (LeaderAndIsr, StopReplica, UpdateMetadata and
    // ControlledShutdown since 4.0), with no versions and no fields, so its key is not reused:
    // nothing to generate.
    if (spec.spec.validVersions?.trim() === "none") continue;
    loaded.push(spec);
  }
  loaded.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (loaded.length === 0) throw new Error(`No specs in ${specDir}`);

  const messages = loaded.map(buildMessage);
  const requests = new Map<number, MessageDef>();
  const responses = new Map<number, MessageDef>();
  const others: MessageDef[] = [];
  for (const m of messages) {
    const t = m.spec.type;
    if (t === "request" || t === "response") {
      const map = t === "request" ? requests : responses;
      if (m.spec.apiKey === undefined) throw new Error(`${m.loaded.file}: no apiKey`);
      if (map.has(m.spec.apiKey)) throw new Error(`${m.loaded.file}: apiKey used twice`);
      map.set(m.spec.apiKey, m);
    } else if (t === "header" || t === "data") others.push(m);
    else throw new Error(`${m.loaded.file}: unknown type ${t}`);
  }
  const apis: ApiFacts[] = [];
  for (const [key, req] of [...requests].sort((a, b) => a[0] - b[0])) {
    const res = responses.get(key);
    if (!res) throw new Error(`${req.loaded.file}: no response`);
    apis.push(apiFacts(req, res));
  }
  if (responses.size !== requests.size) throw new Error("A response has no request");

  // Exported names must be unique across files, as mod.ts re-exports them all.
  const exported = new Map<string, string>();
  const claim = (name: string, file: string) => {
    const prev = exported.get(name);
    if (prev) throw new Error(`${name} is exported by both ${prev} and ${file}`);
    exported.set(name, file);
  };
  for (const m of messages) {
    for (const s of m.structs) claim(s.tsName, m.loaded.file);
    claim(`encode${m.name}`, m.loaded.file);
    claim(`decode${m.name}`, m.loaded.file);
  }
  for (const a of apis) claim(a.constName, a.request.loaded.file);

  const files: OutFile[] = [];
  for (const a of apis) files.push(genMessageFile([a.request, a.response], a));
  for (const m of others) files.push(genMessageFile([m], null));
  files.push({ path: "api_info.ts", text: API_INFO_TS });
  files.push({ path: "_helpers.ts", text: HELPERS_TS });
  files.push(genApiTable(apis));
  const modPaths = [
    "api_info.ts",
    "api_table.ts",
    ...files.filter((f) => !["api_info.ts", "_helpers.ts", "api_table.ts"].includes(f.path))
      .map((f) => f.path).sort(),
  ];
  files.push(genMod(modPaths));
  files.push(genSpecData(loaded));

  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.path)) throw new Error(`Two outputs named ${f.path}`);
    seen.add(f.path);
  }

  await Deno.mkdir(`${outDir}/testdata`, { recursive: true });
  // Remove generated files that are no longer produced, leaving hand-written ones alone.
  for (const dir of ["", "testdata/"]) {
    for await (const e of Deno.readDir(`${outDir}/${dir}`)) {
      if (!e.isFile || seen.has(`${dir}${e.name}`)) continue;
      if (e.name.endsWith(".ts")) {
        const text = await Deno.readTextFile(`${outDir}/${dir}${e.name}`);
        if (text.startsWith(MARKER)) await Deno.remove(`${outDir}/${dir}${e.name}`);
      }
    }
  }
  let changed = 0;
  for (const f of files) {
    const path = `${outDir}/${f.path}`;
    let old: string | undefined;
    try {
      old = await Deno.readTextFile(path);
    } catch {
      old = undefined;
    }
    if (old === f.text) continue;
    await Deno.writeTextFile(path, f.text);
    changed++;
  }
  console.log(`Wrote ${files.length} files to ${outDir} (${changed} changed)`);
}

if (import.meta.main) await main();
