package analyze

import (
	"strings"
	"testing"
	"time"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

func at(s string) *time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return &t
}

// timelineSnapshot holds one object of each dated kind, at known locations.
func timelineSnapshot(now string) *snapshot.Snapshot {
	s := &snapshot.Snapshot{Now: *at(now)}
	ns := &snapshot.Namespace{}
	ns.Name, ns.DeletionTimestamp = "old-project", at("2026-11-23T10:40:00Z")
	ns.Loc = snapshot.Location{Path: "resources/core/v1/namespaces.json", Pointer: "/items/0"}
	ns.Status.Conditions = []snapshot.Condition{{Type: "NamespaceDeletionDiscoveryFailure", Status: "True", Reason: "DiscoveryFailed", LastTransitionTime: at("2026-11-23T10:40:05Z")}}
	api := &snapshot.APIService{}
	api.Name = "v1beta1.metrics.k8s.io"
	api.Loc = snapshot.Location{Path: "resources/apiregistration.k8s.io/v1/apiservices.json", Pointer: "/items/3"}
	api.Status.Conditions = []snapshot.Condition{{Type: "Available", Status: "False", Reason: "MissingEndpoints", LastTransitionTime: at("2026-11-23T10:38:07Z")}}
	lease := &snapshot.Lease{}
	lease.Name, lease.Namespace = "kube-controller-manager", "kube-system"
	lease.Loc = snapshot.Location{Path: "resources/coordination.k8s.io/v1/leases.json", Pointer: "/items/1"}
	tr := int32(5)
	lease.Spec.AcquireTime, lease.Spec.RenewTime, lease.Spec.LeaseTransitions = at("2026-11-23T10:39:00Z"), at("2026-11-23T10:39:30Z"), &tr
	ev := &snapshot.Event{Reason: "FailedBinding", Count: 7, FirstTimestamp: at("2026-11-23T10:41:00Z"), LastTimestamp: at("2026-11-23T17:38:00Z")}
	ev.Name, ev.Namespace = "postgres-data.1", "data"
	ev.InvolvedObject = snapshot.ObjectReference{Kind: "PersistentVolumeClaim", Namespace: "data", Name: "postgres-data"}
	ev.Loc = snapshot.Location{Path: "resources/core/v1/events.json", Pointer: "/items/9"}
	once := &snapshot.Event{Reason: "Started", Count: 1, FirstTimestamp: at("2026-11-23T10:30:00Z"), LastTimestamp: at("2026-11-23T10:30:00Z")}
	once.Loc = snapshot.Location{Path: "resources/core/v1/events.json", Pointer: "/items/10"}
	series := &snapshot.Event{Reason: "BackOff", EventTime: at("2026-11-23T10:42:00.123456Z")}
	series.Series = &struct {
		Count            int32      `json:"count,omitempty"`
		LastObservedTime *time.Time `json:"lastObservedTime,omitempty"`
	}{Count: 12, LastObservedTime: at("2026-11-23T10:50:00Z")}
	series.Loc = snapshot.Location{Path: "resources/core/v1/events.json", Pointer: "/items/11"}
	s.Namespaces, s.APIServices, s.Leases, s.Events = []*snapshot.Namespace{ns}, []*snapshot.APIService{api}, []*snapshot.Lease{lease}, []*snapshot.Event{ev, once, series}
	s.Logs = []*snapshot.Log{{Path: "logs/files/kube-controller-manager.log", Component: "kube-controller-manager", FirstLine: 1, Lines: []string{
		`I1231 23:59:00.000000   1 leaderelection.go:1] "Successfully acquired lease"`,
		`E1231 23:59:30.000000   1 x.go:2] "Error initializing a controller" err="serviceaccounts \"a\" is forbidden"`,
		`E0101 00:00:10.000000   2 x.go:2] "Error initializing a controller" err="serviceaccounts \"b\" is forbidden"`,
		`E0101 00:00:20.000000   3 y.go:9] something else`,
	}}}
	return s
}

func link(kind, ns, name string, evs ...Evidence) Link {
	return Link{Ref: Ref{Kind: ObjectKind(kind), Namespace: ns, Name: name}, Evidence: evs}
}

