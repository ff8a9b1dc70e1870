package bundle

import "time"

// FormatVersion identifies the bundle layout written by this package. A reader
// accepts bundles whose major format ("nsbundle/v1") it knows.
const FormatVersion = "nsbundle/v1"

// Well-known paths inside a bundle, relative to its single top folder.
const (
	// ManifestPath is the first entry of every archive.
	ManifestPath = "manifest.json"
	// ResourcesDir holds one List per resource type:
	// resources/<group or "core">/<version>/<resource>.json, one item per line.
	ResourcesDir = "resources"
	// DiscoveryDir holds the raw discovery documents and DiscoveryResultsPath.
	DiscoveryDir = "discovery"
	// DiscoveryResultsPath is the per group-version summary of discovery,
	// failures verbatim ([]DiscoveryResult).
	DiscoveryResultsPath = "discovery/results.json"
	// HealthDir holds version.json, readyz.txt, livez.txt and healthz.txt.
	HealthDir = "health"
	// TerminatingDir holds one NamespaceContent document per Terminating
	// namespace: terminating/<namespace>.json.
	TerminatingDir = "terminating"
	// LogsDir holds logs/<namespace>/<pod>/<container>[.previous].log and
	// logs/files/<name>.log for files given with --log.
	LogsDir = "logs"
	// AuditDir holds the kube-apiserver audit logs given with --audit-log:
	// logs/audit/<file name>.
	AuditDir = "logs/audit"
)

// Manifest describes how a bundle was collected. Every request the collector
// made is listed, failures included: a forbidden or failed request is evidence.
type Manifest struct {
	FormatVersion string      `json:"formatVersion"`
	Tool          ToolInfo    `json:"tool"`
	Cluster       ClusterInfo `json:"cluster"`
	CollectedBy   Identity    `json:"collectedBy"`
	Start         time.Time   `json:"start"`
	End           time.Time   `json:"end"`
	Options       Options     `json:"options"`
	Requests      []Request   `json:"requests"`
	Omissions     []Omission  `json:"omissions,omitempty"`
	Logs          []LogFile   `json:"logs,omitempty"`
	Totals        Totals      `json:"totals"`
}

// ToolInfo names the program that wrote the bundle.
type ToolInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Commit  string `json:"commit,omitempty"`
}

// ClusterInfo identifies the cluster the bundle was collected from.
type ClusterInfo struct {
	// Context is the kubeconfig context used (never credentials).
	Context string `json:"context,omitempty"`
	// Server is the API server URL as written in the kubeconfig.
	Server string `json:"server,omitempty"`
	// GitVersion is /version's gitVersion, e.g. "v1.37.2".
	GitVersion string `json:"gitVersion,omitempty"`
	// Platform is /version's platform, e.g. "linux/amd64".
	Platform string `json:"platform,omitempty"`
}

// Identity is who collected, as the API server saw it (SelfSubjectReview).
type Identity struct {
	Username string   `json:"username,omitempty"`
	UID      string   `json:"uid,omitempty"`
	Groups   []string `json:"groups,omitempty"`
	// Error is set when the identity could not be determined.
	Error string `json:"error,omitempty"`
}

// Options records the collection settings that shape what the bundle holds.
type Options struct {
	Since          string   `json:"since,omitempty"`
	MaxLogBytes    int64    `json:"maxLogBytes,omitempty"`
	Timeout        string   `json:"timeout,omitempty"`
	PageSize       int64    `json:"pageSize,omitempty"`
	Namespaces     []string `json:"namespaces,omitempty"`
	KeepEverything bool     `json:"keepEverything,omitempty"`
}

// Request is one API request the collector made (all pages of a list count
// as one request with Pages > 1).
type Request struct {
	// Path is the request path with query, e.g. "/api/v1/pods?limit=500".
	Path string `json:"path"`
	// Verb is the Kubernetes verb: get, list.
	Verb string `json:"verb"`
	// Status is the HTTP status of the last response (0: no response).
	Status int `json:"status"`
	// Reason is the Status reason on failure, e.g. "Forbidden".
	Reason string `json:"reason,omitempty"`
	// Error is the error text, verbatim.
	Error string `json:"error,omitempty"`
	// File is the bundle path the response went to, if any.
	File string `json:"file,omitempty"`
	// Count is the number of objects written.
	Count int `json:"count,omitempty"`
	// Bytes is the number of bytes written to File.
	Bytes int64 `json:"bytes,omitempty"`
	// Pages is the number of pages fetched for a list.
	Pages int `json:"pages,omitempty"`
	// DurationMillis is the wall time of the request, all pages and retries.
	DurationMillis int64 `json:"durationMillis"`
	// Retries is the number of retries (429, 5xx, timeouts).
	Retries int `json:"retries,omitempty"`
	// Truncated is true when not everything was written (a cap was hit).
	Truncated bool `json:"truncated,omitempty"`
}

