// Loads @confluentinc/kafka-javascript from ./confluent/, its own small package (see
// ../README.md for why it is not a root devDependency). The runner installs it on demand.
import { createRequire } from "node:module";

const require = createRequire(new URL("./confluent/package.json", import.meta.url));

/** The client's exports: `KafkaJS` (the promisified API) and the node-rdkafka-style classes. */
export const confluent = require("@confluentinc/kafka-javascript");
