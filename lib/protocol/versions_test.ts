// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { ApiVersionTable, type ClientApiVersion } from "./versions.ts";
import { KafkaError } from "./kafka_error.ts";

const CLIENT: ClientApiVersion[] = [
  { key: 0, name: "Produce", minVersion: 3, maxVersion: 12 },
  { key: 1, name: "Fetch", minVersion: 4, maxVersion: 17 },
  { key: 3, name: "Metadata", minVersion: 0, maxVersion: 12 },
  { key: 18, name: "ApiVersions", minVersion: 0, maxVersion: 4 },
  { key: 78, name: "ShareFetch", minVersion: 1, maxVersion: 1 },
];

test("ApiVersionTable picks the client's newest version when the broker is newer", () => {
  const table = new ApiVersionTable([{ apiKey: 0, minVersion: 3, maxVersion: 13 }], CLIENT);
  assert.equal(table.version(0), 12);
  assert.equal(table.has(0), true);
});

test("ApiVersionTable picks the broker's newest version when the broker is older", () => {
  const table = new ApiVersionTable([{ apiKey: 1, minVersion: 0, maxVersion: 11 }], CLIENT);
  assert.equal(table.version(1), 11);
});

test("ApiVersionTable picks the top of an overlap inside both ranges", () => {
  const table = new ApiVersionTable(
    [{ apiKey: 3, minVersion: 5, maxVersion: 9 }, { apiKey: 18, minVersion: 0, maxVersion: 4 }],
    CLIENT,
  );
  assert.equal(table.version(3), 9);
  assert.equal(table.version(18), 4);
});

test("ApiVersionTable accepts ranges that touch at one version", () => {
  const table = new ApiVersionTable([{ apiKey: 1, minVersion: 17, maxVersion: 20 }], CLIENT);
  assert.equal(table.version(1), 17);
});

test("ApiVersionTable refuses an API the broker lacks, naming it and the client's range", () => {
  const table = new ApiVersionTable([{ apiKey: 0, minVersion: 3, maxVersion: 13 }], CLIENT, {
    broker: 7,
  });
  assert.equal(table.has(78), false);
  assert.throws(() => table.version(78), (err: unknown) => {
    assert.ok(err instanceof KafkaError);
    assert.equal(err.code, 35);
    assert.equal(err.errorName, "UNSUPPORTED_VERSION");
    assert.equal(err.retriable, false);
    assert.match(err.message, /ShareFetch \(key 78\)/);
    assert.match(err.message, /does not offer it/);
    assert.match(err.message, /1-1/);
    assert.match(err.message, /broker 7/);
    assert.equal(err.site.api, "ShareFetch");
    return true;
  });
});

test("ApiVersionTable refuses disjoint ranges, naming the API and both ranges", () => {
  // A broker that dropped old Produce versions, as Kafka 4 did, against a client stuck on them.
  const table = new ApiVersionTable([{ apiKey: 0, minVersion: 3, maxVersion: 13 }], [
    { key: 0, name: "Produce", minVersion: 0, maxVersion: 2 },
  ]);
  assert.equal(table.has(0), false);
  assert.throws(() => table.version(0), (err: unknown) => {
    assert.ok(err instanceof KafkaError);
    assert.equal(err.code, 35);
    assert.equal(err.retriable, false);
    assert.match(err.message, /Produce \(key 0\)/);
    assert.match(err.message, /broker supports versions 3-13/);
    assert.match(err.message, /client supports versions 0-2/);
    return true;
  });
});

test("ApiVersionTable refuses a broker range whose minimum passes the client's maximum", () => {
  const table = new ApiVersionTable([{ apiKey: 3, minVersion: 13, maxVersion: 14 }], CLIENT);
  assert.throws(() => table.version(3), { name: "KafkaError", code: 35 });
});

test("ApiVersionTable ignores broker APIs the client does not know", () => {
  const table = new ApiVersionTable(
    [{ apiKey: 0, minVersion: 3, maxVersion: 13 }, { apiKey: 68, minVersion: 0, maxVersion: 1 }],
    CLIENT,
  );
  assert.equal(table.has(68), false);
  assert.deepEqual(table.brokerRange(68), { apiKey: 68, minVersion: 0, maxVersion: 1 });
  assert.equal(table.clientRange(68), undefined);
  assert.throws(() => table.version(68), RangeError);
});

test("ApiVersionTable throws RangeError for keys the client table lacks", () => {
  const table = new ApiVersionTable([], CLIENT);
  assert.throws(() => table.version(2), RangeError);
  assert.throws(() => table.version(-1), RangeError);
  assert.throws(() => table.version(1000), RangeError);
  assert.equal(table.has(1000), false);
});

test("ApiVersionTable keeps the raw ranges of both sides", () => {
  const broker = [
    { apiKey: 18, minVersion: 0, maxVersion: 4 },
    { apiKey: 0, minVersion: 3, maxVersion: 13 },
  ];
  const table = new ApiVersionTable(broker, CLIENT);
  assert.deepEqual(table.brokerRanges, broker);
  assert.deepEqual(table.brokerRange(0), { apiKey: 0, minVersion: 3, maxVersion: 13 });
  assert.equal(table.brokerRange(1), undefined);
  assert.deepEqual(table.clientRange(1), CLIENT[1]);
});

test("ApiVersionTable refuses a malformed client table", () => {
  assert.throws(
    () => new ApiVersionTable([], [{ key: 0, name: "Produce", minVersion: 5, maxVersion: 4 }]),
    RangeError,
  );
  assert.throws(
    () => new ApiVersionTable([], [{ key: -2, name: "Bad", minVersion: 0, maxVersion: 1 }]),
    RangeError,
  );
  assert.throws(
    () =>
      new ApiVersionTable([], [
        { key: 0, name: "Produce", minVersion: 0, maxVersion: 1 },
        { key: 0, name: "Produce", minVersion: 0, maxVersion: 2 },
      ]),
    RangeError,
  );
});

test("ApiVersionTable lets the first of a repeated broker key stand", () => {
  const table = new ApiVersionTable(
    [{ apiKey: 0, minVersion: 3, maxVersion: 9 }, { apiKey: 0, minVersion: 3, maxVersion: 13 }],
    CLIENT,
  );
  assert.equal(table.version(0), 9);
});
