package sfncli

// growStack grows the calling goroutine's stack to 64 KB while few frames
// are on it: its frame is that large, though it never touches it.
//
// Go grows a goroutine's stack by copying it, and each copy walks every
// frame on the stack, reading each function's tables (the binary's
// pclntab); the kernel maps the 64 KB of the binary around each page read.
// A built binary's main goroutine grew from 4 to 8 KB deep inside its
// first execution, with frames of the command line, the runtime and the
// generated machine on the stack, whose tables sat on pages nothing else
// touched: growing it once from MainWith, under two frames, kept 120 KB
// of loop-ata's binary out of memory (README, peak RSS). The pages of the
// larger stack count only as they are used.
//
//go:noinline
func growStack(depth int) {
	if depth < 0 { // never: the frame must only exist
		var frame [stackReserve]byte
		stackSink = frame[depth&(stackReserve-1)]
	}
}

// stackReserve is growStack's frame: with what is on the stack already,
// the copy makes a stack of 64 KB, past what executions of most machines
// reach.
const stackReserve = 32 << 10

var stackSink byte
