// Copyright 2026 the kanal authors. MIT license.
/**
 * A worker for tests/workerd_kafkajs_test.ts: KafkaJS-shaped code on kanal's KafkaJS layer
 * inside workerd (with `nodejs_compat`, for `node:buffer`). `GET /?brokers=B&topic=T` creates
 * `T`, sends keyed messages and a batch with KafkaJS's API, reads the partition offsets back
 * with KafkaJS's admin, and answers with both as JSON. `GET /ready` answers 204 at once.
 *
 * @module
 */

import { Kafka, logLevel } from "../../lib/kafkajs/mod.ts";

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === "/ready") return new Response(null, { status: 204 });
    const brokers = url.searchParams.get("brokers")!.split(",");
    const topic = url.searchParams.get("topic")!;
    const kafka = new Kafka({ clientId: "worker", brokers, logLevel: logLevel.ERROR });
    const admin = kafka.admin();
    const producer = kafka.producer();
    try {
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
      await producer.connect();
      const sent = await producer.send({
        topic,
        messages: ["a", "b", "c", "d", "e", "f"].map((k, i) => ({ key: k, value: `v${i}` })),
      });
      const offsets = await admin.fetchTopicOffsets(topic);
      return Response.json({
        sent: sent.map((r) => ({ partition: r.partition, baseOffset: r.baseOffset }))
          .sort((x, y) => x.partition - y.partition),
        high: offsets.map((o) => ({ partition: o.partition, high: o.high }))
          .sort((x, y) => x.partition - y.partition),
      });
    } catch (e) {
      const err = e as Error & { type?: string; retriable?: boolean };
      return Response.json({ error: { name: err.name, type: err.type, message: err.message } });
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  },
};
