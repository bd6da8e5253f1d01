package main

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
)

func franzProduce(o options) (int, float64, error) {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(o.brokers...),
		kgo.ClientID("bench-franz-go"),
		kgo.DefaultProduceTopic(o.topic),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerLinger(linger),
		kgo.ProducerBatchMaxBytes(batchBytes),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		// Idempotence stays on, franz-go's default; so do its sticky partitioner for keyless
		// records and its 50,000-record buffer.
	)
	if err != nil {
		return 0, 0, err
	}
	defer cl.Close()
	ctx := context.Background()
	// Warm-up: metadata and the producer ID before the clock starts.
	if err := cl.Ping(ctx); err != nil {
		return 0, 0, err
	}
	if _, _, err := cl.ProducerID(ctx); err != nil {
		return 0, 0, err
	}
	value := fixedValue(o.size)
	var failed atomic.Int64
	var firstErr atomic.Value
	// One promise per record is franz-go's way to learn a record's fate; it is a plain call on
	// the client's goroutine, not a channel send.
	promise := func(_ *kgo.Record, err error) {
		if err != nil && failed.Add(1) == 1 {
			firstErr.Store(err)
		}
	}
	start := time.Now()
	for i := 0; i < o.records; i++ {
		cl.Produce(ctx, &kgo.Record{Value: value}, promise)
	}
	if err := cl.Flush(ctx); err != nil {
		return 0, 0, err
	}
	secs := time.Since(start).Seconds()
	if n := failed.Load(); n > 0 {
		return 0, 0, fmt.Errorf("franz-go: %d records failed, first: %v", n, firstErr.Load())
	}
	return o.records, secs, nil
}

func franzConsume(o options) (int, float64, error) {
	// Without a group, ConsumeTopics assigns every partition directly; reading starts at the
	// earliest offset. Fetch sizes stay at franz-go's defaults (1 MiB per partition, 50 MiB).
	// The clock starts before the client exists because it starts fetching as soon as it has
	// metadata; connecting costs a few milliseconds of the measured time.
	start := time.Now()
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(o.brokers...),
		kgo.ClientID("bench-franz-go"),
		kgo.ConsumeTopics(o.topic),
		kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()),
	)
	if err != nil {
		return 0, 0, err
	}
	defer cl.Close()
	ctx := context.Background()
	n := 0
	for n < o.records {
		fs := cl.PollFetches(ctx)
		if errs := fs.Errors(); len(errs) > 0 {
			return 0, 0, fmt.Errorf("franz-go fetch: %v", errs[0].Err)
		}
		fs.EachRecord(func(r *kgo.Record) {
			_ = r.Value
			n++
		})
	}
	secs := time.Since(start).Seconds()
	return o.records, secs, nil
}

// franzProduceTxn is franzProduce in transactions (transactional id bench-franz-go-<topic>):
// one is committed (Flush, then EndTransaction) once it has been open o.txnMs ms, and at the
// end, as Java's ProducerPerformance does with --transaction-duration-ms.
func franzProduceTxn(o options) (int, float64, error) {
	cl, err := kgo.NewClient(
		kgo.SeedBrokers(o.brokers...),
		kgo.ClientID("bench-franz-go"),
		kgo.DefaultProduceTopic(o.topic),
		kgo.RequiredAcks(kgo.AllISRAcks()),
		kgo.ProducerLinger(linger),
		kgo.ProducerBatchMaxBytes(batchBytes),
		kgo.ProducerBatchCompression(kgo.NoCompression()),
		kgo.TransactionalID("bench-franz-go-"+o.topic),
	)
	if err != nil {
		return 0, 0, err
	}
	defer cl.Close()
	ctx := context.Background()
	value := fixedValue(o.size)
	var failed atomic.Int64
	var firstErr atomic.Value
	promise := func(_ *kgo.Record, err error) {
		if err != nil && failed.Add(1) == 1 {
			firstErr.Store(err)
		}
	}
	commit := func() error {
		if err := cl.Flush(ctx); err != nil {
			return err
		}
		return cl.EndTransaction(ctx, kgo.TryCommit)
	}
	// Warm-up: metadata, the producer ID and a first transaction before the clock starts.
	if err := cl.BeginTransaction(); err != nil {
		return 0, 0, err
	}
	cl.Produce(ctx, &kgo.Record{Value: value}, promise)
	if err := commit(); err != nil {
		return 0, 0, err
	}
	start := time.Now()
	if err := cl.BeginTransaction(); err != nil {
		return 0, 0, err
	}
	txnStart := start
	period := time.Duration(o.txnMs) * time.Millisecond
	for i := 0; i < o.records; i++ {
		cl.Produce(ctx, &kgo.Record{Value: value}, promise)
		if i%1000 == 999 && time.Since(txnStart) >= period {
			if err := commit(); err != nil {
				return 0, 0, err
			}
			if err := cl.BeginTransaction(); err != nil {
				return 0, 0, err
			}
			txnStart = time.Now()
		}
	}
	if err := commit(); err != nil {
		return 0, 0, err
	}
	secs := time.Since(start).Seconds()
	if n := failed.Load(); n > 0 {
		return 0, 0, fmt.Errorf("franz-go: %d records failed, first: %v", n, firstErr.Load())
	}
	return o.records, secs, nil
}
