package analyze

import (
	"fmt"
	"strconv"
	"time"

	"github.com/nsbundle/nsbundle/analyze/snapshot"
)

// stamper collects the stamps of one object's fields.
type stamper struct{ out []stamp }

// add dates field (under loc) when t is set.
func (s *stamper) add(t *time.Time, loc snapshot.Location, field, what string, onset bool) {
	if t == nil || t.IsZero() {
		return
	}
	s.out = append(s.out, stamp{t: t.UTC(), what: what, onset: onset, ev: Evidence{Path: loc.Path, Pointer: loc.Pointer + "/" + field, Value: field + " " + t.UTC().Format(time.RFC3339)}})
}

// objectStamps dates evidence that points into an object. A field the
// pointer names is dated whatever the link; the object's own dates
// (deletion, containers) only when the object is the link's.
func (d *dater) objectStamps(link Ref, e Evidence) []stamp {
	o, sub := d.find(e)
	if o == nil {
		return nil
	}
	var st stamper
	meta, kind, oloc, conds := objectInfo(o)
	own := meta != nil && link.Kind.String() == kind && link.Name == meta.Name && link.Namespace == meta.Namespace
	label := ""
	if !own && meta != nil {
		label = " (" + kind + " " + key(meta) + ")"
	}
	if meta != nil && (own || under(sub, "metadata", "deletionTimestamp")) {
		st.add(meta.DeletionTimestamp, oloc.At("metadata"), "deletionTimestamp", "deletion requested (deletionTimestamp)"+label, false)
	}
	st.condition(conds, sub, oloc, label)
	switch v := o.(type) {
	case *snapshot.Lease:
		st.lease(v)
	case *snapshot.Event:
		st.event(v, link)
	case *snapshot.Pod:
		st.containers(v, sub, own, label)
	}
	return st.out
}

// condition dates the condition the pointer names (status/conditions/N).
func (s *stamper) condition(conds []snapshot.Condition, sub []string, oloc snapshot.Location, label string) {
	if conds == nil || !under(sub, "status", "conditions") || len(sub) < 3 {
		return
	}
	i, err := strconv.Atoi(sub[2])
	if err != nil || i < 0 || i >= len(conds) {
		return
	}
	c := conds[i]
	loc := oloc.At("status", "conditions", sub[2])
	state := c.Type + "=" + c.Status
	if c.Reason != "" {
		state += " (" + c.Reason + ")"
	}
	s.add(c.LastTransitionTime, loc, "lastTransitionTime", "became "+state+label, true)
	s.add(c.LastHeartbeatTime, loc, "lastHeartbeatTime", "last heartbeat, "+state+label, true)
}

// lease dates a lease's acquisition and last renewal.
func (s *stamper) lease(v *snapshot.Lease) {
	name := "lease " + key(&v.Meta)
	tr := ""
	if v.Spec.LeaseTransitions != nil {
		tr = fmt.Sprintf(" (leaseTransitions %d)", *v.Spec.LeaseTransitions)
	}
	s.add(v.Spec.AcquireTime, v.Loc.At("spec"), "acquireTime", name+" taken by its current holder"+tr, false)
	s.add(v.Spec.RenewTime, v.Loc.At("spec"), "renewTime", name+" last renewed", false)
}