// Failed reports whether the request did not fully succeed.
func (r Request) Failed() bool { return r.Error != "" || r.Status >= 300 || r.Status == 0 }

// Omission records something left out of the bundle on purpose.
type Omission struct {
	// What was omitted, e.g. "metadata.managedFields".
	What string `json:"what"`
	// Scope says where, e.g. "all objects" or "secrets".
	Scope string `json:"scope"`
	// Why it was omitted.
	Why string `json:"why"`
	// Count is how many items were affected, when known.
	Count int `json:"count,omitempty"`
}

// LogFile records one collected log.
type LogFile struct {
	// Path is the bundle path, e.g. "logs/kube-system/kcm-x/kube-controller-manager.log".
	Path      string `json:"path"`
	Namespace string `json:"namespace,omitempty"`
	Pod       string `json:"pod,omitempty"`
	Container string `json:"container,omitempty"`
	Previous  bool   `json:"previous,omitempty"`
	// Source is the local file given with --log NAME=PATH.
	Source string `json:"source,omitempty"`
	// Component is the control-plane or add-on component the log belongs to,
	// e.g. "kube-controller-manager", when known.
	Component string `json:"component,omitempty"`
	Bytes     int64  `json:"bytes"`
	Truncated bool   `json:"truncated,omitempty"`
	Error     string `json:"error,omitempty"`
	// Audit is true for a kube-apiserver audit log added with --audit-log
	// (logs/audit/<name>).
	Audit bool `json:"audit,omitempty"`
	// Redacted counts audit events whose requestObject and responseObject
	// were dropped (Secrets, ConfigMaps, TokenReviews, ServiceAccount tokens).
	Redacted int `json:"redacted,omitempty"`
	// Dropped counts audit lines left out because they were not JSON (a
	// line cut while being written, garbage).
	Dropped int `json:"dropped,omitempty"`
}

// Totals sums up the collection.
type Totals struct {
	Requests       int   `json:"requests"`
	FailedRequests int   `json:"failedRequests"`
	Objects        int   `json:"objects"`
	Bytes          int64 `json:"bytes"`
}

// DiscoveryResult is the outcome of discovering one group-version, as the
// namespace controller would see it. Failures are kept verbatim.
type DiscoveryResult struct {
	// GroupVersion is "v1" for the core group, else "<group>/<version>".
	GroupVersion string `json:"groupVersion"`
	// Source is "aggregated" (/apis with apidiscovery.k8s.io/v2) or "legacy"
	// (GET /apis/<group>/<version>).
	Source string `json:"source"`
	// Path is the request path that produced this result.
	Path string `json:"path"`
	// Status is the HTTP status (0: no response).
	Status int `json:"status"`
	// Freshness is the aggregated discovery freshness ("Current", "Stale").
	Freshness string `json:"freshness,omitempty"`
	// Resources is the number of resources discovered.
	Resources int `json:"resources"`
	// Error is the error text, verbatim, when discovery failed.
	Error string `json:"error,omitempty"`
	// File is the bundle path of the raw document, if any.
	File string `json:"file,omitempty"`
}

// NamespaceContent lists what still exists in a Terminating namespace, per
// namespaced resource type: what the namespace controller is waiting for.
type NamespaceContent struct {
	Namespace string             `json:"namespace"`
	Resources []RemainingContent `json:"resources"`
}

// RemainingContent is the content left of one resource type.
type RemainingContent struct {
	Group    string          `json:"group"`
	Version  string          `json:"version"`
	Resource string          `json:"resource"`
	Kind     string          `json:"kind"`
	Count    int             `json:"count"`
	Items    []RemainingItem `json:"items,omitempty"`
	// Error is the list error verbatim (e.g. a conversion webhook failure).
	Error  string `json:"error,omitempty"`
	Status int    `json:"status,omitempty"`
}

// RemainingItem is one object left in a Terminating namespace.
type RemainingItem struct {
	Name              string     `json:"name"`
	Finalizers        []string   `json:"finalizers,omitempty"`
	DeletionTimestamp *time.Time `json:"deletionTimestamp,omitempty"`
}
