import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { Writer } from "./writer.ts";
import { API_TABLE } from "./messages/api_table.ts";
import { readRequestFrame, writeRequestFrame } from "./request_frame.ts";
import { KafkaError, MalformedDataError } from "./kafka_error.ts";

test("readRequestFrame reads back what writeRequestFrame wrote", () => {
  const w = new Writer();
  writeRequestFrame(w, API_TABLE[12], 4, 77, "me", {
    groupId: "g",
    generationId: 3,
    memberId: "m",
  });
  const req = readRequestFrame(w.finish().subarray(4));
  assert.equal(req.api.info.name, "Heartbeat");
  assert.equal(req.version, 4);
  assert.equal(req.correlationId, 77);
  assert.equal(req.clientId, "me");
  assert.equal((req.body as { groupId: string }).groupId, "g");
});

test("readRequestFrame refuses unknown keys and versions with typed errors", () => {
  assert.throws(
    () => readRequestFrame(new Uint8Array([0x7f, 0, 0, 0, 0, 0, 0, 1])),
    MalformedDataError,
  );
  // Produce v99, and v-1 (0xffff): UNSUPPORTED_VERSION, as a broker would answer.
  for (const v of [[0, 99], [0xff, 0xff]]) {
    assert.throws(() => readRequestFrame(new Uint8Array([0, 0, v[0]!, v[1]!, 0, 0, 0, 1])), (e) => {
      assert.ok(e instanceof KafkaError);
      assert.equal(e.errorName, "UNSUPPORTED_VERSION");
      return true;
    });
  }
  assert.throws(() => readRequestFrame(new Uint8Array([0, 0])), MalformedDataError);
});