// event dates an event's first and last occurrence (eventTime and series
// for events.k8s.io-style events), with its count.
func (s *stamper) event(v *snapshot.Event, link Ref) {
	what := "event " + v.Reason
	if v.InvolvedObject.Name != "" && !(link.Kind.String() == v.InvolvedObject.Kind && link.Name == v.InvolvedObject.Name) {
		what += " on " + v.InvolvedObject.Kind + " " + v.InvolvedObject.Name
	}
	count := v.Count
	first, firstField := v.FirstTimestamp, "firstTimestamp"
	if first == nil {
		first, firstField = v.EventTime, "eventTime"
	}
	last, lastLoc, lastField := v.LastTimestamp, v.Loc, "lastTimestamp"
	if v.Series != nil {
		count = max(count, v.Series.Count)
		if v.Series.LastObservedTime != nil {
			last, lastLoc, lastField = v.Series.LastObservedTime, v.Loc.At("series"), "lastObservedTime"
		}
	}
	if first != nil && last != nil && first.Equal(*last) {
		last = nil
	}
	times := ""
	if count > 1 {
		times = fmt.Sprintf(" (%d times)", count)
	}
	s.add(first, v.Loc, firstField, what+" first seen"+times, true)
	s.add(last, lastLoc, lastField, what+" last seen"+times, false)
}

// containers dates a pod's container starts and exits: all of them for
// the link's own pod, else the one the pointer names.
func (s *stamper) containers(v *snapshot.Pod, sub []string, own bool, label string) {
	for i, cs := range v.Status.ContainerStatuses {
		if !own && !under(sub, "status", "containerStatuses", strconv.Itoa(i)) {
			continue
		}
		loc := v.Loc.At("status", "containerStatuses", strconv.Itoa(i))
		cn := "container " + cs.Name + label
		if r := cs.State.Running; r != nil {
			s.add(r.StartedAt, loc.At("state", "running"), "startedAt", cn+" started (running)", false)
		}
		if t := cs.State.Terminated; t != nil {
			s.add(t.StartedAt, loc.At("state", "terminated"), "startedAt", cn+" started", false)
			s.add(t.FinishedAt, loc.At("state", "terminated"), "finishedAt", fmt.Sprintf("%s exited (code %d)", cn, t.ExitCode), true)
		}
		if t := cs.LastState.Terminated; t != nil {
			s.add(t.StartedAt, loc.At("lastState", "terminated"), "startedAt", cn+" started (previous run)", false)
			s.add(t.FinishedAt, loc.At("lastState", "terminated"), "finishedAt", fmt.Sprintf("%s exited (previous run, code %d)", cn, t.ExitCode), true)
		}
	}
}

// under reports whether sub starts with prefix.
func under(sub []string, prefix ...string) bool {
	if len(sub) < len(prefix) {
		return false
	}
	for i, p := range prefix {
		if sub[i] != p {
			return false
		}
	}
	return true
}

func key(m *snapshot.Meta) string {
	if m.Namespace == "" {
		return m.Name
	}
	return m.Namespace + "/" + m.Name
}

// objectInfo returns an object's metadata, kind, location and
// status.conditions (nil when it has none).
func objectInfo(o any) (*snapshot.Meta, string, snapshot.Location, []snapshot.Condition) {
	switch v := o.(type) {
	case *snapshot.Namespace:
		return &v.Meta, "Namespace", v.Loc, v.Status.Conditions
	case *snapshot.APIService:
		return &v.Meta, "APIService", v.Loc, v.Status.Conditions
	case *snapshot.Pod:
		return &v.Meta, "Pod", v.Loc, v.Status.Conditions
	case *snapshot.Node:
		return &v.Meta, "Node", v.Loc, v.Status.Conditions
	case *snapshot.CustomResourceDefinition:
		return &v.Meta, "CustomResourceDefinition", v.Loc, v.Status.Conditions
	case *snapshot.Workload:
		return &v.Meta, v.Kind, v.Loc, v.Status.Conditions
	case *snapshot.Lease:
		return &v.Meta, "Lease", v.Loc, nil
	case *snapshot.Event:
		return &v.Meta, "Event", v.Loc, nil
	case *snapshot.PersistentVolumeClaim:
		return &v.Meta, "PersistentVolumeClaim", v.Loc, nil
	case *snapshot.Service:
		return &v.Meta, "Service", v.Loc, nil
	case *snapshot.WebhookConfiguration:
		return &v.Meta, v.Kind, v.Loc, nil
	}
	return nil, "", snapshot.Location{}, nil
}
