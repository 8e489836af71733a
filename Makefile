# Short aliases for go commands; the logic lives in Go.
GO ?= go

.PHONY: all build test race adversarial demo conformance fuzz check bench bench-bins bench-durable bench-distmap bench-serve chaos-durable chaos-distmap

all: build

build:
	$(GO) build ./...

# demo: regenerate the example machine through go generate and run it.
demo:
	$(GO) generate ./examples/...
	$(GO) run ./examples/order

# test: every test, the conformance gate included, the adversarial suite,
# plus brief fuzzing. (go test ./... also type-checks the Go of 100
# grammar-generated definitions: codegen's TestGrammarDefinitions,
# -grammar.n for more.)
# test: cmd/sfn-compile builds and serves real machines (the serve
# takeover test alone waits 15 s for a dead server's leases); under load
# it passed in 12 minutes, past go test's default 10-minute timeout.
test:
	$(GO) vet ./...
	$(GO) test -timeout 25m ./...
	$(MAKE) race
	$(MAKE) adversarial
	$(MAKE) fuzz FUZZTIME=2000x GRAMMAR_FUZZTIME=100x

# race: the stress tests of the runtime's unsafe code and lock-free
# sharing (runtime/internal/engine: room claims, values built in place,
# read by many goroutines at once) under the race detector.
# The race detector needs cgo and a C compiler (.ci/run installs gcc);
# without them the target says so and passes.
race:
	@if [ "$$($(GO) env CGO_ENABLED)" = 1 ] && command -v gcc >/dev/null 2>&1; then \
	  echo "$(GO) test -race ./runtime/internal/engine -run Concurrent -count=1"; \
	  $(GO) test -race ./runtime/internal/engine -run 'Concurrent' -count=1; \
	else echo "race: skipped, the race detector needs cgo and gcc"; fi

# adversarial: testdata/adversarial (hostile and huge inputs, definitions
# and handlers) under bounds, so that a regression that would exhaust
# memory or never end fails instead of taking CI down: 8 GiB of address
# space per process (the go command and the compiler included) and 10
# minutes in all.
ADVERSARIAL_VMEM ?= 8388608
adversarial:
	ulimit -v $(ADVERSARIAL_VMEM) && SFN_ADVERSARIAL=1 timeout -k 10 600 $(GO) test ./cmd/sfn-compile -run '^TestAdversarial$$' -count=1 -timeout 580s

