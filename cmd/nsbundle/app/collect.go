package app

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/nsbundle/nsbundle/bundle"
	"github.com/nsbundle/nsbundle/collect"
)

// collectOptions are the collect command's settings.
type collectOptions struct {
	config *genericclioptions.ConfigFlags
	opts   collect.Options
	logs   []string
	zstd   bool
	quiet  bool
}

func newCollectCommand(streams Streams, name string) *cobra.Command {
	o := newCollectOptions()
	c := &cobra.Command{
		Use:   "collect",
		Short: "Collect a read-only support bundle from the current cluster",
		Long: `Collect reads, and only reads, what nsbundle's analyzer needs from the cluster your
kubeconfig points at (namespaces, APIServices, services, endpoints, pods, nodes, leases,
RBAC, CRDs, webhooks, events, raw API discovery with every error verbatim, health
endpoints and component logs) and writes one compressed bundle.

It makes only GET requests (plus a SelfSubjectReview, which stores nothing). A request
that is forbidden or fails is recorded in the bundle's manifest and the run goes on.
Secrets are reduced to metadata and key names; their values never leave the cluster,
and ConfigMaps keep key names only. The bundle is written to a temporary file in the
target directory and renamed when complete: an error or Ctrl-C leaves nothing behind.

stdout prints the path written and nothing else; progress goes to stderr. With
-o - the bundle itself goes to stdout, once complete (ssh host nsbundle collect -o - >
bundle.tgz); its working files go to the temporary directory.
Exit status: 0 complete bundle, 5 partial bundle (some requests failed), 1 nothing written.`,
		Example: fmt.Sprintf(`  %[1]s collect
  %[1]s collect --context prod -o /tmp/prod.tgz
  # control planes whose components are not pods (self-managed hosts):
  %[1]s collect --log kube-controller-manager=/var/log/kube-controller-manager.log \
                --log cloud-controller-manager=/var/log/cloud-controller-manager.log`, name),
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if err := o.toStdout(streams); err != nil {
				return err
			}
			if err := o.complete(); err != nil {
				return err
			}
			return o.run(c, streams)
		},
	}
	o.addFlags(c, true)
	return c
}

// complete turns flags into collect.Options.
func (o *collectOptions) complete() error {
	for _, l := range o.logs {
		spec, err := collect.ParseLogFileSpec(l)
		if err != nil {
			return &usageError{err}
		}
		o.opts.LogFiles = append(o.opts.LogFiles, spec)
	}
	if o.zstd {
		o.opts.Codec = bundle.CodecZstd
	}
	if err := o.opts.Validate(); err != nil {
		return &usageError{err}
	}
	return nil
}

// collect runs the collection, showing progress on stderr unless quiet.
func (o *collectOptions) collect(c *cobra.Command, streams Streams) (*collect.Result, error) {
	cfg, err := o.config.ToRESTConfig()
	if err != nil {
		return nil, fmt.Errorf("loading kubeconfig: %w", err)
	}
	if raw, err := o.config.ToRawKubeConfigLoader().RawConfig(); err == nil {
		ctxName := raw.CurrentContext
		if o.config.Context != nil && *o.config.Context != "" {
			ctxName = *o.config.Context
		}
		o.opts.ContextName = ctxName
	}
	o.opts.Tool = bundle.ToolInfo{Name: "nsbundle", Version: Version}
	var progress collect.Progress
	finish := func() {}
	if !o.quiet {
		progress, finish = newProgressPrinter(streams.ErrOut)
	}
	res, err := collect.Run(c.Context(), cfg, o.opts, progress)
	finish()
	if err != nil {
		if c.Context().Err() != nil {
			return nil, &ExitError{Code: ExitFailure, Err: errors.New("interrupted: no bundle written")}
		}
		return nil, &ExitError{Code: ExitFailure, Err: fmt.Errorf("collect: %w (no bundle written)", err)}
	}
	return res, nil
}

// partialError summarises what a partial bundle lacks; where names the
// bundle, or says it was not kept (then no manifest.json can be read).
func partialError(res *collect.Result, where string, kept bool) error {
	summary := strings.Join(res.Missing, "; ")
	if len(res.Missing) > 5 {
		summary = strings.Join(res.Missing[:5], "; ") + fmt.Sprintf("; and %d more", len(res.Missing)-5)
		if kept {
			summary += " (see manifest.json)"
		}
	}
	return fmt.Errorf("partial bundle %s: %s", where, summary)
}

// toStdout sends the bundle to standard output for -o -, refusing a
// terminal.
func (o *collectOptions) toStdout(streams Streams) error {
	if o.opts.Output != collect.StreamOutput {
		return nil
	}
	if terminal(streams.Out) != nil {
		return &usageError{errors.New("-o - writes the compressed bundle to standard output, which is a terminal: redirect it (-o - > bundle.tgz)")}
	}
	o.opts.Stream = streams.Out
	return nil
}

