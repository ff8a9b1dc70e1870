package collect

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
)

// StreamOutput is the Output that sends the bundle to Options.Stream
// (standard output on the command line).
const StreamOutput = "-"

// Options controls one collection. Build it with NewOptions, change what the
// user asked for, call Validate, then Run.
type Options struct {
	// Output is the bundle path. Empty means DefaultOutputName(ContextName, now)
	// in the current directory; StreamOutput ("-") means Stream.
	Output string
	// Stream receives the bundle when Output is StreamOutput, once complete
	// (nothing is written to it before); its working files go to the
	// system's temporary directory.
	Stream io.Writer
	// Force overwrites an existing Output.
	Force bool
	// Codec is the archive compression (gzip or zstd).
	Codec bundle.Codec
	// ContextName is the kubeconfig context (or cluster) name, recorded in
	// the manifest and used for the default output name.
	ContextName string
	// Tool names the program, recorded in the manifest.
	Tool bundle.ToolInfo

	// Since limits container logs to this recent window (0: no limit).
	Since time.Duration
	// MaxLogBytes caps each log kept in the bundle; the newest part is kept.
	MaxLogBytes int64
	// LogFiles are local files added with --log NAME=PATH.
	LogFiles []LogFileSpec
	// AuditLogs are local kube-apiserver audit logs added with --audit-log
	// (plain or gzip-compressed JSON lines).
	AuditLogs []string
	// MaxAuditBytes caps each audit log kept in the bundle; the newest
	// part is kept.
	MaxAuditBytes int64

	// Timeout bounds each HTTP request attempt.
	Timeout time.Duration
	// Deadline bounds the whole collection (0: none). When it passes, the
	// requests still running are recorded as failed and a partial bundle is
	// written.
	Deadline time.Duration
	// PageSize is the list page size (limit).
	PageSize int64
	// Concurrency is the number of requests in flight.
	Concurrency int
	// MaxRetries bounds retries of one request (429, 5xx with Retry-After,
	// connection resets).
	MaxRetries int
	// MaxRetryWait caps one wait before a retry, whatever Retry-After says.
	MaxRetryWait time.Duration
	// QPS and Burst rate-limit requests on the client side (QPS 0: no limit).
	QPS   float32
	Burst int

	// Namespaces restricts namespaced resources to these namespaces
	// (empty: all namespaces, one cluster-wide list per resource).
	Namespaces []string
	// KeepEverything keeps managedFields, last-applied annotations (except
	// on Secrets and ConfigMaps), node image lists, core/v1 Endpoints and
	// events of any age.
	KeepEverything bool
	// EventsWindow keeps only the events last seen within this window
	// before the collection, by the server's clock (newest of lastTimestamp, eventTime,
	// series.lastObservedTime, metadata.creationTimestamp); 0 keeps all.
	// Older events are counted as an omission in the manifest.
	EventsWindow time.Duration
	// MaxTerminatingNamespaces caps how many Terminating namespaces get a
	// content inventory.
	MaxTerminatingNamespaces int
	// MaxItemsPerType caps the items named per resource type in a
	// Terminating namespace's inventory (the count stays exact).
	MaxItemsPerType int
	// MaxPodsPerService caps the pods whose logs are collected for one
	// Service behind an APIService or webhook.
	MaxPodsPerService int
}

// LogFileSpec is one --log NAME=PATH argument.
type LogFileSpec struct {
	// Name becomes logs/files/<Name>.log and the log's component.
	Name string
	// Path is the local file to read.
	Path string
}

// DefaultEventsWindow is the default Options.EventsWindow: twice the API
// server's default event TTL (1h), for clusters that raised it.
const DefaultEventsWindow = 2 * time.Hour

// NewOptions returns the default options.
func NewOptions() Options {
	return Options{
		Codec:                    bundle.CodecGzip,
		Tool:                     bundle.ToolInfo{Name: "nsbundle"},
		MaxLogBytes:              5 << 20,
		MaxAuditBytes:            64 << 20,
		EventsWindow:             DefaultEventsWindow,
		Timeout:                  60 * time.Second,
		PageSize:                 500,
		Concurrency:              6,
		MaxRetries:               5,
		MaxRetryWait:             10 * time.Second,
		QPS:                      50,
		Burst:                    100,
		MaxTerminatingNamespaces: 50,
		MaxItemsPerType:          100,
		MaxPodsPerService:        3,
	}
}

var logNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// ParseLogFileSpec parses a --log argument of the form NAME=PATH.
func ParseLogFileSpec(s string) (LogFileSpec, error) {
	name, path, ok := strings.Cut(s, "=")
	if !ok || name == "" || path == "" {
		return LogFileSpec{}, fmt.Errorf("invalid --log %q: want NAME=PATH", s)
	}
	spec := LogFileSpec{Name: name, Path: path}
	return spec, spec.validate()
}

