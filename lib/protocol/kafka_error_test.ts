// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { errorCodeInfo, errorForCode, KafkaError, MalformedDataError } from "./kafka_error.ts";

test("KafkaError is an Error named KafkaError with the code's name and advice", () => {
  const err = new KafkaError(7);
  assert.ok(err instanceof Error);
  assert.equal(err.name, "KafkaError");
  assert.equal(err.code, 7);
  assert.equal(err.errorName, "REQUEST_TIMED_OUT");
  assert.equal(err.retriable, true);
  assert.equal(err.message, "REQUEST_TIMED_OUT: The request timed out.");
  assert.deepEqual(err.site, {});
});

test("KafkaError message names the API, broker, topic and partition", () => {
  const err = new KafkaError(3, { api: "Produce", broker: 2, topic: "orders", partition: 5 });
  assert.match(err.message, /^UNKNOWN_TOPIC_OR_PARTITION: /);
  assert.ok(err.message.endsWith("[Produce, broker 2, orders/5]"), err.message);
  assert.deepEqual(err.site, { api: "Produce", broker: 2, topic: "orders", partition: 5 });
});

test("KafkaError message names a topic without a partition", () => {
  const err = new KafkaError(29, { topic: "secret" });
  assert.ok(err.message.endsWith("[secret]"), err.message);
});

test("KafkaError message names broker 0, which is falsy but real", () => {
  const err = new KafkaError(8, { broker: 0, partition: 0, topic: "t" });
  assert.ok(err.message.endsWith("[broker 0, t/0]"), err.message);
});

test("KafkaError message carries the broker's own detail", () => {
  const err = new KafkaError(42, { api: "CreateTopics", detail: "Replication factor 9 too big" });
  assert.match(err.message, /\(Replication factor 9 too big\) \[CreateTopics\]$/);
  const none = new KafkaError(42, { detail: null });
  assert.doesNotMatch(none.message, /\(null\)/);
});

test("KafkaError keeps the number of a code Kafka does not define", () => {
  const err = new KafkaError(9999, { api: "Fetch" });
  assert.equal(err.code, 9999);
  assert.equal(err.errorName, "UNKNOWN_CODE_9999");
  assert.equal(err.retriable, false);
  assert.match(err.message, /^UNKNOWN_CODE_9999: .*\[Fetch\]$/);

  const negative = new KafkaError(-7);
  assert.equal(negative.code, -7);
  assert.equal(negative.errorName, "UNKNOWN_CODE_-7");
});

test("KafkaError options override the message and retriable advice and keep the cause", () => {
  const cause = new Error("socket closed");
  const err = new KafkaError(13, { broker: 1 }, {
    retriable: false,
    message: "Connection dropped mid-request",
    cause,
  });
  assert.equal(err.errorName, "NETWORK_EXCEPTION");
  assert.equal(err.retriable, false);
  assert.equal(err.message, "NETWORK_EXCEPTION: Connection dropped mid-request [broker 1]");
  assert.equal(err.cause, cause);
});

test("MalformedDataError is a non-retriable CORRUPT_MESSAGE that says what was wrong", () => {
  const err = new MalformedDataError("array of 9 elements cannot fit in the 3 bytes left", {
    api: "Metadata",
    broker: 4,
  });
  assert.ok(err instanceof KafkaError);
  assert.ok(err instanceof MalformedDataError);
  assert.equal(err.name, "MalformedDataError");
  assert.equal(err.code, 2);
  assert.equal(err.errorName, "CORRUPT_MESSAGE");
  // The broker's CORRUPT_MESSAGE is retriable; bytes we cannot decode stay undecodable.
  assert.equal(errorCodeInfo(2)?.retriable, true);
  assert.equal(err.retriable, false);
  assert.equal(
    err.message,
    "CORRUPT_MESSAGE: Malformed data: array of 9 elements cannot fit in the 3 bytes left [Metadata, broker 4]",
  );
});

test("errorForCode returns nothing for 0 and a KafkaError with its site otherwise", () => {
  assert.equal(errorForCode(0), undefined);
  assert.equal(errorForCode(0, { topic: "t" }), undefined);

  const err = errorForCode(16, { api: "OffsetCommit", broker: 3 });
  assert.ok(err instanceof KafkaError);
  assert.equal(err.errorName, "NOT_COORDINATOR");
  assert.equal(err.retriable, true);
  assert.match(err.message, /\[OffsetCommit, broker 3\]$/);

  const unknown = errorForCode(500);
  assert.equal(unknown?.code, 500);
  assert.equal(unknown?.errorName, "UNKNOWN_CODE_500");
});

test("errorCodeInfo returns table rows and nothing for undefined codes", () => {
  assert.equal(errorCodeInfo(47)?.name, "INVALID_PRODUCER_EPOCH");
  assert.equal(errorCodeInfo(0)?.name, "NONE");
  assert.equal(errorCodeInfo(134), undefined);
  assert.equal(errorCodeInfo(-2), undefined);
});
