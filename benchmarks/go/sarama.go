package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"
)

func saramaConfig() *sarama.Config {
	c := sarama.NewConfig()
	c.ClientID = "bench-sarama"
	// Without a version sarama speaks 2.8-era requests; name the broker's generation.
	c.Version = sarama.V4_0_0_0
	c.Producer.RequiredAcks = sarama.WaitForAll
	c.Producer.Compression = sarama.CompressionNone
	// Sarama's linger: flush each broker's buffer every 5 ms (its default, 0, sends as fast as
	// it can). MaxMessageBytes caps each partition's batch like batch.size does elsewhere.
	c.Producer.Flush.Frequency = linger
	c.Producer.MaxMessageBytes = batchBytes
	// Idempotence stays at sarama's default (off): turning it on forces Net.MaxOpenRequests=1,
	// one produce request in flight per broker, which no other peer is held to.
	c.Producer.Idempotent = false
	c.Producer.Return.Successes = false
	c.Producer.Return.Errors = true
	return c
}

func saramaProduce(o options) (int, float64, error) {
	client, err := sarama.NewClient(o.brokers, saramaConfig())
	if err != nil {
		return 0, 0, err
	}
	defer client.Close()
	// Warm-up: metadata and a connection to the leader before the clock starts.
	if _, err := client.Partitions(o.topic); err != nil {
		return 0, 0, err
	}
	if _, err := client.Leader(o.topic, 0); err != nil {
		return 0, 0, err
	}
	p, err := sarama.NewAsyncProducerFromClient(client)
	if err != nil {
		return 0, 0, err
	}
	var failed atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for e := range p.Errors() {
			if failed.Add(1) == 1 {
				firstErr.Store(e.Err)
			}
		}
	}()
	value := sarama.ByteEncoder(fixedValue(o.size))
	start := time.Now()
	in := p.Input()
	for i := 0; i < o.records; i++ {
		in <- &sarama.ProducerMessage{Topic: o.topic, Value: value}
	}
	// Close flushes what is buffered and returns once every request has its response.
	p.AsyncClose()
	wg.Wait()
	secs := time.Since(start).Seconds()
	if n := failed.Load(); n > 0 {
		return 0, 0, fmt.Errorf("sarama: %d records failed, first: %v", n, firstErr.Load())
	}
	return o.records, secs, nil
}

func saramaConsume(o options) (int, float64, error) {
	c := saramaConfig()
	c.Consumer.Return.Errors = true
	// Fetch sizes stay at sarama's defaults (1 MiB per partition, 500 ms max wait).
	consumer, err := sarama.NewConsumer(o.brokers, c)
	if err != nil {
		return 0, 0, err
	}
	defer consumer.Close()
	parts, err := consumer.Partitions(o.topic)
	if err != nil {
		return 0, 0, err
	}
	// Direct partition consumers from the oldest offset: no group, nothing committed. The clock
	// starts here because each ConsumePartition starts fetching at once.
	start := time.Now()
	pcs := make([]sarama.PartitionConsumer, 0, len(parts))
	for _, id := range parts {
		pc, err := consumer.ConsumePartition(o.topic, id, sarama.OffsetOldest)
		if err != nil {
			return 0, 0, err
		}
		pcs = append(pcs, pc)
	}
	var total atomic.Int64
	done := make(chan struct{})
	errs := make(chan error, len(pcs))
	var closeOnce sync.Once
	for _, pc := range pcs {
		go func(pc sarama.PartitionConsumer) {
			msgs, perrs := pc.Messages(), pc.Errors()
			for {
				select {
				case m := <-msgs:
					_ = m.Value
					if total.Add(1) == int64(o.records) {
						closeOnce.Do(func() { close(done) })
					}
				case e := <-perrs:
					errs <- e
					return
				case <-done:
					return
				}
			}
		}(pc)
	}
	select {
	case <-done:
	case e := <-errs:
		return 0, 0, e
	}
	secs := time.Since(start).Seconds()
	for _, pc := range pcs {
		pc.AsyncClose()
	}
	return o.records, secs, nil
}