# FUZZTIME counts executions per target: with a duration, Go 1.26 can fail
# a run that found nothing with "context deadline exceeded" when its
# deadline races a worker (golang/go#75804, fixed in Go 1.27).
FUZZTIME ?= 20000x
# FuzzGrammar type-checks a whole generated package per input, a
# thousand times the cost of the other targets' inputs.
GRAMMAR_FUZZTIME ?= 1000x
fuzz:
	$(GO) test ./codegen -run '^$$' -fuzz '^FuzzGrammar$$' -fuzztime $(GRAMMAR_FUZZTIME)
	$(GO) test ./compiler -run '^$$' -fuzz '^FuzzCompile$$' -fuzztime $(FUZZTIME)
	$(GO) test ./compiler -run '^$$' -fuzz '^FuzzParsePath$$' -fuzztime $(FUZZTIME)
	$(GO) test ./compiler -run '^$$' -fuzz '^FuzzParseIntrinsic$$' -fuzztime $(FUZZTIME)
	$(GO) test ./codegen -run '^$$' -fuzz '^FuzzGenerate$$' -fuzztime $(FUZZTIME)
	$(GO) test ./codegen/internal/typedtest/machine -run '^$$' -fuzz '^FuzzTypedCodecs$$' -fuzztime $(FUZZTIME)
	$(GO) test ./durable -run '^$$' -fuzz '^FuzzHistoryBatch$$' -fuzztime $(FUZZTIME)
	$(GO) test ./durable -run '^$$' -fuzz '^FuzzChildRecord$$' -fuzztime $(FUZZTIME)
	$(GO) test ./durable -run '^$$' -fuzz '^FuzzChildInput$$' -fuzztime $(FUZZTIME)
	$(GO) test ./durable -run '^$$' -fuzz '^FuzzSQLiteDSN$$' -fuzztime $(FUZZTIME)
	$(GO) test ./codegen/internal/typedtest/fused -run '^$$' -fuzz '^FuzzFusedParameters$$' -fuzztime $(FUZZTIME)
	$(GO) test ./codegen/internal/fusedata -run '^$$' -fuzz '^FuzzFusedAta$$' -fuzztime $(FUZZTIME)
	$(GO) test ./codegen/internal/typedtest/fusedata -run '^$$' -fuzz '^FuzzTypedArguments$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/internal/engine -run '^$$' -fuzz '^FuzzSelect$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/internal/engine -run '^$$' -fuzz '^FuzzParseJSON$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/internal/engine -run '^$$' -fuzz '^FuzzGoCodec$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/internal/engine -run '^$$' -fuzz '^FuzzEncodeNumber$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/sfncli -run '^$$' -fuzz '^FuzzFlags$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/sfnmock -run '^$$' -fuzz '^FuzzObjectMembers$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/sfncli -run '^$$' -fuzz '^FuzzLines$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/internal/engine -run '^$$' -fuzz '^FuzzCSVItems$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/internal/engine -run '^$$' -fuzz '^FuzzJSONLItems$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/internal/engine -run '^$$' -fuzz '^FuzzJSONItems$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/internal/engine -run '^$$' -fuzz '^FuzzManifestItems$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/internal/engine -run '^$$' -fuzz '^FuzzParseTaskToken$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/jsonata/syntax -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/jsonata -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/jsonata -run '^$$' -fuzz '^FuzzEvalBounded$$' -fuzztime $(FUZZTIME)
	$(GO) test ./graph -run '^$$' -fuzz '^FuzzParseHistory$$' -fuzztime $(FUZZTIME)
	$(GO) test ./cmd/sfn-compile -run '^$$' -fuzz '^FuzzCrashWatch$$' -fuzztime $(FUZZTIME)
	$(GO) test ./server -run '^$$' -fuzz '^FuzzRequest$$' -fuzztime $(FUZZTIME)
	$(GO) test ./server -run '^$$' -fuzz '^FuzzParseHTTPTrace$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/integrations -run '^$$' -fuzz '^FuzzParseResource$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/integrations -run '^$$' -fuzz '^FuzzParseConnections$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/integrations -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./runtime/integrations -run '^$$' -fuzz '^FuzzHeadNames$$' -fuzztime $(FUZZTIME)
	$(GO) test ./durable -run '^$$' -fuzz '^FuzzStartRequest$$' -fuzztime $(FUZZTIME)

conformance:
	$(GO) test ./testrun -run TestConformance -v -count=1

check:
	gofmt -l . | (! grep .)
	$(GO) vet ./...

# bench-bins: one binary per workload of the bench kit (../shared/bench;
# its definitions are copied in bench/machines) into BENCH_BINS: six
# through `sfn-compile build` (map and map-c10 with no payload limit: the
# kit's map input and output are over AWS's 256 KiB; the loops and maps as
# EXPRESS: 10,000 iterations are over a STANDARD execution's 25,000
# history events, where AWS would fail them), order and order-ata through
# go generate with their Task states bound to the same Go handlers
# (examples/order/shop; bench/order runs examples/order, bench/orderata).
# bench: build them and run the kit, printing its table; the kit runs from
# a writable copy (BENCH_WORK) because it builds its peers in place.
# Neither is part of test. E.g. make bench RUNS=11 BENCH_FLAGS='--peers handwritten,sfn-compile'
BENCH_KIT  ?= ../shared/bench
BENCH_BINS ?= bin/bench
BENCH_WORK ?= bin/bench-kit
RUNS       ?= 5

