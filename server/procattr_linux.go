package server

import "syscall"

// dieWithParent makes a worker process die with the server: a server
// killed outright must not leave workers running executions that its
// next run's workers (same executor IDs) recover and run again.
func dieWithParent() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
