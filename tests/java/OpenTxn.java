// Copyright 2026 the kanal authors. MIT license.
//
// Leaves an open transaction behind: a transactional producer writes one record to partition 0
// of TOPIC, flushes, and the JVM halts without committing or aborting, so the transaction stays
// Ongoing until its timeout (5 minutes). Tests find and abort it with kanal's admin. Run with
// Java's single-file source launcher:
//
//   java -cp ".kafka-harness/lib-4.2.2/*" tests/java/OpenTxn.java BOOTSTRAP TOPIC TXN_ID
//
// Prints "open OFFSET" once the record is written.

import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

public class OpenTxn {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: OpenTxn BOOTSTRAP TOPIC TXN_ID");
      System.exit(2);
    }
    Properties props = new Properties();
    props.put("bootstrap.servers", args[0]);
    props.put("transactional.id", args[2]);
    props.put("acks", "all");
    props.put("max.block.ms", "30000");
    props.put("transaction.timeout.ms", "300000");
    props.put("key.serializer", StringSerializer.class.getName());
    props.put("value.serializer", StringSerializer.class.getName());
    KafkaProducer<String, String> p = new KafkaProducer<>(props);
    p.initTransactions();
    p.beginTransaction();
    RecordMetadata m = p.send(new ProducerRecord<>(args[1], 0, null, "open")).get();
    System.out.println("open " + m.offset());
    System.out.flush();
    Runtime.getRuntime().halt(0); // no commit, no abort, no close: the transaction hangs
  }
}
