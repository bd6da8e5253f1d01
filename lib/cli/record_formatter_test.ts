// Copyright 2026 the kanal authors. MIT license.
// How records become bytes with kcat's -f tokens; tests/cli_consume_test.ts compares the same
// formats with kcat's own output on a real broker.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import type { KafkaRecord } from "../protocol/record.ts";
import { RecordFormatter } from "./record_formatter.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function record(fields: Partial<KafkaRecord> = {}): KafkaRecord {
  return {
    offset: 0,
    timestamp: 1_700_000_000_000,
    key: enc.encode("key"),
    value: enc.encode("value"),
    headers: [],
    ...fields,
  };
}

function formatted(format: string, records: KafkaRecord[], nullText?: string): string {
  const f = new RecordFormatter(format, nullText === undefined ? {} : { nullText });
  return dec.decode(f.format("orders", 3, records));
}

test("every format token prints what kcat prints for it", () => {
  const records = [
    record({
      offset: 2 ** 53 - 1,
      headers: [
        { key: "trace", value: enc.encode("a=b") },
        { key: "flag", value: null },
        { key: "empty", value: new Uint8Array(0) },
      ],
    }),
    record({ offset: 0, timestamp: -1, key: null, value: null }),
    record({ offset: 10, key: new Uint8Array(0), value: enc.encode("ünï 🙂") }),
  ];
  assert.equal(
    formatted("%t|%p|%o|%T|%k|%K|%s|%S|%h\n", records),
    "orders|3|9007199254740991|1700000000000|key|3|value|5|trace=a=b,flag=NULL,empty=\n" +
      "orders|3|0|-1||-1||-1|\n" +
      "orders|3|10|1700000000000||0|ünï 🙂|10|\n",
  );
});

test("%R prints the value size as a big-endian int32, -1 for a null value", () => {
  const f = new RecordFormatter("%R");
  const out = f.format("t", 0, [
    record({ value: new Uint8Array(784) }),
    record({ value: null }),
  ]);
  assert.deepEqual([...out], [0, 0, 0x03, 0x10, 0xff, 0xff, 0xff, 0xff]);
});

test("-Z prints NULL for a null or empty key or value, as kcat tests the length", () => {
  const records = [
    record({ key: null, value: new Uint8Array(0) }),
    record({ key: new Uint8Array(0), value: null }),
    record({ key: enc.encode("k"), value: enc.encode("v") }),
  ];
  assert.equal(
    formatted("%k:%s:%K:%S;", records, "NULL"),
    "NULL:NULL:-1:0;NULL:NULL:0:-1;k:v:1:1;",
  );
});

test("text between tokens takes kcat's backslash escapes and %% is a percent sign", () => {
  const f = new RecordFormatter(String.raw`%%\n\t\r\x1e\x41BC\65\0101\0x41\q\\\xg\xff-\x`);
  const bytes = [...f.format("t", 0, [record()])];
  assert.deepEqual(bytes, [
    37, // %%
    10,
    9,
    13,
    0x1e,
    0xbc, // \x41BC: every hex digit is read and the last byte kept, as kcat's strtoul and char
    65, // \65: decimal
    65, // \0101: octal
    65, // \0x41: hex
    113, // \q: q
    92, // \\: a backslash
    103, // \xg: kcat writes the character after the x
    0xff,
    45, // "-", then \x at the end prints nothing
  ]);
});

test("a lone % at the end or an unknown token is a usage error", () => {
  assert.throws(() => new RecordFormatter("%s%"), { name: "UsageError", message: /lone "%"/ });
  assert.throws(() => new RecordFormatter("%s %z"), {
    name: "UsageError",
    message: /%z is not a format token/,
  });
});

test("without -f a record is its value and a newline, or key, -K, value and -D", () => {
  const records = [record(), record({ key: null, value: enc.encode("v2") })];
  const plain = RecordFormatter.delimited(undefined, enc.encode("\n"));
  assert.equal(dec.decode(plain.format("t", 0, records)), "value\nv2\n");
  const keyed = RecordFormatter.delimited(enc.encode("%s"), enc.encode("\\n;"), {
    nullText: "NULL",
  });
  assert.equal(dec.decode(keyed.format("t", 0, records)), "key%svalue\\n;NULL%sv2\\n;");
});

test("the formatter grows its buffer for large records and formats only the range asked", () => {
  const big = new Uint8Array(300_000).fill(120);
  const f = new RecordFormatter("%o:%s\n");
  const records = [record({ offset: 1 }), record({ offset: 2, value: big }), record({ offset: 3 })];
  const out = f.format("t", 0, records, 1, 3);
  assert.equal(out.length, "2:".length + big.length + 1 + "3:value\n".length);
  assert.equal(dec.decode(out.subarray(0, 4)), "2:xx");
  assert.equal(dec.decode(out.subarray(out.length - 9)), "\n3:value\n");
  assert.equal(dec.decode(f.format("t", 0, records, 0, 1)), "1:value\n");
});
