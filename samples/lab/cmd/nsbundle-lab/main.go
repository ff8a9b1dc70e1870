// Command nsbundle-lab starts the lab control plane in a private network
// namespace, builds one scenario on it, and either waits (Ctrl-C stops it) or
// runs a command against it.
//
//	nsbundle-lab list
//	nsbundle-lab up [-dir DIR] <scenario>
//	nsbundle-lab run [-dir DIR] [-wait 2m30s] <scenario> -- <command> [args...]
//
// The command runs inside the namespace with KUBECONFIG (admin),
// NSBUNDLE_LAB_LOGS (name=path,... of extra logs), NSBUNDLE_LAB_LOG_ARGS
// ("--log name=path ..." for nsbundle collect), NSBUNDLE_LAB_AUDIT
// (kube-apiserver's audit log, for collect --audit-log), NSBUNDLE_LAB_DIR set, and
// the lab's kubectl first in PATH. K8S_VERSION (default v1.37.2) chooses
// the Kubernetes version; NSBUNDLE_LAB_VERSION tells the command which one runs.
// Results go to stdout, progress to stderr.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/nsbundle/nsbundle/samples/lab"
)

func main() {
	os.Exit(lab.RunIsolatedMain(realMain))
}

func usage() {
	fmt.Fprintf(os.Stderr, "usage:\n  nsbundle-lab list\n  nsbundle-lab up [-dir DIR] <scenario>\n  nsbundle-lab run [-dir DIR] [-wait DURATION] <scenario> -- <command> [args...]\n")
}

func realMain() int {
	if len(os.Args) < 2 {
		usage()
		return 2
	}
	verb := os.Args[1]
	if verb == "list" {
		for _, n := range lab.ScenarioNames() {
			fmt.Println(n)
		}
		return 0
	}
	if verb != "up" && verb != "run" {
		usage()
		return 2
	}
	fs := flag.NewFlagSet(verb, flag.ContinueOnError)
	dir := fs.String("dir", "", "lab directory (kept after exit); default: a temporary directory, removed")
	wait := fs.Duration("wait", 0, "let the broken state age this long before running the command (analyzers call a namespace stuck after ~2m)")
	if err := fs.Parse(os.Args[2:]); err != nil {
		return 2
	}
	args := fs.Args()
	if len(args) < 1 {
		usage()
		return 2
	}
	scenario, rest := args[0], args[1:]
	if len(rest) > 0 && rest[0] == "--" {
		rest = rest[1:]
	}
	if verb == "run" && len(rest) == 0 {
		usage()
		return 2
	}
	if verb == "up" && len(rest) > 0 {
		usage()
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runLab(ctx, *dir, scenario, *wait, rest); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintf(os.Stderr, "nsbundle-lab: %v\n", err)
		return 1
	}
	return 0
}

func runLab(ctx context.Context, dir, scenario string, wait time.Duration, command []string) error {
	if _, ok := lab.Scenarios[scenario]; !ok {
		return fmt.Errorf("unknown scenario %q (known: %s)", scenario, strings.Join(lab.ScenarioNames(), ", "))
	}
	logf := func(format string, args ...any) { fmt.Fprintf(os.Stderr, format+"\n", args...) }
	t0 := time.Now()
	c, err := lab.Start(ctx, lab.Options{Dir: dir, KeepDir: dir != "", Logf: logf})
	if err != nil {
		return err
	}
	defer c.Stop()
	logf("lab: building scenario %s", scenario)
	info, err := c.RunScenario(ctx, scenario)
	if err != nil {
		return err
	}
	logf("lab: scenario %s ready after %v", scenario, time.Since(t0).Round(time.Second))
	names := make([]string, 0, len(info.Logs))
	for n := range info.Logs {
		names = append(names, n)
	}
	sort.Strings(names)
	var pairs, logArgs []string
	for _, n := range names {
		pairs = append(pairs, n+"="+info.Logs[n])
		logArgs = append(logArgs, "--log", n+"="+info.Logs[n])
	}
	if len(command) == 0 {
		fmt.Printf("scenario: %s\nversion: %s\ndescription: %s\nkubeconfig: %s\nnamespaces: %s\n", info.Name, c.GitVersion, info.Description, c.Kubeconfig, strings.Join(info.Namespaces, ","))
		for _, p := range pairs {
			fmt.Printf("log: %s\n", p)
		}
		fmt.Printf("audit-log: %s\n", c.Logs.Audit)
		fmt.Printf("netns: /proc/%d/ns/net\n", os.Getpid())
		for _, o := range info.Observed {
			fmt.Printf("observed: %s\n", o)
		}
		logf("lab: running; this shell's network namespace cannot reach it; use `nsbundle-lab run`, or nsenter --net=/proc/%d/ns/net (as root). Ctrl-C stops.", os.Getpid())
		<-ctx.Done()
		return nil
	}
	if wait > 0 {
		logf("lab: waiting %v before running %s", wait, command[0])
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	cmd := exec.CommandContext(ctx, command[0], command[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(),
		"KUBECONFIG="+c.Kubeconfig,
		"PATH="+c.BinDir()+string(os.PathListSeparator)+os.Getenv("PATH"),
		"NSBUNDLE_LAB_LOGS="+strings.Join(pairs, ","),
		"NSBUNDLE_LAB_LOG_ARGS="+strings.Join(logArgs, " "),
		"NSBUNDLE_LAB_AUDIT="+c.Logs.Audit,
		"NSBUNDLE_LAB_DIR="+c.Dir,
		"NSBUNDLE_LAB_SCENARIO="+info.Name,
		"NSBUNDLE_LAB_VERSION="+c.GitVersion,
		"NSBUNDLE_LAB_NAMESPACES="+strings.Join(info.Namespaces, ","),
	)
	return cmd.Run()
}
