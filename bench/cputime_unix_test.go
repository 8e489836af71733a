//go:build unix

package bench_test

import "syscall"

// cpuTime returns the process's user+system CPU time in nanoseconds, which
// a busy shared machine disturbs less than wall time.
func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
