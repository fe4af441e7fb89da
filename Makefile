# zkafka — ZooKeeper and Kafka, built from scratch in Go, one chapter at a time.
#
#   make run                   a ZooKeeper server on 127.0.0.1:2181 (chapter 2's stage);
#                              ADDR=127.0.0.1:2191 picks another address (also for run-chapter)
#   make test                  the whole project: reference tests, every lab at 100%,
#                              every skeleton swapped in
#   make test-chapter N        grade lab N (your code); SOLUTION=1 grades the reference
#   make run-chapter N         chapter N's cluster with your labs 1..N; SOLUTION=1 the reference
#   make stress-chapter N      run lab N's tests RUNS times (default 200): pass rate, failing seeds
#   make interop               real clients (zkCli.sh, kazoo, kcat, kafka-python) and Apache ZooKeeper;
#                              installs nothing, skips (and says) what is missing
#   make bench                 benchmarks, ours vs Apache ZooKeeper when installed
#   make fuzz                  run every fuzz target for FUZZTIME each (default 10s)
#   make soak                  thousands of seeded ZAB nemesis schedules (SOAK=5000)
#   make docs / docs-serve     the course site (VitePress; Node 20+, npm); docs-test checks it in Chromium
#   make learner-edition OUT=dir [UNSOLVED=1-10]
#                              a copy for a class: the UNSOLVED labs' reference files hold their
#                              skeletons, their solutions are left out (docs/teaching.md)
#
# Switches: SOLUTION=1, SEED=..., RUN=regexp, STRICT=1, VERBOSE=1, RUNS=N, ADDR=host:port. A replay reads
#   SEED=42 RUN='^TestX$/^7$' make test-chapter 3 VERBOSE=1   (as the grader prints it)

GO      ?= go
LATEST  := 2
CHAPTER_DIRS := $(sort $(wildcard chapters/0*))
# gofmt -l over git's Go files, or every one outside a checkout (a fresh
# learner edition).
GOFMT_L = { git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './docs/node_modules/*'; } | xargs -r gofmt -l

# `make test-chapter 1`: the chapter number is the second goal; swallow it.
ifneq ($(filter test-chapter run-chapter stress-chapter,$(firstword $(MAKECMDGOALS))),)
  CHAPTER := $(word 2,$(MAKECMDGOALS))
  ifneq ($(CHAPTER),)
    $(eval $(CHAPTER):;@:)
  endif
endif
N ?= $(CHAPTER)

.PHONY: all run test test-ref test-labs vet test-chapter run-chapter stress-chapter learner-edition interop bench soak fuzz clean

all: test

run:
	$(GO) run ./labs/grade run $(LATEST) -solution

test: vet test-ref test-labs

vet:
	@echo "== go vet"
	$(GO) vet ./...
	@test -z "$$($(GOFMT_L))" || (echo "not gofmt-formatted:"; $(GOFMT_L); exit 1)

test-ref:
	@echo "== reference tests"
	$(GO) run ./labs/grade testref

test-labs:
	@echo "== labs: reference 100%, skeletons swap in and score 0"
	$(GO) run ./labs/grade check

# RUN reaches the grader as typed, "$" and all, wherever it is written:
# RUN='^TestX$/^7$' make test-chapter 3 (the form the grader prints) or
# make test-chapter 3 RUN='^TestX$/^7$'. (On make's command line make would
# expand "$/" to nothing; $(value RUN) is the unexpanded text.)
RUN_ENV = $(if $(value RUN),RUN='$(value RUN)')

test-chapter:
	@$(RUN_ENV) $(GO) run ./labs/grade test $(N)

run-chapter:
	@$(GO) run ./labs/grade run $(N)

stress-chapter:
	@$(RUN_ENV) $(GO) run ./labs/grade stress $(N)

learner-edition:
	@$(GO) run ./labs/grade edition -out '$(OUT)' -unsolved '$(UNSOLVED)'

interop:
	$(GO) test -count=1 -tags interop ./zk/interop/... ./kafka/interop/...

bench:
	@echo "== ZooKeeper: ours vs Apache ZooKeeper 3.8 (standalone), same pipelined workload"
	$(GO) run ./zk/cmd/zkbench -compare
	@echo "== ZooKeeper: our 3-server ensemble vs a 3-server Apache ZooKeeper 3.8 ensemble"
	$(GO) run ./zk/cmd/zkbench -ensemble
	@echo "== Kafka: log and end-to-end produce/consume vs dd's sequential write bandwidth;"
	@echo "   then 3 brokers on a 3-member ensemble, 6 partitions, 1 KiB, acks=1: aggregate MB/s / one broker's"
	$(GO) run ./kafka/cmd/kbench

SOAK ?= 5000
soak:
	ZAB_SOAK=$(SOAK) $(GO) test -count=1 -timeout 30m -run 'TestNemesis|TestClientNemesis' ./zk/zab/...

FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	$(GO) clean -testcache

# The docs site: make docs, make docs-serve, make docs-test.
include docs/Makefile.inc
