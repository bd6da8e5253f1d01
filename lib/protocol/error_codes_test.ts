// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { ERROR_CODES, ErrorCode } from "./error_codes.ts";
import { errorCodeInfo, KafkaError } from "./kafka_error.ts";

test("error table lists each code once, in ascending order", () => {
  const codes = ERROR_CODES.map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
  for (let i = 1; i < codes.length; i++) {
    assert.ok(codes[i - 1]! < codes[i]!, `code ${codes[i]} follows ${codes[i - 1]}`);
  }
});

test("error table lists each name once", () => {
  const names = ERROR_CODES.map((e) => e.name);
  assert.equal(new Set(names).size, names.length);
  for (const name of names) assert.match(name, /^[A-Z][A-Z0-9_]*$/);
});

test("error table covers every code from -1 to 133 with no gap", () => {
  // Kafka 4.2 defines -1 and 0 through 133 and has never skipped a number.
  assert.equal(ERROR_CODES[0]?.code, -1);
  assert.equal(ERROR_CODES.at(-1)?.code, 133);
  assert.equal(ERROR_CODES.length, 135);
});

test("every error code except NONE carries Kafka's message", () => {
  for (const e of ERROR_CODES) {
    if (e.code === 0) assert.equal(e.message, "");
    else assert.ok(e.message.length > 10, `code ${e.code} has a message`);
  }
});

test("error table rows match Kafka's Errors enum and exception classes", () => {
  // [code, name, retriable]: retriable exactly when Kafka's exception class extends
  // RetriableException, read from kafka-clients 4.2.2.
  const expected: [number, string, boolean][] = [
    [-1, "UNKNOWN_SERVER_ERROR", false],
    [0, "NONE", false],
    [1, "OFFSET_OUT_OF_RANGE", false],
    [2, "CORRUPT_MESSAGE", true],
    [3, "UNKNOWN_TOPIC_OR_PARTITION", true],
    [6, "NOT_LEADER_OR_FOLLOWER", true],
    [7, "REQUEST_TIMED_OUT", true],
    [8, "BROKER_NOT_AVAILABLE", false],
    [13, "NETWORK_EXCEPTION", true],
    [14, "COORDINATOR_LOAD_IN_PROGRESS", true],
    [15, "COORDINATOR_NOT_AVAILABLE", true],
    [16, "NOT_COORDINATOR", true],
    [22, "ILLEGAL_GENERATION", false],
    [25, "UNKNOWN_MEMBER_ID", false],
    [27, "REBALANCE_IN_PROGRESS", false],
    [35, "UNSUPPORTED_VERSION", false],
    [41, "NOT_CONTROLLER", true],
    [45, "OUT_OF_ORDER_SEQUENCE_NUMBER", false],
    [46, "DUPLICATE_SEQUENCE_NUMBER", false],
    [47, "INVALID_PRODUCER_EPOCH", false],
    [51, "CONCURRENT_TRANSACTIONS", true],
    [56, "KAFKA_STORAGE_ERROR", true],
    [59, "UNKNOWN_PRODUCER_ID", false],
    [74, "FENCED_LEADER_EPOCH", true],
    [75, "UNKNOWN_LEADER_EPOCH", true],
    [89, "THROTTLING_QUOTA_EXCEEDED", true],
    [90, "PRODUCER_FENCED", false],
    [100, "UNKNOWN_TOPIC_ID", true],
    [110, "FENCED_MEMBER_EPOCH", false],
    [120, "TRANSACTION_ABORTABLE", false],
    [133, "SHARE_SESSION_LIMIT_REACHED", true],
  ];
  for (const [code, name, retriable] of expected) {
    const row = errorCodeInfo(code);
    assert.deepEqual([row?.code, row?.name, row?.retriable], [code, name, retriable]);
  }
});

test("error table keeps Kafka's default messages", () => {
  assert.equal(errorCodeInfo(7)?.message, "The request timed out.");
  assert.equal(errorCodeInfo(35)?.message, "The version of API is not supported.");
  assert.equal(
    errorCodeInfo(133)?.message,
    "The limit of share sessions has been reached.",
  );
});

test("ErrorCode names exactly the codes of the table", () => {
  const fromConst = Object.entries(ErrorCode).sort((a, b) => a[1] - b[1]);
  const fromTable = ERROR_CODES.map((e) => [e.name, e.code]);
  assert.deepEqual(fromConst, fromTable);
  assert.equal(ErrorCode.NOT_LEADER_OR_FOLLOWER, 6);
  assert.equal(ErrorCode.UNKNOWN_SERVER_ERROR, -1);
});

test("KafkaError built from a code takes name, retriable and message from the table", () => {
  const err = new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, { topic: "orders", partition: 3 });
  assert.equal(err.code, 6);
  assert.equal(err.errorName, "NOT_LEADER_OR_FOLLOWER");
  assert.equal(err.retriable, true);
  assert.ok(err.message.includes("not the current leader"), err.message);

  const fenced = new KafkaError(ErrorCode.PRODUCER_FENCED);
  assert.equal(fenced.errorName, "PRODUCER_FENCED");
  assert.equal(fenced.retriable, false);
});
