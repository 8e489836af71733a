# Short aliases for go commands; the logic lives in Go.
GO ?= go

.PHONY: all build test demo conformance fuzz check bench bench-bins

all: build

build:
	$(GO) build ./...

# demo: regenerate the example machine through go generate and run it.
demo:
	$(GO) generate ./examples/...
	$(GO) run ./examples/order

# test: every test, the conformance gate included, plus brief fuzzing.
test:
	$(GO) vet ./...
	$(GO) test ./...
	$(MAKE) fuzz FUZZTIME=5s

FUZZTIME ?= 10s
fuzz:
	$(GO) test ./compiler -run '^$$' -fuzz '^FuzzCompile$$' -fuzztime $(FUZZTIME)
	$(GO) test ./compiler -run '^$$' -fuzz '^FuzzParsePath$$' -fuzztime $(FUZZTIME)
	$(GO) test ./compiler -run '^$$' -fuzz '^FuzzParseIntrinsic$$' -fuzztime $(FUZZTIME)

conformance:
	$(GO) test ./testrun -run TestConformance -v -count=1

check:
	gofmt -l . | (! grep .)
	$(GO) vet ./...
