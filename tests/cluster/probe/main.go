// probe: the smoke test's only container program (tests/cluster/smoke.test.ts). Built static (CGO_ENABLED=0,
// so Go's own DNS resolver reads the pod's /etc/resolv.conf) into an image FROM scratch: this machine has no
// image with a shell or nslookup, and none can be pulled. Each subcommand prints what it saw and exits
// non-zero when the check failed, so a pod's phase (Succeeded/Failed) and log are the result.
//
//	probe serve ADDR            HTTP server answering "probe ok <hostname>" on every path
//	probe lookup NAME...        resolves each name; fails when one does not resolve
//	probe nolookup NAME...      fails when one of the names DOES resolve
//	probe get URL               HTTP GET; fails unless 200
//	probe connect HOST:PORT     TCP connect; fails unless it connects
//	probe write FILE TEXT       writes TEXT to FILE and reads it back
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: probe serve|lookup|nolookup|get|connect|write ...")
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "serve":
		serve(arg(args, 0, ":8080"))
	case "lookup":
		for _, name := range args {
			addrs, err := lookup(name)
			if err != nil {
				fail("lookup %s: %v", name, err)
			}
			fmt.Printf("lookup %s %s\n", name, strings.Join(addrs, ","))
		}
	case "nolookup":
		for _, name := range args {
			addrs, err := lookup(name)
			if err == nil {
				fail("lookup %s unexpectedly answered %s", name, strings.Join(addrs, ","))
			}
			fmt.Printf("nolookup %s %v\n", name, err)
		}
	case "get":
		get(arg(args, 0, ""))
	case "connect":
		conn, err := net.DialTimeout("tcp", arg(args, 0, ""), 10*time.Second)
		if err != nil {
			fail("connect %s: %v", arg(args, 0, ""), err)
		}
		fmt.Printf("connect %s ok (from %s)\n", arg(args, 0, ""), conn.LocalAddr())
		conn.Close()
	case "write":
		file, text := arg(args, 0, ""), arg(args, 1, "")
		if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
			fail("write %s: %v", file, err)
		}
		back, err := os.ReadFile(file)
		if err != nil {
			fail("read %s: %v", file, err)
		}
		fmt.Printf("wrote %s: %s\n", file, back)
	default:
		fail("unknown subcommand %q", os.Args[1])
	}
}

func arg(args []string, i int, fallback string) string {
	if i < len(args) {
		return args[i]
	}
	if fallback == "" {
		fail("missing argument %d", i+1)
	}
	return fallback
}

func lookup(name string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return net.DefaultResolver.LookupHost(ctx, name)
}

func serve(addr string) {
	host, _ := os.Hostname()
	fmt.Printf("serving on %s\n", addr)
	err := http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintf(w, "probe ok %s\n", host)
	}))
	fail("serve: %v", err)
}

func get(url string) {
	client := http.Client{Timeout: 10 * time.Second}
	res, err := client.Get(url)
	if err != nil {
		fail("get %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Printf("get %s %d %s", url, res.StatusCode, body)
	if res.StatusCode != http.StatusOK {
		os.Exit(1)
	}
}

func fail(format string, a ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", a...)
	os.Exit(1)
}
