import { test } from "../../tests/_test.ts";
import assert from "node:assert/strict";
import { type OptionSchema, validateOptions } from "./validate_options.ts";

const schema: OptionSchema = {
  clientId: { type: "string", nonEmpty: true },
  acks: { type: "string", oneOf: ["all", "leader", "none"] },
  lingerMs: { type: "number", min: 0, max: 60_000 },
  idempotent: { type: "boolean" },
  brokers: { type: "array", of: "string", nonEmpty: true },
  signal: { type: "signal" },
};
const defaults = {
  clientId: "kanal",
  acks: "all",
  lingerMs: 5,
  idempotent: true,
  brokers: ["a:1"],
};

test("validateOptions fills defaults and keeps given values", () => {
  const got = validateOptions("Producer", schema, { lingerMs: 0, acks: "leader" }, defaults);
  assert.deepEqual(got, { ...defaults, lingerMs: 0, acks: "leader" });
});

test("validateOptions names an unknown option and the nearest known one", () => {
  assert.throws(
    () => validateOptions("Producer", schema, { lingerMS: 1 } as never, defaults),
    (e) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /Unknown Producer option "lingerMS": did you mean "lingerMs"\?/);
      assert.match(e.message, /known: clientId, acks, lingerMs/);
      return true;
    },
  );
});

test("validateOptions says what is allowed for a bad value", () => {
  assert.throws(
    () => validateOptions("Producer", schema, { acks: "1" }, defaults),
    /Producer option "acks" as it must be one of "all", "leader", "none": current value is "1"/,
  );
  assert.throws(
    () => validateOptions("Producer", schema, { lingerMs: -1 }, defaults),
    (e) => e instanceof RangeError && /between 0 and 60000: current value is -1/.test(e.message),
  );
  assert.throws(
    () => validateOptions("Producer", schema, { lingerMs: 1.5 }, defaults),
    /whole number/,
  );
  assert.throws(
    () => validateOptions("Producer", schema, { lingerMs: "5" as never }, defaults),
    TypeError,
  );
  assert.throws(
    () => validateOptions("Producer", schema, { idempotent: 1 as never }, defaults),
    /true or false/,
  );
  assert.throws(
    () => validateOptions("Producer", schema, { brokers: [] }, defaults),
    /must not be empty/,
  );
  assert.throws(
    () => validateOptions("Producer", schema, { brokers: [1] as never }, defaults),
    /only strings/,
  );
  assert.throws(
    () => validateOptions("Producer", schema, { signal: {} } as never, defaults),
    /AbortSignal/,
  );
  assert.throws(() => validateOptions("Producer", schema, "x" as never, defaults), /not an object/);
});
