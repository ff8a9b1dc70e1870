package analyze

import (
	"time"

	"github.com/nsbundle/nsbundle/analyze/flavor"
	"github.com/nsbundle/nsbundle/bundle"
)

// Contents is what a bundle of any layout holds, as the analyzer reads it:
// `nsbundle inspect` shows it for bundles that have no nsbundle manifest.
type Contents struct {
	// Path is the bundle's path.
	Path string `json:"path"`
	// Layout is the layout read ("troubleshoot", "must-gather", ...).
	Layout string `json:"layout"`
	// ClusterVersion is the cluster's gitVersion, "" if the bundle does
	// not say it.
	ClusterVersion string `json:"clusterVersion,omitempty"`
	// Flavor is the distribution recognised, with its evidence.
	Flavor string `json:"flavor"`
	// CollectedAt is the collection time (RFC 3339), "" if unknown.
	CollectedAt string `json:"collectedAt,omitempty"`
	// Resources are the resource types read (or that failed), by key.
	Resources []ResourceCount `json:"resources"`
	// Notes are problems met while reading.
	Notes []string `json:"notes,omitempty"`
}

// ResourceCount is one resource type of a bundle.
type ResourceCount struct {
	// Resource is the key, "<plural>" or "<plural>.<group>"; "discovery"
	// and "logs" for those evidence classes.
	Resource string `json:"resource"`
	// Objects is how many were read.
	Objects int `json:"objects"`
	// Partial is true when the bundle holds only some of them.
	Partial bool `json:"partial,omitempty"`
	// Error is why some or all are missing (verbatim), if known.
	Error string `json:"error,omitempty"`
	// Namespaces are the only namespaces it was listed in, for a layout
	// of one file per namespace (troubleshoot, cluster-info dump,
	// must-gather) that does not show it listed in every namespace;
	// empty when the lists cover every namespace.
	Namespaces []string `json:"namespaces,omitempty"`
}

// ReadContents reads the bundle at path (any layout Analyze reads) and
// returns what it holds. It returns a *NoClusterDataError if nothing in it
// is cluster data, and the reader's error if it cannot be read. It runs no
// rule.
func ReadContents(path string, lim bundle.Limits) (*Contents, error) {
	s, err := Load(path, Options{Limits: lim})
	if err != nil {
		return nil, err
	}
	c := &Contents{Path: path, Layout: s.Layout, ClusterVersion: s.GitVersion, Flavor: flavor.Of(s).String(), Notes: s.Notes}
	if !s.Now.IsZero() {
		c.CollectedAt = s.Now.UTC().Format(time.RFC3339)
	}
	for _, res := range s.Resources() {
		col := s.Collection(res)
		rc := ResourceCount{Resource: res, Objects: max(s.Count(res), 0), Partial: col.Partial, Error: col.Error}
		if !s.CompleteAll(res) {
			rc.Namespaces = s.ListedNamespaces(res)
		}
		c.Resources = append(c.Resources, rc)
	}
	return c, nil
}
