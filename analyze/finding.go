// Package analyze turns a bundle into findings: for each symptom a person
// would notice, the chain of "is blocked by" links down to the root cause,
// with evidence for every link, a fix and a way to verify it.
//
// It opens no socket and does not import client-go: it runs offline on
// whatever bundle it is given.
package analyze

import "time"

// Severity ranks a finding.
type Severity string

// Severities, most severe first.
const (
	SeverityCritical Severity = "critical"
	SeverityWarning  Severity = "warning"
	SeverityInfo     Severity = "info"
)

// Ref names an object (or a component, finalizer, group-version).
type Ref struct {
	Kind      Kind   `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

// Evidence points at the bundle bytes that support a link.
type Evidence struct {
	// Path is the bundle path, e.g. "resources/core/v1/namespaces.json".
	Path string `json:"path"`
	// Pointer is a JSON pointer into the file, e.g.
	// "/items/3/status/conditions/0/message".
	Pointer string `json:"pointer,omitempty"`
	// Line is the 1-based line number in a log file.
	Line int `json:"line,omitempty"`
	// Value is the quoted value found there.
	Value string `json:"value"`
	// Match is the part of Value the rule matched (e.g. `forbidden: User
	// "x" cannot` in a long log line), when the rule knows it: a value
	// shortened for display keeps the text from there.
	Match string `json:"match,omitempty"`
}

// Link is one step of a blocking chain: Ref is blocked because of Problem.
type Link struct {
	Ref
	// Rule is the ID of the rule that produced this link.
	Rule string `json:"rule"`
	// Problem says what is wrong with this object, in one sentence.
	Problem  string     `json:"problem"`
	Evidence []Evidence `json:"evidence,omitempty"`
	// ChangedBy names who last changed (or deleted) the link's object, from
	// the kube-apiserver audit log; set on a root cause that is a deleted or
	// changed object, when the bundle's audit log names it (see Attribute).
	ChangedBy *Change `json:"changedBy,omitempty"`
}

// RootCause is the last link of a chain.
type RootCause struct {
	Ref
	Problem string `json:"problem"`
}

// Finding is one blocking chain, symptom first.
type Finding struct {
	// ID is the stable ID of the rule that identified the root cause.
	ID string `json:"id"`
	// Signature names the kind of root cause across bundles and clusters
	// (see Signature): the rule ID, the root's kind and its normalised name.
	Signature string   `json:"signature"`
	Severity  Severity `json:"severity"`
	// Symptom is what a person noticed (the first link's object).
	Symptom Ref `json:"symptom"`
	// AlsoAffects lists further symptoms with the same root cause.
	AlsoAffects []Ref  `json:"alsoAffects,omitempty"`
	Summary     string `json:"summary"`
	// Chain is ordered from the symptom to the root cause.
	Chain     []Link    `json:"chain"`
	RootCause RootCause `json:"rootCause"`
	// Fix says what to do (and what not to do).
	Fix string `json:"fix"`
	// Verify is a command that fails on the broken cluster and passes once
	// the chain is gone, with what passing looks like.
	Verify Verify `json:"verify"`
	// Missing lists evidence that was not in the bundle and would have let
	// the chain go further.
	Missing []string `json:"missing,omitempty"`
	// Timeline lists, oldest first, the earliest moment, the first onset of
	// its problem and the latest moment the bundle dates for each link and
	// affected symptom, then the links it dates nowhere (see Moment). It is
	// ordered to the second (object timestamps have no finer precision);
	// within a second, causes come first, but moments dated to the
	// sub-second (log lines, audit events, lease times) keep their real
	// order among themselves. Never empty for a finding with a chain.
	Timeline []Moment `json:"timeline"`
	// Began is when the chain began at its root: the root link's earliest
	// moment (omitted when the bundle does not date the root).
	Began *time.Time `json:"began,omitempty"`
	// Sequence says, root first, when each link began, e.g.
	// "2026-11-23 07:58:12 ClusterRole/x → 07:58:30 Namespace/y".
	Sequence string `json:"sequence,omitempty"`
	// OrderWarnings name links dated wholly before their supposed cause
	// began (beyond ClockSkew): a hint that the chain may be wrong.
	OrderWarnings []string `json:"orderWarnings,omitempty"`

	// covers are the objects the root cause includes (see Node.Covers).
	covers []Ref
}

// Report is the whole result of an analysis.
type Report struct {
	// Bundle describes the input.
	Bundle BundleInfo `json:"bundle"`
	// Findings, most severe first, then by symptom.
	Findings []Finding `json:"findings"`
	// Checked says what the rules looked at, e.g. "37 namespaces (1
	// Terminating)", so an empty report is not read as "all is well" when
	// the bundle lacked the evidence.
	Checked []string `json:"checked,omitempty"`
	// Notes are problems with the bundle itself (wrong types, missing files)
	// that did not stop the analysis.
	Notes []string `json:"notes,omitempty"`
}

// BundleInfo describes the analyzed bundle.
type BundleInfo struct {
	// Path is the file or directory given.
	Path string `json:"path"`
	// Layout is "nsbundle", "troubleshoot" or "cluster-info-dump".
	Layout string `json:"layout"`
	// ClusterVersion is the cluster's gitVersion, when known.
	ClusterVersion string `json:"clusterVersion,omitempty"`
	// Flavor is the distribution recognised and what named it, e.g.
	// `k3s (gitVersion "v1.31.2+k3s1")`, or "not recognised".
	Flavor string `json:"flavor,omitempty"`
	// CollectedAt is the collection time used as "now".
	CollectedAt string `json:"collectedAt,omitempty"`
}
