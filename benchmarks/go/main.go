// Command peers runs one produce or consume benchmark with sarama or franz-go and prints one
// JSON line on stdout, the same shape as the Node peers in ../peers/:
//
//	{"client":"franz-go","runtime":"go","op":"produce","records":N,"bytes":B,"seconds":S}
//
// seconds covers the measured part only: connecting, fetching metadata and (for consumers)
// setting up partitions happen before the clock starts. Settings are the shared workload's
// (acks=all, linger 5 ms, batch cap 1,000,000 bytes, no compression, null keys, one fixed
// 100-byte value); see ../README.md for each client's mapping and why.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

type options struct {
	client  string
	op      string
	brokers []string
	topic   string
	records int
	size    int
	txnMs   int
}

type result struct {
	Client  string  `json:"client"`
	Runtime string  `json:"runtime"`
	Op      string  `json:"op"`
	Records int     `json:"records"`
	Bytes   int64   `json:"bytes"`
	Seconds float64 `json:"seconds"`
}

const (
	linger     = 5 * time.Millisecond
	batchBytes = 1_000_000
)

func main() {
	var o options
	var brokers string
	flag.StringVar(&o.client, "client", "", "sarama or franz-go")
	flag.StringVar(&o.op, "op", "", "produce or consume")
	flag.StringVar(&brokers, "brokers", envOr("KAFKA_BROKERS", "127.0.0.1:9092"), "comma-separated host:port list")
	flag.StringVar(&o.topic, "topic", "", "topic (must exist; 6 partitions in the shared workload)")
	flag.IntVar(&o.records, "records", 1_000_000, "records to produce or consume")
	flag.IntVar(&o.size, "size", 100, "value size in bytes")
	flag.IntVar(&o.txnMs, "txn-ms", 0, "produce: commit a transaction every this many ms (franz-go; 0: none)")
	flag.Parse()
	o.brokers = strings.Split(brokers, ",")
	if o.topic == "" || o.records <= 0 || o.size < 0 {
		fail(fmt.Errorf("need --topic, --records > 0 and --size >= 0"))
	}

	var n int
	var secs float64
	var err error
	switch o.client + "/" + o.op {
	case "sarama/produce":
		n, secs, err = saramaProduce(o)
	case "sarama/consume":
		n, secs, err = saramaConsume(o)
	case "franz-go/produce":
		if o.txnMs > 0 {
			n, secs, err = franzProduceTxn(o)
		} else {
			n, secs, err = franzProduce(o)
		}
	case "franz-go/consume":
		n, secs, err = franzConsume(o)
	default:
		err = fmt.Errorf("unknown --client %q / --op %q", o.client, o.op)
	}
	if err != nil {
		fail(err)
	}
	line, _ := json.Marshal(result{
		Client: o.client, Runtime: "go", Op: o.op,
		Records: n, Bytes: int64(n) * int64(o.size), Seconds: secs,
	})
	fmt.Println(string(line))
}

// fixedValue is the same 100 "random" bytes in every client and run: a xorshift32 stream
// from a fixed seed, so no client gets an easier payload and none pays to generate one.
func fixedValue(size int) []byte {
	v := make([]byte, size)
	x := uint32(0x9e3779b9)
	for i := range v {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		v[i] = byte(x)
	}
	return v
}

func envOr(k, d string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return d
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "peers:", err)
	os.Exit(1)
}