bench-bins:
	@mkdir -p $(BENCH_BINS)
	$(GO) build -o $(BENCH_BINS)/.sfn-compile ./cmd/sfn-compile
	$(GO) generate ./examples/order ./bench/orderata
	for w in tiny loop loop-ata map map-c10 parallel; do \
	  case $$w in map*) limit=0 ;; *) limit=262144 ;; esac; \
	  case $$w in map*|loop*) type=EXPRESS ;; *) type=STANDARD ;; esac; \
	  $(BENCH_BINS)/.sfn-compile build --type $$type --payload-limit $$limit -o $(BENCH_BINS)/$$w bench/machines/$$w.asl.json || exit 1; \
	done
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BENCH_BINS)/order ./bench/order
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BENCH_BINS)/order-ata ./bench/orderata

bench: bench-bins
	@mkdir -p $(BENCH_WORK)
	cp -R $(BENCH_KIT)/. $(BENCH_WORK)/ && chmod -R u+w $(BENCH_WORK)
	SFN_BENCH_BINS=$(abspath $(BENCH_BINS)) RUNS=$(RUNS) $(BENCH_WORK)/run.sh $(BENCH_FLAGS)

# bench-durable: the order machine in memory and durable (docs/durable.md)
# on SQLite and on PostgreSQL (started by the test where installed), 1 and
# 50 executions at once, next to the raw single-row commit rate of the
# same databases. BENCH_TIME per measurement. What a wake-up costs as an
# execution's records grow (TestBenchWake). Then 10,000 executions
# parked at a callback: the worker's goroutines and memory (docs/durable.md).
BENCH_TIME ?= 5s
bench-durable:
	SFN_BENCH_DURABLE=1 SFN_BENCH_DURABLE_TIME=$(BENCH_TIME) $(GO) test ./durable -run '^(TestBenchDurable|TestBenchWake)$$' -count=1 -v
	SFN_PARK_EXECUTIONS=10000 $(GO) test ./durable -run '^TestParkedExecutionsHoldNoGoroutines$$' -count=1 -v -timeout 30m

# bench-distmap: a Distributed Map over 100,000 items with a one-Pass
# processor, in memory (EXPRESS children) and durable (STANDARD children,
# SQLite): items per second and peak RSS, each in a process of its own.
# Then a durable one whose children run two Tasks: one after another in
# the execution, or as child workflows (SQLite; PostgreSQL, 1 and 3
# workers, where installed).
bench-distmap:
	SFN_BENCH_DISTMAP=1 $(GO) test ./durable -run '^(TestBenchDistributedMap|TestBenchDistributedMapTasks)$$' -count=1 -v -timeout 30m

# bench-serve: sfn-compile serve through the Go SDK client, with 1 and
# 16 clients: StartSyncExecution of a one-Pass Express machine, and
# StartExecution → SUCCEEDED of the order machine on SQLite (README).
bench-serve:
	for n in 1 16; do \
	  SFN_BENCH_CLIENTS=$$n $(GO) test ./cmd/sfn-compile -run '^$$' -bench 'ServeStartSync$$' -benchtime 5000x -count=1 && \
	  SFN_BENCH_CLIENTS=$$n $(GO) test ./cmd/sfn-compile -run '^$$' -bench 'ServeStandardOrder$$' -benchtime 400x -count=1 || exit 1; \
	done

# chaos-durable: the issue's chaos tests (200 executions, a Map of 50, 20
# kill -9 of workers, on SQLite and on PostgreSQL with 3 workers) and the
# Distributed Map ones (chaos-distmap), which make test runs at a smaller
# size. CHAOS_RUNS times in a row.
CHAOS_RUNS ?= 1
chaos-durable:
	SFN_CHAOS=full SFN_DMAP_CHAOS=full $(GO) test ./durable -run '^(TestChaos|TestDistributedMapChaos)' -count=$(CHAOS_RUNS) -v -timeout 60m

# chaos-distmap: a built durable binary's Distributed Maps (15 executions
# of 300 items over versitygw and from the input, batched or not, some
# items failing) with 24 kill -9 of its workers, on SQLite and on
# PostgreSQL with 3 workers, against an uninterrupted run
# (durable/distmap_chaos_test.go).
chaos-distmap:
	SFN_DMAP_CHAOS=full $(GO) test ./durable -run '^TestDistributedMapChaos' -count=$(CHAOS_RUNS) -v -timeout 60m
