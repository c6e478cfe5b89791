// Command backend runs the sample backend on its own, for trying the samples
// against a gateway started with an explicit -config:
//
//	go run ./samples/backend/cmd/backend -addr 127.0.0.1:9000
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/seqgate/seqgate/samples/backend"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:9000", "listen address")
	flag.Parse()
	stop, err := backend.Start(*addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "sample backend listening on %s\n", *addr)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	stop()
}
