// Copyright 2026 the kanal authors. MIT license.
import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { ConnectionError } from "./connection_error.ts";
import { KafkaError } from "../protocol/kafka_error.ts";

test("ConnectionError is a retriable NETWORK_EXCEPTION KafkaError with its address", () => {
  const err = new ConnectionError("b1.example", 9093, "Lost connection");
  assert.ok(err instanceof KafkaError);
  assert.equal(err.name, "ConnectionError");
  assert.equal(err.code, 13);
  assert.equal(err.errorName, "NETWORK_EXCEPTION");
  assert.equal(err.retriable, true);
  assert.equal(err.host, "b1.example");
  assert.equal(err.port, 9093);
  assert.equal(err.message, "NETWORK_EXCEPTION: Lost connection to b1.example:9093");
});

test("ConnectionError adds its cause's message and keeps the cause", () => {
  const cause = new Error("connect ECONNREFUSED 127.0.0.1:1");
  const err = new ConnectionError("127.0.0.1", 1, "Cannot connect", { cause });
  assert.equal(err.cause, cause);
  assert.ok(err.message.endsWith("to 127.0.0.1:1: connect ECONNREFUSED 127.0.0.1:1"), err.message);
  const text = new ConnectionError("h", 1, "Cannot write", { cause: "the socket is closed" });
  assert.ok(text.message.endsWith("h:1: the socket is closed"), text.message);
});

test("ConnectionError can be marked not retriable, for a certificate that fails", () => {
  const err = new ConnectionError("h", 9093, "Cannot shake hands (TLS)", { retriable: false });
  assert.equal(err.retriable, false);
  assert.equal(err.code, 13);
});

test("ConnectionError brackets an IPv6 host so the port stays readable", () => {
  const err = new ConnectionError("::1", 9092, "Cannot connect");
  assert.ok(err.message.endsWith("to [::1]:9092"), err.message);
});
