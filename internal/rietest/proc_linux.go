package rietest

import (
	"os/exec"
	"syscall"
)

const supported = true

// ownGroup makes cmd the leader of a new process group, so that stopping
// it reaches the function process the emulator started too.
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }

func terminate(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }

func kill(cmd *exec.Cmd) { syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
