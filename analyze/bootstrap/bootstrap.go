// Package bootstrap knows the RBAC objects kube-apiserver creates at start
// (its "bootstrap policy") for each supported Kubernetes release, compares a
// bundle's RBAC objects with them, and evaluates RBAC offline.
//
// The lists in data/ are generated from the Kubernetes source by
// generate.sh (make bootstrap-rbac); they are never edited by hand.
package bootstrap

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	rbacv1 "k8s.io/api/rbac/v1"
)

// Object kinds, as in the RBAC API.
const (
	KindClusterRole        = "ClusterRole"
	KindClusterRoleBinding = "ClusterRoleBinding"
	KindRole               = "Role"
	KindRoleBinding        = "RoleBinding"
)

// Label and annotation every bootstrap object carries (bootstrappolicy Label and Annotation).
const (
	BootstrapLabel      = "kubernetes.io/bootstrapping"
	BootstrapLabelValue = "rbac-defaults"
	AutoupdateKey       = rbacv1.AutoUpdateAnnotationKey
)

// Ref names one RBAC object.
type Ref struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

// String renders the ref as kubectl names it, e.g.
// "clusterrole.rbac.authorization.k8s.io/system:kube-controller-manager" or
// "kube-system/rolebinding.rbac.authorization.k8s.io/system::leader-locking-kube-controller-manager".
func (r Ref) String() string {
	s := resourceOf(r.Kind) + "." + rbacv1.GroupName + "/" + r.Name
	if r.Namespace != "" {
		s = r.Namespace + "/" + s
	}
	return s
}

func resourceOf(kind string) string {
	switch kind {
	case KindClusterRole:
		return "clusterrole"
	case KindClusterRoleBinding:
		return "clusterrolebinding"
	case KindRole:
		return "role"
	case KindRoleBinding:
		return "rolebinding"
	}
	return kind
}

// Object is one bootstrap role or binding. Roles have Rules (and ClusterRoles
// maybe an AggregationRule); bindings have RoleRef and Subjects.
type Object struct {
	Kind            string                  `json:"kind"`
	Namespace       string                  `json:"namespace,omitempty"`
	Name            string                  `json:"name"`
	Labels          map[string]string       `json:"labels,omitempty"`
	Annotations     map[string]string       `json:"annotations,omitempty"`
	AggregationRule *rbacv1.AggregationRule `json:"aggregationRule,omitempty"`
	RoleRef         *rbacv1.RoleRef         `json:"roleRef,omitempty"`
	Subjects        []rbacv1.Subject        `json:"subjects,omitempty"`
	Rules           []rbacv1.PolicyRule     `json:"rules,omitempty"`
	// FeatureGated is true when kube-apiserver creates the object only
	// while some default-on feature gate is on: a cluster that turned the
	// gate off lacks it for a good reason.
	FeatureGated bool `json:"featureGated,omitempty"`
	// GatedRules is true when some of Rules depend on default-on feature
	// gates; RulesWithoutGates are then the rules with every such gate off.
	GatedRules        bool                `json:"gatedRules,omitempty"`
	RulesWithoutGates []rbacv1.PolicyRule `json:"rulesWithoutGates,omitempty"`
}

// Ref returns the object's name.
func (o Object) Ref() Ref { return Ref{Kind: o.Kind, Namespace: o.Namespace, Name: o.Name} }

// Policy is the bootstrap policy of one Kubernetes release.
type Policy struct {
	// GitVersion is the release the list was generated from, e.g. "v1.37.2".
	GitVersion string `json:"gitVersion"`
	// Source says where in the Kubernetes source the list comes from.
	Source string `json:"source"`
	// Objects are sorted by kind (ClusterRole, ClusterRoleBinding, Role,
	// RoleBinding), namespace and name.
	Objects []Object `json:"objects"`
	// Note is set when the cluster's minor version has no list of its own
	// and the nearest known one was chosen.
	Note string `json:"note,omitempty"`
}

// Get returns the bootstrap object ref names, if there is one.
func (p *Policy) Get(ref Ref) (Object, bool) {
	i := sort.Search(len(p.Objects), func(i int) bool { return !refLess(p.Objects[i].Ref(), ref) })
	if i < len(p.Objects) && p.Objects[i].Ref() == ref {
		return p.Objects[i], true
	}
	return Object{}, false
}

var kindOrder = map[string]int{KindClusterRole: 0, KindClusterRoleBinding: 1, KindRole: 2, KindRoleBinding: 3}

func refLess(a, b Ref) bool {
	if a.Kind != b.Kind {
		return kindOrder[a.Kind] < kindOrder[b.Kind]
	}
	if a.Namespace != b.Namespace {
		return a.Namespace < b.Namespace
	}
	return a.Name < b.Name
}

// AsActual returns the policy's objects as a bundle would hold them, e.g. to
// evaluate what the untouched bootstrap policy allows.
func (p *Policy) AsActual() Actual {
	var a Actual
	for _, o := range p.Objects {
		meta := objectMeta(o)
		switch o.Kind {
		case KindClusterRole:
			a.ClusterRoles = append(a.ClusterRoles, rbacv1.ClusterRole{ObjectMeta: meta, Rules: o.Rules, AggregationRule: o.AggregationRule})
		case KindRole:
			a.Roles = append(a.Roles, rbacv1.Role{ObjectMeta: meta, Rules: o.Rules})
		case KindClusterRoleBinding:
			a.ClusterRoleBindings = append(a.ClusterRoleBindings, rbacv1.ClusterRoleBinding{ObjectMeta: meta, RoleRef: *o.RoleRef, Subjects: o.Subjects})
		case KindRoleBinding:
			a.RoleBindings = append(a.RoleBindings, rbacv1.RoleBinding{ObjectMeta: meta, RoleRef: *o.RoleRef, Subjects: o.Subjects})
		}
	}
	a.materializeAggregation()
	return a
}

