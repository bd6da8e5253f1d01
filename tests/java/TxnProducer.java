// Copyright 2026 the kanal authors. MIT license.
//
// Writes committed and aborted transactions to partition 0 of a topic with Kafka's own Java
// client, so tests can check what kanal's consumer shows under each isolation level against data
// kanal did not write. Run with Java's single-file source launcher:
//
//   java -Dlog4j2.configurationFile=.kafka-harness/log4j2.properties \
//     -cp ".kafka-harness/lib-4.2.2/*" tests/java/TxnProducer.java BOOTSTRAP TOPIC
//
// The log it leaves, in order (two transactional producers, P and Q):
//   P: txn A  a1 a2           committed
//   P: txn B  b1 | b2 b3      aborted (two batches, so an aborted transaction spans batches)
//   Q: txn D  d1              open while P runs txn C ...
//   P: txn C  c1              committed
//   Q: txn D                  ... aborted after C's commit marker
// so aborted and committed data interleave, and the log ends with two control markers.
//
// Prints "record VALUE OFFSET" for each record as the broker acknowledged it, then
// "end OFFSET" (the high watermark) and "stable OFFSET" (the last stable offset), then "done".

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

public class TxnProducer {
  private static final int PARTITION = 0;

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: TxnProducer BOOTSTRAP TOPIC");
      System.exit(2);
    }
    String bootstrap = args[0];
    String topic = args[1];
    try (KafkaProducer<String, String> p = producer(bootstrap, topic + "-p");
        KafkaProducer<String, String> q = producer(bootstrap, topic + "-q")) {
      p.initTransactions();
      q.initTransactions();

      p.beginTransaction();
      List<Sent> a = List.of(send(p, topic, "a1"), send(p, topic, "a2"));
      p.commitTransaction();
      report(a);

      p.beginTransaction();
      Sent b1 = send(p, topic, "b1");
      b1.await(); // b1 alone in its batch, b2 and b3 in the next
      List<Sent> b = List.of(b1, send(p, topic, "b2"), send(p, topic, "b3"));
      p.flush();
      p.abortTransaction();
      report(b);

      q.beginTransaction();
      Sent d1 = send(q, topic, "d1");
      d1.await(); // d1 is in the log before c1, with D still open

      p.beginTransaction();
      Sent c1 = send(p, topic, "c1");
      p.commitTransaction();

      q.abortTransaction();
      report(List.of(d1));
      report(List.of(c1));
    }

    TopicPartition tp = new TopicPartition(topic, PARTITION);
    Properties ap = new Properties();
    ap.put("bootstrap.servers", bootstrap);
    ap.put("request.timeout.ms", "15000");
    ap.put("default.api.timeout.ms", "30000");
    try (Admin admin = Admin.create(ap)) {
      long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest()))
          .partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
      long stable = admin.listOffsets(Map.of(tp, OffsetSpec.latest()),
          new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
          .partitionResult(tp).get(30, TimeUnit.SECONDS).offset();
      System.out.println("end " + end);
      System.out.println("stable " + stable);
    }
    System.out.println("done");
  }

  private static KafkaProducer<String, String> producer(String bootstrap, String txnId) {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrap);
    props.put("transactional.id", txnId);
    props.put("acks", "all");
    props.put("linger.ms", "5"); // so b2 and b3 share a batch
    props.put("max.block.ms", "30000");
    props.put("request.timeout.ms", "15000");
    props.put("delivery.timeout.ms", "30000");
    props.put("transaction.timeout.ms", "60000");
    props.put("key.serializer", StringSerializer.class.getName());
    props.put("value.serializer", StringSerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  private static Sent send(KafkaProducer<String, String> producer, String topic, String value) {
    return new Sent(value, producer.send(new ProducerRecord<>(topic, PARTITION, null, value)));
  }

  private static void report(List<Sent> sent) throws Exception {
    for (Sent s : sent) System.out.println("record " + s.value + " " + s.await().offset());
  }

  private record Sent(String value, Future<RecordMetadata> future) {
    RecordMetadata await() throws Exception {
      return future.get(30, TimeUnit.SECONDS);
    }
  }
}
