package collect

import (
	"strings"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/bundle"
)

func TestDefaultOutputName(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 23, 6, 30, 0, 0, time.FixedZone("CET", 3600))
	tests := []struct {
		context string
		codec   bundle.Codec
		want    string
	}{
		{"kind-lab", bundle.CodecGzip, "nsbundle-kind-lab-20261123T053000Z.tgz"},
		{"arn:aws:eks:eu-west-1:123:cluster/prod", bundle.CodecGzip, "nsbundle-arn-aws-eks-eu-west-1-123-cluster-prod-20261123T053000Z.tgz"},
		{"../../etc/passwd", bundle.CodecZstd, "nsbundle-etc-passwd-20261123T053000Z.tar.zst"},
		{"", bundle.CodecGzip, "nsbundle-cluster-20261123T053000Z.tgz"},
		{"ünïcødé ctx", bundle.CodecGzip, "nsbundle-n-c-d-ctx-20261123T053000Z.tgz"},
		{strings.Repeat("a", 100), bundle.CodecGzip, "nsbundle-" + strings.Repeat("a", 63) + "-20261123T053000Z.tgz"},
	}
	for _, tt := range tests {
		if got := DefaultOutputName(tt.context, at, tt.codec); got != tt.want {
			t.Errorf("DefaultOutputName(%q) = %q, want %q", tt.context, got, tt.want)
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Options)
		want   string // substring of the error; "" means valid
	}{
		{"defaults", func(*Options) {}, ""},
		{"codec", func(o *Options) { o.Codec = "lz4" }, `unknown codec "lz4"`},
		{"since", func(o *Options) { o.Since = -time.Second }, "--since must not be negative"},
		{"events window", func(o *Options) { o.EventsWindow = -time.Minute }, "--events-window must not be negative"},
		{"events window off", func(o *Options) { o.EventsWindow = 0 }, ""},
		{"max log bytes", func(o *Options) { o.MaxLogBytes = 0 }, "--max-log-bytes must be positive"},
		{"timeout", func(o *Options) { o.Timeout = 0 }, "--timeout must be positive"},
		{"page", func(o *Options) { o.PageSize = 0 }, "page size must be positive"},
		{"concurrency", func(o *Options) { o.Concurrency = 0 }, "concurrency must be positive"},
		{"log name", func(o *Options) { o.LogFiles = []LogFileSpec{{Name: "../x", Path: "/x"}} }, `invalid --log name "../x"`},
		{"log twice", func(o *Options) { o.LogFiles = []LogFileSpec{{Name: "a", Path: "/x"}, {Name: "a", Path: "/y"}} }, `"a" given twice`},
		{"namespace", func(o *Options) { o.Namespaces = []string{"a/b"} }, `invalid namespace "a/b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOptions()
			tt.change(&o)
			err := o.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestParseLogFileSpec(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want LogFileSpec
		ok   bool
	}{
		{"kube-controller-manager=/var/log/kcm.log", LogFileSpec{"kube-controller-manager", "/var/log/kcm.log"}, true},
		{"a=b=c", LogFileSpec{"a", "b=c"}, true},
		{"noequals", LogFileSpec{}, false},
		{"=/x", LogFileSpec{}, false},
		{"a/b=/x", LogFileSpec{}, false},
	}
	for _, tt := range tests {
		got, err := ParseLogFileSpec(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("ParseLogFileSpec(%q) = %+v, %v", tt.in, got, err)
		}
	}
}

func TestMissingLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		label  string
		status int
		err    string
		want   string
	}{
		{"secrets", 403, "secrets is forbidden: ...", "secrets: forbidden (403)"},
		{"discovery metrics.k8s.io/v1beta1", 503, "the server is currently unable to handle the request", "discovery metrics.k8s.io/v1beta1: the server is currently unable to handle the request (503)"},
		{"pods", 0, "Get \"https://x/api/v1/pods\": dial tcp: connection refused\nmore", "pods: Get \"https://x/api/v1/pods\": dial tcp: connection refused"},
	}
	for _, tt := range tests {
		if got := missingLine(tt.label, tt.status, tt.err); got != tt.want {
			t.Errorf("got %q want %q", got, tt.want)
		}
	}
}
