// Package picture is the live picture of a chapter's cluster: a web page
// every chapter stage serves (http://127.0.0.1:8080 by default), fed by a
// small JSON and server-sent-events endpoint that curl can read too.
//
//	GET  /              the page (embedded: plain HTML, CSS, JS and SVG)
//	GET  /api/state     the State, as JSON
//	GET  /api/events    the State again on every change (text/event-stream)
//	GET  /api/znode     ?path=/a/b: one znode's data, Stat and children
//	POST /api/run       {"command":"kill 1"}: run one of the prompt's experiments
//
// A State is built by Sources, one per part of the cluster: the ZooKeeper
// servers (ZooKeeperSource, from Server.Status and the 4-letter words
// srvr, mntr, cons and wchp) and the Kafka brokers (KafkaSource, from the
// Metadata and ListOffsets APIs and the partition directories on disk). A
// later chapter adds its part by adding a field to State (or to Kafka), a
// Source that fills it, and a renderer on the page; nothing else changes.
// docs/reference/picture.md describes the JSON.
//
// The building is split from the reading: Build* functions turn what the
// 4-letter words and the Kafka APIs answered into State values and are
// tested on fixed inputs; the Sources only fetch those inputs.
//
// The buttons on the page run the same experiments as the stage's prompt,
// through the same function (Runner), so the page and the prompt do the
// same thing.
package picture