var (
	evNSDeleted  = Evidence{Path: "resources/core/v1/namespaces.json", Pointer: "/items/0/metadata/deletionTimestamp"}
	evNSCond     = Evidence{Path: "resources/core/v1/namespaces.json", Pointer: "/items/0/status/conditions/0"}
	evAPICond    = Evidence{Path: "resources/apiregistration.k8s.io/v1/apiservices.json", Pointer: "/items/3/status/conditions/0/message"}
	evLease      = Evidence{Path: "resources/coordination.k8s.io/v1/leases.json", Pointer: "/items/1/spec/renewTime"}
	evEvent      = Evidence{Path: "resources/core/v1/events.json", Pointer: "/items/9/message"}
	evEventOnce  = Evidence{Path: "resources/core/v1/events.json", Pointer: "/items/10"}
	evSeries     = Evidence{Path: "resources/core/v1/events.json", Pointer: "/items/11/message"}
	evLogLine3   = Evidence{Path: "logs/files/kube-controller-manager.log", Line: 3, Value: "(quoted)"}
	evLogOther   = Evidence{Path: "logs/files/kube-controller-manager.log", Line: 4}
	evAbsent     = Evidence{Path: "resources/rbac.authorization.k8s.io/v1/clusterroles.json", Value: "ClusterRole x is absent from the collected list"}
	evDiscovery  = Evidence{Path: "discovery/results.json", Pointer: "/3/error"}
	evNoSuchItem = Evidence{Path: "resources/core/v1/namespaces.json", Pointer: "/items/7/metadata/deletionTimestamp"}
)