func (s LogFileSpec) validate() error {
	if !logNameRE.MatchString(s.Name) || strings.Contains(s.Name, "..") {
		return fmt.Errorf("invalid --log name %q: use letters, digits, '.', '_' and '-'", s.Name)
	}
	if s.Path == "" {
		return fmt.Errorf("invalid --log %s: empty path", s.Name)
	}
	return nil
}

// Validate checks the options and returns every problem found.
func (o *Options) Validate() error {
	return errors.Join(errors.Join(o.outputErrors()...), errors.Join(o.limitErrors()...), errors.Join(o.inputErrors()...))
}

// outputErrors checks where and how the bundle is written.
func (o *Options) outputErrors() []error {
	var errs []error
	if o.Output == StreamOutput && o.Stream == nil {
		errs = append(errs, errors.New("output - needs a stream to write to"))
	}
	if o.Codec != bundle.CodecGzip && o.Codec != bundle.CodecZstd {
		errs = append(errs, fmt.Errorf("unknown codec %q: want %q or %q", o.Codec, bundle.CodecGzip, bundle.CodecZstd))
	}
	return errs
}

// limitErrors checks the durations, sizes, rates and caps.
func (o *Options) limitErrors() []error {
	var errs []error
	if o.Since < 0 {
		errs = append(errs, fmt.Errorf("--since must not be negative, got %s", o.Since))
	}
	if o.EventsWindow < 0 {
		errs = append(errs, fmt.Errorf("--events-window must not be negative, got %s", o.EventsWindow))
	}
	if o.MaxAuditBytes <= 0 {
		errs = append(errs, fmt.Errorf("--max-audit-bytes must be positive, got %d", o.MaxAuditBytes))
	}
	if o.MaxLogBytes <= 0 {
		errs = append(errs, fmt.Errorf("--max-log-bytes must be positive, got %d", o.MaxLogBytes))
	}
	if o.Timeout <= 0 {
		errs = append(errs, fmt.Errorf("--timeout must be positive, got %s", o.Timeout))
	}
	if o.Deadline < 0 {
		errs = append(errs, fmt.Errorf("deadline must not be negative, got %s", o.Deadline))
	}
	if o.PageSize <= 0 {
		errs = append(errs, fmt.Errorf("page size must be positive, got %d", o.PageSize))
	}
	if o.Concurrency <= 0 {
		errs = append(errs, fmt.Errorf("concurrency must be positive, got %d", o.Concurrency))
	}
	if o.MaxRetries < 0 || o.MaxRetryWait < 0 {
		errs = append(errs, errors.New("retry limits must not be negative"))
	}
	if o.QPS < 0 || (o.QPS > 0 && o.Burst <= 0) {
		errs = append(errs, fmt.Errorf("invalid rate limit: qps %v burst %d", o.QPS, o.Burst))
	}
	if o.MaxTerminatingNamespaces < 0 || o.MaxItemsPerType < 0 || o.MaxPodsPerService < 0 {
		errs = append(errs, errors.New("caps must not be negative"))
	}
	return errs
}

// inputErrors checks the log and audit files and the namespaces named.
func (o *Options) inputErrors() []error {
	var errs []error
	for _, p := range o.AuditLogs {
		if p == "" {
			errs = append(errs, errors.New("--audit-log: empty path"))
		}
	}
	seen := map[string]bool{}
	for _, s := range o.LogFiles {
		if err := s.validate(); err != nil {
			errs = append(errs, err)
		}
		if seen[s.Name] {
			errs = append(errs, fmt.Errorf("--log name %q given twice", s.Name))
		}
		seen[s.Name] = true
	}
	for _, ns := range o.Namespaces {
		if ns == "" || strings.ContainsAny(ns, "/%") {
			errs = append(errs, fmt.Errorf("invalid namespace %q", ns))
		}
	}
	return errs
}

// DefaultOutputName returns the default bundle file name for a cluster or
// context name and a time, e.g. "nsbundle-prod-eu-20261123T063000Z.tgz".
// The name is reduced to letters, digits, '.', '_' and '-'.
func DefaultOutputName(context string, t time.Time, codec bundle.Codec) string {
	ext := ".tgz"
	if codec == bundle.CodecZstd {
		ext = ".tar.zst"
	}
	return "nsbundle-" + sanitizeName(context) + "-" + t.UTC().Format("20060102T150405Z") + ext
}

// sanitizeName maps a context name such as "arn:aws:eks:eu-west-1:1:cluster/prod"
// to a file-name-safe "arn-aws-eks-eu-west-1-1-cluster-prod".
func sanitizeName(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_'
		if ok {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-.")
	if len(out) > 63 {
		out = strings.Trim(out[:63], "-.")
	}
	if out == "" {
		return "cluster"
	}
	return out
}
