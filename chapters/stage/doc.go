// Package stage is the scaffolding every chapter's runnable program shares:
// a narrator that prints the walkthrough, a ZooKeeper server the learner
// can crash and restart, and the prompt of experiments that follows the
// walkthrough.
//
// Every stage also serves its live picture (picture.go, package
// chapters/stage/picture): Narrator.Title starts it on 127.0.0.1:8080
// (PICTURE=host:port or -picture moves it, PICTURE=off turns it off) and
// prints its address; StartEnsemble, StartZooKeeper and StartKafka put
// their cluster on it; Prompt gives it the experiments, so its buttons run
// what typing them at the prompt runs.
//
// A chapter program (chapters/NN-slug/main.go) is then only its story: the
// steps it narrates and the experiments it offers.
package stage
