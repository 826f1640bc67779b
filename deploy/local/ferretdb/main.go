// Command ferretdb-local runs FerretDB v1 (MongoDB wire protocol) for the
// local IMEI registry stack, on SQLite (default) or PostgreSQL.
//
// It embeds the public package github.com/FerretDB/FerretDB/ferretdb instead
// of building FerretDB's own cmd/ferretdb, which panics at start-up when built
// with `go install` from the module (missing build/version/version.txt,
// FerretDB issue #2982). The embedded package never starts the telemetry
// reporter and marks telemetry disabled+locked in its in-memory state.
//
// Run mode (default):
//
//	ferretdb-local -listen 127.0.0.1:27017 -handler sqlite -sqlite-dir .local/ferretdb/data
//	ferretdb-local -handler postgresql -postgresql-url postgres://u@127.0.0.1:5433/ferretdb
//
// Health-check mode (exit 0 when a MongoDB `ping` on admin returns ok:1):
//
//	ferretdb-local -healthcheck -listen 127.0.0.1:27017
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/bson"
	"go.mongodb.org/mongo-driver/mongo"
	"go.mongodb.org/mongo-driver/mongo/options"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (host:port)")
	handler := flag.String("handler", "sqlite", "backend handler: sqlite | postgresql")
	sqliteDir := flag.String("sqlite-dir", "data", "directory for SQLite database files (sqlite handler)")
	sqliteSync := flag.String("sqlite-synchronous", "normal", "SQLite PRAGMA synchronous (WAL mode): "+
		"normal (no fsync per commit; a crash of the machine may lose the last commits, never corrupts) | full (fsync every commit)")
	pgURL := flag.String("postgresql-url", "", "PostgreSQL URL (postgresql handler), e.g. postgres://user@127.0.0.1:5433/ferretdb")
	logLevel := flag.String("log-level", "info", "FerretDB log level: debug | info | warn | error "+
		"(warn logs every error reply, e.g. duplicate key, as a multi-line dump)")
	pidFile := flag.String("pid-file", "", "write the process id to this file while serving")
	healthcheck := flag.Bool("healthcheck", false, "do not serve: send a MongoDB ping to -listen and exit 0 on ok:1")
	hcTimeout := flag.Duration("healthcheck-timeout", 3*time.Second, "timeout for -healthcheck")
	flag.Parse()

	if *healthcheck {
		if err := ping(*listen, *hcTimeout); err != nil {
			fmt.Fprintf(os.Stderr, "healthcheck %s: %v\n", *listen, err)
			os.Exit(1)
		}
		fmt.Printf("healthcheck %s: ok\n", *listen)
		return
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fatalf("bad -log-level %q: %v", *logLevel, err)
	}
	// FerretDB's own messages use the requested level; our lifecycle lines
	// (starting / ready / stopped) are always written.
	fdbLogger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})).
		With("name", "ferretdb-local")

	cfg := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   fdbLogger,
		Handler:  *handler,
	}

	switch *handler {
	case "sqlite":
		dir, err := filepath.Abs(*sqliteDir)
		if err != nil {
			fatalf("bad -sqlite-dir: %v", err)
		}
		if err = os.MkdirAll(dir, 0o755); err != nil {
			fatalf("create -sqlite-dir: %v", err)
		}
		switch *sqliteSync {
		case "off", "normal", "full", "extra":
		default:
			fatalf("bad -sqlite-synchronous %q: want off, normal, full or extra", *sqliteSync)
		}
		// FerretDB adds busy_timeout, journal_mode(wal) and auto_vacuum itself.
		cfg.SQLiteURL = "file:" + strings.TrimSuffix(dir, "/") + "/?_pragma=synchronous(" + *sqliteSync + ")"
	case "postgresql":
		if *pgURL == "" {
			fatalf("-postgresql-url is required for -handler postgresql")
		}
		cfg.PostgreSQLURL = *pgURL
	default:
		fatalf("bad -handler %q: want sqlite or postgresql", *handler)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	f, err := ferretdb.New(cfg)
	if err != nil {
		fatalf("start FerretDB: %v", err)
	}

	if *pidFile != "" {
		if err = os.WriteFile(*pidFile, []byte(fmt.Sprintf("%d\n", os.Getpid())), 0o644); err != nil {
			fatalf("write -pid-file: %v", err)
		}
		defer os.Remove(*pidFile)
	}

	logger.Info("starting", "ferretdb", ferretdbVersion(), "listen", *listen, "handler", *handler,
		"sqlite", cfg.SQLiteURL, "postgresql", redact(cfg.PostgreSQLURL), "pid", os.Getpid())

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	// Log a readiness line once the listener answers a real ping.
	go func() {
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) && ctx.Err() == nil {
			if ping(*listen, 2*time.Second) == nil {
				logger.Info("ready", "uri", "mongodb://"+*listen+"/")
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	}()

	err = <-done
	if err != nil && !errors.Is(err, context.Canceled) {
		logger.Error("stopped with error", "error", err)
		if *pidFile != "" {
			os.Remove(*pidFile)
		}
		os.Exit(1)
	}
	logger.Info("stopped")
}

// ping connects directly to addr and runs {ping: 1} on the admin database.
func ping(addr string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	opts := options.Client().
		ApplyURI("mongodb://" + addr + "/").
		SetDirect(true).
		SetServerSelectionTimeout(timeout).
		SetConnectTimeout(timeout)

	c, err := mongo.Connect(ctx, opts)
	if err != nil {
		return err
	}
	defer c.Disconnect(context.Background()) //nolint:errcheck // best effort

	var res bson.M
	if err = c.Database("admin").RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Decode(&res); err != nil {
		return err
	}
	if ok, _ := res["ok"].(float64); ok != 1 {
		return fmt.Errorf("unexpected ping reply: %v", res)
	}
	return nil
}

// ferretdbVersion returns the FerretDB module version linked into this binary.
func ferretdbVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/FerretDB/FerretDB" {
				return d.Version
			}
		}
	}
	return "unknown"
}

// redact hides a password in a PostgreSQL URL for logging.
func redact(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if at := strings.Index(u[i+3:], "@"); at >= 0 {
			cred := u[i+3 : i+3+at]
			if c := strings.Index(cred, ":"); c >= 0 {
				return u[:i+3] + cred[:c] + ":xxxxx" + u[i+3+at:]
			}
		}
	}
	return u
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ferretdb-local: "+format+"\n", args...)
	os.Exit(1)
}