func (o *collectOptions) run(c *cobra.Command, streams Streams) error {
	res, err := o.collect(c, streams)
	if err != nil {
		return err
	}
	if res.Path != collect.StreamOutput { // else stdout is the bundle
		fmt.Fprintln(streams.Out, res.Path)
	}
	if !res.Complete {
		// A partial bundle is a result to attach, not an error.
		where := res.Path
		if where == collect.StreamOutput {
			where = "(written to standard output)"
		}
		fmt.Fprintf(streams.ErrOut, "Warning: %v\n", partialError(res, where, true))
		return &ExitError{Code: ExitPartial}
	}
	return nil
}

// progressPrinter renders collect progress on stderr: one live line on a
// terminal, plain lines otherwise.
type progressPrinter struct {
	w    *os.File
	tty  bool
	last int
}

func newProgressPrinter(w io.Writer) (collect.Progress, func()) {
	p := &progressPrinter{}
	if f, ok := w.(*os.File); ok {
		p.w = f
		p.tty = terminal(f) != nil && os.Getenv("TERM") != "dumb"
	}
	progress := func(e collect.Event) {
		line := fmt.Sprintf("%s %d/%d %s", e.Phase, e.Done, e.Total, e.Item)
		if e.Err != "" {
			line += ": " + e.Err
		}
		switch {
		case p.tty && e.Err == "":
			pad := ""
			if n := p.last - len(line); n > 0 {
				pad = strings.Repeat(" ", n)
			}
			fmt.Fprintf(p.w, "\r%s%s", line, pad)
			p.last = len(line)
		case p.tty:
			fmt.Fprintf(p.w, "\r%s%s\n", line, strings.Repeat(" ", max(0, p.last-len(line))))
			p.last = 0
		default:
			fmt.Fprintln(w, line)
		}
	}
	finish := func() {
		if p.tty && p.last > 0 {
			fmt.Fprintf(p.w, "\r%s\r", strings.Repeat(" ", p.last))
			p.last = 0
		}
	}
	return progress, finish
}

func newCollectOptions() *collectOptions {
	o := &collectOptions{config: genericclioptions.NewConfigFlags(true), opts: collect.NewOptions()}
	o.config.Namespace = nil // collect reads every namespace; see --namespaces
	return o
}

// addFlags binds the collection flags; output adds --output and --force.
func (o *collectOptions) addFlags(c *cobra.Command, output bool) {
	f := c.Flags()
	if output {
		f.StringVarP(&o.opts.Output, "output", "o", "", "bundle file to write, or - for standard output (default: nsbundle-<context>-<UTC time>.tgz in the current directory)")
		f.BoolVar(&o.opts.Force, "force", false, "overwrite the output file if it exists")
	}
	f.StringArrayVar(&o.logs, "log", nil, "add a local log file as NAME=PATH, e.g. kube-controller-manager=/var/log/kcm.log (repeatable)")
	f.StringArrayVar(&o.opts.AuditLogs, "audit-log", nil, "add a local kube-apiserver audit log (JSON lines, .gz read), e.g. /var/log/kubernetes/audit.log on kubeadm; bodies of Secrets, ConfigMaps and token reviews are dropped (repeatable)")
	f.Int64Var(&o.opts.MaxAuditBytes, "max-audit-bytes", o.opts.MaxAuditBytes, "keep at most this many bytes (the newest) of each audit log")
	f.DurationVar(&o.opts.Since, "since", o.opts.Since, "only container logs newer than this (e.g. 2h; 0 = no limit)")
	f.Int64Var(&o.opts.MaxLogBytes, "max-log-bytes", o.opts.MaxLogBytes, "keep at most this many bytes (the newest) of each log")
	f.DurationVar(&o.opts.Timeout, "timeout", o.opts.Timeout, "timeout of each API request attempt")
	f.DurationVar(&o.opts.Deadline, "deadline", o.opts.Deadline, "stop collecting after this long and write what was gathered (0 = no deadline)")
	f.Int64Var(&o.opts.PageSize, "page-size", o.opts.PageSize, "list page size (limit/continue)")
	f.IntVar(&o.opts.Concurrency, "concurrency", o.opts.Concurrency, "API requests in flight")
	f.StringSliceVar(&o.opts.Namespaces, "namespaces", nil, "only collect namespaced resources of these namespaces (default: all)")
	f.BoolVar(&o.opts.KeepEverything, "keep-everything", false, "keep managedFields, last-applied annotations (never on Secrets), node image lists, core/v1 Endpoints and events of any age")
	f.DurationVar(&o.opts.EventsWindow, "events-window", o.opts.EventsWindow, "keep only events last seen within this window before the collection, by the server's clock (0 keeps all)")
	f.BoolVar(&o.zstd, "zstd", false, "compress with zstd (.tar.zst) instead of gzip")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "print no progress on stderr")
	o.config.AddFlags(f)
}