//go:embed data/*.json
var dataFS embed.FS

var (
	minorRE = regexp.MustCompile(`^v?1\.(\d+)`)
	fileRE  = regexp.MustCompile(`v1\.(\d+)\.json$`)
)

// Versions returns the minor versions that have a list, ascending.
func Versions() []int {
	entries, _ := fs.Glob(dataFS, "data/v1.*.json")
	var out []int
	for _, e := range entries {
		if m := fileRE.FindStringSubmatch(e); m != nil {
			n, _ := strconv.Atoi(m[1])
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

// For returns the bootstrap policy for a cluster's gitVersion ("v1.37.2",
// "v1.36.1-gke.100", "v1.31.2+k3s1"...). Lists are per minor version (the
// bootstrap policy does not change between patch releases as a rule). When
// the version cannot be read, or its minor version has no list (outside
// the embedded range), it returns Common, what every embedded version
// shares, with Note saying so: never the list of another version, which
// would call the objects that version added "deleted".
func For(gitVersion string) (*Policy, error) {
	want, ok := Minor(gitVersion)
	if !ok {
		p, err := Common()
		if err != nil {
			return nil, err
		}
		// A dump or a must-gather records no version: say so, not `""`.
		what := "Kubernetes version not in the bundle"
		if gitVersion != "" {
			what = fmt.Sprintf("Kubernetes version %q not understood", gitVersion)
		}
		p.Note = what + ": checked only the bootstrap RBAC that " + VersionsText() + " share"
		return p, nil
	}
	for _, k := range Versions() {
		if k == want {
			return load(k)
		}
	}
	p, err := Common()
	if err != nil {
		return nil, err
	}
	p.Note = fmt.Sprintf("no bootstrap RBAC list for Kubernetes 1.%d: checked only what %s share", want, VersionsText())
	return p, nil
}

// UnknownVersionError says that no policy is embedded for a version.
type UnknownVersionError struct {
	// Version is the version asked for, as given.
	Version string
}

func (e *UnknownVersionError) Error() string {
	return fmt.Sprintf("no bootstrap RBAC policy for Kubernetes %q: the embedded versions are %s", e.Version, VersionsText())
}

// exactRE is a version as a person types it: v1.37, 1.37, v1.37.2,
// v1.37.2-gke.100, 1.31.2+k3s1.
var exactRE = regexp.MustCompile(`^v?1\.(\d+)(\.\d+)?([-+][0-9A-Za-z.+-]*)?$`)

// Exact returns the policy of version's minor version ("v1.37", "1.37",
// "v1.37.2", "v1.33.5-gke.1080000"), or an *UnknownVersionError when the
// version cannot be read or has no embedded list. Unlike For it never falls
// back to Common: what it returns is a release's whole bootstrap policy,
// fit to be re-applied.
func Exact(version string) (*Policy, error) {
	m := exactRE.FindStringSubmatch(version)
	if m == nil {
		return nil, &UnknownVersionError{Version: version}
	}
	want, err := strconv.Atoi(m[1])
	if err != nil {
		return nil, &UnknownVersionError{Version: version}
	}
	for _, k := range Versions() {
		if k == want {
			return load(k)
		}
	}
	return nil, &UnknownVersionError{Version: version}
}

// Minor returns the minor version of a gitVersion ("v1.31.2+k3s1" -> 31),
// false if it is not a Kubernetes 1.x version.
func Minor(gitVersion string) (int, bool) {
	m := minorRE.FindStringSubmatch(gitVersion)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// VersionsText names the embedded versions, e.g. "v1.24 to v1.37" (runs of
// consecutive minor versions joined by ", " if there are gaps).
func VersionsText() string {
	k := Versions()
	if len(k) == 0 {
		return "no embedded versions"
	}
	var runs []string
	for i := 0; i < len(k); {
		j := i
		for j+1 < len(k) && k[j+1] == k[j]+1 {
			j++
		}
		if j == i {
			runs = append(runs, fmt.Sprintf("v1.%d", k[i]))
		} else {
			runs = append(runs, fmt.Sprintf("v1.%d to v1.%d", k[i], k[j]))
		}
		i = j + 1
	}
	return strings.Join(runs, ", ")
}

// loaded caches parsed policies by minor version; they are read-only once
// parsed.
var loaded sync.Map // int -> *Policy

// load returns a copy of the cached policy of a minor version (its Objects
// are shared: callers must not modify them).
func load(minor int) (*Policy, error) {
	if v, ok := loaded.Load(minor); ok {
		p := *v.(*Policy)
		return &p, nil
	}
	p, err := parse(minor)
	if err != nil {
		return nil, err
	}
	loaded.Store(minor, p)
	cp := *p
	return &cp, nil
}

func parse(minor int) (*Policy, error) {
	name := fmt.Sprintf("data/v1.%d.json", minor)
	b, err := dataFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("bootstrap policy: %w", err)
	}
	var p Policy
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("bootstrap policy %s: %w", name, err)
	}
	sort.SliceStable(p.Objects, func(i, j int) bool { return refLess(p.Objects[i].Ref(), p.Objects[j].Ref()) })
	return &p, nil
}
