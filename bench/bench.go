// Package bench measures compiled state machines against hand-written Go.
//
// Whole processes: `make bench` builds one binary per workload of the
// bench kit (../shared/bench) into bin/bench (`make bench-bins
// BENCH_BINS=DIR`), the order workload from ./order through go generate,
// and runs the kit on them, printing its table of ratios to the
// hand-written program.
//
// Hot paths: the Go benchmarks of this package, of ./order and of
// runtime/sfnrt run generated code and runtime beside hand-written Go in
// sub-benchmarks impl=sfn, impl=obj (hand-written over runtime values) and
// impl=go (hand-written typed Go), so one run gives the ratios:
//
//	go test -run '^$' -bench . -count 6 ./bench/... > new.txt
//	benchstat -col /impl new.txt
//
// Profiles: the programs under ./cmd (and ./order) are the workload
// binaries with --cpuprofile FILE and --memprofile FILE added:
//
//	go build -o /tmp/order ./bench/order
//	/tmp/order --input @../shared/bench/inputs/order.json --repeat 50000 --cpuprofile /tmp/order.cpu
//	go tool pprof -top -cum /tmp/order /tmp/order.cpu
//
// The machine packages under internal/machines are generated from the
// bench kit's definitions, copied into machines/ (TestKitDefinitions
// checks they equal ../shared/bench's), and from testdata/hot.asl.json,
// one state per hot path, and testdata/loop-jsonata.asl.json, the loop in
// JSONata, by the directives below; they are committed so that the
// benchmarks build without a generate step (the module's
// TestGeneratedFiles checks they are current).
package bench

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg tiny -o internal/machines/tiny/tiny_gen.go machines/tiny.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg loop -o internal/machines/loop/loop_gen.go machines/loop.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg mapm -o internal/machines/mapm/mapm_gen.go machines/map.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg mapc10 -o internal/machines/mapc10/mapc10_gen.go machines/map-c10.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg parallel -o internal/machines/parallel/parallel_gen.go machines/parallel.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg hot -o internal/machines/hot/hot_gen.go testdata/hot.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg loopata -o internal/machines/loopata/loopata_gen.go testdata/loop-jsonata.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg loopvars -o internal/machines/loopvars/loopvars_gen.go machines/loop-ata.asl.json
