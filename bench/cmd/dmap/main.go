// Command dmap measures a Distributed Map over N small items: a JSONL
// object of {"id","name"} lines, one Pass state per item, EXPRESS
// children, results exported with a ResultWriter, all in memory. The
// object is generated as it is read and the results are counted, not
// kept, so that the peak RSS is the runtime's own. It prints items per
// second of wall and of CPU time and the process's peak RSS: the figures
// of the README.
//
//	go run ./bench/cmd/dmap --n 100000
package main

//go:generate go run github.com/sfn-compile/sfn-compile/cmd/sfn-compile gen -pkg dmap -o ../../internal/machines/dmap/dmap_gen.go dmap.asl.json

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/sfn-compile/sfn-compile/bench/internal/machines/dmap"
	"github.com/sfn-compile/sfn-compile/runtime/sfnimpl"
	"github.com/sfn-compile/sfn-compile/runtime/sfnrt"
)

// genStore serves items.jsonl, generated line by line, and counts what
// is put.
type genStore struct {
	n   int
	put atomic.Int64
}

func (s *genStore) ListObjects(context.Context, string, string, string) (sfnrt.ObjectPage, error) {
	return sfnrt.ObjectPage{}, errors.New("not listed")
}

func (s *genStore) GetObject(_ context.Context, _, key string) (io.ReadCloser, error) {
	return io.NopCloser(&lines{n: s.n}), nil
}

func (s *genStore) PutObject(_ context.Context, _, _ string, body []byte) error {
	s.put.Add(int64(len(body)))
	return nil
}

// lines generates {"id":I,"name":"item-I"} lines.
type lines struct {
	i, n int
	buf  bytes.Buffer
}

func (l *lines) Read(p []byte) (int, error) {
	for l.buf.Len() < len(p) && l.i < l.n {
		l.buf.WriteString(`{"id":` + strconv.Itoa(l.i) + `,"name":"item-` + strconv.Itoa(l.i) + "\"}\n")
		l.i++
	}
	if l.buf.Len() == 0 {
		return 0, io.EOF
	}
	return l.buf.Read(p)
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	n := flag.Int("n", 100000, "number of items")
	runs := flag.Int("runs", 3, "runs; the best is reported")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile to `FILE`")
	fileBytes := flag.Int("file-bytes", sfnimpl.MaxResultFileBytes(), "sfnimpl.MaxResultFileBytes: the `SIZE` of a results file held before it is written")
	flag.Parse()
	sfnimpl.SetMaxResultFileBytes(*fileBytes)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	m := dmap.New(nil)
	bestWall, bestCPU := time.Duration(1<<62), time.Duration(1<<62)
	var written int64
	for r := 0; r < *runs; r++ {
		store := &genStore{n: *n}
		start, startCPU := time.Now(), cpuTime()
		res := m.Start(context.Background(), map[string]any{}, sfnrt.Options{Objects: store})
		wall, cpu := time.Since(start), cpuTime()-startCPU
		if res.Status != sfnrt.StatusSucceeded {
			fmt.Fprintln(os.Stderr, res.Status, res.Error, res.Cause)
			os.Exit(1)
		}
		if c := res.MapRuns[0].Describe().ItemCounts; c.Succeeded != int64(*n) {
			fmt.Fprintf(os.Stderr, "%d items succeeded, want %d\n", c.Succeeded, *n)
			os.Exit(1)
		}
		bestWall, bestCPU, written = min(bestWall, wall), min(bestCPU, cpu), store.put.Load()
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("%d items (best of %d): %v wall, %.0f items/s; %v CPU, %.0f items per CPU-second; %.1f MiB of results written; peak RSS %.1f MiB\n",
		*n, *runs, bestWall.Round(time.Millisecond), float64(*n)/bestWall.Seconds(), bestCPU.Round(time.Millisecond),
		float64(*n)/bestCPU.Seconds(), float64(written)/(1<<20), float64(ru.Maxrss)/1024)
}
