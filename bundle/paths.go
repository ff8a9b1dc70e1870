package bundle

import (
	"path"
	"strings"
)

// The path grammar of an nsbundle bundle, relative to its top folder. This
// file is the one place that builds and parses it: collect writes the
// names the builders return, the loader reads them back with the parsers.
//
//	resources/<group>/<version>/<resource>[/<namespace>].json   ResourcePath (core group spelled "core")
//	logs/<namespace>/<pod>/<container>[.previous].log            PodLogPath
//	logs/files/<NAME>.log                                        FileLogPath
//	terminating/<namespace>.json                                 TerminatingPath
//	discovery/results.json, discovery/aggregated/{api,apis}.json,
//	discovery/legacy/<request path>.json                         LegacyDiscoveryPath
//	health/{version.json,healthz.txt,readyz.txt,livez.txt,selfsubjectreview.json}
//
// A builder's String is a clean relative name the Writer accepts when every
// element is valid (see each type's Valid); a parser refuses any other
// shape, so that a name parses to at most one meaning.

// Discovery and health files.
const (
	// AggregatedAPIPath is GET /api as apidiscovery.k8s.io/v2.
	AggregatedAPIPath = "discovery/aggregated/api.json"
	// AggregatedAPIsPath is GET /apis as apidiscovery.k8s.io/v2.
	AggregatedAPIsPath = "discovery/aggregated/apis.json"
	// LegacyDiscoveryDir holds the unaggregated discovery documents.
	LegacyDiscoveryDir = "discovery/legacy"
	// VersionPath is GET /version.
	VersionPath = "health/version.json"
	// HealthzPath, ReadyzPath and LivezPath are GET /healthz, /readyz?verbose
	// and /livez?verbose, kept whatever the status.
	HealthzPath = "health/healthz.txt"
	ReadyzPath  = "health/readyz.txt"
	LivezPath   = "health/livez.txt"
	// SelfSubjectReviewPath is who the collector was.
	SelfSubjectReviewPath = "health/selfsubjectreview.json"
)

// coreGroup is how a path spells the core ("") group.
const coreGroup = "core"

// LegacyDiscoveryPath is where the document of discovery request path p
// ("/api", "/apis/apps/v1") is kept: discovery/legacy/apis/apps/v1.json.
func LegacyDiscoveryPath(p string) string {
	return path.Join(LegacyDiscoveryDir, p+".json")
}

// ResourcePath names the List of one resource type:
// resources/<group>/<version>/<resource>.json, or
// resources/<group>/<version>/<resource>/<namespace>.json for one
// namespace's objects. Group "" is the core group, spelled "core" in the
// path.
type ResourcePath struct {
	Group, Version, Resource string
	// Namespace is "" for a list of every namespace (or a cluster-scoped
	// type).
	Namespace string
}

// String is the bundle path.
func (p ResourcePath) String() string {
	g := p.Group
	if g == "" {
		g = coreGroup
	}
	if p.Namespace != "" {
		return ResourcesDir + "/" + g + "/" + p.Version + "/" + p.Resource + "/" + p.Namespace + ".json"
	}
	return ResourcesDir + "/" + g + "/" + p.Version + "/" + p.Resource + ".json"
}

// Key is the resource key the analyzer uses: "<resource>" for the core
// group, "<resource>.<group>" otherwise ("pods", "deployments.apps").
func (p ResourcePath) Key() string {
	if p.Group == "" {
		return p.Resource
	}
	return p.Resource + "." + p.Group
}

// Valid reports whether String names this path and parses back to it:
// every element a path element, the group not spelled "core".
func (p ResourcePath) Valid() bool {
	return (p.Group == "" || element(p.Group) && p.Group != coreGroup) && element(p.Version) && element(p.Resource) &&
		(p.Namespace == "" || element(p.Namespace))
}