// line renders a timeline as "time kind/name: what" lines for comparison.
func timelineText(f Finding) string {
	var b strings.Builder
	for _, m := range f.Timeline {
		when := "undated"
		if m.Time != nil {
			when = m.Time.Format(time.RFC3339Nano)
		}
		b.WriteString(when + " " + refName(m.Ref) + ": " + m.What)
		if m.Evidence != nil {
			b.WriteString(" @" + m.Evidence.Path + m.Evidence.Pointer)
			if m.Evidence.Line > 0 {
				b.WriteString(":" + itoa(m.Evidence.Line))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var d []byte
	for ; i > 0; i /= 10 {
		d = append([]byte{byte('0' + i%10)}, d...)
	}
	return string(d)
}

func TestTimelines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		now  string
		// chain is symptom first, as the engine builds it.
		chain    []Link
		want     string
		began    string
		sequence string
		warn     string // substring of the only order warning; "" for none
	}{
		{
			name: "links ordered by time, root first; a condition dates the link it is quoted on",
			now:  "2026-11-23T18:00:00Z",
			chain: []Link{
				link("Namespace", "", "old-project", evNSDeleted),
				link("GroupVersion", "", "metrics.k8s.io/v1beta1", evNSCond),
				link("APIService", "", "v1beta1.metrics.k8s.io", evAPICond),
			},
			want: "2026-11-23T10:38:07Z APIService/v1beta1.metrics.k8s.io: became Available=False (MissingEndpoints) @resources/apiregistration.k8s.io/v1/apiservices.json/items/3/status/conditions/0/lastTransitionTime\n" +
				"2026-11-23T10:40:00Z Namespace/old-project: deletion requested (deletionTimestamp) @resources/core/v1/namespaces.json/items/0/metadata/deletionTimestamp\n" +
				"2026-11-23T10:40:05Z GroupVersion/metrics.k8s.io/v1beta1: became NamespaceDeletionDiscoveryFailure=True (DiscoveryFailed) (Namespace old-project) @resources/core/v1/namespaces.json/items/0/status/conditions/0/lastTransitionTime\n",
			began:    "2026-11-23T10:38:07Z",
			sequence: "2026-11-23 10:38:07 APIService/v1beta1.metrics.k8s.io → 10:40:05 GroupVersion/metrics.k8s.io/v1beta1 → 10:40:00 Namespace/old-project",
		},
		{
			name: "undated links are listed as undated, after the dated ones, and the root's date is not guessed",
			now:  "2026-11-23T18:00:00Z",
			chain: []Link{
				link("Namespace", "", "old-project", evNSDeleted),
				link("GroupVersion", "", "metrics.k8s.io/v1beta1", evDiscovery),
				link("ClusterRole", "", "x", evAbsent, evNoSuchItem),
			},
			want: "2026-11-23T10:40:00Z Namespace/old-project: deletion requested (deletionTimestamp) @resources/core/v1/namespaces.json/items/0/metadata/deletionTimestamp\n" +
				"undated ClusterRole/x: " + Undated + "\n" +
				"undated GroupVersion/metrics.k8s.io/v1beta1: " + Undated + "\n",
			sequence: "undated ClusterRole/x → undated GroupVersion/metrics.k8s.io/v1beta1 → 2026-11-23 10:40:00 Namespace/old-project",
		},
		{
			name: "a klog date long before collection stays in the collection year; a cause dated first is no warning",
			now:  "2026-11-23T18:00:00Z",
			chain: []Link{
				link("GroupVersion", "", "metrics.k8s.io/v1beta1", evNSCond),          // 10:40:05
				link("Component", "", "kube-controller-manager", evLogOther, evLease), // 01-01 in the collection year 2026
			},
			want: "2026-01-01T00:00:20Z Component/kube-controller-manager: logged in kube-controller-manager's log: something else @logs/files/kube-controller-manager.log:4\n" +
				"2026-11-23T10:39:30Z Component/kube-controller-manager: lease kube-system/kube-controller-manager last renewed @resources/coordination.k8s.io/v1/leases.json/items/1/spec/renewTime\n" +
				"2026-11-23T10:40:05Z GroupVersion/metrics.k8s.io/v1beta1: became NamespaceDeletionDiscoveryFailure=True (DiscoveryFailed) (Namespace old-project) @resources/core/v1/namespaces.json/items/0/status/conditions/0/lastTransitionTime\n",
			began:    "2026-01-01T00:00:20Z",
			sequence: "2026-01-01 00:00:20 Component/kube-controller-manager → 2026-11-23 10:40:05 GroupVersion/metrics.k8s.io/v1beta1",
		},
		{
			name: "impossible order is flagged beyond the clock skew",
			now:  "2026-11-23T18:00:00Z",
			chain: []Link{
				link("APIService", "", "v1beta1.metrics.k8s.io", evAPICond), // 10:38:07
				link("Namespace", "", "old-project", evNSCond),              // 10:40:05: the cause shows after its effect
			},
			want: "2026-11-23T10:38:07Z APIService/v1beta1.metrics.k8s.io: became Available=False (MissingEndpoints) @resources/apiregistration.k8s.io/v1/apiservices.json/items/3/status/conditions/0/lastTransitionTime\n" +
				"2026-11-23T10:40:00Z Namespace/old-project: deletion requested (deletionTimestamp) @resources/core/v1/namespaces.json/items/0/metadata/deletionTimestamp\n" +
				"2026-11-23T10:40:05Z Namespace/old-project: became NamespaceDeletionDiscoveryFailure=True (DiscoveryFailed) @resources/core/v1/namespaces.json/items/0/status/conditions/0/lastTransitionTime\n",
			began:    "2026-11-23T10:40:00Z",
			sequence: "2026-11-23 10:40:00 Namespace/old-project → 10:38:07 APIService/v1beta1.metrics.k8s.io",
			warn:     "impossible order: APIService/v1beta1.metrics.k8s.io shows its problem at 2026-11-23T10:38:07Z (became Available=False (MissingEndpoints)), 1m58s before its supposed cause Namespace/old-project shows its own",
		},
		{
			name: "a deletion before its cause is no impossible order (a later cause may block it)",
			now:  "2026-11-23T18:00:00Z",
			chain: []Link{
				link("Namespace", "", "old-project", evNSDeleted), // 10:40:00, context only
				link("Lease", "kube-system", "kube-controller-manager", evLease),
			},
			want: "2026-11-23T10:39:00Z Lease/kube-system/kube-controller-manager: lease kube-system/kube-controller-manager taken by its current holder (leaseTransitions 5) @resources/coordination.k8s.io/v1/leases.json/items/1/spec/acquireTime\n" +
				"2026-11-23T10:39:30Z Lease/kube-system/kube-controller-manager: lease kube-system/kube-controller-manager last renewed @resources/coordination.k8s.io/v1/leases.json/items/1/spec/renewTime\n" +
				"2026-11-23T10:40:00Z Namespace/old-project: deletion requested (deletionTimestamp) @resources/core/v1/namespaces.json/items/0/metadata/deletionTimestamp\n",
			began:    "2026-11-23T10:39:00Z",
			sequence: "2026-11-23 10:39:00 Lease/kube-system/kube-controller-manager → 10:40:00 Namespace/old-project",
		},
		{
			name: "klog year wrap: December lines collected in January are of the year before; like lines give the first and last",
			now:  "2027-01-01T00:05:00Z",
			chain: []Link{
				link("Component", "", "kube-controller-manager", evLogLine3),
			},
			want: "2026-12-31T23:59:30Z Component/kube-controller-manager: first of 2 like lines in kube-controller-manager's log: \"Error initializing a controller\" err=\"serviceaccounts \\\"a\\\" is forbidden\" @logs/files/kube-controller-manager.log:2\n" +
				"2027-01-01T00:00:10Z Component/kube-controller-manager: last of 2 like lines in kube-controller-manager's log: \"Error initializing a controller\" err=\"serviceaccounts \\\"b\\\" is forbidden\" @logs/files/kube-controller-manager.log:3\n",
			began:    "2026-12-31T23:59:30Z",
			sequence: "2026-12-31 23:59:30 Component/kube-controller-manager",
		},
		{
			name:     "klog lines without a collection time are undated (no year to read them in)",
			now:      "0001-01-01T00:00:00Z",
			chain:    []Link{link("Component", "", "kube-controller-manager", evLogLine3)},
			want:     "undated Component/kube-controller-manager: " + Undated + "\n",
			sequence: "undated Component/kube-controller-manager",
		},
		{
			name: "events: first and last seen with their count; a single event once; events.k8s.io series",
			now:  "2026-11-23T18:00:00Z",
			chain: []Link{
				link("PersistentVolumeClaim", "data", "postgres-data", evEvent),
				link("Pod", "kube-system", "x", evEventOnce, evSeries),
			},
			want: "2026-11-23T10:30:00Z Pod/kube-system/x: event Started first seen @resources/core/v1/events.json/items/10/firstTimestamp\n" +
				"2026-11-23T10:41:00Z PersistentVolumeClaim/data/postgres-data: event FailedBinding first seen (7 times) @resources/core/v1/events.json/items/9/firstTimestamp\n" +
				"2026-11-23T10:50:00Z Pod/kube-system/x: event BackOff last seen (12 times) @resources/core/v1/events.json/items/11/series/lastObservedTime\n" +
				"2026-11-23T17:38:00Z PersistentVolumeClaim/data/postgres-data: event FailedBinding last seen (7 times) @resources/core/v1/events.json/items/9/lastTimestamp\n",
			began:    "2026-11-23T10:30:00Z",
			sequence: "2026-11-23 10:30:00 Pod/kube-system/x → 10:41:00 PersistentVolumeClaim/data/postgres-data",
			warn:     "",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fs := []Finding{{Chain: tc.chain}}
			Timelines(timelineSnapshot(tc.now), fs)
			f := fs[0]
			if got := timelineText(f); got != tc.want {
				t.Errorf("timeline:\n%s\nwant:\n%s", got, tc.want)
			}
			began := ""
			if f.Began != nil {
				began = f.Began.Format(time.RFC3339Nano)
			}
			if began != tc.began {
				t.Errorf("began %q, want %q", began, tc.began)
			}
			if f.Sequence != tc.sequence {
				t.Errorf("sequence:\n%s\nwant:\n%s", f.Sequence, tc.sequence)
			}
			switch {
			case tc.warn == "" && len(f.OrderWarnings) > 0:
				t.Errorf("unexpected order warnings %q", f.OrderWarnings)
			case tc.warn != "" && (len(f.OrderWarnings) != 1 || !strings.Contains(f.OrderWarnings[0], tc.warn)):
				t.Errorf("order warnings %q, want one containing %q", f.OrderWarnings, tc.warn)
			}
		})
	}
}

// Within one second, moments dated to the sub-second keep their real order
// among themselves (a lease taken at .167, a delete at .799), while a
// whole-second timestamp keeps the place the causes-first order gave it.
func TestSubSecondOrder(t *testing.T) {
	mk := func(name, when string) entry {
		return entry{m: Moment{Time: at(when), Ref: Ref{Kind: KindComponent, Name: name}}}
	}
	dated := []entry{ // sorted by second, causes first within it
		mk("root-delete", "2026-12-04T18:59:59.799924Z"),
		mk("lease-taken", "2026-12-04T18:59:59.166958Z"),
		mk("namespace-deleted", "2026-12-04T18:59:59Z"),
		mk("log-line", "2026-12-04T18:59:59.500000Z"),
		mk("next-second", "2026-12-04T19:00:00.100000Z"),
		mk("next-whole", "2026-12-04T19:00:00Z"),
	}
	subSecondOrder(dated)
	var got []string
	for _, e := range dated {
		got = append(got, e.m.Name)
	}
	want := "lease-taken log-line namespace-deleted root-delete next-second next-whole"
	if strings.Join(got, " ") != want {
		t.Errorf("order %q, want %q", strings.Join(got, " "), want)
	}
}
