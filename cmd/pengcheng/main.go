// Command pengcheng runs the Pengcheng digital-government platform: the web
// portal, the APIs and the OpenID Connect provider, on SQLite or PostgreSQL.
// Run "pengcheng help" for its subcommands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pengcheng-gov/pengcheng/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}
