// pause holds a pod's namespaces open: cri-dockerd starts it as the pod's first container (its
// --pod-infra-container-image) and joins every app container to its network namespace. Kubernetes ships a C
// program for this (build/pause/linux/pause.c in k8s.io/kubernetes); this is the same behaviour in Go, built
// statically so a one-file image can hold it: block forever, reap orphaned children when running as PID 1,
// exit 0 on SIGINT or SIGTERM.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-v" {
		fmt.Println("pause (todo-chatbot)")
		return
	}
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "Warning: pause should be the first process")
	}
	signals := make(chan os.Signal, 8)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range signals {
		if s != syscall.SIGCHLD {
			fmt.Fprintf(os.Stderr, "Shutting down, got signal: %v\n", s)
			os.Exit(0)
		}
		reap()
	}
}

// reap collects every exited child without blocking, as pause.c's sigreap does with waitpid(-1, NULL, WNOHANG).
func reap() {
	for {
		var status syscall.WaitStatus
		pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
	}
}
