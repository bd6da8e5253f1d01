// Copyright 2026 the kanal authors. MIT license.
/**
 * Exactly-once pipelines: a group's records, transformed and produced in transactions that also
 * commit the input offsets. Above both the producer and the group layers, as it drives both.
 *
 * @module
 */

export * from "./exactly_once.ts";
