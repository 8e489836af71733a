// Package bench measures compiled state machines against hand-written Go:
// the Go benchmarks of this package (go test -bench . ./bench) run the
// hot paths of generated code, each beside a hand-written equivalent, and
// `make bench` runs the whole-process workloads of ../shared/bench.
//
// The machine packages under internal/machines are generated from the
// bench kit's definitions (and from testdata/hot.asl.json, one state per
// hot path) by the directives below; they are committed so that the
// benchmarks build without a generate step.
package bench

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg tiny -o internal/machines/tiny/tiny_gen.go ../../shared/bench/machines/tiny.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg loop -o internal/machines/loop/loop_gen.go ../../shared/bench/machines/loop.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg mapm -o internal/machines/mapm/mapm_gen.go ../../shared/bench/machines/map.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg mapc10 -o internal/machines/mapc10/mapc10_gen.go ../../shared/bench/machines/map-c10.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg parallel -o internal/machines/parallel/parallel_gen.go ../../shared/bench/machines/parallel.asl.json
//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg hot -o internal/machines/hot/hot_gen.go testdata/hot.asl.json
