#!/usr/bin/env bash
# Kafka's own ProducerPerformance / ConsumerPerformance (the Java client of the broker's
# release, run from the same jars by scripts/kafka.sh) as a peer: runs one and turns its
# summary into the peers' JSON line.
#
#   kafka_perf.sh produce|consume --brokers B --topic T --records N --size S [--transaction-ms D]
#
# produce: acks=all, linger.ms=5, batch.size=1000000, no compression; idempotence stays on,
#   the Java client's default since 3.0. Null keys; one random payload of S bytes reused.
#   seconds = records / the tool's final records/sec, which it times from the first send
#   (the first send waits for metadata). --transaction-ms D: transactional (id
#   bench-java-<topic>), a commit every D ms (--transaction-duration-ms).
# consume: a fresh group per run (the tool's default random group id), from the earliest
#   offset. seconds = the tool's fetch.time.ms, which leaves out the group join.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
op="${1:?produce or consume}"
shift
brokers="${KAFKA_BROKERS:-127.0.0.1:9092}" topic="" records=1000000 size=100 txn_ms=0
while [ $# -gt 0 ]; do
  case "$1" in
    --brokers) brokers="$2"; shift 2 ;;
    --topic) topic="$2"; shift 2 ;;
    --records) records="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --transaction-ms) txn_ms="$2"; shift 2 ;;
    *) echo "kafka_perf.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$topic" ] || { echo "kafka_perf.sh: --topic is required" >&2; exit 2; }
tool() { "$ROOT/scripts/kafka.sh" tool "$@"; }
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

case "$op" in
  produce)
    txn=()
    [ "$txn_ms" -gt 0 ] && txn=(--transactional-id "bench-java-$topic" --transaction-duration-ms "$txn_ms")
    tool ProducerPerformance --bootstrap-server "$brokers" --topic "$topic" "${txn[@]}" \
      --num-records "$records" --record-size "$size" --throughput -1 \
      --command-property acks=all --command-property linger.ms=5 \
      --command-property batch.size=1000000 --command-property compression.type=none \
      > "$out"
    # "N records sent, R records/sec (M MB/sec), ..." is the last line.
    line="$(grep -E '^[0-9]+ records sent, ' "$out" | tail -n 1)" \
      || { cat "$out" >&2; echo "kafka_perf.sh: no summary from ProducerPerformance" >&2; exit 1; }
    awk -v size="$size" '{
      n = $1; rate = $4
      printf "{\"client\":\"java\",\"runtime\":\"jvm\",\"op\":\"produce\",\"records\":%d,\"bytes\":%d,\"seconds\":%.6f}\n", n, n * size, n / rate
    }' <<< "$line"
    ;;
  consume)
    tool ConsumerPerformance --bootstrap-server "$brokers" --topic "$topic" \
      --num-records "$records" --timeout 60000 > "$out"
    # CSV: start, end, MB, MB/s, nMsg, nMsg/s, rebalance.time.ms, fetch.time.ms, ...
    line="$(grep -E '^[0-9]{4}-' "$out" | tail -n 1)" \
      || { cat "$out" >&2; echo "kafka_perf.sh: no summary from ConsumerPerformance" >&2; exit 1; }
    awk -F', *' -v size="$size" '{
      n = $5; ms = $8
      printf "{\"client\":\"java\",\"runtime\":\"jvm\",\"op\":\"consume\",\"records\":%d,\"bytes\":%d,\"seconds\":%.6f}\n", n, n * size, ms / 1000
    }' <<< "$line"
    ;;
  *) echo "kafka_perf.sh: the first argument is produce or consume, not $op" >&2; exit 2 ;;
esac
