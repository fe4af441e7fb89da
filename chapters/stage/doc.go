// Package stage is the scaffolding every chapter's runnable program shares:
// a narrator that prints the walkthrough, a ZooKeeper server the learner
// can crash and restart, and the prompt of experiments that follows the
// walkthrough.
//
// A chapter program (chapters/NN-slug/main.go) is then only its story: the
// steps it narrates and the experiments it offers.
package stage