// ParseResourcePath parses a ResourcePath; false for any other name.
func ParseResourcePath(name string) (ResourcePath, bool) {
	rest, ok := strings.CutPrefix(name, ResourcesDir+"/")
	if !ok {
		return ResourcePath{}, false
	}
	if rest, ok = strings.CutSuffix(rest, ".json"); !ok {
		return ResourcePath{}, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 && len(parts) != 4 {
		return ResourcePath{}, false
	}
	p := ResourcePath{Group: parts[0], Version: parts[1], Resource: parts[2]}
	if p.Group == coreGroup {
		p.Group = ""
	} else if p.Group == "" {
		return ResourcePath{}, false
	}
	if len(parts) == 4 {
		if p.Namespace = parts[3]; p.Namespace == "" {
			return ResourcePath{}, false
		}
	}
	return p, p.Valid()
}

// previousSuffix marks the log of a container's previous instance.
const previousSuffix = ".previous"

// PodLogPath names one container's log:
// logs/<namespace>/<pod>/<container>[.previous].log.
type PodLogPath struct {
	Namespace, Pod, Container string
	// Previous is the log of the container's previous instance.
	Previous bool
}

// String is the bundle path.
func (p PodLogPath) String() string {
	name := p.Container
	if p.Previous {
		name += previousSuffix
	}
	return LogsDir + "/" + p.Namespace + "/" + p.Pod + "/" + name + ".log"
}

// Valid reports whether String names this path and parses back to it.
// Kubernetes container names are DNS labels: none ends in ".previous".
func (p PodLogPath) Valid() bool {
	return element(p.Namespace) && element(p.Pod) && element(p.Container) && !strings.HasSuffix(p.Container, previousSuffix)
}

// ParsePodLogPath parses a PodLogPath; false for any other name.
func ParsePodLogPath(name string) (PodLogPath, bool) {
	parts, ok := logParts(name)
	if !ok || len(parts) != 3 {
		return PodLogPath{}, false
	}
	p := PodLogPath{Namespace: parts[0], Pod: parts[1], Container: parts[2]}
	if c, ok := strings.CutSuffix(p.Container, previousSuffix); ok {
		p.Container, p.Previous = c, true
	}
	return p, p.Valid()
}

// logFilesDir is where files given with --log NAME=PATH go, under LogsDir.
const logFilesDir = "files"

// FileLogPath names a local log file given to collect with --log
// NAME=PATH: logs/files/<NAME>.log.
type FileLogPath struct {
	Name string
}

// String is the bundle path.
func (p FileLogPath) String() string { return LogsDir + "/" + logFilesDir + "/" + p.Name + ".log" }

// Valid reports whether String names this path and parses back to it.
func (p FileLogPath) Valid() bool { return element(p.Name) }

// ParseFileLogPath parses a FileLogPath; false for any other name.
func ParseFileLogPath(name string) (FileLogPath, bool) {
	parts, ok := logParts(name)
	if !ok || len(parts) != 2 || parts[0] != logFilesDir {
		return FileLogPath{}, false
	}
	p := FileLogPath{Name: parts[1]}
	return p, p.Valid()
}

// logParts splits logs/<a>/.../<z>.log into its elements after LogsDir.
func logParts(name string) ([]string, bool) {
	rest, ok := strings.CutPrefix(name, LogsDir+"/")
	if !ok {
		return nil, false
	}
	if rest, ok = strings.CutSuffix(rest, ".log"); !ok {
		return nil, false
	}
	return strings.Split(rest, "/"), true
}

// TerminatingPath names what remains in one Terminating namespace (a
// NamespaceContent): terminating/<namespace>.json.
type TerminatingPath struct {
	Namespace string
}

// String is the bundle path.
func (p TerminatingPath) String() string { return TerminatingDir + "/" + p.Namespace + ".json" }

// Valid reports whether String names this path and parses back to it.
func (p TerminatingPath) Valid() bool { return element(p.Namespace) }

// ParseTerminatingPath parses a TerminatingPath; false for any other name.
func ParseTerminatingPath(name string) (TerminatingPath, bool) {
	rest, ok := strings.CutPrefix(name, TerminatingDir+"/")
	if !ok {
		return TerminatingPath{}, false
	}
	if rest, ok = strings.CutSuffix(rest, ".json"); !ok {
		return TerminatingPath{}, false
	}
	p := TerminatingPath{Namespace: rest}
	return p, p.Valid()
}

// element reports whether s is one clean path element: not empty, not "."
// or "..", no slash, backslash or NUL.
func element(s string) bool {
	return s != "" && s != "." && s != ".." && !strings.ContainsAny(s, "/\\\x00")
}
